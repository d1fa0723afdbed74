// THE module that owns IndexedDB: every database name, version, store and upgrade is here.
// Two kinds of database:
//   pulih-auth       accounts known on this browser profile (offline verifier, tokens), settings
//                    (device id, revoked notice). Shared by the users of one tablet.
//   pulih-<userId>   one per user, so a second user on the same tablet never sees the first's
//                    records: records, outbox, rejected changes, meta (cursor, last sync), drafts.
// Dexie cannot index booleans: flags that need an index are stored as 0/1.
import Dexie, { type Table } from 'dexie';
import type { BaseRecord, Change, Entity, User } from '../shared/types';

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
  /** normalized full name, clients only: the search key */
  name_key?: string;
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

export interface PasswordVerifier {
  salt: string;
  hash: string;
  iterations: number;
}

export interface AccountRow {
  user_id: string;
  /** lowercased, unique */
  username: string;
  user: User;
  verifier: PasswordVerifier;
  access_token: string | null;
  refresh_token: string | null;
  access_expires_at: number;
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

  constructor(userId: string) {
    super(userDbName(userId));
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
  }
}

/** Delete one user's whole database (records, outbox, cursor, drafts). */
export async function deleteUserDb(userId: string): Promise<void> {
  await Dexie.delete(userDbName(userId));
}
