// Right after an online login without a PIN: the PIN that reopens the app after a reload.
import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n';
import { validPin } from '../auth';
import { PinField } from './common';

export function PinSetup(props: { save: (pin: string) => Promise<void>; onDone: () => void }) {
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!validPin(pin)) return setError(t('pin.invalid'));
    if (pin !== again) return setError(t('vault.pin_mismatch'));
    setBusy(true);
    try {
      await props.save(pin);
      props.onDone();
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="login" data-testid="pin-setup">
      <h1>{t('pin.set_title')}</h1>
      <p id="pin-setup-help">{t('vault.pin_setup_help')}</p>
      <form onSubmit={submit}>
        <PinField
          id="pin-setup-new"
          testid="pin-setup-input"
          describedBy="pin-setup-help"
          value={pin}
          onValue={setPin}
        />
        <PinField id="pin-setup-again" testid="pin-setup-again" value={again} onValue={setAgain} />
        <p class="error" role="alert" data-testid="pin-setup-error">
          {error}
        </p>
        <button type="submit" class="primary" data-testid="pin-setup-submit" disabled={busy}>
          {busy ? t('login.busy') : t('pin.set_submit')}
        </button>
      </form>
      <button type="button" class="link" data-testid="pin-setup-skip" onClick={props.onDone}>
        {t('vault.pin_later')}
      </button>
    </main>
  );
}
