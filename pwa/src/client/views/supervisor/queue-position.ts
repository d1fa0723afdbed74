// Where a session stands in the review queue: the queue's filters as the address carries them,
// and a session's neighbours in the queue's order (oldest submission first), so the review page
// can offer "previous" and "next" whichever way it was opened.
import type { Page, PageQuery, QueueItem, QueueQuery } from '../../staff-api';

/** The address parameters of the queue's filters, and the API parameters they stand for. */
const FILTERS = {
  facility: 'facility_id',
  counselor: 'counselor_id',
  age: 'min_age_hours',
} as const;

/** The queue's filters in an address (`?facility=…&counselor=…&age=…`), as API parameters. */
export function queueFilters(query: URLSearchParams): QueueQuery {
  const age = query.get('age');
  return {
    facility_id: query.get('facility') || null,
    counselor_id: query.get('counselor') || null,
    min_age_hours: age ? Number(age) : null,
  };
}

/** Only the filter parameters of an address, as `?…` (or '' when none): what the queue, the
 * review page and the links between them carry, so each shows the same queue. */
export function filterSuffix(query: URLSearchParams): string {
  const kept = new URLSearchParams();
  for (const name of Object.keys(FILTERS)) {
    const value = query.get(name);
    if (value) kept.set(name, value);
  }
  const text = kept.toString();
  return text ? `?${text}` : '';
}

export interface QueuePosition {
  /** the queue's item of the session; null when the session is not (or no longer) waiting */
  item: QueueItem | null;
  prev: string | null;
  next: string | null;
}

/** Pages of the queue read at most when looking for a session (200 sessions a page). */
export const MAX_QUEUE_PAGES = 5;
const PER_PAGE = 200;

/** Find a session in the queue, page by page, with the sessions just before and after it. */
export async function findInQueue(
  fetchPage: (q: Required<PageQuery>) => Promise<Page<QueueItem>>,
  sessionId: string,
): Promise<QueuePosition> {
  let before: string | null = null;
  for (let page = 1; page <= MAX_QUEUE_PAGES; page++) {
    const answer = await fetchPage({ page, per_page: PER_PAGE });
    const ids = answer.items.map((item) => item.record.id);
    const at = ids.indexOf(sessionId);
    const more = page * PER_PAGE < answer.total && ids.length > 0;
    if (at >= 0) {
      let next = ids[at + 1] ?? null;
      if (next === null && more) {
        const following = await fetchPage({ page: page + 1, per_page: PER_PAGE });
        next = following.items[0]?.record.id ?? null;
      }
      return { item: answer.items[at] ?? null, prev: ids[at - 1] ?? before, next };
    }
    if (!more) break;
    before = ids[ids.length - 1] ?? before;
  }
  return { item: null, prev: null, next: null };
}
