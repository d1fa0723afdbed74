// What the session form opens with: the session (or a fresh draft), its client, its attendance
// records, and the draft saved in IndexedDB when there is one.
import { uuid4 } from '../../../shared/ids';
import { zoneOf } from '../../../shared/time';
import type { LocalRecord } from '../../db';
import { draftFromRecord, emptyDraft, type SessionDraft } from '../../session-form';
import type { Store } from '../../store';

export interface LoadedSession {
  /** the draft's key in the store */
  key: string;
  draft: SessionDraft;
  /** true when the draft was saved earlier, not made from the record */
  restored: boolean;
  record: LocalRecord | undefined;
  client: LocalRecord | undefined;
  attendance: LocalRecord[];
}

/** Which session the form is about: an existing one, a new one for a client, or a new group one. */
export interface SessionTarget {
  existingId?: string | undefined;
  clientId?: string | undefined;
}

/** Load what the form needs; null when the session or its client is not on this device. */
export async function loadSession(
  store: Store,
  target: SessionTarget,
  facilityIds: string[],
): Promise<LoadedSession | null> {
  const { existingId, clientId } = target;
  const record = existingId ? await store.get('session', existingId) : undefined;
  if (existingId && !record) return null;
  const cid = (record?.['client_id'] as string | null | undefined) ?? clientId ?? null;
  const client = cid ? await store.get('client', cid) : undefined;
  if (cid && !client && !record) return null;
  const facilityId = record?.facility_id ?? client?.facility_id ?? facilityIds[0] ?? '';
  const facility = await store.get('facility', facilityId);
  const zone = zoneOf(facility?.['timezone']);
  const key = existingId ? `session:${existingId}` : `session:new:${clientId ?? 'group'}`;
  const attendance = record ? await store.list('attendance', { session_id: record.id }) : [];
  const saved = await store.getDraft<SessionDraft>(key);
  const draft =
    saved ??
    (record
      ? draftFromRecord(record, zone, attendance)
      : emptyDraft({
          id: uuid4(),
          clientId: clientId ?? null,
          facilityId,
          zone,
          nowMs: Date.now(),
          enrollmentId: clientId ? await onlyActiveEnrollment(store, clientId) : '',
        }));
  return { key, draft, restored: Boolean(saved), record, client, attendance };
}

/** The id of the client's one active program, or '' when there is none or more than one (the
 * counselor chooses then). */
async function onlyActiveEnrollment(store: Store, clientId: string): Promise<string> {
  const active = await store.list('enrollment', { client_id: clientId, status: 'active' });
  return active.length === 1 ? (active[0]?.id ?? '') : '';
}
