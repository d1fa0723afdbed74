// Where a user's data key lives between sessions: only wrapped, in the account row of pulih-auth.
// - Wrapped under the password (PBKDF2-SHA-256, 600,000 iterations): a successful unwrap is the
//   password check offline. 10 wrong passwords in a row destroy the vault.
// - Wrapped under a PIN of at least 6 digits, set after an online login: it reopens the app after
//   a reload or a restart for PIN_WINDOW_MS after the password was last typed. 5 wrong PINs in a
//   row destroy the PIN wrap (the password is needed again).
// - A try is counted in storage before it is checked, and forgotten only when it succeeds: a
//   reload in the middle of a check counts as a wrong try.
import type { AccountRow, AuthDb, SessionSecrets } from '../db';
import {
  newDataKey,
  openJson,
  PBKDF2_ITERATIONS,
  sealJson,
  unwrapDataKey,
  wrapDataKey,
} from './crypto';

export const PIN_MAX_TRIES = 5;
export const PASSWORD_MAX_TRIES = 10;
export const PIN_MIN_DIGITS = 6;
export const PIN_WINDOW_MS = 12 * 3600_000;

/** True for a PIN the vault accepts: 6 to 12 digits. */
export function validPin(pin: string): boolean {
  return new RegExp(`^\\d{${PIN_MIN_DIGITS},12}$`).test(pin);
}

export type PinOutcome =
  | { kind: 'ok'; key: CryptoKey; row: AccountRow }
  | { kind: 'wrong'; triesLeft: number }
  | { kind: 'locked_out' }
  | { kind: 'password_needed' };

export type PasswordOutcome =
  | { kind: 'ok'; key: CryptoKey; row: AccountRow }
  | { kind: 'wrong'; triesLeft: number }
  | { kind: 'destroyed' };

export interface KeyringOptions {
  now?: () => number;
  iterations?: number;
  pinWindowMs?: number;
  /** Erase what the vault of a user held on this device (its database). */
  destroy: (userId: string) => Promise<void>;
}

function secretsAd(userId: string): string {
  return `accounts:${userId}`;
}

export class Keyring {
  constructor(
    private readonly db: AuthDb,
    private readonly opts: KeyringOptions,
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private get iterations(): number {
    return this.opts.iterations ?? PBKDF2_ITERATIONS;
  }

  byUsername(username: string): Promise<AccountRow | undefined> {
    return this.db.accounts.where('username').equals(username.toLowerCase()).first();
  }

  get(userId: string): Promise<AccountRow | undefined> {
    return this.db.accounts.get(userId);
  }

  /** A new vault for a user: a fresh data key wrapped under the password. */
  async create(
    userId: string,
    username: string,
    password: string,
    secrets: SessionSecrets,
  ): Promise<{ key: CryptoKey; row: AccountRow }> {
    const key = await newDataKey();
    const row: AccountRow = {
      user_id: userId,
      username: username.toLowerCase(),
      password_wrap: await wrapDataKey(key, password, 'password', this.iterations),
      pin_wrap: null,
      pin_tries: 0,
      password_tries: 0,
      password_at: this.now(),
      secrets: await sealJson(key, secretsAd(userId), secrets),
    };
    await this.db.transaction('rw', this.db.accounts, async () => {
      // A username may have moved to another user id: keep the unique index clean.
      await this.db.accounts.where('username').equals(row.username).delete();
      await this.db.accounts.put(row);
    });
    return { key, row };
  }

  /** Open the vault with the password; counts the try. */
  async withPassword(row: AccountRow, password: string): Promise<PasswordOutcome> {
    const tries = row.password_tries + 1;
    await this.db.accounts.update(row.user_id, { password_tries: tries });
    const key = await unwrapDataKey(row.password_wrap, password, 'password');
    if (key) {
      const fresh = { ...row, password_tries: 0, pin_tries: 0, password_at: this.now() };
      await this.db.accounts.put(fresh);
      return { kind: 'ok', key, row: fresh };
    }
    if (tries >= PASSWORD_MAX_TRIES) {
      await this.destroy(row.user_id);
      return { kind: 'destroyed' };
    }
    return { kind: 'wrong', triesLeft: PASSWORD_MAX_TRIES - tries };
  }

  /** True when this account may be reopened with its PIN now. */
  pinUsable(row: AccountRow): boolean {
    const window = this.opts.pinWindowMs ?? row.pin_window_ms ?? PIN_WINDOW_MS;
    return row.pin_wrap !== null && this.now() - row.password_at < window;
  }

  async setPin(userId: string, key: CryptoKey, pin: string): Promise<void> {
    if (!validPin(pin)) throw new Error('invalid PIN');
    const pin_wrap = await wrapDataKey(key, pin, 'pin', this.iterations);
    await this.db.accounts.update(userId, { pin_wrap, pin_tries: 0 });
  }

  /** The server's PIN window, kept in the clear: it is needed before the vault opens. */
  /** Keep the server's PIN window for offline unlocks; written only when it changed (every
   * token refresh passes it). */
  async setPinWindow(userId: string, ms: number | undefined): Promise<void> {
    if (ms === undefined || (await this.get(userId))?.pin_window_ms === ms) return;
    await this.db.accounts.update(userId, { pin_window_ms: ms });
  }

  async dropPin(userId: string): Promise<void> {
    await this.db.accounts.update(userId, { pin_wrap: null, pin_tries: 0 });
  }

  /** Open the vault with the PIN; counts the try; the 5th wrong one destroys the PIN wrap. */
  async withPin(userId: string, pin: string): Promise<PinOutcome> {
    const row = await this.get(userId);
    if (!row?.pin_wrap) return { kind: 'locked_out' };
    if (!this.pinUsable(row)) return { kind: 'password_needed' };
    const tries = row.pin_tries + 1;
    await this.db.accounts.update(userId, { pin_tries: tries });
    const key = await unwrapDataKey(row.pin_wrap, pin, 'pin');
    if (key) {
      await this.db.accounts.update(userId, { pin_tries: 0 });
      return { kind: 'ok', key, row: { ...row, pin_tries: 0 } };
    }
    await this.db.accounts.update(userId, {
      pin_failures: [...(row.pin_failures ?? []), this.now()],
    });
    if (tries >= PIN_MAX_TRIES) {
      await this.dropPin(userId);
      return { kind: 'locked_out' };
    }
    return { kind: 'wrong', triesLeft: PIN_MAX_TRIES - tries };
  }

  /** The times of the wrong PINs since the last unlock, forgotten as they are read (the
   * unlock puts them in the audit chain). */
  async takePinFailures(userId: string): Promise<number[]> {
    const row = await this.get(userId);
    if (!row?.pin_failures?.length) return [];
    await this.db.accounts.update(userId, { pin_failures: [] });
    return row.pin_failures;
  }

  async secrets(row: AccountRow, key: CryptoKey): Promise<SessionSecrets> {
    return openJson<SessionSecrets>(key, secretsAd(row.user_id), row.secrets);
  }

  async saveSecrets(userId: string, key: CryptoKey, secrets: SessionSecrets): Promise<void> {
    await this.db.accounts.update(userId, {
      secrets: await sealJson(key, secretsAd(userId), secrets),
    });
  }

  /** Destroy a user's vault: its database and its wrapped keys. */
  async destroy(userId: string): Promise<void> {
    await this.opts.destroy(userId);
    await this.db.accounts.delete(userId);
  }
}
