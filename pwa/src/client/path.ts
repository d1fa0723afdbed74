// The program's path on the device, as pure functions over local records (docs/design.md
// "enrollment", "phase_change", "cohort"): what the client page shows and the enroll form checks.
import type { Errors } from '../shared/validation';

type Rec = Record<string, unknown> & { id: string };

const RISK_ORDER = ['low', 'moderate', 'high'] as const;
export type Risk = (typeof RISK_ORDER)[number];

/** The highest ASSIST risk band among the substances that were scored; null when none. */
export function highestRisk(scores: unknown): Risk | null {
  if (!scores || typeof scores !== 'object') return null;
  let best = -1;
  for (const value of Object.values(scores as Record<string, unknown>)) {
    const risk = value && typeof value === 'object' ? (value as { risk?: unknown }).risk : null;
    best = Math.max(best, RISK_ORDER.indexOf(risk as Risk));
  }
  return best < 0 ? null : RISK_ORDER[best]!;
}

/** The client's other active enrollments in a program (one active per client and program). */
export function activeIn(enrollments: readonly Rec[], program: unknown, exceptId?: string): Rec[] {
  return enrollments.filter(
    (e) =>
      e.id !== exceptId &&
      !e['deleted'] &&
      e['program'] === program &&
      (e['status'] ?? 'active') === 'active',
  );
}

/** The rule the server checks too: an error on `program` when the client already has one. */
export function oneActiveErrors(
  fields: Record<string, unknown>,
  enrollments: readonly Rec[],
  id: string,
): Errors {
  if ((fields['status'] ?? 'active') !== 'active') return {};
  return activeIn(enrollments, fields['program'], id).length
    ? { program: [{ code: 'one_active' }] }
    : {};
}

export interface Phase {
  name: string;
  order: number;
  planned_weeks: number;
}

/** A cohort's phases in their order. */
export function phasesOf(cohort: Record<string, unknown> | undefined): Phase[] {
  const phases = Array.isArray(cohort?.['phases']) ? (cohort['phases'] as Phase[]) : [];
  return [...phases].sort((a, b) => a.order - b.order);
}

/** An enrollment's phase changes, oldest first (by date, then by when they were made). */
export function phaseHistory(changes: readonly Rec[], enrollmentId: string): Rec[] {
  return changes
    .filter((c) => c['enrollment_id'] === enrollmentId && !c['deleted'])
    .sort(
      (a, b) =>
        String(a['changed_on']).localeCompare(String(b['changed_on'])) ||
        String(a['created_at'] ?? '').localeCompare(String(b['created_at'] ?? '')),
    );
}

/** The phase an enrollment is in: its latest phase change, else the phase it was given. */
export function currentPhase(enrollment: Rec, changes: readonly Rec[]): string {
  const history = phaseHistory(changes, enrollment.id);
  const last = history[history.length - 1];
  return String(last?.['phase'] ?? enrollment['phase'] ?? '');
}

/** A score's number: a plain number or a `{score}` object (instruments' shapes vary). */
export function scoreNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value && typeof value === 'object' && 'score' in value) return scoreNumber(value.score);
  return null;
}

/** The numbers of one assessment's scores, by name (for WHOQOL domains, URICA readiness...). */
export function scoreNumbers(scores: unknown): [string, number][] {
  if (!scores || typeof scores !== 'object') return [];
  return Object.entries(scores as Record<string, unknown>).flatMap(([name, value]) => {
    const n = scoreNumber(value);
    return n === null ? [] : [[name, n] as [string, number]];
  });
}
