import { describe, expect, it } from 'vitest';
import type { Page, PageQuery, QueueItem } from '../src/client/staff-api';
import { formatHours } from '../src/client/views/supervisor/figure-format';
import {
  filterSuffix,
  findInQueue,
  queueFilters,
} from '../src/client/views/supervisor/queue-position';

/** A queue of `ids` in order, answered page by page like GET /review/queue. */
function queueOf(ids: string[]) {
  const asked: number[] = [];
  const fetchPage = async (q: Required<PageQuery>): Promise<Page<QueueItem>> => {
    asked.push(q.page);
    const slice = ids.slice((q.page - 1) * q.per_page, q.page * q.per_page);
    return {
      items: slice.map((id) => ({ record: { id, version: 1, facility_id: 'f' } }) as QueueItem),
      total: ids.length,
      page: q.page,
      per_page: q.per_page,
    };
  };
  return { fetchPage, asked };
}

describe('findInQueue', () => {
  it.each([
    ['b', 'a', 'c'],
    ['a', null, 'b'],
    ['c', 'b', null],
  ])('finds %s between %s and %s', async (id, prev, next) => {
    const { fetchPage } = queueOf(['a', 'b', 'c']);
    const position = await findInQueue(fetchPage, id);
    expect([position.item?.record.id, position.prev, position.next]).toEqual([id, prev, next]);
  });

  it('looks across page boundaries for the neighbours', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => `s${i}`);
    const last = queueOf(ids);
    expect(await findInQueue(last.fetchPage, 's199')).toMatchObject({ prev: 's198', next: 's200' });
    expect(last.asked).toEqual([1, 2]);
    const first = queueOf(ids);
    expect(await findInQueue(first.fetchPage, 's200')).toMatchObject({
      prev: 's199',
      next: 's201',
    });
    expect(first.asked).toEqual([1, 2]);
  });

  it('answers nothing for a session that no longer waits', async () => {
    const { fetchPage, asked } = queueOf(['a', 'b']);
    expect(await findInQueue(fetchPage, 'gone')).toEqual({ item: null, prev: null, next: null });
    expect(asked).toEqual([1]);
  });
});

describe('queue filters in the address', () => {
  it('keeps only the filters, for the links between the queue and its sessions', () => {
    const query = new URLSearchParams('facility=f1&page=3&age=48&x=1');
    expect(filterSuffix(query)).toBe('?facility=f1&age=48');
    expect(filterSuffix(new URLSearchParams('page=2'))).toBe('');
    expect(queueFilters(query)).toEqual({
      facility_id: 'f1',
      counselor_id: null,
      min_age_hours: 48,
    });
  });
});

describe('formatHours', () => {
  it.each([
    [0.1, 'id', 'kurang dari 1 jam'],
    [1.2, 'id', '1 jam'],
    [5.4, 'id', '5 jam'],
    [47.9, 'id', '47 jam'],
    [77.4, 'id', '3 hari'],
    [25_759.2, 'id', '1.073 hari'],
    [30, 'en', '30 hours'],
    [50, 'en', '2 days'],
    [null, 'id', '—'],
  ] as const)('%s hours in %s read "%s"', (hours, lang, text) => {
    expect(formatHours(hours, lang)).toBe(text);
  });
});
