// The local store: one user's records, outbox, meta and drafts. `Store` is the contract the sync
// loop and the views rely on; `DexieStore` implements it over IndexedDB (see db.ts), and every
// implementation must pass tests/store.contract.ts.
import Dexie from 'dexie';
import { clientNumbers, normalizeName } from '../shared/duplicates';
import { parseHlc } from '../shared/hlc';
import { uuid4 } from '../shared/ids';
import {
  leftScope,
  type Change,
  type Entity,
  type PulledChange,
  type PulledEntry,
  type PushResult,
} from '../shared/types';
import {
  UserDb,
  type KeptEntry,
  type LocalRecord,
  type OutboxEntry,
  type RejectedEntry,
} from './db';
import type { VaultObserver } from './vault/middleware';
import {
  afterAnswer,
  fieldsToSend,
  KEEP_ACKNOWLEDGED_MS,
  makeChange,
  replay,
  serverStateOf,
  toWire,
  unsentRecord,
} from './outbox';

export type { LocalRecord, OutboxEntry, RejectedEntry };

export interface ListFilter {
  client_id?: string;
  session_id?: string;
  facility_id?: string;
  status?: string;
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
  /** Take a push answer: answered entries leave the outbox, rejections are kept, in one
   * transaction. A rejected change leaves the record: it shows the server's state again with the
   * other pending changes on top. */
  applyPushResults(batch: OutboxEntry[], results: PushResult[]): Promise<void>;
  /** The feed was reset (the server was restored from a backup): forget the server's state
   * and the cursor, put every kept answered change back at the front of the outbox before the
   * pending ones, all marked `replay`, and show the records as those changes make them. Returns
   * how many changes are queued. */
  resetFeed(): Promise<number>;
  /** The answered changes still kept, in their order. */
  keptChanges(): Promise<KeptEntry[]>;
  /** Write one pulled page and its cursor in one transaction, pending local edits re-applied on
   * top. An entry that left the scope (`"scope": "left"`) purges its record and the drafts of it;
   * what is pending for it stays in the outbox, to be pushed (the server still takes it). */
  applyPulled(changes: PulledEntry[], cursor: string): Promise<void>;
  /** Optional: start the work of writing a pulled page (sealing its records) before
   * applyPulled gets that same page, so it overlaps the write of the page before. */
  preparePulled?(changes: PulledEntry[]): void;
  rejections(entity?: Entity, id?: string): Promise<RejectedEntry[]>;
  /** Remove the records of every facility not in `facilityIds` (the user lost it); cheap when
   * the scope did not change. Pending changes stay: the server keeps what it refuses. */
  keepFacilities(facilityIds: readonly string[]): Promise<number>;
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

/** Set the keys the store derives for its indexes: a session's task. Works in place: callers
 * pass records that are theirs alone. */
function derive(record: LocalRecord): LocalRecord {
  if (record.entity === 'session') {
    if (record['status'] === 'returned') record._task = 'returned';
    else delete record._task;
  }
  return record;
}

function key(entity: Entity, id: string): [string, string] {
  return [entity, id];
}

/** A pulled record as stored, before any pending local edit is applied. The pulled object is
 * fresh from JSON and ours alone, so it is completed in place: a first sync of tens of
 * thousands of records makes no copies. */
function fromPulled(ch: PulledChange): LocalRecord {
  const rec = ch.record as LocalRecord;
  rec.entity = ch.entity;
  rec.id = ch.id;
  rec.version = ch.version;
  rec.facility_id = String(rec.facility_id ?? '');
  rec.deleted = ch.deleted;
  rec.conflict_open = Boolean(rec.conflict_open);
  rec._pending = 0;
  return derive(rec);
}

/** The meta key of what this device sent in changes the server answered with a conflict: the
 * counselor's own values, which the pulled record (the server's) no longer shows. */
export function ownValuesKey(entity: Entity, id: string): string {
  return `own-values:${entity}/${id}`;
}

/** The values this device sent in conflicting changes of one record, newest last. */
export interface OwnValues {
  fields: Record<string, unknown>;
  at: number;
}

/** A client merged into another: its tombstone stays, so a link to it can lead to the kept one. */
function mergedAway(rec: LocalRecord): boolean {
  return rec.deleted === true && rec.entity === 'client' && typeof rec['merged_into'] === 'string';
}

/** Whether a pulled record is stored: a deleted one goes, but a merged-away client's tombstone
 * is kept (links to it lead to the kept client). */
function stored(rec: LocalRecord): boolean {
  return !rec.deleted || mergedAway(rec);
}

/** The longest a view waits to hear of pulled records. */
export const PULLED_NOTICE_MS = 1_000;

/** A client as the in-memory search index holds it. */
interface SearchEntry {
  id: string;
  name: string;
  reg: string;
}

/** Names and registration numbers are never clear keys on disk: the search runs over this
 * index, built from the decrypted clients at the first search after unlock and kept current
 * by every write the vault reports. */
class SearchIndex implements VaultObserver {
  /** told of every outbox write, with the plain entries (the sealed outbox copies them) */
  onOutbox: ((entries: OutboxEntry[]) => void) | null = null;
  private entries: Map<string, SearchEntry> | null = null;
  private sorted: SearchEntry[] | null = null;
  private building: Promise<Map<string, SearchEntry>> | null = null;

  put(table: string, values: readonly Record<string, unknown>[]): void {
    if (table === 'outbox') this.onOutbox?.(values as unknown as OutboxEntry[]);
    if (table !== 'records' || !this.entries) return;
    for (const v of values) if (v['entity'] === 'client') this.set(this.entries, v);
    this.sorted = null;
  }

  delete(table: string, keys: readonly unknown[]): void {
    if (table !== 'records' || !this.entries) return;
    for (const k of keys) if (Array.isArray(k) && k[0] === 'client') this.entries.delete(k[1]);
    this.sorted = null;
  }

  clear(table: string): void {
    if (table === 'records') this.entries = this.sorted = this.building = null;
  }

  private set(into: Map<string, SearchEntry>, v: Record<string, unknown>): void {
    const id = String(v['id']);
    if (v['deleted']) {
      into.delete(id);
      return;
    }
    const name = v['full_name'];
    into.set(id, {
      id,
      name: normalizeName(typeof name === 'string' ? name : ''),
      // every number the client is known by (register history too), one per line
      reg: clientNumbers(v as { id: string })
        .join('\n')
        .toLowerCase(),
    });
  }

  /** The live clients by name (then id, the order of the primary key). */
  async list(load: () => Promise<Record<string, unknown>[]>): Promise<SearchEntry[]> {
    if (!this.entries) {
      this.building ??= (async () => {
        const map = new Map<string, SearchEntry>();
        for (const v of await load()) this.set(map, v);
        return map;
      })();
      const built = await this.building;
      this.entries ??= built;
    }
    this.sorted ??= [...this.entries.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    return this.sorted;
  }
}

export class DexieStore implements Store {
  readonly db: UserDb;
  private listeners = new Set<() => void>();
  private pulledNotice: ReturnType<typeof setTimeout> | null = null;
  private readonly search = new SearchIndex();
  /** pulled pages made ready (preparePulled): their records, to be written as they are */
  private readonly prepared = new WeakMap<PulledEntry[], LocalRecord[]>();

  /** With a data key every value is sealed on disk (vault/middleware.ts). */
  constructor(
    readonly userId: string,
    private readonly now: () => number = () => Date.now(),
    private readonly pulledNoticeMs: number = PULLED_NOTICE_MS,
    key: CryptoKey | null = null,
    onOutbox: ((entries: OutboxEntry[]) => void) | null = null,
    private readonly keepMs: number = KEEP_ACKNOWLEDGED_MS,
  ) {
    this.search.onOutbox = onOutbox;
    this.db = new UserDb(userId, key, this.search);
  }

  private emit(): void {
    if (this.pulledNotice !== null) clearTimeout(this.pulledNotice);
    this.pulledNotice = null;
    for (const fn of this.listeners) fn();
  }

  /** Pulled pages come in bursts (a first sync is 50 of them): views hear of them at most once
   * per PULLED_NOTICE_MS, so their queries never queue between two pages' transactions. Any
   * other write (the end of a run records its time) tells them at once. */
  private emitPulled(): void {
    if (this.pulledNotice !== null) return;
    this.pulledNotice = setTimeout(() => this.emit(), this.pulledNoticeMs);
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get(entity: Entity, id: string): Promise<LocalRecord | undefined> {
    return this.db.records.get(key(entity, id));
  }

  async list(entity: Entity, filter: ListFilter = {}): Promise<LocalRecord[]> {
    // The narrowest index first: a client's or a session's records, then the sparse index of
    // returned sessions (a few among tens of thousands), else the entity's primary-key range.
    const { client_id, session_id, status } = filter;
    const records = this.db.records;
    const rows = client_id
      ? await records.where('client_id').equals(client_id).toArray()
      : session_id
        ? await records.where('session_id').equals(session_id).toArray()
        : status === 'returned'
          ? await records.where('_task').equals('returned').toArray()
          : await records
              .where('[entity+id]')
              .between([entity, Dexie.minKey], [entity, Dexie.maxKey])
              .toArray();
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
    const entries = await this.search.list(() => this.list('client'));
    // Walk the index in name order and stop at `limit` matches: only the rows shown are read.
    const ids: [string, string][] = [];
    for (const e of entries) {
      if (ids.length >= limit) break;
      if ((!q && !raw) || (q !== '' && e.name.includes(q)) || (raw !== '' && e.reg.includes(raw)))
        ids.push(key('client', e.id));
    }
    const rows = await this.db.records.bulkGet(ids);
    return rows.filter((r): r is LocalRecord => r !== undefined && !r.deleted);
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
        const changed = fieldsToSend(current, fields);
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
        const server = current
          ? serverStateOf(current)
          : unsentRecord(
              entity,
              id,
              String(fields['facility_id'] ?? ''),
              new Date(this.now()).toISOString(),
            );
        const pending = await this.pendingOf(entity, id);
        await db.records.put(derive(replay(server, [...pending, c])));
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
      if (current) {
        const pending = await this.pendingOf(entity, id);
        await db.records.put(derive(replay(serverStateOf(current), [...pending, c])));
      }
      await db.outbox.add({ ...c });
      await this.rememberHlc(hlc);
      return c;
    });
    this.emit();
    return change;
  }

  /** The outbox entries of one record, in order. */
  private pendingOf(entity: Entity, id: string): Promise<OutboxEntry[]> {
    return this.db.outbox.where('[entity+id]').equals(key(entity, id)).sortBy('seq');
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
    const now = this.now();
    const tables = [db.records, db.outbox, db.rejected, db.meta, db.kept];
    await db.transaction('rw', tables, async () => {
      const answered = new Map<string, [OutboxEntry, PushResult][]>();
      const kept: KeptEntry[] = [];
      for (const entry of batch) {
        const result = byChange.get(entry.change_id);
        // No answer for this change: it stays in the outbox and goes again next time.
        if (!result || entry.seq === undefined) continue;
        await db.outbox.delete(entry.seq);
        // Kept for a server restored from an older backup (resetFeed).
        kept.push({ ...entry, seq: entry.seq, at: now });
        // A replayed change the server now takes answers its earlier rejection.
        if (result.status !== 'rejected') await db.rejected.delete(entry.change_id);
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
          const k = ownValuesKey(entry.entity, entry.id);
          const prior = (await db.meta.get(k))?.value as OwnValues | undefined;
          const value: OwnValues = {
            fields: { ...prior?.fields, ...entry.fields },
            at: this.now(),
          };
          await db.meta.put({ key: k, value });
        }
        const k = `${entry.entity}/${entry.id}`;
        answered.set(k, [...(answered.get(k) ?? []), [entry, result]]);
      }
      for (const answers of answered.values()) {
        const { entity, id } = answers[0]![0];
        const rec = await db.records.get(key(entity, id));
        if (!rec) continue;
        let server = serverStateOf(rec);
        for (const [entry, result] of answers) server = afterAnswer(server, entry, result);
        await db.records.put(derive(replay(server, await this.pendingOf(entity, id))));
      }
      if (kept.length) await db.kept.bulkPut(kept);
      const expired = await db.kept
        .where('at')
        .below(now - this.keepMs)
        .primaryKeys();
      if (expired.length) await db.kept.bulkDelete(expired);
    });
    this.emit();
  }

  async resetFeed(): Promise<number> {
    const db = this.db;
    const queued = await db.transaction(
      'rw',
      [db.records, db.outbox, db.kept, db.meta],
      async () => {
        const outbox = await db.outbox.orderBy('seq').toArray();
        const pendingIds = new Set(outbox.map((e) => e.change_id));
        const again: OutboxEntry[] = [
          ...(await db.kept.orderBy('seq').toArray())
            .filter((k) => !pendingIds.has(k.change_id))
            .map(({ seq: _s, at: _a, ...change }) => change),
          ...outbox.map(({ seq: _s, ...change }) => change),
        ].map((change) => ({ ...change, replay: true }));
        await db.kept.clear();
        await db.outbox.clear();
        if (again.length) await db.outbox.bulkAdd(again);
        // The server's state is forgotten (its versions may be lower now): a record shows what
        // the queued changes make of it until the pull from zero brings the server's copy.
        const byRecord = new Map<string, OutboxEntry[]>();
        for (const change of again) {
          const k = `${change.entity}/${change.id}`;
          byRecord.set(k, [...(byRecord.get(k) ?? []), change]);
        }
        const known = new Map(
          (await db.records.toArray()).map((r) => [`${r.entity}/${r.id}`, r] as const),
        );
        const rebuilt: LocalRecord[] = [];
        for (const changes of byRecord.values()) {
          const first = changes[0]!;
          const had = known.get(`${first.entity}/${first.id}`);
          const facility = String(had?.facility_id ?? first.fields['facility_id'] ?? '');
          const created = String(had?.created_at ?? new Date(this.now()).toISOString());
          const server = unsentRecord(first.entity, first.id, facility, created);
          rebuilt.push(derive(replay(server, changes)));
        }
        await db.records.clear();
        if (rebuilt.length) await db.records.bulkPut(rebuilt);
        await db.meta.delete('cursor');
        return again.length;
      },
    );
    this.emit();
    return queued;
  }

  keptChanges(): Promise<KeptEntry[]> {
    return this.db.kept.orderBy('seq').toArray();
  }

  async applyPulled(entries: PulledEntry[], cursor: string): Promise<void> {
    const db = this.db;
    const left = entries.filter(leftScope);
    const changes = left.length ? entries.filter((e): e is PulledChange => !leftScope(e)) : entries;
    await db.transaction('rw', [db.records, db.outbox, db.meta, db.drafts], async () => {
      // Records that left the scope go first: a record that came back later in the feed comes
      // after its exit (its seq is later), so the page's own copy of it wins.
      if (left.length) await this.purgeLeft(left);
      // A page is up to 1,000 records, sealed and written in one bulk put (the vault keeps the
      // order of the operations of a transaction; preparePulled may have sealed them already).
      // A failed put aborts the whole transaction, page and cursor together.
      const ready = this.prepared.get(entries);
      this.prepared.delete(entries);
      const pulled = ready ?? (changes as PulledChange[]).map(fromPulled);
      const replayed: LocalRecord[] = [];
      await db.records.bulkPut(pulled.filter(stored));
      const pending = new Map<string, OutboxEntry[]>();
      for (const entry of await db.outbox.orderBy('seq').toArray()) {
        const k = `${entry.entity}/${entry.id}`;
        const list = pending.get(k) ?? [];
        list.push(entry);
        pending.set(k, list);
      }
      const deletes: [string, string][] = [];
      for (const rec of pulled) {
        const mine = pending.get(`${rec.entity}/${rec.id}`);
        if (!mine) {
          if (rec.deleted && !mergedAway(rec)) deletes.push(key(rec.entity, rec.id));
          continue;
        }
        // Nothing typed is lost: edits still in the outbox go on top of the server's state, in
        // this same transaction, so no reader ever sees the record without them.
        replayed.push(derive(replay(serverStateOf(rec), mine)));
      }
      if (replayed.length) await db.records.bulkPut(replayed);
      if (deletes.length) await db.records.bulkDelete(deletes);
      await db.meta.put({ key: 'cursor', value: cursor });
    });
    this.emitPulled();
  }

  preparePulled(entries: PulledEntry[]): void {
    const pulled = entries.filter((e): e is PulledChange => !leftScope(e)).map(fromPulled);
    this.prepared.set(entries, pulled);
    this.db.vault.sealAhead('records', pulled.filter(stored));
  }

  /** Purge what left the scope: the records, and every draft that names one of them (by its
   * key, or a draft's client_id). Runs inside applyPulled's transaction. */
  private async purgeLeft(left: readonly { entity: Entity; id: string }[]): Promise<void> {
    const db = this.db;
    await db.records.bulkDelete(left.map((e) => key(e.entity, e.id)));
    const ids = new Set(left.map((e) => e.id));
    const drafts = await db.drafts.toArray();
    const names = (d: { key: string; value: unknown }): boolean => {
      if (d.key.split(':').some((part) => ids.has(part))) return true;
      const value = d.value as Record<string, unknown> | null;
      return (
        typeof value === 'object' &&
        value !== null &&
        ids.has(String(value['clientId'] ?? value['client_id'] ?? ''))
      );
    };
    const gone = drafts.filter(names).map((d) => d.key);
    if (gone.length) await db.drafts.bulkDelete(gone);
  }

  async rejections(entity?: Entity, id?: string): Promise<RejectedEntry[]> {
    if (entity && id)
      return this.db.rejected.where('[entity+id]').equals(key(entity, id)).toArray();
    return this.db.rejected.toArray();
  }

  async keepFacilities(facilityIds: readonly string[]): Promise<number> {
    const scope = [...facilityIds].sort();
    // Read from disk, not remembered: another window of the app may have saved a wider scope.
    const known = (await this.getMeta<string[]>('scope')) ?? null;
    if (known && sameList(known, scope)) return 0;
    const allowed = new Set(scope);
    const db = this.db;
    const gone = await db.transaction('rw', [db.records, db.meta], async () => {
      const lost = (await db.records.toArray())
        .filter((r) => r.facility_id !== '' && !allowed.has(String(r.facility_id)))
        .map((r) => key(r.entity, r.id));
      if (lost.length) await db.records.bulkDelete(lost);
      await db.meta.put({ key: 'scope', value: scope });
      return lost.length;
    });
    if (gone) this.emit();
    return gone;
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
    if (this.pulledNotice !== null) clearTimeout(this.pulledNotice);
    this.pulledNotice = null;
    this.db.close();
  }

  async destroy(): Promise<void> {
    if (this.pulledNotice !== null) clearTimeout(this.pulledNotice);
    this.pulledNotice = null;
    this.listeners.clear();
    await this.db.delete();
  }
}

/** True when two sorted lists hold the same strings. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Outbox entries as sent on the wire. */
export function wireChanges(batch: OutboxEntry[]): Change[] {
  return batch.map(toWire);
}
