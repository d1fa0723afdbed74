import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  httpTransport,
  NetworkError,
  REQUEST_TIMEOUT_MS,
  UPLINK_BYTES_PER_SECOND,
  type FetchLike,
} from '../src/client/api';

/** A link that connected and then went silent: no answer until the request is aborted. */
function silentFetch(calls: RequestInit[]): FetchLike {
  return (_url, init) =>
    new Promise<Response>((_resolve, reject) => {
      calls.push(init ?? {});
      init?.signal?.addEventListener('abort', () =>
        reject(new DOMException('The operation was aborted.', 'AbortError')),
      );
    });
}

/** An answer whose headers came and whose body never ends. */
function stalledBodyFetch(): FetchLike {
  return (_url, init) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"changes": ['));
        init?.signal?.addEventListener('abort', () =>
          controller.error(new DOMException('The operation was aborted.', 'AbortError')),
        );
      },
    });
    return Promise.resolve(
      new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } }),
    );
  };
}

describe('the sync transport on a link that goes silent', () => {
  afterEach(() => vi.useRealTimers());

  it('gives up on a request with no answer, as no answer, and not before its time', async () => {
    vi.useFakeTimers();
    const calls: RequestInit[] = [];
    const pull = httpTransport(silentFetch(calls)).pull(null, 1000, 'token');
    const outcome = pull.then(
      () => 'answered',
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1000);
    expect(calls).toHaveLength(1);
    let settled = false;
    void outcome.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await outcome).toBeInstanceOf(NetworkError);
  });

  it('gives up on an answer whose body stops coming, as no answer', async () => {
    vi.useFakeTimers();
    const push = httpTransport(stalledBodyFetch()).push(
      { device_id: 'd', changes: [] } as never,
      'token',
    );
    const outcome = push.then(
      () => 'answered',
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS + 1000); // its small body: a few ms more
    expect(await outcome).toBeInstanceOf(NetworkError);
  });

  it('gives a big push the time a slow uplink needs to send it', async () => {
    vi.useFakeTimers();
    const calls: RequestInit[] = [];
    // 500 sessions with their notes: about 450 KB to send before any answer can come.
    const note = 'Klien hadir, motivasi baik. '.repeat(32);
    const changes = Array.from({ length: 500 }, (_, i) => ({ change_id: `c${i}`, note }));
    const push = httpTransport(silentFetch(calls)).push(
      { device_id: 'd', changes } as never,
      'token',
    );
    const outcome = push.then(
      () => 'answered',
      (e: unknown) => e,
    );
    const bytes = String(calls[0]?.body ?? '').length;
    expect(bytes).toBeGreaterThan(400_000);
    const sending = Math.ceil((bytes / UPLINK_BYTES_PER_SECOND) * 1000);
    let settled = false;
    void outcome.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS + sending - 1000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await outcome).toBeInstanceOf(NetworkError);
  });

  it('leaves no timer behind once the answer is in', async () => {
    vi.useFakeTimers();
    const ok: FetchLike = () => Promise.resolve(Response.json({ changes: [] }));
    await httpTransport(ok).pull(null, 10, 'token');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('a pull answer names the next cursor in its headers', () => {
  /** An answer with these headers whose body comes only when `finish` is called. */
  function heldFetch(headers: Record<string, string>): { fetch: FetchLike; finish: () => void } {
    let finish = () => {};
    const fetch: FetchLike = () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          finish = () => {
            controller.enqueue(new TextEncoder().encode('{"changes":[],"cursor":"c2"}'));
            controller.close();
          };
        },
      });
      return Promise.resolve(new Response(body, { status: 200, headers }));
    };
    return { fetch, finish: () => finish() };
  }

  it('before_its_body_is_read', async () => {
    const held = heldFetch({ 'Pulih-Cursor': 'c2', 'Pulih-Has-More': 'true' });
    const started = await httpTransport(held.fetch).pullStart!(null, 10, 'token');
    expect(started.ahead).toEqual({ cursor: 'c2', hasMore: true });
    let read = false;
    const page = started.page.then((p) => ((read = true), p));
    await new Promise((r) => setTimeout(r, 10));
    expect(read).toBe(false);
    held.finish();
    expect((await page).cursor).toBe('c2');
  });

  it('or_not_at_all_when_they_are_missing_or_malformed', async () => {
    const cases: Record<string, string>[] = [{}, { 'Pulih-Cursor': 'c2', 'Pulih-Has-More': 'yes' }];
    for (const headers of cases) {
      const held = heldFetch(headers);
      const started = await httpTransport(held.fetch).pullStart!(null, 10, 'token');
      expect(started.ahead).toBeNull();
      held.finish();
      expect((await started.page).cursor).toBe('c2');
    }
  });
});
