// Encryption at rest for every table of a Dexie database, as one DBCore middleware: a table added
// tomorrow is covered without a line of new code.
// Theory of operation:
// - A stored row keeps in the clear only what IndexedDB needs to find it: its primary key and the
//   key paths of the table's indexes (UUIDs, entity kinds, seq, statuses, timestamps). The whole
//   value, those keys included, is JSON, sealed with AES-GCM under the data key, with
//   `<table>:<entity>/<id>` (or `<table>:<primary key>`) as additional data, in `_ct`/`_iv`.
// - No index may hold what identifies a person (IDENTIFYING below): opening a table that indexes
//   one throws, so such an index cannot be added by accident.
// - WebCrypto is asynchronous and an IndexedDB transaction commits as soon as it has no request
//   pending. While a value is sealed or opened, the transaction is kept alive with cheap reads,
//   and the operation continues from inside an IndexedDB callback (as Dexie.waitFor does). The
//   operations of one transaction run one after another, in the order they were asked for, so a
//   put that waits for its encryption is never overtaken by a later read or write.
// - A value may be sealed ahead of its write (`sealAhead`: a pulled page while the one before is
//   written): the write then takes that sealed row instead of sealing again. The value must not
//   change between the two; the store hands over objects it made for that write alone.
// - Cursors over values are refused: they are read synchronously, one row at a time. Read with
//   toArray/get/bulkGet and filter in memory.
import Dexie, {
  type DBCore,
  type DBCoreMutateRequest,
  type DBCoreTable,
  type DBCoreTransaction,
  type Middleware,
} from 'dexie';
import { openJson, sealJson, type Sealed } from './crypto';

/** Field names that identify a person: never a clear index key. */
export const IDENTIFYING = new Set([
  'name_key',
  'full_name',
  'name',
  'display_name',
  'registration_number',
  'nik',
  'birth_date',
  'date_of_birth',
  'note',
  'notes',
  'username',
]);

interface StoredRow extends Sealed {
  _v: 1;
}

/** What the store is told after each write, with the plain values (its in-memory index). */
export interface VaultObserver {
  put(table: string, values: readonly Record<string, unknown>[]): void;
  delete(table: string, keys: readonly unknown[]): void;
  clear(table: string): void;
}

function keyPathsOf(table: DBCoreTable): string[] {
  const paths = new Set<string>();
  for (const index of [table.schema.primaryKey, ...table.schema.indexes]) {
    const kp = index.keyPath;
    if (kp === null) continue;
    for (const p of Array.isArray(kp) ? kp : [kp]) paths.add(p);
  }
  for (const p of paths) {
    const field = p.split('.').pop() ?? p;
    if (IDENTIFYING.has(field)) {
      throw new Error(`vault: table ${table.name} indexes ${p}, which identifies a person`);
    }
  }
  return [...paths];
}

/** The additional data of a value: the table and the record it belongs to. */
export function additionalData(table: string, value: Record<string, unknown>, pk: unknown): string {
  const { entity, id } = value;
  if (typeof entity === 'string' && typeof id === 'string') return `${table}:${entity}/${id}`;
  return pk === undefined ? `${table}:` : `${table}:${JSON.stringify(pk)}`;
}

function isStored(row: unknown): row is StoredRow {
  return typeof row === 'object' && row !== null && (row as StoredRow)._v === 1;
}

/** Run `work` while the transaction is kept alive; resolves from inside an IndexedDB callback. */
function keepAlive<T>(trans: DBCoreTransaction, work: Promise<T>): Promise<T> {
  const idb = trans as unknown as IDBTransaction;
  const store = idb.objectStore(idb.objectStoreNames[0]!);
  return new Promise<T>((resolve, reject) => {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | null = null;
    work.then(
      (value) => (outcome = { ok: true, value }),
      (error) => (outcome = { ok: false, error }),
    );
    const spin = () => {
      if (outcome === null) {
        const r = store.get(-Infinity);
        r.onsuccess = spin;
        r.onerror = () => reject(r.error);
        return;
      }
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    };
    spin();
  });
}

/** The vault middleware, and a way to seal values before they are written. */
export interface Vault extends Middleware<DBCore> {
  /** Start sealing values a later put or add of `table` will write (no-op without a key or
   * before the database is open). Each must reach that write unchanged. */
  sealAhead(table: string, values: readonly Record<string, unknown>[]): void;
}

/** The vault middleware around a data key; without a key it only tells the observer of writes
 * (a database being upgraded or checked for clear rows, the benchmark's "vault off"). */
export function vaultMiddleware(key: CryptoKey | null, observer?: VaultObserver): Vault {
  // The sealer of each table, once the database is open; values sealed ahead, by identity.
  const sealers = new Map<string, (value: Record<string, unknown>) => Promise<StoredRow>>();
  const ahead = new WeakMap<object, Promise<StoredRow>>();
  // One queue per transaction: its operations run in the order asked.
  const queues = new WeakMap<object, Promise<unknown>>();
  const serial = <T>(trans: DBCoreTransaction, op: () => Promise<T>): Promise<T> => {
    const before = queues.get(trans) ?? Promise.resolve();
    const next = before.then(op, op);
    queues.set(
      trans,
      next.catch(() => undefined),
    );
    return next;
  };

  return {
    sealAhead(table, values) {
      const seal = sealers.get(table);
      if (seal === undefined) return;
      for (const value of values) {
        if (ahead.has(value)) continue;
        const row = seal(value);
        // A failure is met again by the write that takes it.
        row.catch(() => undefined);
        ahead.set(value, row);
      }
    },
    stack: 'dbcore',
    name: 'PulihVault',
    // Below Dexie's hooks and virtual indexes (they see plain values), above its value caches.
    level: 0.5,
    create(down) {
      return {
        ...down,
        table(name) {
          const table = down.table(name);
          if (key === null) return observed(table, observer);
          const clear = keyPathsOf(table);
          const pkPath = table.schema.primaryKey.keyPath;
          const pkOf = (v: Record<string, unknown>) =>
            typeof pkPath === 'string' ? Dexie.getByKeyPath(v, pkPath) : undefined;

          const autoKey = table.schema.primaryKey.autoIncrement === true;
          const seal = async (value: Record<string, unknown>): Promise<StoredRow> => {
            const row: Record<string, unknown> = {};
            for (const p of clear) {
              const v = Dexie.getByKeyPath(value, p);
              if (v !== undefined) Dexie.setByKeyPath(row, p, v);
            }
            // An auto-incremented key may not exist yet: it is never part of what is sealed.
            const plain = autoKey ? stripKey(value, pkPath) : value;
            // The additional data is made of the clear keys alone (open sees nothing else): a
            // table that does not index entity and id binds a value to its primary key.
            const ad = additionalData(name, row, autoKey ? undefined : pkOf(value));
            const sealed = await sealJson(key, ad, plain);
            return Object.assign(row, { _v: 1 as const, iv: sealed.iv, ct: sealed.ct });
          };
          const open = async (row: unknown): Promise<unknown> => {
            if (row === undefined || row === null) return row;
            if (!isStored(row)) throw new Error(`vault: a clear row in ${name}`);
            const stored = row as unknown as Record<string, unknown>;
            // An auto-incremented key is given by IndexedDB after sealing: take the stored one.
            const pk = pkOf(stored);
            const plain = await openJson<Record<string, unknown>>(
              key,
              additionalData(name, stored, autoKey ? undefined : pk),
              row,
            );
            if (typeof pkPath === 'string' && pk !== undefined)
              Dexie.setByKeyPath(plain, pkPath, pk);
            return plain;
          };
          const openAll = (rows: readonly unknown[]) => Promise.all(rows.map(open));
          sealers.set(name, seal);
          const sealOrTake = (value: Record<string, unknown>): Promise<StoredRow> => {
            const early = ahead.get(value);
            if (early === undefined) return seal(value);
            ahead.delete(value);
            return early;
          };

          return {
            ...table,
            mutate(req: DBCoreMutateRequest) {
              return serial(req.trans, async () => {
                if (req.type === 'add' || req.type === 'put') {
                  const values = req.values as Record<string, unknown>[];
                  const rows = await keepAlive(req.trans, Promise.all(values.map(sealOrTake)));
                  const res = await table.mutate({ ...req, values: rows });
                  observer?.put(name, values);
                  return res;
                }
                const res = await table.mutate(req);
                if (req.type === 'delete') observer?.delete(name, req.keys);
                else observer?.clear(name);
                return res;
              });
            },
            get(req) {
              return serial(req.trans, async () =>
                keepAlive(req.trans, open(await table.get(req))),
              );
            },
            getMany(req) {
              return serial(req.trans, async () =>
                keepAlive(req.trans, openAll(await table.getMany(req))),
              );
            },
            query(req) {
              return serial(req.trans, async () => {
                const res = await table.query(req);
                if (!req.values) return res;
                return { result: await keepAlive(req.trans, openAll(res.result)) };
              });
            },
            openCursor(req) {
              if (req.values !== false) {
                return Promise.reject(
                  new Error(`vault: no cursor over the values of ${name}; use toArray`),
                );
              }
              return serial(req.trans, () => table.openCursor(req));
            },
            count(req) {
              return serial(req.trans, () => table.count(req));
            },
          };
        },
      };
    },
  };
}

/** An auto-incremented key is sealed without itself (the value is sealed before it exists). */
function stripKey(v: Record<string, unknown>, pkPath: unknown): Record<string, unknown> {
  if (typeof pkPath !== 'string' || !(pkPath in v)) return v;
  const { [pkPath]: _, ...rest } = v;
  return rest;
}

/** A table that only tells the observer of its writes. */
function observed(table: DBCoreTable, observer?: VaultObserver): DBCoreTable {
  if (!observer) return table;
  return {
    ...table,
    async mutate(req) {
      const res = await table.mutate(req);
      if (req.type === 'add' || req.type === 'put') observer.put(table.name, req.values);
      else if (req.type === 'delete') observer.delete(table.name, req.keys);
      else observer.clear(table.name);
      return res;
    },
  };
}
