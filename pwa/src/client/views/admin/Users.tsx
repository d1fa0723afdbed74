// Users: the list, creating one, changing one, deactivating / activating, resetting a password.
import { useState } from 'preact/hooks';
import { label, t } from '../../../shared/i18n';
import { useApp } from '../../context';
import type { AdminUser, Facility } from '../../staff-api';
import { HttpError } from '../../api';
import { problemFieldErrors } from '../../staff-api';
import { allPages, useFacilities } from '../staff/facilities';
import { ErrorBox, Loaded, useRemote, useStaffApi } from '../staff/remote';
import { AdminTabs } from './tabs';
import { UserForm } from './UserForm';

export function Users() {
  const api = useStaffApi();
  const { notify } = useApp();
  const facilities = useFacilities();
  const users = useRemote(() => allPages((q) => api.users(q)), []);
  const [creating, setCreating] = useState(false);
  return (
    <section aria-labelledby="us-h">
      <AdminTabs current="/admin/users" />
      <div class="row-between">
        <h1 id="us-h">{t('users.title')}</h1>
        <button
          type="button"
          class="primary"
          data-testid="user-new"
          aria-expanded={creating}
          onClick={() => setCreating(!creating)}
        >
          {t('users.new')}
        </button>
      </div>
      {creating && (
        <section aria-labelledby="us-new-h" class="panel">
          <h2 id="us-new-h">{t('users.new')}</h2>
          <UserForm
            facilities={facilities ?? []}
            onSaved={(u) => {
              setCreating(false);
              notify(t('users.created', { name: u.username }));
              users.reload();
            }}
            onCancel={() => setCreating(false)}
          />
        </section>
      )}
      <Loaded remote={users}>
        {(list) => (
          <ul class="list" data-testid="user-list">
            {list.map((u) => (
              <UserRow key={u.id} user={u} facilities={facilities ?? []} onChanged={users.reload} />
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}

function UserRow(props: { user: AdminUser; facilities: Facility[]; onChanged: () => void }) {
  const { user: u, facilities } = props;
  const api = useStaffApi();
  const { notify, user: me } = useApp();
  const [mode, setMode] = useState<'view' | 'edit' | 'password'>('view');
  /** A button's handler that opens its form, or closes it when it is open. */
  const toggle = (form: 'edit' | 'password') => () => setMode(mode === form ? 'view' : form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const codes = u.facility_ids
    .map((id) => facilities.find((f) => f.id === id)?.code ?? id.slice(0, 8))
    .join(', ');

  async function setActive(active: boolean) {
    setBusy(true);
    setError(null);
    try {
      await api.updateUser(u.id, { active });
      notify(t(active ? 'users.activated' : 'users.deactivated', { name: u.username }));
      props.onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li data-testid="user-row" data-username={u.username} class={u.active ? '' : 'inactive'}>
      <div class="row-between">
        <div>
          <strong>{u.display_name}</strong> <code>{u.username}</code>
          <p class="meta">
            {label('role', u.role)} ·{' '}
            {u.role === 'admin' ? t('users.all_facilities') : codes || t('common.none')} ·{' '}
            <span data-testid="user-active">
              {u.active ? t('users.active') : t('users.inactive')}
            </span>
          </p>
        </div>
        <div class="buttons compact">
          <button type="button" data-testid="user-edit" onClick={toggle('edit')}>
            {t('users.edit')}
          </button>
          <button type="button" data-testid="user-reset" onClick={toggle('password')}>
            {t('users.reset_password')}
          </button>
          {u.id !== me.id && (
            <button
              type="button"
              data-testid={u.active ? 'user-deactivate' : 'user-activate'}
              disabled={busy}
              onClick={() => void setActive(!u.active)}
            >
              {u.active ? t('users.deactivate') : t('users.activate')}
            </button>
          )}
        </div>
      </div>
      <ErrorBox error={error} testid="user-row-error" onRetry={() => void setActive(!u.active)} />
      {mode === 'edit' && (
        <UserForm
          user={u}
          facilities={facilities}
          onSaved={() => {
            setMode('view');
            notify(t('users.saved', { name: u.username }));
            props.onChanged();
          }}
          onCancel={() => setMode('view')}
        />
      )}
      {mode === 'password' && <PasswordForm user={u} onDone={() => setMode('view')} />}
    </li>
  );
}

/** A new password for a user (never kept as a draft: it is a secret). */
function PasswordForm({ user, onDone }: { user: AdminUser; onDone: () => void }) {
  const api = useStaffApi();
  const { notify } = useApp();
  const [password, setPassword] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = `pw-${user.id}`;
  async function submit(e: Event) {
    e.preventDefault();
    if (password.length < 10) {
      setInvalid(t('users.password_rule'));
      return;
    }
    setBusy(true);
    setError(null);
    setInvalid(null);
    try {
      await api.resetPassword(user.id, password);
      setPassword('');
      notify(t('users.password_set', { name: user.username }));
      onDone();
    } catch (err) {
      if (err instanceof HttpError && err.status === 422) {
        setInvalid(problemFieldErrors(err.problem)['password']?.join(' ') ?? null);
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate data-testid="password-form">
      <div class={invalid ? 'field invalid' : 'field'}>
        <label for={id}>{t('users.new_password', { name: user.username })}</label>
        <input
          id={id}
          type="password"
          autocomplete="new-password"
          data-testid="password-new"
          value={password}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={`${id}-hint`}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <small id={`${id}-hint`}>{invalid ?? t('users.password_rule')}</small>
      </div>
      <ErrorBox
        error={error}
        testid="password-error"
        onRetry={() => void submit(new Event('submit'))}
      />
      <div class="buttons">
        <button type="submit" class="primary" data-testid="password-save" disabled={busy}>
          {t('users.set_password')}
        </button>
        <button type="button" onClick={onDone}>
          {t('staff.cancel')}
        </button>
      </div>
    </form>
  );
}
