// Outbox rules, as pure functions over plain data. The store keeps the entries in IndexedDB;
// these decide what an entry holds.
//  - A local edit becomes one change holding only the fields that changed (all fields on create).
//  - base_version is the last version pulled from the server, null for a record never pulled.
//  - Order is the order of edits; a batch leaves the outbox only when its answer arrived, so a
//    failed push leaves it at the front.
import type { Change, ChangeOp, Entity } from '../shared/types';
import type { LocalRecord, OutboxEntry } from './db';

export const PUSH_BATCH_LIMIT = 500;

/** Keys kept on the device or set by the server: never sent as fields. */
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
  const { change_id, entity, id, op, base_version, fields, hlc } = entry;
  return { change_id, entity, id, op, base_version, fields, hlc };
}

/** Apply a pending change on top of a record, as the server would if it takes it. */
export function applyChange(record: LocalRecord, change: Change): LocalRecord {
  if (change.op === 'delete') return { ...record, deleted: true };
  return { ...record, ...change.fields };
}
