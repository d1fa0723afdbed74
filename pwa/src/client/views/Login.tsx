import { useEffect, useState } from 'preact/hooks';
import { t, type Lang } from '../../shared/i18n';
import { LoginError, type RevokedNotice, type Session } from '../auth';
import { authService } from '../app';
import { LangSwitch } from './common';

export function Login({ onSession }: { lang: Lang; onSession: (s: Session) => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [revoked, setRevoked] = useState<RevokedNotice | null>(null);

  useEffect(() => {
    void authService.revokedNotice().then(setRevoked);
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const session = await authService.login(username.trim(), password);
      setRevoked(null);
      await onSession(session);
    } catch (err) {
      const reason = err instanceof LoginError ? err.reason : 'server_error';
      setError(t(`login.${reason}`));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="login">
      <h1>{t('login.title')}</h1>
      {revoked && (
        <div class="alert alert-danger" role="alert" data-testid="revoked-message">
          <h2>{t('login.revoked_title')}</h2>
          <p>{t('login.revoked')}</p>
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="login-username">{t('login.username')}</label>
          <input
            id="login-username"
            data-testid="login-username"
            autocomplete="username"
            autocapitalize="none"
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            data-testid="login-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <p class="error" role="alert" data-testid="login-error">
          {error}
        </p>
        <button type="submit" class="primary" data-testid="login-submit" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
      <p class="hint">{t('login.offline_note')}</p>
      <LangSwitch />
    </main>
  );
}
