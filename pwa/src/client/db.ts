// THE module that owns IndexedDB: every database name, version, store and upgrade is here.
// Two kinds of database:
//   pulih-auth       accounts known on this browser profile (offline verifier, tokens), settings
//                    (device id, revoked notice). Shared by the users of one tablet.
//   pulih-<userId>   one per user, so a second user on the same tablet never sees the first's
//                    records: records, outbox, rejected changes, meta (cursor, last sync), drafts.
//                    Every value of every table of it is encrypted under the user's data key
//                    (vault/middleware.ts); only non-identifying index keys stay clear.
// Dexie cannot index booleans: flags that need an index are stored as 0/1.
import Dexie, { type Table } from 'dexie';
import type { AuditEntryWire, BaseRecord, Change, Entity, User } from '../shared/types';
import type { Sealed, WrappedKey } from './vault/crypto';
import { vaultMiddleware, type Vault, type VaultObserver } from './vault/middleware';

export const AUTH_DB_NAME = 'pulih-auth';

/** A record as the server last sent it (or, for one it never sent, a tombstone holding the
 * keys the device made up: id, facility, created_at), without any key of the device. */
export interface ServerRecord extends BaseRecord {
  entity: Entity;
  /** 1 when the server never took this record (its create was rejected): the device's own
   * view stands in for the server's, and the next change sends every field again. */
  _unsent?: 1;
}

/** A record as kept on the device: the server's record plus pending local edits on top. */
export interface LocalRecord extends ServerRecord {
  /** 'returned' on a session a supervisor sent back, absent otherwise (a sparse index) */
  _task?: 'returned';
  /** 1 while the outbox holds an edit of this record */
  _pending: 0 | 1;
  /** while edits are pending: the server state they are replayed on, so an answer (a rejection)
   * can replay the rest from it. Not indexed: records of schema v2 without it count as their
   * own server state. */
  _server?: ServerRecord;
}

/** A change waiting to be pushed; `seq` gives the outbox its order. */
export interface OutboxEntry extends Change {
  seq?: number;
}

/** A change the server answered, kept KEEP_ACKNOWLEDGED_MS for a server restored from an older
 * backup (docs/protocol.md, "After a restore"). `seq` is its outbox seq (their order), `at` when
 * the answer came: both clear index keys, everything else sealed. */
export interface KeptEntry extends Change {
  seq: number;
  at: number;
}

/** One entry of the device's audit chain as the vault keeps it (vault/audit-chain.ts): `seq` is
 * the auto-incremented key; the chain's own number is `n`. */
export interface AuditEntry extends AuditEntryWire {
  seq?: number;
}

/** A change the server rejected, kept so the user sees why. */
export interface RejectedEntry {
  change_id: string;
  entity: Entity;
  id: string;
  fields: Record<string, unknown>;
  errors: Record<string, string[]>;
  at: number;
}

export interface KeyValue {
  key: string;
  value: unknown;
}

export interface DraftEntry {
  key: string;
  value: unknown;
  updated_at: number;
}

/** What a session needs after a reload: kept only sealed under the data key. */
export interface SessionSecrets {
  user: User;
  access_token: string | null;
  refresh_token: string | null;
  access_expires_at: number;
  /** the server's auto-lock window (PULIH_DEVICE_LOCK_MINUTES), for offline unlocks too */
  lock_after_ms?: number;
  /** how long answered changes are kept for a restored server (PULIH_DEVICE_KEEP_DAYS) */
  keep_answered_ms?: number;
}

export interface AccountRow {
  user_id: string;
  /** lowercased, unique: the one clear thing, to find the account at login */
  username: string;
  /** the data key wrapped under the password: a successful unwrap is the password check */
  password_wrap: WrappedKey;
  /** the data key wrapped under the PIN, until 5 wrong PINs or Keluar */
  pin_wrap: WrappedKey | null;
  /** wrong tries in a row, counted before each check so a reload cannot reset them */
  pin_tries: number;
  password_tries: number;
  /** when the password was last typed: the PIN works for a window after it */
  password_at: number;
  /** the server's PIN window (PULIH_DEVICE_PIN_HOURS), read before the vault is open */
  pin_window_ms?: number;
  /** when wrong PINs were typed since the last unlock (times only): they go into the audit
   * chain, which only an open vault can write, at the next unlock */
  pin_failures?: number[];
  /** SessionSecrets sealed under the data key */
  secrets: Sealed;
}

/** The database name of one user's records. */
export function userDbName(userId: string): string {
  return `pulih-${userId}`;
}

/** The stores of a user database at version 1 (the upgrade test builds one from it). */
export const USER_DB_V1: Readonly<Record<string, string>> = {
  records:
    '[entity+id], entity, facility_id, client_id, session_id, registration_number, name_key, [entity+status]',
  outbox: '++seq, [entity+id], &change_id',
  rejected: 'change_id, [entity+id]',
  meta: 'key',
  drafts: 'key',
};

export class UserDb extends Dexie {
  records!: Table<LocalRecord, [string, string]>;
  outbox!: Table<OutboxEntry, number>;
  rejected!: Table<RejectedEntry, string>;
  meta!: Table<KeyValue, string>;
  drafts!: Table<DraftEntry, string>;
  kept!: Table<KeptEntry, number>;
  audit!: Table<AuditEntry, number>;
  /** the vault around every table: values may be sealed ahead of their write */
  readonly vault: Vault;

  /** With a data key every value is sealed; without one (an upgrade, the benchmark's "vault
   * off") values are stored as they are. The observer hears every write either way. */
  constructor(userId: string, key: CryptoKey | null = null, observer?: VaultObserver) {
    super(userDbName(userId));
    this.vault = vaultMiddleware(key, observer);
    this.use(this.vault);
    this.version(1).stores(USER_DB_V1);
    // v2: every index costs each of tens of thousands of writes in a first sync, so only the
    // ones a query walks stay. An entity's records are a range of the primary key [entity+id];
    // `_task` is sparse: only records waiting for the counselor carry it.
    this.version(2)
      .stores({
        records: '[entity+id], client_id, session_id, name_key, _task',
      })
      .upgrade((tx) =>
        tx
          .table<LocalRecord>('records')
          .filter((r) => r.entity === 'session' && r['status'] === 'returned')
          .modify((r) => {
            r._task = 'returned';
          }),
      );
    // v3: the vault. The name index goes (a name is never a clear key): search runs over an
    // index built in memory at unlock. Rows of v2 are sealed at the first unlock (sealClearRows).
    this.version(3).stores({
      records: '[entity+id], client_id, session_id, _task',
    });
    // v4: answered changes kept for a restored server (by outbox seq, purged by `at`), and the
    // device's audit chain (in its own order). Sealed by the vault like every table.
    this.version(4).stores({
      kept: 'seq, at',
      audit: '++seq',
    });
  }
}

export class AuthDb extends Dexie {
  accounts!: Table<AccountRow, string>;
  settings!: Table<KeyValue, string>;

  constructor() {
    super(AUTH_DB_NAME);
    this.version(1).stores({
      accounts: 'user_id, &username',
      settings: 'key',
    });
    // v2: the vault. Accounts of v1 hold a password verifier and clear tokens: they go, and the
    // next online login makes a vault (the records of v1 are sealed then, see sealClearRows).
    this.version(2)
      .stores({ accounts: 'user_id, &username' })
      .upgrade((tx) => tx.table('accounts').clear());
  }
}

/** Delete one user's whole database (records, outbox, cursor, drafts). */
export async function deleteUserDb(userId: string): Promise<void> {
  await Dexie.delete(userDbName(userId));
}

/** Seal the rows a user database holds in the clear (written before the vault), under a new
 * data key. A database sealed under another key (its vault was lost: a password changed on the
 * server) cannot be read by anyone any more and is deleted. */
export async function sealClearRows(userId: string, key: CryptoKey): Promise<void> {
  if (!(await Dexie.exists(userDbName(userId)))) return;
  const plain = new UserDb(userId);
  const clear: [string, unknown[]][] = [];
  let foreign = false;
  for (const table of plain.tables) {
    const rows = (await table.toArray()) as { _v?: number }[];
    foreign ||= rows.some((r) => r._v === 1);
    clear.push([table.name, rows.filter((r) => r._v !== 1)]);
  }
  plain.close();
  if (foreign) return deleteUserDb(userId);
  const sealed = new UserDb(userId, key);
  await sealed.transaction('rw', sealed.tables, async () => {
    for (const [name, rows] of clear) if (rows.length) await sealed.table(name).bulkPut(rows);
  });
  sealed.close();
}
