// Create a user, or change one's name, role and facilities. Everything but the password is kept
// as a draft until the server accepted it.
import { useState } from 'preact/hooks';
import { t } from '../../../shared/i18n';
import type { Role } from '../../../shared/types';
import { HttpError } from '../../api';
import { problemFieldErrors, type AdminUser, type Facility } from '../../staff-api';
import { CodeOptions } from '../common';
import { useDraft } from '../staff/draft';
import { ErrorBox, useStaffApi } from '../staff/remote';
import { PASSWORD_MIN_LENGTH, ROLES as ROLE_CODES } from '../../../shared/rules.generated';
import { passwordProblems } from './password-policy';

export const ROLES: readonly Role[] = ROLE_CODES;

interface UserDraft {
  username: string;
  display_name: string;
  role: Role;
  facility_ids: string[];
}

export function UserForm(props: {
  user?: AdminUser;
  facilities: Facility[];
  onSaved: (u: AdminUser) => void;
  onCancel?: () => void;
}) {
  const api = useStaffApi();
  const editing = props.user;
  const prefix = editing ? `user-${editing.id}` : 'user-new';
  const blank: UserDraft = editing
    ? {
        username: editing.username,
        display_name: editing.display_name,
        role: editing.role,
        facility_ids: editing.facility_ids,
      }
    : { username: '', display_name: '', role: 'counselor', facility_ids: [] };
  const [draft, setDraft, clearDraft, restored] = useDraft<UserDraft>(prefix, blank);
  const [password, setPassword] = useState('');
  const [filter, setFilter] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<UserDraft>) => setDraft({ ...draft, ...patch });

  async function submit(e: Event) {
    e.preventDefault();
    const local: Record<string, string[]> = {};
    if (!editing && !/^[A-Za-z0-9._-]{3,60}$/.test(draft.username)) {
      local['username'] = [t('users.username_rule')];
    }
    if (!draft.display_name.trim()) local['display_name'] = [t('err.required')];
    if (!editing) {
      const problems = await passwordProblems(password, [draft.username, draft.display_name]);
      if (problems.length) local['password'] = problems;
    }
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    setError(null);
    try {
      const facility_ids = draft.role === 'admin' ? [] : draft.facility_ids;
      const saved = editing
        ? await api.updateUser(editing.id, {
            display_name: draft.display_name.trim(),
            role: draft.role,
            facility_ids,
          })
        : await api.createUser({
            username: draft.username,
            display_name: draft.display_name.trim(),
            role: draft.role,
            password,
            facility_ids,
          });
      await clearDraft();
      setPassword('');
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof HttpError && (err.status === 422 || err.status === 400)) {
        setErrors(problemFieldErrors(err.problem));
      }
      if (err instanceof HttpError && err.status === 409) {
        setErrors({ username: [t('users.username_taken')] });
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const shown = props.facilities.filter((f) =>
    `${f.code} ${f.name}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  const fieldError = (name: string) =>
    errors[name] ? (
      <p class="error" id={`${prefix}-${name}-error`} data-testid={`${prefix}-${name}-error`}>
        {errors[name].join(' ')}
      </p>
    ) : null;
  const aria = (name: string) =>
    errors[name] ? { 'aria-invalid': true, 'aria-describedby': `${prefix}-${name}-error` } : {};
  return (
    <form class="user-form" onSubmit={submit} noValidate data-testid={`${prefix}-form`}>
      {restored && <p class="alert alert-info">{t('staff.draft_restored')}</p>}
      <div class="row">
        <div class="field">
          <label for={`${prefix}-username`}>{t('login.username')}</label>
          <input
            id={`${prefix}-username`}
            data-testid="user-username"
            autocomplete="off"
            autocapitalize="none"
            disabled={!!editing}
            value={draft.username}
            onInput={(e) => set({ username: e.currentTarget.value })}
            {...aria('username')}
          />
          {fieldError('username')}
        </div>
        <div class="field">
          <label for={`${prefix}-name`}>{t('users.display_name')}</label>
          <input
            id={`${prefix}-name`}
            data-testid="user-display-name"
            value={draft.display_name}
            onInput={(e) => set({ display_name: e.currentTarget.value })}
            {...aria('display_name')}
          />
          {fieldError('display_name')}
        </div>
        <div class="field">
          <label for={`${prefix}-role`}>{t('users.role')}</label>
          <select
            id={`${prefix}-role`}
            data-testid="user-role"
            value={draft.role}
            onChange={(e) => set({ role: e.currentTarget.value as Role })}
          >
            <CodeOptions codes={ROLES} group="role" />
          </select>
        </div>
        {!editing && (
          <div class="field">
            <label for={`${prefix}-password`}>{t('login.password')}</label>
            <input
              id={`${prefix}-password`}
              data-testid="user-password"
              type="password"
              autocomplete="new-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              {...aria('password')}
            />
            <small>{t('users.password_rule', { n: PASSWORD_MIN_LENGTH })}</small>
            {fieldError('password')}
          </div>
        )}
      </div>
      {draft.role === 'admin' ? (
        <p class="muted">{t('users.admin_all_facilities')}</p>
      ) : (
        <fieldset class="checks" data-testid="user-facilities">
          <legend>{t('users.facilities')}</legend>
          {props.facilities.length > 8 && (
            <div class="field">
              <label for={`${prefix}-ffilter`}>{t('users.facility_filter')}</label>
              <input
                id={`${prefix}-ffilter`}
                type="search"
                value={filter}
                onInput={(e) => setFilter(e.currentTarget.value)}
              />
            </div>
          )}
          {shown.map((f) => (
            <label class="check" key={f.id}>
              <input
                type="checkbox"
                data-testid="user-facility"
                value={f.id}
                checked={draft.facility_ids.includes(f.id)}
                onChange={(e) =>
                  set({
                    facility_ids: e.currentTarget.checked
                      ? [...draft.facility_ids, f.id]
                      : draft.facility_ids.filter((x) => x !== f.id),
                  })
                }
              />
              {f.code} — {f.name}
            </label>
          ))}
          {fieldError('facility_ids')}
        </fieldset>
      )}
      <ErrorBox
        error={error}
        testid="user-error"
        onRetry={() => void submit(new Event('submit'))}
      />
      <div class="buttons">
        <button type="submit" class="primary" data-testid="user-save" disabled={busy}>
          {busy ? t('staff.sending') : t(editing ? 'users.save' : 'users.create')}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            {t('staff.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
