// A failed staff request in words: a catalog key, the server's own detail, and whether the user
// must log in again. Every staff view shows its errors through ErrorBox (remote.tsx), which uses it.
import type { MessageKey } from '../../../shared/i18n';
import { HttpError, NetworkError } from '../../api';
import { AuthLostError, DeviceRevokedError } from '../../authorized';

export interface ErrorWords {
  key: MessageKey;
  params: Record<string, string | number>;
  /** the server's own explanation, when it gave one */
  detail?: string;
  /** the user must log in again before anything else works */
  relogin?: boolean;
}

/** What went wrong with a request, as a catalog key and the server's detail. */
export function errorMessage(e: unknown): ErrorWords {
  if (e instanceof NetworkError) return { key: 'staff.err_network', params: {} };
  if (e instanceof AuthLostError) return { key: 'staff.err_auth', params: {}, relogin: true };
  if (e instanceof DeviceRevokedError) return { key: 'staff.err_revoked', params: {} };
  if (e instanceof HttpError) {
    const detail = e.problem.detail ?? e.problem.title;
    const words = (key: MessageKey): ErrorWords =>
      detail
        ? { key, params: { status: e.status }, detail }
        : { key, params: { status: e.status } };
    if (e.status === 403) return words('staff.err_forbidden');
    if (e.status === 404) return words('staff.err_not_found');
    // Known refusals in words only: the server's detail is English, for developers.
    const slug = (e.problem.type ?? '').split('/').pop();
    if (e.status === 409 && slug === 'stale-version')
      return { key: 'fieldfit.err.stale_version', params: {} };
    if (e.status === 409 && slug === 'not-submitted')
      return { key: 'fieldfit.err.not_submitted', params: {} };
    if (e.status === 409 && slug === 'consent-missing')
      // release and aftercare
      return { key: 'release.no_consent', params: {} };
    if (e.status === 409) return words('staff.err_conflict');
    if (e.status === 400 || e.status === 422) return words('staff.err_invalid');
    if (e.status === 429) return words('staff.err_rate');
    if (e.status >= 500) return words('staff.err_server');
    return words('staff.err_unknown');
  }
  const detail = e instanceof Error ? e.message : String(e);
  return { key: 'staff.err_unknown', params: { status: '' }, detail };
}
