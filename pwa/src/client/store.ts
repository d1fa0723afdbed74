// The local store: one user's records, outbox, meta and drafts. `Store` is the contract the sync
// loop and the views rely on; `DexieStore` implements it over IndexedDB (see db.ts), and every
// implementation must pass tests/store.contract.ts.
import { normalizeName } from '../shared/duplicates';
import { parseHlc } from '../shared/hlc';
import { uuid4 } from '../shared/ids';
import type { Change, Entity, PulledChange, PushResult } from '../shared/types';
import { UserDb, type LocalRecord, type OutboxEntry, type RejectedEntry } from './db';
import { applyChange, diffFields, makeChange, toWire } from './outbox';

export type { LocalRecord, OutboxEntry, RejectedEntry };

export interface ListFilter {
  client_id?: string;
  session_id?: string;
  facility_id?: string;
}

export interface Store {
  readonly userId: string;
  /** One record, deleted ones included. */
  get(entity: Entity, id: string): Promise<LocalRecord | undefined>;
  /** Live (not deleted) records of an entity. */
  list(entity: Entity, filter?: ListFilter): Promise<LocalRecord[]>;
  /** Clients whose name or registration number contains the query, by name. */
  searchClients(query: string, limit?: number): Promise<LocalRecord[]>;
  /** A local edit: writes the record and appends its change to the outbox in one transaction.
   * Returns the change, or null when nothing changed. */
  save(
    entity: Entity,
    id: string,
    fields: Record<string, unknown>,
    hlc: string,
  ): Promise<Change | null>;
  /** A local delete: tombstone plus outbox change, in one transaction. */
  remove(entity: Entity, id: string, hlc: string): Promise<Change>;
  /** The first `limit` outbox entries, in order. */
  peekOutbox(limit: number): Promise<OutboxEntry[]>;
  pendingCount(): Promise<number>;
  /** Take a push answer: answered entries leave the outbox, rejections are kept, in one transaction. */
  applyPushResults(batch: OutboxEntry[], results: PushResult[]): Promise<void>;
  /** Write one pulled page and its cursor in one transaction, pending local edits re-applied on top. */
  applyPulled(changes: PulledChange[], cursor: string): Promise<void>;
  rejections(entity?: Entity, id?: string): Promise<RejectedEntry[]>;
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
  getDraft<T>(key: string): Promise<T | undefined>;
  putDraft(key: string, value: unknown): Promise<void>;
  deleteDraft(key: string): Promise<void>;
  /** Be told after every write; returns the unsubscribe function. */
  onChange(fn: () => void): () => void;
  close(): void;
  /** Erase this user's database entirely. */
  destroy(): Promise<void>;
}

function withSearchKey(record: LocalRecord): LocalRecord {
  if (record.entity !== 'client') return record;
  const name = typeof record['full_name'] === 'string' ? record['full_name'] : '';
  return { ...record, name_key: normalizeName(name) };
}

function key(entity: Entity, id: string): [string, string] {
  return [entity, id];
}

export class DexieStore implements Store {
  readonly db: UserDb;
  private listeners = new Set<() => void>();

  constructor(
    readonly userId: string,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.db = new UserDb(userId);
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get(entity: Entity, id: string): Promise<LocalRecord | undefined> {
    return this.db.records.get(key(entity, id));
  }

  async list(entity: Entity, filter: ListFilter = {}): Promise<LocalRecord[]> {
    const [field, value] = Object.entries(filter).find(([, v]) => v !== undefined) ?? [];
    const rows =
      field && value !== undefined
        ? await this.db.records.where(field).equals(value).toArray()
        : await this.db.records.where('entity').equals(entity).toArray();
    return rows.filter(
      (r) =>
        r.entity === entity &&
        !r.deleted &&
        Object.entries(filter).every(([k, v]) => v === undefined || r[k] === v),
    );
  }

  async searchClients(query: string, limit = 200): Promise<LocalRecord[]> {
    const q = normalizeName(query);
    const raw = query.trim().toLowerCase();
    const rows = await this.db.records
      .where('entity')
      .equals('client')
      .filter((r) => {
        if (r.deleted) return false;
        if (!q && !raw) return true;
        const reg = String(r['registration_number'] ?? '').toLowerCase();
        return (q !== '' && (r.name_key ?? '').includes(q)) || (raw !== '' && reg.includes(raw));
      })
      .toArray();
    rows.sort((a, b) => (a.name_key ?? '').localeCompare(b.name_key ?? ''));
    return rows.slice(0, limit);
  }

  async save(
    entity: Entity,
    id: string,
    fields: Record<string, unknown>,
    hlc: string,
  ): Promise<Change | null> {
    const db = this.db;
    const change = await db.transaction(
      'rw',
      [db.records, db.outbox, db.rejected, db.meta],
      async () => {
        const current = await db.records.get(key(entity, id));
        const live = current && !current.deleted ? current : undefined;
        const changed = diffFields(live, fields);
        if (live && Object.keys(changed).length === 0) return null;
        const c = makeChange({
          changeId: uuid4(),
          entity,
          id,
          op: 'upsert',
          current,
          fields: changed,
          hlc,
        });
        const base: LocalRecord = current ?? {
          entity,
          id,
          version: null,
          facility_id: String(fields['facility_id'] ?? ''),
          created_at: new Date(this.now()).toISOString(),
          deleted: false,
          conflict_open: false,
          _pending: 1,
        };
        const next = withSearchKey({ ...applyChange(base, c), deleted: false, _pending: 1 });
        await db.records.put(next);
        await db.outbox.add({ ...c });
        // The user has acted on this record again: earlier rejections are answered.
        await db.rejected.where('[entity+id]').equals(key(entity, id)).delete();
        await this.rememberHlc(hlc);
        return c;
      },
    );
    if (change) this.emit();
    return change;
  }

  async remove(entity: Entity, id: string, hlc: string): Promise<Change> {
    const db = this.db;
    const change = await db.transaction('rw', [db.records, db.outbox, db.meta], async () => {
      const current = await db.records.get(key(entity, id));
      const c = makeChange({
        changeId: uuid4(),
        entity,
        id,
        op: 'delete',
        current,
        fields: {},
        hlc,
      });
      if (current) await db.records.put({ ...current, deleted: true, _pending: 1 });
      await db.outbox.add({ ...c });
      await this.rememberHlc(hlc);
      return c;
    });
    this.emit();
    return change;
  }

  private async rememberHlc(hlc: string): Promise<void> {
    const { wall, counter } = parseHlc(hlc);
    await this.db.meta.put({ key: 'hlc', value: { wall, counter } });
  }

  peekOutbox(limit: number): Promise<OutboxEntry[]> {
    return this.db.outbox.orderBy('seq').limit(limit).toArray();
  }

  pendingCount(): Promise<number> {
    return this.db.outbox.count();
  }

  async applyPushResults(batch: OutboxEntry[], results: PushResult[]): Promise<void> {
    const db = this.db;
    const byChange = new Map(results.map((r) => [r.change_id, r]));
    await db.transaction('rw', [db.records, db.outbox, db.rejected], async () => {
      const touched = new Map<string, [string, string]>();
      for (const entry of batch) {
        const result = byChange.get(entry.change_id);
        // No answer for this change: it stays in the outbox and goes again next time.
        if (!result || entry.seq === undefined) continue;
        await db.outbox.delete(entry.seq);
        touched.set(`${entry.entity}/${entry.id}`, key(entry.entity, entry.id));
        if (result.status === 'rejected') {
          await db.rejected.put({
            change_id: entry.change_id,
            entity: entry.entity,
            id: entry.id,
            fields: entry.fields,
            errors: result.errors ?? {},
            at: this.now(),
          });
        }
        if (result.status === 'conflict') {
          const rec = await db.records.get(key(entry.entity, entry.id));
          if (rec) await db.records.put({ ...rec, conflict_open: true });
        }
      }
      for (const k of touched.values()) {
        const left = await db.outbox.where('[entity+id]').equals(k).count();
        const rec = await db.records.get(k);
        if (rec && left === 0 && rec._pending) await db.records.put({ ...rec, _pending: 0 });
      }
    });
    this.emit();
  }

  async applyPulled(changes: PulledChange[], cursor: string): Promise<void> {
    const db = this.db;
    await db.transaction('rw', [db.records, db.outbox, db.meta], async () => {
      const pending = new Map<string, OutboxEntry[]>();
      for (const entry of await db.outbox.orderBy('seq').toArray()) {
        const k = `${entry.entity}/${entry.id}`;
        const list = pending.get(k) ?? [];
        list.push(entry);
        pending.set(k, list);
      }
      const puts: LocalRecord[] = [];
      const deletes: [string, string][] = [];
      for (const ch of changes) {
        const mine = pending.get(`${ch.entity}/${ch.id}`) ?? [];
        if (ch.deleted && mine.length === 0) {
          deletes.push(key(ch.entity, ch.id));
          continue;
        }
        let rec: LocalRecord = {
          ...(ch.record as Partial<LocalRecord>),
          entity: ch.entity,
          id: ch.id,
          version: ch.version,
          facility_id: String(ch.record['facility_id'] ?? ''),
          deleted: ch.deleted,
          conflict_open: Boolean(ch.record['conflict_open']),
          _pending: mine.length ? 1 : 0,
        };
        // Nothing typed is lost: edits still in the outbox stay visible on top of the server's state.
        for (const entry of mine) rec = applyChange(rec, entry);
        puts.push(withSearchKey(rec));
      }
      if (puts.length) await db.records.bulkPut(puts);
      if (deletes.length) await db.records.bulkDelete(deletes);
      await db.meta.put({ key: 'cursor', value: cursor });
    });
    this.emit();
  }

  async rejections(entity?: Entity, id?: string): Promise<RejectedEntry[]> {
    if (entity && id)
      return this.db.rejected.where('[entity+id]').equals(key(entity, id)).toArray();
    return this.db.rejected.toArray();
  }

  async getMeta<T>(k: string): Promise<T | undefined> {
    return (await this.db.meta.get(k))?.value as T | undefined;
  }

  async setMeta(k: string, value: unknown): Promise<void> {
    await this.db.meta.put({ key: k, value });
    this.emit();
  }

  async getDraft<T>(k: string): Promise<T | undefined> {
    return (await this.db.drafts.get(k))?.value as T | undefined;
  }

  async putDraft(k: string, value: unknown): Promise<void> {
    await this.db.drafts.put({ key: k, value, updated_at: this.now() });
  }

  async deleteDraft(k: string): Promise<void> {
    await this.db.drafts.delete(k);
  }

  close(): void {
    this.db.close();
  }

  async destroy(): Promise<void> {
    this.listeners.clear();
    await this.db.delete();
  }
}

/** Outbox entries as sent on the wire. */
export function wireChanges(batch: OutboxEntry[]): Change[] {
  return batch.map(toWire);
}
