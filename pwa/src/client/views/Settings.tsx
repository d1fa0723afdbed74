import { useState } from 'preact/hooks';
import { label, t } from '../../shared/i18n';
import { useApp } from '../context';
import { LangSwitch } from './common';

export function Settings() {
  const app = useApp();
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState('');
  async function savePin(e: Event) {
    e.preventDefault();
    if (!/^\d{4,8}$/.test(pin)) return setMessage(t('pin.invalid'));
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
      <form onSubmit={savePin}>
        <h2>{t('pin.set_title')}</h2>
        <p id="pin-help">{t('pin.set_help')}</p>
        <div class="field">
          <label for="pin-new">{t('pin.label')}</label>
          <input
            id="pin-new"
            data-testid="pin-input"
            type="password"
            inputMode="numeric"
            autocomplete="off"
            aria-describedby="pin-help"
            value={pin}
            onInput={(e) => setPin(e.currentTarget.value)}
          />
        </div>
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
