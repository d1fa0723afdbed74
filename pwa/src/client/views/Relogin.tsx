import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n';
import { mapLoginError } from '../auth';
import { useApp } from '../context';
import { navigate } from '../router';
import { Field } from './common';

export function Relogin() {
  const app = useApp();
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    setError('');
    try {
      await app.relogin(password);
      history.back();
    } catch (err) {
      const e = mapLoginError(err);
      setError(
        e.reason === 'server_error'
          ? t('login.server_error', { status: e.status ? `HTTP ${e.status}` : '?' })
          : t(`login.${e.reason}`),
      );
    }
  }
  return (
    <section aria-labelledby="relogin-h">
      <h1 id="relogin-h">{t('status.relogin')}</h1>
      <p>{t('status.auth_needed')}</p>
      <form onSubmit={submit}>
        <Field id="relogin-password" label={t('login.password')}>
          <input
            id="relogin-password"
            data-testid="relogin-password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <p class="error" role="alert">
          {error}
        </p>
        <button type="submit" class="primary" data-testid="relogin-submit">
          {t('login.submit')}
        </button>{' '}
        <button type="button" onClick={() => navigate('/')}>
          {t('common.back')}
        </button>
      </form>
    </section>
  );
}
