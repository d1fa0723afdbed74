// The login form. What is typed stays in this component's state: nothing around it (service
// worker install, language switch, a revoked notice arriving) resets it.
import type { InputHTMLAttributes } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, type Lang } from '../../shared/i18n';
import { LoginError, type RevokedNotice, type Session } from '../auth';
import { useLogin } from '../context';
import { describe, Field, LangSwitch } from './common';
import { BackupButton } from './VaultBackup';

type LoginField = 'username' | 'password';
const FIELDS: readonly LoginField[] = ['username', 'password'];
/** What each input asks of the browser (password managers, keyboards). */
const INPUTS: Record<LoginField, InputHTMLAttributes> = {
  username: { autocomplete: 'username', autocapitalize: 'none' },
  password: { type: 'password', autocomplete: 'current-password' },
};

/** Field errors of a failed login: the server's own words under the fields it named. */
function serverFieldErrors(err: LoginError): Partial<Record<LoginField, string>> {
  const out: Partial<Record<LoginField, string>> = {};
  for (const f of FIELDS) if (err.fields[f]?.length) out[f] = err.fields[f].join(' ');
  return out;
}

function failureText(err: unknown): string {
  if (!(err instanceof LoginError)) return t('login.server_error', { status: '?' });
  if (err.reason === 'server_error') {
    return t('login.server_error', { status: err.status ? `HTTP ${err.status}` : '?' });
  }
  if (err.reason === 'invalid') {
    const other = Object.entries(err.fields)
      .filter(([f]) => !(FIELDS as readonly string[]).includes(f))
      .map(([f, msgs]) => `${f}: ${msgs.join(' ')}`);
    return [t('login.invalid'), ...other].join(' ');
  }
  if (err.triesLeft !== null) return t('vault.password_wrong_offline', { n: err.triesLeft });
  return t(`login.${err.reason}`);
}

export function Login({ onSession }: { lang: Lang; onSession: (s: Session) => Promise<void> }) {
  const [values, setValues] = useState<Record<LoginField, string>>({ username: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<LoginField, string>>>({});
  const [revoked, setRevoked] = useState<RevokedNotice | null>(null);
  const auth = useLogin();

  useEffect(() => {
    void auth.revokedNotice().then(setRevoked);
  }, [auth]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const { username, password } = values;
    const missing: Partial<Record<LoginField, string>> = {};
    if (!username.trim()) missing.username = t('err.required');
    if (!password) missing.password = t('err.required');
    setFieldErrors(missing);
    if (Object.keys(missing).length) {
      setError(t('login.invalid'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      const session = await auth.login(username.trim(), password);
      setRevoked(null);
      await onSession(session);
    } catch (err) {
      setFieldErrors(err instanceof LoginError ? serverFieldErrors(err) : {});
      setError(failureText(err));
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (f: LoginField): string[] | undefined =>
    fieldErrors[f] ? [fieldErrors[f]] : undefined;

  return (
    <main id="main" class="login">
      <h1>{t('login.title')}</h1>
      {revoked && (
        <div class="alert alert-danger" role="alert" data-testid="revoked-message">
          <h2>
            {t(revoked.kind === 'account' ? 'login.deactivated_title' : 'login.revoked_title')}
          </h2>
          <p>{t(revoked.kind === 'account' ? 'login.deactivated' : 'login.revoked')}</p>
          {revoked.reason && (
            <p data-testid="revoked-reason">
              {t('fieldfit.revoked_reason', { reason: revoked.reason })}
            </p>
          )}
        </div>
      )}
      <form onSubmit={submit} noValidate>
        {FIELDS.map((f) => (
          <Field key={f} id={`login-${f}`} label={t(`login.${f}`)} messages={fieldError(f)}>
            <input
              id={`login-${f}`}
              data-testid={`login-${f}`}
              {...INPUTS[f]}
              required
              value={values[f]}
              onInput={(e) => {
                const value = e.currentTarget.value;
                setValues((v) => ({ ...v, [f]: value }));
              }}
              {...describe(`login-${f}`, fieldError(f))}
            />
          </Field>
        ))}
        <p class="error" role="alert" data-testid="login-error">
          {error}
        </p>
        <button type="submit" class="primary" data-testid="login-submit" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
      {/* A revoked device keeps nothing to unlock offline: the note would promise too much. */}
      {!revoked && <p class="hint">{t('login.offline_note')}</p>}
      <BackupButton backup={auth.sealedBackup} />
      <LangSwitch />
    </main>
  );
}
