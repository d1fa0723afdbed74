// Logging in, unlocking offline or with a PIN, tokens, and wiping a revoked device's data.
// - The first login of a user on a device is online. It makes the user's vault: a data key
//   wrapped under the password (vault/keyring.ts), so later logins work offline; the tokens and
//   the user's profile are kept only sealed under that key.
// - After an online login the user sets a PIN; it reopens the app after a reload or a restart
//   for a window after the password was last typed.
import { uuid4 } from '../shared/ids';
import type { TokenPair, User } from '../shared/types';
import { HttpError, NetworkError, isDeviceRevoked, type AuthApi } from './api';
import { AuthDb, deleteUserDb, sealClearRows, type SessionSecrets } from './db';
import { AuthLostError, type Revocation } from './authorized';
import { Keyring, type PinOutcome } from './vault/keyring';

export { PIN_MAX_TRIES, PASSWORD_MAX_TRIES, validPin } from './vault/keyring';

export interface Session {
  user: User;
  accessToken: string | null;
  refreshToken: string | null;
  accessExpiresAt: number;
  /** the server's auto-lock window, kept in the vault for offline unlocks */
  lockAfterMs?: number;
  /** the server's keep period of answered changes, kept in the vault for offline unlocks */
  keepAnsweredMs?: number;
  /** true when opened without the server (password offline, or PIN) */
  offline: boolean;
  /** the data key of the user's vault, in memory only while the session is open */
  key: CryptoKey;
}

export interface RevokedNotice {
  username: string;
  at: number;
  /** the admin's reason, when one was given */
  reason?: string | null;
  /** whose access ended: the tablet's (revoked) or the account's (deactivated) */
  kind?: Revocation;
}

/** A session that may be reopened with a PIN after a reload. */
export interface Resumable {
  userId: string;
  username: string;
}

/** Why a login failed. Only a request that got no answer at all is "unreachable"; every answer
 * the server gave keeps its meaning (wrong password, invalid input, too many tries, its own error). */
export type LoginFailure =
  | 'bad_credentials'
  | 'invalid'
  | 'rate_limited'
  | 'device_revoked'
  | 'offline_unknown'
  | 'vault_destroyed'
  | 'unreachable'
  | 'server_error';

export class LoginError extends Error {
  constructor(
    readonly reason: LoginFailure,
    /** per-field messages from the server's problem details (reason 'invalid') */
    readonly fields: Record<string, string[]> = {},
    /** the HTTP status, when the server answered */
    readonly status: number | null = null,
    /** offline: wrong passwords left before the vault is destroyed */
    readonly triesLeft: number | null = null,
  ) {
    super(reason);
    this.name = 'LoginError';
  }
}

export class AuthService {
  readonly keyring: Keyring;

  constructor(
    readonly db: AuthDb,
    private readonly api: AuthApi,
    private readonly opts: {
      now?: () => number;
      iterations?: number;
      deviceName?: string;
      pinWindowMs?: number;
    } = {},
  ) {
    this.keyring = new Keyring(db, {
      now: opts.now,
      iterations: opts.iterations,
      pinWindowMs: opts.pinWindowMs,
      destroy: (userId) => deleteUserDb(userId),
    });
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** This browser profile's device id, made once. */
  async deviceId(): Promise<string> {
    const row = await this.db.settings.get('device_id');
    if (typeof row?.value === 'string') return row.value;
    const id = uuid4();
    await this.db.settings.put({ key: 'device_id', value: id });
    return id;
  }

  /** Log in: online first; without a network, with the vault of an earlier online login. */
  async login(username: string, password: string): Promise<Session> {
    try {
      return await this.loginOnline(username, password);
    } catch (e) {
      if (!(e instanceof NetworkError)) throw mapLoginError(e);
      const session = await this.unlockOffline(username, password);
      if (!session) throw new LoginError('offline_unknown');
      return session;
    }
  }

  /** Log in against the server, and open (or make) this user's vault with the password. */
  async loginOnline(username: string, password: string): Promise<Session> {
    const pair = await this.api.login({
      username,
      password,
      device_id: await this.deviceId(),
      device_name: this.opts.deviceName ?? deviceName(),
    });
    const secrets = this.secretsFrom(pair);
    const row = await this.keyring.get(pair.user.id);
    // The server took the password: a vault it does not open was wrapped under an old one.
    const opened = row ? await this.keyring.withPassword(row, password) : null;
    let key: CryptoKey;
    if (opened?.kind === 'ok') {
      key = opened.key;
      await this.keyring.saveSecrets(pair.user.id, key, secrets);
    } else {
      key = (await this.keyring.create(pair.user.id, pair.user.username, password, secrets)).key;
      await sealClearRows(pair.user.id, key);
    }
    await this.keyring.setPinWindow(pair.user.id, millis(pair.pin_window_seconds));
    await this.db.settings.delete('revoked_notice');
    await this.db.settings.put({ key: 'active_user', value: pair.user.id });
    return this.sessionFrom(secrets, key, false);
  }

  /** Unlock with the password offline; null when this user never logged in here. */
  async unlockOffline(username: string, password: string): Promise<Session | null> {
    const row = await this.keyring.byUsername(username);
    if (!row) return null;
    const opened = await this.keyring.withPassword(row, password);
    if (opened.kind === 'destroyed') throw new LoginError('vault_destroyed');
    if (opened.kind === 'wrong') {
      throw new LoginError('bad_credentials', {}, null, opened.triesLeft);
    }
    await this.db.settings.put({ key: 'active_user', value: row.user_id });
    return this.sessionFrom(await this.keyring.secrets(opened.row, opened.key), opened.key, true);
  }

  /** The user whose session a reload interrupted, when their PIN may reopen it. */
  async resumable(): Promise<Resumable | null> {
    const active = (await this.db.settings.get('active_user'))?.value;
    if (typeof active !== 'string') return null;
    const row = await this.keyring.get(active);
    if (!row || !this.keyring.pinUsable(row)) return null;
    return { userId: row.user_id, username: row.username };
  }

  /** Reopen a session with the PIN (offline: nothing is asked of the server). */
  async unlockWithPin(
    userId: string,
    pin: string,
  ): Promise<Exclude<PinOutcome, { kind: 'ok' }> | { kind: 'ok'; session: Session }> {
    const outcome = await this.keyring.withPin(userId, pin);
    if (outcome.kind !== 'ok') return outcome;
    const secrets = await this.keyring.secrets(outcome.row, outcome.key);
    return { kind: 'ok', session: this.sessionFrom(secrets, outcome.key, true) };
  }

  /** Set the PIN that reopens this user's vault. */
  setPin(session: Session, pin: string): Promise<void> {
    return this.keyring.setPin(session.user.id, session.key, pin);
  }

  /** The times of the wrong PINs typed since the last unlock (read once). */
  takePinFailures(userId: string): Promise<number[]> {
    return this.keyring.takePinFailures(userId);
  }

  async hasPin(userId: string): Promise<boolean> {
    return Boolean((await this.keyring.get(userId))?.pin_wrap);
  }

  /**
   * Rotate the token pair; updates `session` in place. One refresh at a time per session: the
   * sync loop and a staff view that both meet a 401 share it, because a refresh token spent twice
   * makes the server end the whole session.
   */
  refresh(session: Session): Promise<void> {
    let running = this.refreshing.get(session);
    if (!running) {
      running = this.rotate(session).finally(() => this.refreshing.delete(session));
      this.refreshing.set(session, running);
    }
    return running;
  }

  private readonly refreshing = new WeakMap<Session, Promise<void>>();

  private async rotate(session: Session): Promise<void> {
    if (!session.refreshToken) throw new AuthLostError();
    const pair = await this.api.refresh(session.refreshToken);
    const secrets = this.secretsFrom(pair);
    await this.keyring.setPinWindow(session.user.id, millis(pair.pin_window_seconds));
    Object.assign(session, this.sessionFrom(secrets, session.key, session.offline));
    await this.keyring.saveSecrets(session.user.id, session.key, secrets);
  }

  /** Log out: tell the server when possible, forget the tokens and the PIN (the password
   * reopens the vault offline). */
  async logout(session: Session): Promise<void> {
    // Forget on the device first: the login screen shows only once a reload can no longer
    // reopen the vault with the PIN. Telling the server may wait on a dead link; it follows.
    const token = session.accessToken;
    session.accessToken = null;
    session.refreshToken = null;
    session.accessExpiresAt = 0;
    await this.keyring.saveSecrets(session.user.id, session.key, secretsOf(session));
    await this.keyring.dropPin(session.user.id);
    await this.db.settings.delete('active_user');
    if (token) void this.api.logout(token).catch(() => undefined);
  }

  /** Erase everything this device holds for a user: records, outbox, drafts, keys, tokens. */
  async wipeUser(
    user: User,
    reason: string | null = null,
    kind: Revocation = 'device',
  ): Promise<void> {
    await this.keyring.destroy(user.id);
    await this.db.settings.delete('active_user');
    const notice: RevokedNotice = { username: user.username, at: this.now(), reason, kind };
    await this.db.settings.put({ key: 'revoked_notice', value: notice });
  }

  async revokedNotice(): Promise<RevokedNotice | null> {
    const row = await this.db.settings.get('revoked_notice');
    return (row?.value as RevokedNotice | undefined) ?? null;
  }

  async clearRevokedNotice(): Promise<void> {
    await this.db.settings.delete('revoked_notice');
  }

  private secretsFrom(pair: TokenPair): SessionSecrets {
    return {
      user: pair.user,
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      access_expires_at: this.now() + pair.expires_in * 1000,
      lock_after_ms: millis(pair.lock_after_seconds),
      keep_answered_ms: millis(pair.keep_answered_seconds),
    };
  }

  private sessionFrom(s: SessionSecrets, key: CryptoKey, offline: boolean): Session {
    return {
      user: s.user,
      accessToken: s.access_token,
      refreshToken: s.refresh_token,
      accessExpiresAt: s.access_expires_at,
      lockAfterMs: s.lock_after_ms,
      keepAnsweredMs: s.keep_answered_ms,
      offline,
      key,
    };
  }
}

/** What a session keeps sealed in the vault: the inverse of `sessionFrom`. */
function secretsOf(session: Session): SessionSecrets {
  return {
    user: session.user,
    access_token: session.accessToken,
    refresh_token: session.refreshToken,
    access_expires_at: session.accessExpiresAt,
    lock_after_ms: session.lockAfterMs,
    keep_answered_ms: session.keepAnsweredMs,
  };
}

/** Seconds the server sent (an extension older servers leave out) as milliseconds. */
function millis(seconds: number | undefined): number | undefined {
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
}

/** The server's answer to a login, as a LoginError that keeps its meaning. */
export function mapLoginError(e: unknown): LoginError {
  if (e instanceof LoginError) return e;
  if (e instanceof NetworkError) return new LoginError('unreachable');
  if (!(e instanceof HttpError)) return new LoginError('server_error');
  const { status, problem } = e;
  if (isDeviceRevoked(e)) return new LoginError('device_revoked', {}, status);
  if (status === 401 || status === 403) return new LoginError('bad_credentials', {}, status);
  if (status === 429) return new LoginError('rate_limited', {}, status);
  if (status === 400 || status === 422) {
    return new LoginError('invalid', problemFields(problem.errors), status);
  }
  return new LoginError('server_error', {}, status);
}

/** Problem-details `errors` as field → messages, whatever nesting the server used. */
function problemFields(errors: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!errors || typeof errors !== 'object') return out;
  for (const [field, value] of Object.entries(errors as Record<string, unknown>)) {
    const list = Array.isArray(value) ? value : [value];
    out[field] = list.map((m) => (typeof m === 'string' ? m : JSON.stringify(m)));
  }
  return out;
}

function deviceName(): string {
  const ua = typeof navigator === 'undefined' ? 'unknown' : navigator.userAgent;
  return ua.slice(0, 100);
}
