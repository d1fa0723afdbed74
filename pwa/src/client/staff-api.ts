// Typed calls to the staff API: review, figures and exports, conflicts, users, devices, audit.
// Supervisors and admins work online; these calls go straight to the server with the session's
// bearer token (api.ts's requestJson) and the app's refresh (an AuthPort, as the sync loop uses).
// Around each call (authorized.ts): a 401 refreshes the token pair once and retries; a refused
// refresh means the user must log in again (AuthLostError); a revoked device is reported as
// DeviceRevokedError so the view can let the sync loop wipe the device.
import type { BaseRecord, Change, PushResult, Role } from '../shared/types';
import { fetchOk, NetworkError, requestJson, type FetchLike } from './api';
import { authorized, type AuthPort } from './authorized';

const API = '/api/v1';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export interface PageQuery {
  page?: number;
  per_page?: number;
}

/** A session as the server sends it (the pulled wire record). */
export type SessionRecord = BaseRecord;

export interface AmendedSummary {
  id: string;
  occurred_at: string;
  kind: string;
  status: string;
  deleted: boolean;
  counselor_name: string | null;
  reviewed_by_name: string | null;
  reviewed_at: string | null;
}

export interface QueueItem {
  record: SessionRecord;
  client_name: string | null;
  client_registration_number: string | null;
  counselor_name: string | null;
  facility_code: string;
  facility_name: string;
  age_hours: number | null;
  amends_id: string | null;
  amends: AmendedSummary | null;
}

/** An open risk alert, shown above the review items (never behind them). */
export interface QueueAlert {
  record: BaseRecord;
  client_name: string | null;
  client_registration_number: string | null;
  counselor_name: string | null;
  facility_name: string;
}

export interface Queue extends Page<QueueItem> {
  alerts: QueueAlert[];
}

export interface CohortPhase {
  name: string;
  order: number;
  planned_weeks: number;
}

export interface CohortFields {
  program: string;
  name: string;
  start_date: string;
  end_date: string;
  intake_target: number;
  phases: CohortPhase[];
}

export type Cohort = BaseRecord & CohortFields;

export interface ClientPath {
  client: BaseRecord;
  enrollments: BaseRecord[];
  phase_changes: BaseRecord[];
  assessments: BaseRecord[];
  cohorts: Cohort[];
  /** release and aftercare: the client's releases with their referral (older servers: none) */
  releases?: BaseRecord[];
  /** the client's transfers (mutasi); older servers leave it out */
  transfers?: BaseRecord[];
}

/** A facility as a transfer's destination: its name only (GET /transfer-destinations). */
export interface FacilityEntry {
  id: string;
  code: string;
  name: string;
  kind: string;
  region: string;
}

// --- release and aftercare, admission from a list ---
export type ImportRowStatus = 'new' | 'present' | 'duplicate' | 'error' | 'imported';

export interface ImportMatch {
  id: string;
  full_name: string;
  registration_number: string;
  birth_date: string | null;
  reason: 'registration_number' | 'name_birth_date';
}

export interface ImportRow {
  row: number;
  status: ImportRowStatus;
  id?: string;
  values: Record<string, unknown>;
  errors: Record<string, string[]>;
  matches: ImportMatch[];
}

export interface ImportReport {
  dry_run: boolean;
  imported: number;
  columns: Record<string, string>;
  unknown_columns: string[];
  counts: Record<'new' | 'present' | 'duplicate' | 'error', number>;
  rows: ImportRow[];
}

export interface ImportBody {
  facility_id: string;
  file_name: string;
  /** the file in base64 */
  content: string;
  dry_run: boolean;
}
// --- end release and aftercare ---

export interface QueueQuery extends PageQuery {
  facility_id?: string | null;
  counselor_id?: string | null;
  min_age_hours?: number | null;
}

export type Decision = 'approve' | 'return';

export type ProgramCounts = Record<string, number>;

export interface StatusCounts {
  total: number;
  by_status: Record<string, number>;
}

export interface AttendanceRate extends StatusCounts {
  attended: number;
  rate: number | null;
}

export interface Summary {
  year: number;
  facility_ids: string[];
  rehabilitated: {
    total: number;
    by_program: ProgramCounts;
    by_facility: {
      facility_id: string;
      code: string;
      name: string;
      total: number;
      by_program: ProgramCounts;
    }[];
  };
  enrollments: StatusCounts & { by_program: Record<string, StatusCounts> };
  sessions_by_kind_month: { by_kind: Record<string, number[]>; by_month: number[]; total: number };
  attendance: AttendanceRate & { group: AttendanceRate };
  pipeline: {
    as_of: string;
    drafts_older_than_48h: number;
    submitted_waiting: { count: number; oldest_hours: number | null; median_hours: number | null };
    review_time: { count: number; median_hours: number | null };
  };
  assist_risk_at_intake: { clients: number; by_substance: Record<string, Record<string, number>> };
  cohorts: { items: CohortFigures[]; total: CohortCounts };
  whoqol_change: { clients: number; domains: Record<string, ScoreChange> };
  urica_change: { clients: number; readiness: ScoreChange | null };
  urine_tests: { done: number; positive: number; positive_rate: number | null };
}

export interface CohortCounts {
  intake_target: number;
  enrolled: number;
  active: number;
  completed: number;
  ended: number;
  by_status: Record<string, number>;
  completion_rate: number | null;
  dropout_rate: number | null;
}

export interface CohortFigures extends CohortCounts {
  cohort_id: string;
  facility_id: string;
  facility_code: string;
  name: string;
  program: string;
  start_date: string;
  end_date: string;
}

export interface ScoreChange {
  clients: number;
  mean_first: number;
  mean_last: number;
  mean_change: number;
  improved_rate: number | null;
}

export const REPORT_TABLES = [
  'rehabilitated',
  'enrollments',
  'sessions_by_kind_month',
  'attendance',
  'pipeline',
  'assist_risk_at_intake',
  'cohorts',
  'whoqol_change',
  'urica_change',
  'urine_tests',
] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];
export type ExportFormat = 'csv' | 'xlsx';

export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

export interface PersonRef {
  id: string;
  username: string;
  display_name: string;
}

export type ConflictKind = 'field' | 'delete' | 'locked' | 'duplicate';
export type ConflictChoice = 'server' | 'client' | 'merge';

export interface Conflict {
  id: string;
  kind: ConflictKind;
  entity: string;
  record_id: string;
  other_record_id: string | null;
  facility_id: string;
  fields: string[];
  base: Record<string, unknown>;
  server: Record<string, unknown>;
  client: Record<string, unknown>;
  user: PersonRef | null;
  device: DeviceWords | null;
  /** the name of the client the record is about (null: none known) */
  client_name?: string | null;
  created_at: string;
  status: 'open' | 'resolved';
  resolution: ConflictChoice | null;
  resolved_by: string | null;
  resolved_at: string | null;
}

export interface ConflictDetail extends Conflict {
  current: Record<string, unknown> | null;
  other_current: Record<string, unknown> | null;
}

export interface ConflictQuery extends PageQuery {
  status?: 'open' | 'resolved' | null;
  kind?: ConflictKind | null;
  facility_id?: string | null;
}

export interface RejectedChange {
  change_id: string | null;
  entity: string;
  record_id: string | null;
  device_id: string | null;
  user_id: string | null;
  username: string | null;
  created_at: string;
  fields: unknown;
  errors: Record<string, unknown> | null;
}

export interface AdminUser {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  active: boolean;
  facility_ids: string[];
  created_at: string;
}

export interface NewUser {
  username: string;
  display_name: string;
  role: Role;
  password: string;
  facility_ids: string[];
}

export interface UserPatch {
  display_name?: string;
  role?: Role;
  facility_ids?: string[];
  active?: boolean;
}

/** A device in words, as the server parses it (server/services/device_names.py). */
export interface DeviceWords {
  id: string;
  /** the user agent it gave at login */
  name: string;
  label?: string | null;
  model?: string | null;
  browser?: string | null;
  os?: string | null;
  short_id?: string;
}

export interface DeviceInfo extends DeviceWords {
  last_user: PersonRef | null;
  first_seen_at: string;
  last_seen_at: string;
  last_sync_at: string | null;
  app_version: string | null;
  pending_count: number | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  /** the device clock's offset from the server's (device − server), from its last push */
  clock_offset_ms?: number | null;
  clock_skewed?: boolean;
  /** the device's audit chain: null while it verifies, else broken or rewound since … */
  audit_chain?: 'broken' | 'rewound' | null;
  audit_chain_at?: string | null;
}

/** One device in the sync-health view: who used it last and what it reported. */
export interface HealthDevice {
  id: string;
  name: string;
  user: { id: string; display_name: string; username: string };
  last_seen_at: string;
  last_sync_at: string | null;
  silent: boolean;
  pending_count: number | null;
  oldest_pending_at: string | null;
  oldest_pending_hours: number | null;
  storage_persisted: boolean | null;
  app_version: string | null;
  clock_offset_ms: number | null;
  clock_skewed: boolean;
}

export interface HealthFacility {
  facility_id: string;
  code: string;
  name: string;
  devices: HealthDevice[];
  open_conflicts: number;
  rejected_30_days: number;
  pending_changes: number;
}

/** GET /sync-health: the caller's facilities, silent devices first (docs/protocol.md). */
export interface SyncHealth {
  as_of: string;
  silent_days: number;
  pending_changes: number;
  silent_devices: number;
  facilities: HealthFacility[];
}

export interface Facility {
  id: string;
  code: string;
  name: string;
  kind: string;
  region: string;
  timezone: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  user_id: string | null;
  username: string | null;
  device_id: string | null;
  action: string;
  entity: string | null;
  record_id: string | null;
  facility_id: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery extends PageQuery {
  user_id?: string | null;
  action?: string | null;
  entity?: string | null;
  record_id?: string | null;
  /** ISO 8601 instants with an offset */
  since?: string | null;
  until?: string | null;
}

export interface StaffApi {
  reviewQueue(q?: QueueQuery): Promise<Queue>;
  acknowledgeAlert(id: string): Promise<BaseRecord>;
  cohorts(facilityId?: string | null): Promise<Cohort[]>;
  createCohort(body: CohortFields & { facility_id: string }): Promise<Cohort>;
  editCohort(id: string, body: CohortFields & { version: number }): Promise<Cohort>;
  /** A client with the records of their path (screening, enrollments, phases, assessments). */
  clientPath(id: string): Promise<ClientPath>;
  /** Record a client's enrollment, phase change or exit; one push result per change. */
  recordPath(id: string, changes: Omit<Change, 'hlc'>[]): Promise<{ results: PushResult[] }>;
  /** The deployment's own checklist words per alarming flag (empty: the app's own). */
  checklists(): Promise<Record<string, string[]>>;
  /** Every facility a client may be transferred to, by code. */
  transferDestinations(): Promise<FacilityEntry[]>;
  session(id: string): Promise<SessionRecord>;
  /** A decision on the version the reviewer saw (`version`): the server refuses a stale one. */
  review(
    id: string,
    decision: Decision,
    comment?: string,
    version?: number | null,
  ): Promise<SessionRecord>;
  reportYears(facilityId?: string | null): Promise<number[]>;
  summary(year: number, facilityId?: string | null): Promise<Summary>;
  exportTable(
    year: number,
    table: ReportTable,
    format: ExportFormat,
    facilityId?: string | null,
  ): Promise<DownloadedFile>;
  conflicts(q?: ConflictQuery): Promise<Page<Conflict>>;
  conflict(id: string): Promise<ConflictDetail>;
  resolve(
    id: string,
    choice: ConflictChoice,
    fields?: Record<string, unknown>,
  ): Promise<ConflictDetail>;
  rejected(q?: PageQuery): Promise<Page<RejectedChange>>;
  users(q?: PageQuery): Promise<Page<AdminUser>>;
  createUser(body: NewUser): Promise<AdminUser>;
  updateUser(id: string, patch: UserPatch): Promise<AdminUser>;
  resetPassword(id: string, password: string): Promise<void>;
  devices(q?: PageQuery): Promise<Page<DeviceInfo>>;
  revokeDevice(id: string, reason: string | null): Promise<DeviceInfo>;
  facilities(q?: PageQuery): Promise<Page<Facility>>;
  /** the caller's own facilities (an admin's: every one) */
  myFacilities(q?: PageQuery): Promise<Page<Facility>>;
  audit(q?: AuditQuery): Promise<Page<AuditEvent>>;
  syncHealth(facilityId?: string | null): Promise<SyncHealth>;
  // --- release and aftercare, admission from a list ---
  /** The discharge summary (PDF) of a release with the client's consent; audited. */
  dischargeSummary(releaseId: string): Promise<DownloadedFile>;
  /** A facility's WBP list: a dry run, or the import of its new rows. */
  importClients(body: ImportBody): Promise<ImportReport>;
}

/** A query string from the parameters that have a value (`?a=1&b=x`, or '' when none). */
export function queryString(params: object): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** The file name a Content-Disposition header gives (RFC 6266), or `fallback`. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // A malformed escape: try the plain parameter.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header);
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2];
  // Never let a server-sent name climb out of the downloads folder.
  return name ? (name.split(/[\\/]/).pop() ?? fallback) : fallback;
}

/** GET a file; throws HttpError or NetworkError like requestJson. */
async function requestFile(
  fetchFn: FetchLike,
  url: string,
  token: string | null,
  fallbackName: string,
): Promise<DownloadedFile> {
  const headers: Record<string, string> = {};
  if (token) headers['Authorization'] = `Bearer ${token}`;
  const res = await fetchOk(fetchFn, url, { method: 'GET', headers, cache: 'no-store' });
  let blob: Blob;
  try {
    blob = await res.blob();
  } catch (e) {
    throw new NetworkError(e instanceof Error ? e.message : String(e));
  }
  return {
    blob,
    filename: filenameFromDisposition(res.headers.get('Content-Disposition'), fallbackName),
  };
}

const defaultFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/** The staff API over HTTP, authorized through `auth` (the session's tokens and refresh). */
export function createStaffApi(
  auth: AuthPort,
  fetchFn: FetchLike = defaultFetch,
  base = '',
): StaffApi {
  const json = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    authorized(auth, (token) =>
      requestJson<T>(fetchFn, method, `${base}${API}${path}`, body, token),
    );
  const get = <T>(path: string, params: object = {}): Promise<T> =>
    json<T>('GET', `${path}${queryString(params)}`);
  const id = encodeURIComponent;

  return {
    reviewQueue: (q = {}) => get('/review/queue', q),
    acknowledgeAlert: (aid) => json('POST', `/alerts/${id(aid)}/acknowledge`),
    cohorts: async (facilityId) =>
      (await get<{ items: Cohort[] }>('/cohorts', { facility_id: facilityId })).items,
    createCohort: (body) => json('POST', '/cohorts', body),
    editCohort: (cid, body) => json('PATCH', `/cohorts/${id(cid)}`, body),
    clientPath: (cid) => get(`/clients/${id(cid)}/path`),
    recordPath: (cid, changes) =>
      json('POST', `/clients/${id(cid)}/path`, {
        changes: changes.map((c) => ({ ...c, hlc: null })),
      }),
    checklists: async () =>
      (await get<{ checklists: Record<string, string[]> }>('/checklists')).checklists,
    transferDestinations: async () =>
      (await get<{ items: FacilityEntry[] }>('/transfer-destinations')).items,
    session: (sid) => get(`/sessions/${id(sid)}`),
    review: (sid, decision, comment, version) =>
      json('POST', `/sessions/${id(sid)}/review`, {
        decision,
        comment: comment?.trim() ? comment : null,
        ...(typeof version === 'number' ? { version } : {}),
      }),
    reportYears: async (facilityId) =>
      (await get<{ years: number[] }>('/reports/years', { facility_id: facilityId })).years,
    summary: (year, facilityId) => get('/reports/summary', { year, facility_id: facilityId }),
    exportTable: (year, table, format, facilityId) => {
      const q = queryString({ year, table, format, facility_id: facilityId });
      const fallback = `pulih-${table}-${year}.${format}`;
      return authorized(auth, (token) =>
        requestFile(fetchFn, `${base}${API}/reports/export${q}`, token, fallback),
      );
    },
    conflicts: (q = {}) => get('/conflicts', q),
    conflict: (cid) => get(`/conflicts/${id(cid)}`),
    resolve: (cid, choice, fields = {}) =>
      json('POST', `/conflicts/${id(cid)}/resolve`, { choice, fields }),
    rejected: (q = {}) => get('/admin/rejected', q),
    users: (q = {}) => get('/admin/users', q),
    createUser: (body) => json('POST', '/admin/users', body),
    updateUser: (uid, patch) => json('PATCH', `/admin/users/${id(uid)}`, patch),
    resetPassword: (uid, password) =>
      json('POST', `/admin/users/${id(uid)}/password`, { password }),
    devices: (q = {}) => get('/admin/devices', q),
    revokeDevice: (did, reason) =>
      json('POST', `/admin/devices/${id(did)}/revoke`, { reason: reason?.trim() || null }),
    facilities: (q = {}) => get('/admin/facilities', q),
    // --- release and aftercare, admission from a list ---
    dischargeSummary: (rid) =>
      authorized(auth, (token) =>
        requestFile(
          fetchFn,
          `${base}${API}/releases/${id(rid)}/summary.pdf`,
          token,
          `ringkasan-${rid.slice(0, 8)}.pdf`,
        ),
      ),
    importClients: (body) => json('POST', '/imports/clients', body),
    myFacilities: (q = {}) => get('/review/facilities', q),
    audit: (q = {}) => get('/admin/audit', q),
    syncHealth: (facilityId) => get('/sync-health', { facility_id: facilityId }),
  };
}

/** Problem details' per-field messages, flattened (`errors.fields.x` → `x`), as lists of text. */
export function problemFieldErrors(
  problem: { errors?: unknown } | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const visit = (value: unknown, field: string): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') {
      (out[field] ??= []).push(value);
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, field);
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        // The resolve endpoint nests its field errors under "fields"; numbered keys are list items.
        const inner =
          field === '' || field === 'fields' ? k : /^\d+$/.test(k) ? field : `${field}.${k}`;
        visit(v, inner);
      }
    } else {
      (out[field] ??= []).push(String(value));
    }
  };
  visit(problem?.errors, '');
  return out;
}
