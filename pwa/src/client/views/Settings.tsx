import { useState } from 'preact/hooks';
import { label, t } from '../../shared/i18n';
import { validPin } from '../auth';
import { useApp } from '../context';
import { LangSwitch, PinField } from './common';
import { BackupButton } from './VaultBackup';

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
      <LangSwitch />
      <BackupButton backup={app.backup} />
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
