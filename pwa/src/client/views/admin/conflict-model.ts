// Pure rules of the conflict inbox: how a value reads, how an edited value is read back, and
// which resolve request an admin's per-field picks make (server/routes/conflicts.py):
//   every field "server"  -> choice "server"
//   every field "client"  -> choice "client"
//   anything else         -> choice "merge" with a value for every conflicting field
// Duplicates: the existing client is kept with the newcomer's values the admin picked ("merge"),
// or as it is ("server") when none was picked.
import { label, t, type Lang } from '../../../shared/i18n';
import { formatDate, formatDateTime } from '../../../shared/time';
import type { ConflictChoice, ConflictDetail } from '../../staff-api';

export type FieldChoice = 'server' | 'client' | 'edit';

export interface FieldPick {
  choice: FieldChoice;
  /** the admin's own value, as typed (choice "edit") */
  text: string;
}

export type Picks = Record<string, FieldPick>;

/** Fields whose values are codes with a translated label. */
const CODE_GROUPS: Record<string, string> = {
  kind: 'kind',
  attendance: 'attendance',
  program: 'program',
  sex: 'sex',
  case_type: 'case',
  instrument: 'instrument',
};

/** A field value in words: codes translated, lists joined, objects as JSON, none as a dash. */
export function showValue(entity: string, field: string, value: unknown, lang: Lang): string {
  if (value === null || value === undefined || value === '') return t('common.none', {}, lang);
  if (typeof value === 'boolean') return t(value ? 'staff.yes' : 'staff.no', {}, lang);
  if (field === 'status' && typeof value === 'string') {
    return label(entity === 'session' ? 'sstatus' : 'enrollment', value, lang);
  }
  const group = CODE_GROUPS[field];
  if (group && typeof value === 'string') return label(group, value, lang);
  if (field === 'risk_flags' && Array.isArray(value)) {
    return value.length
      ? value.map((v) => label('risk', v, lang)).join(', ')
      : t('common.none', {}, lang);
  }
  // Dates and instants read as everywhere else ("2 Des 2026", "2 Des 2026, 01.46 WIB").
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return formatDate(value, lang);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value))
    return formatDateTime(value, 'WIB', lang);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value, null, 1);
}

/** The editable text of a value: text as it is, anything else as JSON. */
export function editText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export type Parsed = { ok: true; value: unknown } | { ok: false };

/** Read an edited text back into a value shaped like `sample` (the server's or device's value). */
export function parseEdited(text: string, sample: unknown): Parsed {
  if (typeof sample === 'string') return { ok: true, value: text };
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  if (typeof sample === 'number') {
    const n = Number(trimmed);
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
  }
  if (typeof sample === 'boolean') {
    if (trimmed === 'true' || trimmed === 'false') return { ok: true, value: trimmed === 'true' };
    return { ok: false };
  }
  if (sample === null || sample === undefined) {
    // No shape to follow: JSON when it reads as JSON, text otherwise.
    try {
      return { ok: true, value: JSON.parse(trimmed) as unknown };
    } catch {
      return { ok: true, value: text };
    }
  }
  try {
    return { ok: true, value: JSON.parse(trimmed) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The picks an inbox opens with: every field on the server's value. */
export function defaultPicks(c: ConflictDetail): Picks {
  const picks: Picks = {};
  for (const f of c.fields) picks[f] = { choice: 'server', text: editText(c.server[f]) };
  return picks;
}

export type Resolution =
  | { ok: true; choice: ConflictChoice; fields: Record<string, unknown> }
  | { ok: false; errors: Record<string, string[]> };

/** True when the device wanted the record deleted (nothing to merge field by field). */
export function isDeletion(c: ConflictDetail): boolean {
  return c.client['deleted'] === true && Object.keys(c.client).length === 1;
}

/** The resolve request that the per-field picks of a field, delete or locked conflict make. */
export function fieldResolution(c: ConflictDetail, picks: Picks, lang: Lang): Resolution {
  const chosen = c.fields.map((f) => picks[f]?.choice ?? 'server');
  if (chosen.every((x) => x === 'server')) return { ok: true, choice: 'server', fields: {} };
  if (chosen.every((x) => x === 'client')) return { ok: true, choice: 'client', fields: {} };
  const fields: Record<string, unknown> = {};
  const errors: Record<string, string[]> = {};
  for (const f of c.fields) {
    const pick = picks[f] ?? { choice: 'server', text: '' };
    if (pick.choice === 'server') fields[f] = c.server[f] ?? null;
    else if (pick.choice === 'client') fields[f] = c.client[f] ?? null;
    else {
      const parsed = parseEdited(pick.text, c.server[f] ?? c.client[f]);
      if (parsed.ok) fields[f] = parsed.value;
      else errors[f] = [t('conflict.bad_value', {}, lang)];
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, choice: 'merge', fields };
}

/** Client fields an admin may take from the newcomer when merging duplicates. */
export const CLIENT_FIELDS = [
  'registration_number',
  'full_name',
  'sex',
  'birth_date',
  'case_type',
  'admission_date',
  'release_date',
  'nik',
] as const;

/** The existing client (kept by "server") and the newcomer of a duplicate, as they are now. */
export function duplicatePair(c: ConflictDetail): {
  existing: Record<string, unknown>;
  newcomer: Record<string, unknown>;
} {
  return { existing: c.other_current ?? c.server, newcomer: c.current ?? c.client };
}

/** The client fields on which the two duplicate records differ. */
export function differingFields(c: ConflictDetail): string[] {
  const { existing, newcomer } = duplicatePair(c);
  return CLIENT_FIELDS.filter(
    (f) => JSON.stringify(existing[f] ?? null) !== JSON.stringify(newcomer[f] ?? null),
  );
}

/** Keep the existing client, with the newcomer's value of each field in `fromNewcomer`. */
export function duplicateResolution(c: ConflictDetail, fromNewcomer: string[]): Resolution {
  const { newcomer } = duplicatePair(c);
  const picked = fromNewcomer.filter((f) => (CLIENT_FIELDS as readonly string[]).includes(f));
  if (!picked.length) return { ok: true, choice: 'server', fields: {} };
  const fields: Record<string, unknown> = {};
  for (const f of picked) fields[f] = newcomer[f] ?? null;
  return { ok: true, choice: 'merge', fields };
}

/** A record in a few words: a client's name and number, a session's kind and day. */
export function recordSummary(
  entity: string,
  record: Record<string, unknown> | null | undefined,
  lang: Lang,
): string | null {
  if (!record) return null;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  if (entity === 'client') {
    const name = text(record['full_name']);
    const number = text(record['registration_number']);
    return name ? (number ? `${name} (${number})` : name) : number;
  }
  if (entity === 'session') {
    const day = text(record['occurred_at'])?.slice(0, 10);
    return [label('kind', record['kind'], lang), day].filter(Boolean).join(' · ');
  }
  if (entity === 'enrollment') return label('program', record['program'], lang);
  if (entity === 'assessment') return label('instrument', record['instrument'], lang);
  return text(record['name']) ?? text(record['code']);
}
