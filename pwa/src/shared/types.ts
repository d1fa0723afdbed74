// Wire and domain types shared by the client and its tests. docs/protocol.md (wire formats) and
// docs/design.md (domain model) are the contract: these mirror them; the codes come from the
// server (rules.generated.ts).
import type { ROLES, ZONES } from './rules.generated';

export type Entity =
  | 'facility'
  | 'client'
  | 'enrollment'
  | 'assessment'
  | 'session'
  | 'attendance'
  | 'cohort'
  | 'phase_change'
  | 'alert'
  | 'release'
  | 'transfer';
export const SYNCED_ENTITIES: readonly Entity[] = [
  'facility',
  'client',
  'enrollment',
  'assessment',
  'session',
  'attendance',
  'cohort',
  'phase_change',
  'alert',
  'release',
  'transfer',
];

export type Role = (typeof ROLES)[number];
export type Zone = (typeof ZONES)[number];

export interface User {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  facility_ids: string[];
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  /** how long the app stays unlocked without a touch (an extension: absent from older servers) */
  lock_after_seconds?: number;
  /** how long after the password the PIN reopens the vault (an extension) */
  pin_window_seconds?: number;
  /** how long answered changes are kept for a restored server (an extension) */
  keep_answered_seconds?: number;
  user: User;
}

/** Fields every synced record carries. */
export interface BaseRecord {
  id: string;
  version: number | null;
  facility_id: string;
  created_at?: string;
  updated_at?: string;
  deleted?: boolean;
  conflict_open?: boolean;
  [field: string]: unknown;
}

// The vocabulary comes from the server (server/schemas/rules.py), never typed twice.
export {
  ATTENDANCE,
  ALERT_FLAGS,
  CASE_TYPES,
  ENROLLMENT_STATUSES,
  EXIT_STATUSES,
  INSTRUMENTS,
  PROGRAMS,
  RISK_FLAGS,
  SESSION_KINDS,
  SESSION_STATUSES,
  SEXES,
  TC_GRADES,
  URINE_RESULTS,
} from './rules.generated';
import {
  GROUP_KINDS as GROUP_KIND_CODES,
  SESSION_KINDS,
  SESSION_STATUSES,
  URINE_RESULTS,
} from './rules.generated';
export const GROUP_KINDS: readonly string[] = GROUP_KIND_CODES;

export type SessionKind = (typeof SESSION_KINDS)[number];
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export type UrineResult = (typeof URINE_RESULTS)[number];

export interface UrineTest {
  panel: string;
  results: Record<string, UrineResult>;
}

export type ChangeOp = 'upsert' | 'delete';

/** One change as pushed (docs/protocol.md, Push). */
export interface Change {
  change_id: string;
  entity: Entity;
  id: string;
  op: ChangeOp;
  base_version: number | null;
  fields: Record<string, unknown>;
  hlc: string;
  /** true when the device sends the change again after a restore reset the feed (docs/protocol.md
   * "After a restore"); left out otherwise */
  replay?: boolean;
}

export type PushStatus = 'applied' | 'merged' | 'conflict' | 'rejected';

export interface PushResult {
  change_id: string;
  status: PushStatus;
  id: string;
  version: number | null;
  conflict_id: string | null;
  errors: Record<string, string[]> | null;
}

/** One change sealed to the server's key (docs/protocol.md "Sealed changes"). */
export interface SealedItem {
  change_id: string;
  kid: string;
  epk: { kty: string; crv: string; x: string; y: string };
  iv: string;
  ct: string;
}

export interface PushRequest {
  device_id: string;
  app_version: string;
  pending_count: number;
  changes: Change[];
  /** changes whose outbox entry is gone, sealed (the server opens them) */
  sealed?: SealedItem[];
}

/** One entry of the device's audit chain, as sent and as kept (docs/protocol.md, "Device audit
 * chain"): what was done with which record, chained by SHA-256. */
export interface AuditEntryWire {
  n: number;
  at: string;
  user_id: string;
  action: string;
  entity: string | null;
  record_id: string | null;
  prev: string;
  hash: string;
}

/** The device's audit chain as sent. */
export interface AuditRequest {
  device_id: string;
  entries: AuditEntryWire[];
}

export interface AuditResponse {
  results: { n: number; status: 'accepted' | 'duplicate' | 'broken' | 'rewound' }[];
  head: { n: number; hash: string };
  flag: string | null;
}

export interface PushResponse {
  results: PushResult[];
}

export interface PulledChange {
  entity: Entity;
  id: string;
  version: number;
  deleted: boolean;
  record: Record<string, unknown>;
}

/** A record that left the caller's scope (a transfer moved its client): no body; the device
 * purges it, drafts included (docs/protocol.md "Scope loss"). */
export interface LeftScope {
  entity: Entity;
  id: string;
  version: number;
  scope: 'left';
}

export type PulledEntry = PulledChange | LeftScope;

export const leftScope = (entry: PulledEntry): entry is LeftScope =>
  (entry as Partial<LeftScope>).scope === 'left';

export interface PullResponse {
  changes: PulledEntry[];
  cursor: string;
  has_more: boolean;
  /** about how many records the next pages hold (an extension; older servers leave it out) */
  remaining?: number;
  /** the facilities the user may hold now: records of any other leave the device */
  facility_ids?: string[];
  /** the server was restored: forget its state, pull from zero, replay what is kept */
  reset?: boolean;
}

/** RFC 9457 problem details. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
  /** device-revoked: the admin's reason, when one was given (an extension member) */
  reason?: string | null;
}
