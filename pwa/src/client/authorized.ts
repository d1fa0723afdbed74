// Requests with the session's bearer token: the sync loop's push and pull and every staff API
// call go through `authorized`.
//  - A 401 refreshes the token pair once and retries the request once.
//  - Parallel requests that meet a 401 share one refresh: a refresh token spent twice makes the
//    server end the whole session (reuse detection). Requests share it when they use the same
//    AuthPort object; the app hands one per session to the sync loop and the staff API alike.
//  - A request whose token was rotated meanwhile (another request refreshed) retries with the
//    fresh token and refreshes nothing.
//  - A refused refresh, or a 401 after it, means the user must log in online again
//    (AuthLostError); a 401 whose problem type ends in /device-revoked, at any step, is
//    DeviceRevokedError, and the caller wipes the device.
import { HttpError, isDeviceRevoked } from './api';

/** The device was revoked: the caller must wipe its data (`reason`: the admin's words). */
/** Whose access ended: the device's (revoked) or the account's (deactivated). */
export type Revocation = 'device' | 'account';

export class DeviceRevokedError extends Error {
  override name = 'DeviceRevokedError';
  constructor(
    readonly reason: string | null = null,
    readonly kind: Revocation = 'device',
  ) {
    super('device revoked');
  }
}

function revoked(e: unknown): DeviceRevokedError {
  const reason = e instanceof HttpError ? e.problem.reason : null;
  const type = e instanceof HttpError ? (e.problem.type ?? '') : '';
  const kind: Revocation = type.endsWith('/account-deactivated') ? 'account' : 'device';
  return new DeviceRevokedError(typeof reason === 'string' && reason ? reason : null, kind);
}

/** The tokens are gone or refused: the user must log in online again. */
export class AuthLostError extends Error {
  override name = 'AuthLostError';
}

export interface AuthPort {
  accessToken(): string | null;
  /** Get a new access token; throws HttpError/NetworkError/AuthLostError. */
  refresh(): Promise<void>;
}

const refreshing = new WeakMap<AuthPort, Promise<void>>();

/** Refresh through `auth`, joining a refresh of the same port already under way. */
function refreshOnce(auth: AuthPort): Promise<void> {
  let running = refreshing.get(auth);
  if (!running) {
    running = auth.refresh().finally(() => refreshing.delete(auth));
    refreshing.set(auth, running);
  }
  return running;
}

/** Call `call` with the access token; on a 401 refresh once (shared with parallel calls) and retry. */
export async function authorized<T>(
  auth: AuthPort,
  call: (token: string | null) => Promise<T>,
): Promise<T> {
  const used = auth.accessToken();
  try {
    return await call(used);
  } catch (e) {
    if (isDeviceRevoked(e)) throw revoked(e);
    if (!(e instanceof HttpError && e.status === 401)) throw e;
  }
  if (auth.accessToken() === used) {
    try {
      await refreshOnce(auth);
    } catch (e) {
      if (isDeviceRevoked(e)) throw revoked(e);
      if (e instanceof HttpError && (e.status === 401 || e.status === 400)) {
        throw new AuthLostError();
      }
      throw e;
    }
  }
  try {
    return await call(auth.accessToken());
  } catch (e) {
    if (isDeviceRevoked(e)) throw revoked(e);
    if (e instanceof HttpError && e.status === 401) throw new AuthLostError();
    throw e;
  }
}
