// Field validation that mirrors the server's, for comfort only: the server decides.
// Each validator returns errors per field as codes the i18n catalog turns into words.
import {
  ATTENDANCE,
  CASE_TYPES,
  ENROLLMENT_STATUSES,
  GROUP_KINDS,
  PROGRAMS,
  RISK_FLAGS,
  SESSION_KINDS,
  SEXES,
  URINE_RESULTS,
} from './types';
import {
  CLOCK_TOLERANCE_SECONDS,
  EXIT_REASON_MAX,
  KINDS_WITH_PLAN,
  NEXT_SESSION_MAX_DAYS,
  NOTES_TO_SUBMIT,
  PHASE_NAME_MAX,
  PLAN_TO_SUBMIT,
  RECIPIENT_KINDS,
  RECIPIENT_NAME_MAX,
  RELEASE_KINDS,
  TC_GRADES,
} from './rules.generated';

export type ErrorCode =
  | 'required'
  | 'too_long'
  | 'one_of'
  | 'bad_date'
  | 'bad_datetime'
  | 'future'
  | 'too_far_future'
  | 'too_far_next'
  | 'before_admission'
  | 'before_start'
  | 'before_occurred'
  | 'nik_digits'
  | 'int_range'
  | 'nul_char'
  | 'facility_not_allowed'
  | 'must_be_empty'
  | 'required_to_submit'
  | 'one_active'
  | 'only_at_exit';

export interface FieldError {
  code: ErrorCode;
  n?: number;
  m?: number;
}
export type Errors = Record<string, FieldError[]>;

type Fields = Record<string, unknown>;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** Whole days from one ISO date to another. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function isDate(v: unknown): v is string {
  if (typeof v !== 'string' || !DATE_RE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

class Collector {
  readonly errors: Errors = {};
  add(field: string, error: FieldError): void {
    (this.errors[field] ??= []).push(error);
  }
  text(f: Fields, field: string, opts: { required?: boolean; max: number }): void {
    const v = f[field];
    if (isBlank(v)) {
      if (opts.required) this.add(field, { code: 'required' });
      return;
    }
    if (typeof v !== 'string') return this.add(field, { code: 'required' });
    if (opts.required && v.trim() === '') return this.add(field, { code: 'required' });
    if (v.includes('\u0000')) this.add(field, { code: 'nul_char' });
    if (v.length > opts.max) this.add(field, { code: 'too_long', n: opts.max });
  }
  choice(f: Fields, field: string, options: readonly string[], required = true): void {
    const v = f[field];
    if (isBlank(v)) {
      if (required) this.add(field, { code: 'required' });
      return;
    }
    if (typeof v !== 'string' || !options.includes(v)) this.add(field, { code: 'one_of' });
  }
  date(f: Fields, field: string, required = false): string | null {
    const v = f[field];
    if (isBlank(v)) {
      if (required) this.add(field, { code: 'required' });
      return null;
    }
    if (!isDate(v)) {
      this.add(field, { code: 'bad_date' });
      return null;
    }
    return v;
  }
  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

/** True when a validator found nothing wrong. */
export function isValid(errors: Errors): boolean {
  return Object.keys(errors).length === 0;
}

export interface ClientContext {
  facilityIds: readonly string[];
  today: string;
}

/** Validate a client (WBP) record, whole. */
export function validateClient(f: Fields, ctx: ClientContext): Errors {
  const c = new Collector();
  c.text(f, 'registration_number', { required: true, max: 40 });
  c.text(f, 'full_name', { required: true, max: 120 });
  c.choice(f, 'sex', SEXES);
  c.choice(f, 'case_type', CASE_TYPES);
  const birth = c.date(f, 'birth_date');
  if (birth && birth > ctx.today) c.add('birth_date', { code: 'future' });
  const admission = c.date(f, 'admission_date');
  const release = c.date(f, 'release_date');
  if (admission && release && release < admission)
    c.add('release_date', { code: 'before_admission' });
  const nik = f['nik'];
  if (!isBlank(nik) && (typeof nik !== 'string' || !/^\d{16}$/.test(nik))) {
    c.add('nik', { code: 'nik_digits' });
  }
  const facility = f['facility_id'];
  if (isBlank(facility)) c.add('facility_id', { code: 'required' });
  else if (typeof facility !== 'string' || !ctx.facilityIds.includes(facility)) {
    c.add('facility_id', { code: 'facility_not_allowed' });
  }
  return c.errors;
}

/** Validate an enrollment record, whole. */
export function validateEnrollment(f: Fields): Errors {
  const c = new Collector();
  if (isBlank(f['client_id'])) c.add('client_id', { code: 'required' });
  c.choice(f, 'program', PROGRAMS);
  c.text(f, 'cohort', { max: 60 });
  c.text(f, 'phase', { max: 40 });
  const start = c.date(f, 'start_date', true);
  const end = c.date(f, 'end_date');
  if (start && end && end < start) c.add('end_date', { code: 'before_start' });
  c.choice(f, 'status', ENROLLMENT_STATUSES);
  c.text(f, 'exit_reason', { max: EXIT_REASON_MAX });
  c.choice(f, 'tc_grade', TC_GRADES, false);
  if (!isBlank(f['tc_grade']) && (f['status'] ?? 'active') === 'active')
    c.add('tc_grade', { code: 'only_at_exit' });
  return c.errors;
}

/** Validate a phase change, whole. */
export function validatePhaseChange(f: Fields, ctx: { today: string }): Errors {
  const c = new Collector();
  if (isBlank(f['enrollment_id'])) c.add('enrollment_id', { code: 'required' });
  if (isBlank(f['client_id'])) c.add('client_id', { code: 'required' });
  c.text(f, 'phase', { required: true, max: PHASE_NAME_MAX });
  const on = c.date(f, 'changed_on', true);
  if (on && on > ctx.today) c.add('changed_on', { code: 'future' });
  c.text(f, 'decided_by', { required: true, max: 120 });
  return c.errors;
}

/** Validate an attendance record, whole. */
export function validateAttendance(f: Fields): Errors {
  const c = new Collector();
  if (isBlank(f['session_id'])) c.add('session_id', { code: 'required' });
  if (isBlank(f['client_id'])) c.add('client_id', { code: 'required' });
  c.choice(f, 'status', ATTENDANCE);
  return c.errors;
}

export interface SessionContext {
  nowMs: number;
}

/** Validate a session record, whole. */
export function validateSession(f: Fields, ctx: SessionContext): Errors {
  const c = new Collector();
  const kind = f['kind'];
  c.choice(f, 'kind', SESSION_KINDS);
  const isGroup = typeof kind === 'string' && GROUP_KINDS.includes(kind);
  if (isGroup) {
    if (!isBlank(f['client_id'])) c.add('client_id', { code: 'must_be_empty' });
  } else if (isBlank(f['client_id'])) {
    c.add('client_id', { code: 'required' });
  }

  const occurred = f['occurred_at'];
  let occurredDate: string | null = null;
  if (isBlank(occurred)) c.add('occurred_at', { code: 'required' });
  else if (typeof occurred !== 'string' || !DATETIME_RE.test(occurred)) {
    c.add('occurred_at', { code: 'bad_datetime' });
  } else {
    const ms = new Date(occurred).getTime();
    if (Number.isNaN(ms)) c.add('occurred_at', { code: 'bad_datetime' });
    else if (ms > ctx.nowMs + CLOCK_TOLERANCE_SECONDS * 1000)
      c.add('occurred_at', { code: 'too_far_future' });
    else occurredDate = occurred.slice(0, 10);
  }

  const duration = f['duration_minutes'];
  if (isBlank(duration)) c.add('duration_minutes', { code: 'required' });
  else if (!Number.isInteger(duration) || (duration as number) < 1 || (duration as number) > 600) {
    c.add('duration_minutes', { code: 'int_range', n: 1, m: 600 });
  }

  c.choice(f, 'attendance', ATTENDANCE, !isGroup);
  for (const note of ['note_data', 'note_assessment', 'note_plan']) c.text(f, note, { max: 20000 });

  const flags = f['risk_flags'];
  if (!isBlank(flags)) {
    const list = Array.isArray(flags) ? flags : null;
    if (
      !list ||
      list.some((x) => typeof x !== 'string' || !(RISK_FLAGS as readonly string[]).includes(x))
    ) {
      c.add('risk_flags', { code: 'one_of' });
    }
  }

  const urine = f['urine_test'];
  if (kind === 'urine_test' && isBlank(urine)) c.add('urine_test', { code: 'required' });
  if (!isBlank(urine)) {
    const u = urine as { panel?: unknown; results?: unknown };
    if (typeof u !== 'object') c.add('urine_test', { code: 'required' });
    else {
      c.text(u as Fields, 'panel', { required: true, max: 40 });
      // Errors found inside urine_test are reported under the field names the form shows.
      const inner = c.errors['panel'];
      if (inner) {
        delete c.errors['panel'];
        c.errors['urine_test.panel'] = inner;
      }
      const results = u.results;
      if (!results || typeof results !== 'object' || Object.keys(results).length === 0) {
        c.add('urine_test.results', { code: 'required' });
      } else if (
        Object.values(results).some(
          (r) => !(URINE_RESULTS as readonly string[]).includes(r as string),
        )
      ) {
        c.add('urine_test.results', { code: 'one_of' });
      }
    }
  }

  const next = c.date(f, 'next_session_on');
  if (next && occurredDate && next < occurredDate)
    c.add('next_session_on', { code: 'before_occurred' });
  else if (next && occurredDate && daysBetween(occurredDate, next) > NEXT_SESSION_MAX_DAYS)
    c.add('next_session_on', { code: 'too_far_next' });

  const status = f['status'];
  if (!isBlank(status) && status !== 'draft' && status !== 'submitted')
    c.add('status', { code: 'one_of' });
  if (status === 'submitted') {
    // The DAP parts a supervisor needs (the server's rule: schemas/rules.py NOTES_TO_SUBMIT).
    const withPlan =
      typeof kind === 'string' && (KINDS_WITH_PLAN as readonly string[]).includes(kind);
    for (const note of [...NOTES_TO_SUBMIT, ...(withPlan ? PLAN_TO_SUBMIT : [])]) {
      const text = f[note];
      if (typeof text !== 'string' || text.trim() === '')
        c.add(note, { code: 'required_to_submit' });
    }
  }
  return c.ok ? {} : c.errors;
}

// --- release and aftercare ---
/** Validate a release with its referral, whole (the server's ReleaseFields.rules). */
export function validateRelease(f: Fields, ctx: { today: string }): Errors {
  const c = new Collector();
  if (isBlank(f['client_id'])) c.add('client_id', { code: 'required' });
  const on = c.date(f, 'released_on', true);
  if (on && on > ctx.today) c.add('released_on', { code: 'future' });
  c.choice(f, 'kind', RELEASE_KINDS);
  c.choice(f, 'recipient_kind', RECIPIENT_KINDS, false);
  c.text(f, 'recipient_name', { max: RECIPIENT_NAME_MAX });
  const name = typeof f['recipient_name'] === 'string' ? f['recipient_name'].trim() : '';
  if (!isBlank(f['recipient_kind']) && !name) c.add('recipient_name', { code: 'required' });
  if (name && isBlank(f['recipient_kind'])) c.add('recipient_kind', { code: 'required' });
  return c.errors;
}
// --- end release and aftercare ---
