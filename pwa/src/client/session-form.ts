// The session form's state, kept as plain strings so it can be saved as a draft on every
// keystroke, and its conversion to and from record fields.
import { localParts, toOffsetIso } from '../shared/time';
import { GROUP_KINDS, type Zone } from '../shared/types';
import type { LocalRecord } from './db';

export interface UrineRow {
  /** a code of the usual panel (URINE_PANEL), or what the counselor typed for another one */
  analyte: string;
  result: string;
  /** true once "Lainnya" is chosen: the analyte is typed, not picked */
  other?: boolean;
}

/** The usual urine panel, as the codes stored in `urine_test.results` (translated in the
 * catalog under `analyte.`); any other analyte is stored as typed. */
export const URINE_PANEL = [
  'amphetamine',
  'methamphetamine',
  'thc',
  'morphine',
  'benzodiazepine',
  'cocaine',
] as const;

export interface SessionDraft {
  id: string;
  client_id: string | null;
  facility_id: string;
  enrollment_id: string;
  kind: string;
  date: string;
  time: string;
  duration: string;
  attendance: string;
  note_data: string;
  note_assessment: string;
  note_plan: string;
  risk_flags: string[];
  urine_panel: string;
  urine_rows: UrineRow[];
  next_session_on: string;
  /** group sessions: client id → attendance status ('' = not taking part) */
  participants: Record<string, string>;
}

/** True for kinds without a single client (group, morning meeting, seminar). */
export function isGroupKind(kind: string): boolean {
  return GROUP_KINDS.includes(kind);
}

/** A fresh form, dated now in the facility's zone. */
export function emptyDraft(args: {
  id: string;
  clientId: string | null;
  facilityId: string;
  zone: Zone;
  nowMs: number;
  /** the client's program to log the session under, when there is an obvious one */
  enrollmentId?: string;
}): SessionDraft {
  const { date, time } = localParts(args.nowMs, args.zone);
  return {
    id: args.id,
    client_id: args.clientId,
    facility_id: args.facilityId,
    enrollment_id: args.enrollmentId ?? '',
    kind: args.clientId ? 'individual' : 'group',
    date,
    time,
    duration: '60',
    attendance: args.clientId ? 'attended' : '',
    note_data: '',
    note_assessment: '',
    note_plan: '',
    risk_flags: [],
    urine_panel: '',
    urine_rows: [],
    next_session_on: '',
    participants: {},
  };
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

/** The form state of a stored session (and its attendance records, for a group). */
export function draftFromRecord(
  rec: LocalRecord,
  zone: Zone,
  attendance: LocalRecord[] = [],
): SessionDraft {
  const occurred = str(rec['occurred_at']);
  const ms = new Date(occurred).getTime();
  const parts = Number.isNaN(ms) ? { date: '', time: '' } : localParts(ms, zone);
  const urine = rec['urine_test'] as { panel?: string; results?: Record<string, string> } | null;
  const participants: Record<string, string> = {};
  for (const a of attendance) participants[str(a['client_id'])] = str(a['status']);
  return {
    id: rec.id,
    client_id: (rec['client_id'] as string | null) ?? null,
    facility_id: rec.facility_id,
    enrollment_id: str(rec['enrollment_id']),
    kind: str(rec['kind']),
    date: parts.date,
    time: parts.time,
    duration: str(rec['duration_minutes']),
    attendance: str(rec['attendance']),
    note_data: str(rec['note_data']),
    note_assessment: str(rec['note_assessment']),
    note_plan: str(rec['note_plan']),
    risk_flags: Array.isArray(rec['risk_flags']) ? (rec['risk_flags'] as string[]) : [],
    urine_panel: str(urine?.panel),
    urine_rows: Object.entries(urine?.results ?? {}).map(([analyte, result]) => ({
      analyte,
      result,
    })),
    next_session_on: str(rec['next_session_on']),
    participants,
  };
}

/** Record fields from the form; `status` is what the counselor chose (draft or submitted). */
export function draftToFields(
  d: SessionDraft,
  zone: Zone,
  status: 'draft' | 'submitted',
  counselorId: string,
): Record<string, unknown> {
  const group = isGroupKind(d.kind);
  const duration = d.duration.trim() === '' ? null : Number(d.duration);
  const results: Record<string, string> = {};
  for (const row of d.urine_rows) if (row.analyte.trim()) results[row.analyte.trim()] = row.result;
  return {
    facility_id: d.facility_id,
    client_id: group ? null : d.client_id,
    enrollment_id: d.enrollment_id || null,
    counselor_id: counselorId,
    kind: d.kind,
    occurred_at: d.date && d.time ? toOffsetIso(d.date, d.time, zone) : null,
    duration_minutes: duration,
    attendance: group ? null : d.attendance || null,
    note_data: d.note_data,
    note_assessment: d.note_assessment,
    note_plan: d.note_plan,
    risk_flags: d.risk_flags,
    urine_test: d.kind === 'urine_test' ? { panel: d.urine_panel.trim(), results } : null,
    next_session_on: d.next_session_on || null,
    status,
  };
}
