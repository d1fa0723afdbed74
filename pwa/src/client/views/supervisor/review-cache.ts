// What the review queue told about sessions (client, counselor, facility names), kept for the
// session's page, and the counselors seen so far for the counselor filter.
import type { QueueItem } from '../../staff-api';

const items = new Map<string, QueueItem>();
const counselors = new Map<string, string>();

/** Remember the items of a queue page. */
export function rememberQueueItems(page: QueueItem[]): void {
  for (const item of page) {
    items.set(item.record.id, item);
    const id = item.record['counselor_id'];
    if (typeof id === 'string' && item.counselor_name) counselors.set(id, item.counselor_name);
  }
}

/** The queue's item of a session, when the queue showed it. */
export function queueItem(sessionId: string): QueueItem | undefined {
  return items.get(sessionId);
}

/** Counselors met in the queue, by name: [id, name]. */
export function knownCounselors(): [string, string][] {
  return [...counselors.entries()].sort((a, b) => a[1].localeCompare(b[1]));
}
