// The counselors the review queue named so far: for the counselor filter, and for the review page
// of a session by a counselor the queue already named.
import type { QueueItem } from '../../staff-api';

const counselors = new Map<string, string>();

/** Remember the items of a queue page. */
export function rememberQueueItems(page: QueueItem[]): void {
  for (const item of page) {
    const id = item.record['counselor_id'];
    if (typeof id === 'string' && item.counselor_name) counselors.set(id, item.counselor_name);
  }
}

/** A counselor's name, when the queue showed one of their sessions. */
export function knownCounselorName(counselorId: string): string | undefined {
  return counselors.get(counselorId);
}

/** Counselors met in the queue, by name: [id, name]. */
export function knownCounselors(): [string, string][] {
  return [...counselors.entries()].sort((a, b) => a[1].localeCompare(b[1]));
}
