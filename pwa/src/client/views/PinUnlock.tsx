// Reopening the vault with the PIN after a reload, a restart or a lock: offline, and back on
// the screen the address names (drafts are in the vault).
import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n';
import type { Session } from '../auth';
import type { PinOutcome } from '../vault/keyring';
import { PinField } from './common';

type Unlocked = Exclude<PinOutcome, { kind: 'ok' }> | { kind: 'ok'; session: Session };

export function PinUnlock(props: {
  username: string;
  unlock: (pin: string) => Promise<Unlocked>;
  onUnlock: (session: Session) => void;
  onPasswordNeeded: () => void;
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const outcome = await props.unlock(value).finally(() => setBusy(false));
    setValue('');
    if (outcome.kind === 'ok') props.onUnlock(outcome.session);
    else if (outcome.kind === 'wrong') setError(t('pin.wrong', { n: outcome.triesLeft }));
    else props.onPasswordNeeded();
  }

  return (
    <main id="main" class="login">
      <h1>{t('pin.title')}</h1>
      <p data-testid="pin-user">{t('vault.pin_for', { username: props.username })}</p>
      <form onSubmit={submit}>
        <PinField id="pin-unlock" testid="pin-unlock-input" value={value} onValue={setValue} />
        <p class="error" role="alert" data-testid="pin-error">
          {error}
        </p>
        <button type="submit" class="primary" data-testid="pin-unlock-submit" disabled={busy}>
          {busy ? t('login.busy') : t('pin.submit')}
        </button>
      </form>
      <button
        type="button"
        class="link"
        data-testid="pin-use-password"
        onClick={props.onPasswordNeeded}
      >
        {t('pin.use_password')}
      </button>
    </main>
  );
}
