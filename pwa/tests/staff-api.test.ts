import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError, type FetchLike } from '../src/client/api';
import {
  createStaffApi,
  filenameFromDisposition,
  problemFieldErrors,
  queryString,
} from '../src/client/staff-api';
import { AuthLostError, DeviceRevokedError, type AuthPort } from '../src/client/sync';
import { countingAuth } from './fakes';

interface Call {
  method: string;
  url: string;
  auth: string | null;
  body: unknown;
}

type Answer = Response | ((call: Call) => Response);

/** A fetch that records every call and answers from a queue (the last answer repeats). */
function fakeFetch(...answers: Answer[]): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const call: Call = {
      method: init?.method ?? 'GET',
      url,
      auth: headers['Authorization'] ?? null,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const next = answers.length > 1 ? answers.shift() : answers[0];
    if (!next) throw new TypeError('Failed to fetch');
    return typeof next === 'function' ? next(call) : next.clone();
  };
  return { fetch, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status < 400 ? 'application/json' : 'application/problem+json' },
  });

const PAGE = { items: [], total: 0, page: 1, per_page: 50 };
const expired = () => json({ type: 'about:blank', title: 'Unauthorized', status: 401 }, 401);
const revoked = () =>
  json(
    { type: 'https://pulih.example/problems/device-revoked', title: 'Revoked', status: 401 },
    401,
  );

describe('queryString', () => {
  it.each([
    [{}, ''],
    [{ a: 1 }, '?a=1'],
    [{ a: null, b: undefined, c: '' }, ''],
    [{ year: 2023, facility_id: null, table: 'pipeline' }, '?year=2023&table=pipeline'],
    [{ q: 'a b&c' }, '?q=a+b%26c'],
    [{ min_age_hours: 0 }, '?min_age_hours=0'],
  ])('%j -> %s', (params, expected) => {
    expect(queryString(params)).toBe(expected);
  });
});

describe('filenameFromDisposition', () => {
  it.each([
    ['attachment; filename="pulih-pipeline-2023.xlsx"', 'pulih-pipeline-2023.xlsx'],
    ['attachment; filename=pulih-x-2023.csv', 'pulih-x-2023.csv'],
    ["attachment; filename*=UTF-8''laporan%20tahunan.csv", 'laporan tahunan.csv'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment', 'fallback.csv'],
    [null, 'fallback.csv'],
  ])('%s -> %s', (header, expected) => {
    expect(filenameFromDisposition(header, 'fallback.csv')).toBe(expected);
  });
});

describe('createStaffApi', () => {
  it('sends the bearer token and builds the query from the filters that are set', async () => {
    const { fetch, calls } = fakeFetch(json(PAGE));
    const api = createStaffApi(countingAuth(), fetch);
    await api.reviewQueue({ facility_id: 'f1', counselor_id: null, min_age_hours: 48, page: 2 });
    expect(calls).toEqual([
      {
        method: 'GET',
        url: '/api/v1/review/queue?facility_id=f1&min_age_hours=48&page=2',
        auth: 'Bearer t1',
        body: undefined,
      },
    ]);
  });

  it.each([
    ['approve', undefined, { decision: 'approve', comment: null }],
    ['approve', '  ', { decision: 'approve', comment: null }],
    ['return', 'Lengkapi rencana.', { decision: 'return', comment: 'Lengkapi rencana.' }],
  ] as const)('review %s with comment %j posts %j', async (decision, comment, body) => {
    const { fetch, calls } = fakeFetch(json({ id: 's1', status: 'approved' }));
    const api = createStaffApi(countingAuth(), fetch);
    const answer = await api.review('s1', decision, comment);
    expect(answer['status']).toBe('approved');
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/sessions/s1/review', body });
  });

  it('posts a resolution with its choice and fields', async () => {
    const { fetch, calls } = fakeFetch(json({ id: 'c1', status: 'resolved' }));
    const api = createStaffApi(countingAuth(), fetch);
    await api.resolve('c1', 'merge', { note_plan: 'x' });
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/conflicts/c1/resolve',
      body: { choice: 'merge', fields: { note_plan: 'x' } },
    });
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    const auth = countingAuth();
    const { fetch, calls } = fakeFetch(expired(), json({ years: [2022, 2023] }));
    const years = await createStaffApi(auth, fetch).reportYears();
    expect(years).toEqual([2022, 2023]);
    expect(auth.refreshes).toBe(1);
    expect(calls.map((c) => c.auth)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('parallel calls that meet a 401 share one refresh (a refresh token spent twice ends the session)', async () => {
    const auth = countingAuth();
    const { fetch, calls } = fakeFetch((c) => (c.auth === 'Bearer t1' ? expired() : json(PAGE)));
    const api = createStaffApi(auth, fetch);
    await Promise.all([api.users(), api.devices(), api.facilities()]);
    expect(auth.refreshes).toBe(1);
    expect(calls.filter((c) => c.auth === 'Bearer t2')).toHaveLength(3);
  });

  it('does not refresh when another part of the app rotated the tokens meanwhile', async () => {
    let token = 'old';
    const auth: AuthPort & { refreshes: number } = {
      refreshes: 0,
      accessToken: () => token,
      async refresh() {
        this.refreshes += 1;
      },
    };
    const { fetch, calls } = fakeFetch((c) => {
      if (c.auth === 'Bearer old') {
        token = 'fresh'; // the sync loop refreshed while this request was in flight
        return expired();
      }
      return json(PAGE);
    });
    await createStaffApi(auth, fetch).conflicts({ status: 'open' });
    expect(auth.refreshes).toBe(0);
    expect(calls.map((c) => c.auth)).toEqual(['Bearer old', 'Bearer fresh']);
  });

  it('a refused refresh means logging in again', async () => {
    const auth = countingAuth(new HttpError(401, { status: 401 }));
    const { fetch } = fakeFetch(expired());
    await expect(createStaffApi(auth, fetch).users()).rejects.toBeInstanceOf(AuthLostError);
  });

  it('a 401 after the refresh means logging in again', async () => {
    const { fetch } = fakeFetch(expired());
    await expect(createStaffApi(countingAuth(), fetch).users()).rejects.toBeInstanceOf(
      AuthLostError,
    );
  });

  it('a revoked device is reported as such, before or after a refresh', async () => {
    const first = fakeFetch(revoked());
    await expect(createStaffApi(countingAuth(), first.fetch).devices()).rejects.toBeInstanceOf(
      DeviceRevokedError,
    );
    const second = fakeFetch(expired(), revoked());
    await expect(createStaffApi(countingAuth(), second.fetch).devices()).rejects.toBeInstanceOf(
      DeviceRevokedError,
    );
  });

  it('no answer at all is a NetworkError; an error answer keeps its problem details', async () => {
    const offline = createStaffApi(countingAuth(), async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(offline.session('s1')).rejects.toBeInstanceOf(NetworkError);
    const problem = { title: 'Conflict', status: 409, detail: 'Only a submitted session…' };
    const { fetch } = fakeFetch(json(problem, 409));
    const error = await createStaffApi(countingAuth(), fetch)
      .review('s1', 'approve')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).problem).toMatchObject(problem);
  });

  it('downloads an export as a blob under the name the server gives', async () => {
    const csv = 'metric,value\r\ndrafts_older_than_48h,2\r\n';
    const { fetch, calls } = fakeFetch(
      new Response(csv, {
        headers: {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': 'attachment; filename="pulih-pipeline-2023.csv"',
        },
      }),
    );
    const file = await createStaffApi(countingAuth(), fetch).exportTable(
      2023,
      'pipeline',
      'csv',
      'f1',
    );
    expect(calls[0]?.url).toBe(
      '/api/v1/reports/export?year=2023&table=pipeline&format=csv&facility_id=f1',
    );
    expect(calls[0]?.auth).toBe('Bearer t1');
    expect(file.filename).toBe('pulih-pipeline-2023.csv');
    expect(await file.blob.text()).toBe(csv);
  });

  it('an export refused by the server is an HttpError, retried once after a 401', async () => {
    const auth = countingAuth();
    const { fetch } = fakeFetch(expired(), json({ title: 'Not Found', status: 404 }, 404));
    const error = await createStaffApi(auth, fetch)
      .exportTable(2023, 'attendance', 'xlsx')
      .catch((e: unknown) => e);
    expect(auth.refreshes).toBe(1);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(404);
  });
});

describe('problemFieldErrors', () => {
  it.each([
    [undefined, {}],
    [{ errors: { comment: ['A comment is required.'] } }, { comment: ['A comment is required.'] }],
    [
      { errors: { fields: { note_plan: ['Too long.'], _schema: ['Bad.'] } } },
      { note_plan: ['Too long.'], _schema: ['Bad.'] },
    ],
    [
      { errors: { urine_test: { results: { '0': ['Not valid.'] } } } },
      { 'urine_test.results': ['Not valid.'] },
    ],
    [
      { errors: { facility_ids: { '0': ['Not a valid UUID.'] } } },
      { facility_ids: ['Not a valid UUID.'] },
    ],
  ])('%j -> %j', (problem, expected) => {
    expect(problemFieldErrors(problem)).toEqual(expected);
  });
});
