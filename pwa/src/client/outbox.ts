// Outbox rules, as pure functions over plain data. The store keeps the entries in IndexedDB;
// these decide what an entry holds and what the device shows.
//  - A local edit becomes one change holding only the fields that changed (all fields on create).
//  - base_version is the last version pulled from the server, null for a record never pulled.
//  - Order is the order of edits; a batch leaves the outbox only when its answer arrived, so a
//    failed push leaves it at the front.
//  - What the device shows of a record is its last known server state with its pending changes
//    replayed on top, in order (`replay`). An answer moves the server state (`afterAnswer`):
//    an accepted change is in it until a pull brings the version it made; a rejected one never
//    is, so the view falls back to the server's state with the other pending changes on top.
import type { Change, ChangeOp, Entity, PushResult } from '../shared/types';
import type { LocalRecord, OutboxEntry, ServerRecord } from './db';

export const PUSH_BATCH_LIMIT = 500;

/** How long an answered change is kept on the device (in the vault, as `kept`), so a server
 * restored from an older backup gets it again (docs/protocol.md, "After a restore"). A constant
 * of the build, like the PIN window; the store takes another value for tests. */
export const KEEP_ACKNOWLEDGED_MS = 30 * 24 * 3600_000;

/** Keys kept on the device or set by the server: never sent as fields (nor is any key starting
 * with `_`, such as `_pending` and `_server`). */
const NOT_FIELDS = new Set([
  'id',
  'entity',
  'version',
  'created_at',
  'updated_at',
  'deleted',
  'conflict_open',
  'name_key',
  '_pending',
  'reviewed_by',
  'reviewed_at',
  'review_comment',
]);

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields of `next` that differ from `current` (all of them when there is no current). */
export function diffFields(
  current: Record<string, unknown> | undefined,
  next: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (NOT_FIELDS.has(key) || key.startsWith('_') || value === undefined) continue;
    if (!current || !sameValue(current[key], value)) out[key] = value;
  }
  return out;
}

/** Build the outbox change for one local edit. */
export function makeChange(args: {
  changeId: string;
  entity: Entity;
  id: string;
  op: ChangeOp;
  current: LocalRecord | undefined;
  fields: Record<string, unknown>;
  hlc: string;
}): Change {
  return {
    change_id: args.changeId,
    entity: args.entity,
    id: args.id,
    op: args.op,
    base_version: args.current?.version ?? null,
    fields: args.fields,
    hlc: args.hlc,
  };
}

/** An outbox entry as sent on the wire (no local sequence number). */
export function toWire(entry: OutboxEntry): Change {
  const { change_id, entity, id, op, base_version, fields, hlc, replay } = entry;
  const wire: Change = { change_id, entity, id, op, base_version, fields, hlc };
  return replay ? { ...wire, replay: true } : wire;
}

/** Apply a pending change on top of a record, as the server would if it takes it: an upsert
 * makes the record live (even under a pulled tombstone), a delete makes it a tombstone. */
export function applyChange(record: ServerRecord, change: Change): ServerRecord {
  if (change.op === 'delete') return { ...record, deleted: true };
  return { ...record, ...change.fields, deleted: false };
}

/** The local view of a record: its server state with the pending changes replayed on top, in
 * order. While changes are pending it carries that server state as `_server`. */
export function replay(server: ServerRecord, pending: readonly Change[]): LocalRecord {
  let view = server;
  for (const change of pending) view = applyChange(view, change);
  return pending.length ? { ...view, _pending: 1, _server: server } : { ...view, _pending: 0 };
}

/** The server state a local record's pending changes are replayed on: its `_server` while
 * changes are pending, else the record itself (the device's keys left out). */
export function serverStateOf(record: LocalRecord): ServerRecord {
  if (record._pending && record._server) return record._server;
  const state: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (k === '_unsent' || (!k.startsWith('_') && k !== 'name_key')) state[k] = v;
  }
  return state as ServerRecord;
}

/** True when the server never took this record: no server version, or a rejected create. */
export function isUnsent(server: ServerRecord): boolean {
  return server._unsent === 1 || (server.version === null && server.deleted === true);
}

/** What the next local edit sends: the changed fields, or every field of a record whose
 * create the server rejected (it has none of it) when nothing else of it is pending. */
export function fieldsToSend(
  current: LocalRecord | undefined,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const live = current && !current.deleted ? current : undefined;
  if (live && live._unsent === 1 && !live._pending) {
    return diffFields(undefined, { ...serverStateOf(live), ...fields });
  }
  return diffFields(live, fields);
}

/** The server state of a record created on this device and not yet taken by the server. */
export function unsentRecord(
  entity: Entity,
  id: string,
  facilityId: string,
  createdAt: string,
): ServerRecord {
  return {
    entity,
    id,
    version: null,
    facility_id: facilityId,
    created_at: createdAt,
    deleted: true,
    conflict_open: false,
  };
}

/** The server state once the server answered `change`: a rejected change is not in it; an
 * accepted one is, unless the pull already brought the version it made (or a later one). */
export function afterAnswer(
  server: ServerRecord,
  change: Change,
  result: PushResult,
): ServerRecord {
  if (result.status === 'rejected') {
    if (!isUnsent(server)) return server;
    // The server never took this record: the device keeps what it showed.
    const { _unsent: _, ...kept } = applyChange(server, change);
    return change.op === 'upsert' ? { ...kept, _unsent: 1 } : kept;
  }
  const pulled = server.version;
  if (pulled !== null && result.version !== null && pulled >= result.version) return server;
  const { _unsent: _, ...next } = applyChange(server, change);
  return result.status === 'conflict' ? { ...next, conflict_open: true } : next;
}
