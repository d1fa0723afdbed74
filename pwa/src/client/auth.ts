// Logging in, unlocking offline, tokens, PIN, and wiping a revoked device's data.
// - The first login of a user on a device is online. It stores a PBKDF2 verifier of the password
//   (never the password) so later logins work offline.
// - A PIN only reopens a session already unlocked in memory; 5 wrong tries and the password is
//   required again.
import { uuid4 } from '../shared/ids';
import type { TokenPair, User } from '../shared/types';
import { HttpError, NetworkError, isDeviceRevoked, type AuthApi } from './api';
import { AuthDb, deleteUserDb, type AccountRow, type PasswordVerifier } from './db';
import { AuthLostError } from './authorized';

export const PBKDF2_ITERATIONS = 150_000;
export const PIN_MAX_TRIES = 5;

export interface Session {
  user: User;
  accessToken: string | null;
  refreshToken: string | null;
  accessExpiresAt: number;
  /** true when opened with the offline verifier rather than the server */
  offline: boolean;
}

export interface RevokedNotice {
  username: string;
  at: number;
  /** the admin's reason, when one was given */
  reason?: string | null;
}

const enc = new TextEncoder();

function toB64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromB64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function pbkdf2(secret: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return toB64(new Uint8Array(bits));
}

/** A verifier of a password: salt, iteration count and derived hash. */
export async function makeVerifier(
  password: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<PasswordVerifier> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { salt: toB64(salt), iterations, hash: await pbkdf2(password, salt, iterations) };
}

/** True when `password` matches the verifier. */
export async function checkVerifier(password: string, v: PasswordVerifier): Promise<boolean> {
  const hash = await pbkdf2(password, fromB64(v.salt), v.iterations);
  // Compare without an early exit.
  let diff = hash.length ^ v.hash.length;
  for (let i = 0; i < Math.min(hash.length, v.hash.length); i++) {
    diff |= hash.charCodeAt(i) ^ v.hash.charCodeAt(i);
  }
  return diff === 0;
}

/** Why a login failed. Only a request that got no answer at all is "unreachable"; every answer
 * the server gave keeps its meaning (wrong password, invalid input, too many tries, its own error). */
export type LoginFailure =
  | 'bad_credentials'
  | 'invalid'
  | 'rate_limited'
  | 'device_revoked'
  | 'offline_unknown'
  | 'unreachable'
  | 'server_error';

export class LoginError extends Error {
  constructor(
    readonly reason: LoginFailure,
    /** per-field messages from the server's problem details (reason 'invalid') */
    readonly fields: Record<string, string[]> = {},
    /** the HTTP status, when the server answered */
    readonly status: number | null = null,
  ) {
    super(reason);
    this.name = 'LoginError';
  }
}

export class AuthService {
  constructor(
    readonly db: AuthDb,
    private readonly api: AuthApi,
    private readonly opts: { now?: () => number; iterations?: number; deviceName?: string } = {},
  ) {}

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

  /** Log in: online first; without a network, with the verifier of an earlier online login. */
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

  /** Log in against the server, and remember what is needed to unlock offline later. */
  async loginOnline(username: string, password: string): Promise<Session> {
    const pair = await this.api.login({
      username,
      password,
      device_id: await this.deviceId(),
      device_name: this.opts.deviceName ?? deviceName(),
    });
    const verifier = await makeVerifier(password, this.opts.iterations);
    await this.db.transaction('rw', this.db.accounts, async () => {
      // A username may have moved to another user id: keep the unique index clean.
      await this.db.accounts.where('username').equals(username.toLowerCase()).delete();
      await this.db.accounts.put(this.rowFrom(pair, verifier));
    });
    await this.db.settings.delete('revoked_notice');
    return this.sessionFrom(pair, false);
  }

  /** Unlock with the stored verifier; null when this user never logged in here or it is wrong. */
  async unlockOffline(username: string, password: string): Promise<Session | null> {
    const row = await this.db.accounts.where('username').equals(username.toLowerCase()).first();
    if (!row) return null;
    if (!(await checkVerifier(password, row.verifier))) throw new LoginError('bad_credentials');
    return {
      user: row.user,
      accessToken: row.access_token,
      refreshToken: row.refresh_token,
      accessExpiresAt: row.access_expires_at,
      offline: true,
    };
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
    Object.assign(session, this.sessionFrom(pair, session.offline));
    await this.db.accounts.update(session.user.id, {
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      access_expires_at: session.accessExpiresAt,
      user: pair.user,
    });
  }

  /** Log out: tell the server when possible, and forget the tokens (the verifier stays). */
  async logout(session: Session): Promise<void> {
    if (session.accessToken) await this.api.logout(session.accessToken).catch(() => undefined);
    await this.db.accounts.update(session.user.id, { access_token: null, refresh_token: null });
    session.accessToken = null;
    session.refreshToken = null;
  }

  /** Erase everything this device holds for a user: records, outbox, drafts, keys, tokens. */
  async wipeUser(user: User, reason: string | null = null): Promise<void> {
    await deleteUserDb(user.id);
    await this.db.accounts.delete(user.id);
    const notice: RevokedNotice = { username: user.username, at: this.now(), reason };
    await this.db.settings.put({ key: 'revoked_notice', value: notice });
  }

  async revokedNotice(): Promise<RevokedNotice | null> {
    const row = await this.db.settings.get('revoked_notice');
    return (row?.value as RevokedNotice | undefined) ?? null;
  }

  async clearRevokedNotice(): Promise<void> {
    await this.db.settings.delete('revoked_notice');
  }

  private rowFrom(pair: TokenPair, verifier: PasswordVerifier): AccountRow {
    return {
      user_id: pair.user.id,
      username: pair.user.username.toLowerCase(),
      user: pair.user,
      verifier,
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      access_expires_at: this.now() + pair.expires_in * 1000,
    };
  }

  private sessionFrom(pair: TokenPair, offline: boolean): Session {
    return {
      user: pair.user,
      accessToken: pair.access_token,
      refreshToken: pair.refresh_token,
      accessExpiresAt: this.now() + pair.expires_in * 1000,
      offline,
    };
  }
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

/** A PIN that reopens a session kept in memory. Nothing of it is stored. */
export class PinLock {
  private verifier: PasswordVerifier | null = null;
  private tries = 0;

  get isSet(): boolean {
    return this.verifier !== null;
  }

  get triesLeft(): number {
    return PIN_MAX_TRIES - this.tries;
  }

  async set(pin: string): Promise<void> {
    this.verifier = await makeVerifier(pin, 10_000);
    this.tries = 0;
  }

  /** 'ok', 'wrong' (tries left), or 'locked_out' (password needed; the PIN is forgotten). */
  async check(pin: string): Promise<'ok' | 'wrong' | 'locked_out'> {
    if (!this.verifier) return 'locked_out';
    if (await checkVerifier(pin, this.verifier)) {
      this.tries = 0;
      return 'ok';
    }
    this.tries += 1;
    if (this.tries >= PIN_MAX_TRIES) {
      this.verifier = null;
      return 'locked_out';
    }
    return 'wrong';
  }

  clear(): void {
    this.verifier = null;
    this.tries = 0;
  }
}
