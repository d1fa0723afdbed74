import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n';
import type { PinLock } from '../auth';
import { PinField } from './common';

export function PinUnlock(props: {
  pin: PinLock;
  onUnlock: () => void;
  onPasswordNeeded: () => void;
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState('');

  async function submit(e: Event) {
    e.preventDefault();
    const outcome = await props.pin.check(value);
    setValue('');
    if (outcome === 'ok') props.onUnlock();
    else if (outcome === 'wrong') setError(t('pin.wrong', { n: props.pin.triesLeft }));
    else props.onPasswordNeeded();
  }

  return (
    <main id="main" class="login">
      <h1>{t('pin.title')}</h1>
      <form onSubmit={submit}>
        <PinField id="pin-unlock" testid="pin-unlock-input" value={value} onValue={setValue} />
        <p class="error" role="alert" data-testid="pin-error">
          {error}
        </p>
        <button type="submit" class="primary" data-testid="pin-unlock-submit">
          {t('pin.submit')}
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
