import { useState } from 'preact/hooks';
import { label, t } from '../../shared/i18n';
import { requestJson } from '../api';
import { authorized } from '../authorized';
import { validPin } from '../auth';
import { useApp } from '../context';
import { Field, LangSwitch, PinField } from './common';
import { BackupButton } from './VaultBackup';

/** The name the user gives this device ("Tablet Blok A"): saved on the server, for admins. */
function DeviceLabel() {
  const app = useApp();
  const [text, setText] = useState('');
  const [message, setMessage] = useState('');
  async function save(e: Event) {
    e.preventDefault();
    try {
      await authorized(app.auth, (token) =>
        requestJson(fetch, 'PUT', '/api/v1/auth/device', { label: text }, token),
      );
      setMessage(t('fieldfit.device.label_saved'));
    } catch {
      setMessage(t('fieldfit.device.label_offline'));
    }
  }
  return (
    <form onSubmit={save}>
      <Field
        id="device-label"
        label={t('fieldfit.device.label')}
        hint={t('fieldfit.device.label_hint')}
      >
        <input
          id="device-label"
          data-testid="device-label"
          maxLength={60}
          autocomplete="off"
          aria-describedby="device-label-hint"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </Field>
      <p role="status" data-testid="device-label-message">
        {message}
      </p>
      <button type="submit" data-testid="device-label-save">
        {t('fieldfit.device.label_save')}
      </button>
    </form>
  );
}

export function Settings() {
  const app = useApp();
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState('');
  async function savePin(e: Event) {
    e.preventDefault();
    if (!validPin(pin)) return setMessage(t('pin.invalid'));
    await app.pin.set(pin);
    setPin('');
    setMessage(t('pin.saved'));
  }
  return (
    <section aria-labelledby="settings-h">
      <h1 id="settings-h">{t('settings.title')}</h1>
      <p data-testid="settings-user">
        {t('settings.user', { name: app.user.display_name, role: label('role', app.user.role) })}
      </p>
      <p data-testid="device-id">{t('settings.device', { id: app.deviceId })}</p>
      <DeviceLabel />
      <LangSwitch />
      <BackupButton backup={app.backup} onSaved={() => app.audit('export')} />
      <form onSubmit={savePin}>
        <h2>{t('pin.set_title')}</h2>
        <p id="pin-help">{t('pin.set_help')}</p>
        <PinField
          id="pin-new"
          testid="pin-input"
          describedBy="pin-help"
          value={pin}
          onValue={setPin}
        />
        <p role="status" data-testid="pin-message">
          {message}
        </p>
        <button type="submit" data-testid="pin-save">
          {t('pin.set_submit')}
        </button>
      </form>
    </section>
  );
}
