import { describe, expect, it } from 'vitest';
import { DexieStore } from '../src/client/store';
import {
  backoffDelay,
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  NUDGE_DELAY_MS,
  SYNC_INTERVAL_MS,
  SyncLoop,
  syncOnce,
  type SyncDeps,
  type Timers,
} from '../src/client/sync';
import { Hlc } from '../src/shared/hlc';
import { uuid4 } from '../src/shared/ids';
import { FakeAuth, FakeServer, FakeTransport } from './fakes';

const DEVICE = '11111111-1111-4111-8111-111111111111';

class FakeTimers implements Timers {
  pending: { fn: () => void; ms: number; id: number }[] = [];
  private next = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.next;
    this.pending.push({ fn, ms, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }
  get lastDelay(): number | undefined {
    return this.pending.at(-1)?.ms;
  }
}

function setup(extra: Partial<SyncDeps> = {}) {
  const server = new FakeServer();
  const transport = new FakeTransport(server);
  const auth = new FakeAuth(transport);
  const store = new DexieStore(`sync-${uuid4()}`);
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  const hlc = new Hlc(DEVICE, () => now);
  const timers = new FakeTimers();
  const deps: SyncDeps = {
    transport,
    store,
    auth,
    clock,
    deviceId: DEVICE,
    appVersion: 'test',
    random: () => 0.5,
    timers,
    ...extra,
  };
  const edit = (id: string, fields: Record<string, unknown>) => {
    now += 1;
    return store.save('client', id, { facility_id: 'fac-1', ...fields }, hlc.now());
  };
  return {
    server,
    transport,
    auth,
    store,
    deps,
    edit,
    timers,
    advance: (ms: number) => (now += ms),
  };
}

describe('syncOnce', () => {
  it('pushes_the_outbox_in_order_then_pulls_and_records_last_sync', async () => {
    const { server, store, deps, edit } = setup();
    await edit('c1', { full_name: 'A' });
    await edit('c2', { full_name: 'B' });
    await edit('c1', { full_name: 'A2' });
    server.seed('client', 'other', { facility_id: 'fac-1', full_name: 'From elsewhere' });

    const report = await syncOnce(deps);

    expect(server.pushBodies).toHaveLength(1);
    const body = server.pushBodies[0]!;
    expect(body.device_id).toBe(DEVICE);
    expect(body.pending_count).toBe(3);
    expect(body.changes.map((c) => [c.id, c.fields['full_name']])).toEqual([
      ['c1', 'A'],
      ['c2', 'B'],
      ['c1', 'A2'],
    ]);
    expect(body.changes.every((c) => /^\d{13}-[0-9a-f]{4}-/.test(c.hlc))).toBe(true);
    expect(report.pushed.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(await store.pendingCount()).toBe(0);
    expect((await store.get('client', 'c1'))?.['full_name']).toBe('A2');
    expect((await store.get('client', 'c1'))?.version).toBe(2);
    expect((await store.get('client', 'other'))?.['full_name']).toBe('From elsewhere');
    expect(await store.getMeta('last_sync_at')).toBe(deps.clock.now());
  });

  it('pushes_in_batches_of_at_most_500', async () => {
    const { server, store, deps, edit } = setup();
    for (let i = 0; i < 501; i++) await edit(`c${i}`, { full_name: `N${i}` });
    await syncOnce(deps);
    expect(server.pushBodies.map((b) => b.changes.length)).toEqual([500, 1]);
    expect(await store.pendingCount()).toBe(0);
  }, 30_000); // 501 local edits: about a second alone, several on a loaded 2-core machine

  it('pulls_pages_until_has_more_is_false_and_keeps_the_cursor', async () => {
    const { server, store, deps } = setup({ pullLimit: 2 });
    for (let i = 0; i < 5; i++)
      server.seed('client', `c${i}`, { facility_id: 'fac-1', full_name: `N${i}` });
    const report = await syncOnce(deps);
    expect(report.pulled).toBe(5);
    expect(server.pullCursors).toEqual([null, '2', '4']);
    expect(await store.list('client')).toHaveLength(5);
    server.seed('client', 'c9', { facility_id: 'fac-1', full_name: 'late' });
    await syncOnce(deps);
    expect(server.pullCursors.at(-1)).toBe('5');
    expect(await store.list('client')).toHaveLength(6);
  });

  it('asks_for_the_next_page_as_soon_as_the_headers_of_this_one_name_it', async () => {
    const { server, store, deps, transport } = setup({ pullLimit: 2 });
    for (let i = 0; i < 5; i++)
      server.seed('client', `c${i}`, { facility_id: 'fac-1', full_name: `N${i}` });
    const log: string[] = [];
    transport.pullStart = async (cursor, limit, token, pending) => {
      log.push(`ask ${cursor}`);
      const page = await transport.pull(cursor, limit, token, pending);
      const body = new Promise<typeof page>((resolve) =>
        setTimeout(() => (log.push(`read ${cursor}`), resolve(page)), 5),
      );
      return { ahead: { cursor: page.cursor, hasMore: page.has_more }, page: body };
    };
    const report = await syncOnce(deps);
    expect(report.pulled).toBe(5);
    expect(log.slice(0, 3)).toEqual(['ask null', 'ask 2', 'read null']);
    expect(server.pullCursors).toEqual([null, '2', '4']);
    expect(await store.list('client')).toHaveLength(5);
    expect(await store.getMeta('cursor')).toBe('5');
  });

  it('follows_the_body_when_the_headers_say_otherwise', async () => {
    const { server, store, deps, transport } = setup({ pullLimit: 2 });
    for (let i = 0; i < 5; i++)
      server.seed('client', `c${i}`, { facility_id: 'fac-1', full_name: `N${i}` });
    transport.pullStart = async (cursor, limit, token, pending) => {
      const page = await transport.pull(cursor, limit, token, pending);
      return { ahead: { cursor: 'not-the-cursor', hasMore: true }, page: Promise.resolve(page) };
    };
    const report = await syncOnce(deps);
    expect(report.pulled).toBe(5);
    expect(server.pullCursors.filter((c) => c !== 'not-the-cursor')).toEqual([null, '2', '4']);
    expect(await store.list('client')).toHaveLength(5);
    expect(await store.getMeta('cursor')).toBe('5');
  });

  it('a_failed_push_leaves_the_batch_at_the_front', async () => {
    const { transport, store, deps, edit } = setup();
    await edit('c1', { full_name: 'A' });
    await edit('c2', { full_name: 'B' });
    const before = (await store.peekOutbox(10)).map((e) => e.change_id);
    transport.faults = ['network'];
    await expect(syncOnce(deps)).rejects.toThrow();
    await edit('c3', { full_name: 'C' });
    const after = (await store.peekOutbox(10)).map((e) => e.change_id);
    expect(after.slice(0, 2)).toEqual(before);
    expect(after).toHaveLength(3);
  });

  it('a_lost_answer_is_retried_with_the_same_change_ids_and_applied_once', async () => {
    const { server, transport, store, deps, edit } = setup();
    await edit('c1', { full_name: 'A' });
    transport.faults = ['lose-answer'];
    await expect(syncOnce(deps)).rejects.toThrow('answer lost');
    expect(await store.pendingCount()).toBe(1);
    await syncOnce(deps);
    const [first, second] = server.pushBodies;
    expect(second!.changes.map((c) => c.change_id)).toEqual(first!.changes.map((c) => c.change_id));
    expect(server.applied).toHaveLength(1);
    expect(await store.pendingCount()).toBe(0);
  });

  it('refreshes_the_token_once_on_401_and_retries', async () => {
    const { transport, auth, store, deps, edit } = setup();
    await edit('c1', { full_name: 'A' });
    auth.token = 'expired';
    transport.validToken = 'access-2';
    await syncOnce(deps);
    expect(auth.refreshes).toBe(1);
    expect(transport.tokensSeen.slice(0, 2)).toEqual(['expired', 'access-2']);
    expect(await store.pendingCount()).toBe(0);
  });

  it('rejected_changes_leave_the_outbox_but_stay_visible', async () => {
    const { server, store, deps, edit } = setup();
    server.rejectWhen = (c) => (c.fields['nik'] === 'bad' ? { nik: ['Must be 16 digits.'] } : null);
    await edit('c1', { full_name: 'A', nik: 'bad' });
    await syncOnce(deps);
    expect(await store.pendingCount()).toBe(0);
    expect((await store.rejections('client', 'c1'))[0]?.errors).toEqual({
      nik: ['Must be 16 digits.'],
    });
    expect(await store.get('client', 'c1')).toBeDefined();
  });
});

describe('SyncLoop', () => {
  it('backs_off_exponentially_with_jitter_and_resets_after_success', async () => {
    const { transport, deps, timers } = setup();
    const loop = new SyncLoop(deps);
    transport.faults = ['network', 'network', '500'];
    await loop.start();
    expect(loop.state.phase).toBe('offline');
    expect(timers.lastDelay).toBe(backoffDelay(1, () => 0.5));
    await loop.syncNow();
    expect(loop.state.failures).toBe(2);
    expect(timers.lastDelay).toBe(backoffDelay(2, () => 0.5));
    await loop.syncNow();
    expect([loop.state.failures, loop.state.phase, loop.state.reachable]).toEqual([
      3,
      'error',
      true,
    ]);
    await loop.syncNow();
    expect(loop.state.phase).toBe('ok');
    expect(loop.state.failures).toBe(0);
    expect(timers.lastDelay).toBe(SYNC_INTERVAL_MS);
    expect(timers.pending).toHaveLength(1);
    loop.stop();
  });

  it('backoff_delay_grows_and_is_capped', () => {
    expect(backoffDelay(1, () => 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoffDelay(1, () => 1)).toBe(BACKOFF_BASE_MS);
    expect(backoffDelay(3, () => 1)).toBe(BACKOFF_BASE_MS * 4);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(30, () => 0)).toBe(BACKOFF_MAX_MS / 2);
  });

  it('reports_offline_when_the_network_is_down', async () => {
    const { transport, deps } = setup({ isOnline: () => false });
    transport.faults = ['network'];
    const loop = new SyncLoop(deps);
    await loop.start();
    expect(loop.state.phase).toBe('offline');
    loop.stop();
  });

  it('reports_the_server_unreachable_while_the_phone_says_online', async () => {
    const { transport, deps } = setup({ isOnline: () => true });
    transport.faults = ['network'];
    const loop = new SyncLoop(deps);
    await loop.start();
    expect([loop.state.phase, loop.state.reachable]).toEqual(['offline', false]);
    await loop.syncNow();
    expect([loop.state.phase, loop.state.reachable]).toEqual(['ok', true]);
    loop.stop();
  });

  it('mirrors_nothing_for_a_user_who_does_not_counsel', async () => {
    const { server, transport, deps, store } = setup({ mirror: false });
    server.seed('client', uuid4(), { facility_id: 'fac-1' });
    const report = await syncOnce(deps);
    expect([report.pulled, server.pullCursors.length, transport.pings]).toEqual([0, 0, 1]);
    expect(await store.list('client')).toEqual([]);
  });

  it('reports_what_is_left_after_the_push_with_every_pull', async () => {
    const { transport, deps, edit } = setup();
    await edit(uuid4(), { full_name: 'Siti' });
    await syncOnce(deps);
    // The push took the one edit: the device holds nothing, so it says 0, not 1.
    expect(transport.pendingSeen).toEqual([0]);
  });

  it('publishes_received_and_total_of_every_page', async () => {
    const { server, deps } = setup({ pullLimit: 2 });
    for (let i = 0; i < 5; i++) server.seed('client', uuid4(), { facility_id: 'fac-1' });
    const seen: [number, number | null][] = [];
    await syncOnce(deps, (received, total) => seen.push([received, total]));
    expect(seen).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
  });

  it('asks_for_login_when_refresh_is_refused', async () => {
    const { auth, deps, timers } = setup();
    auth.token = 'expired';
    auth.refreshFault = '401';
    const loop = new SyncLoop(deps);
    await loop.start();
    expect(loop.state.phase).toBe('auth');
    expect(timers.pending).toHaveLength(0);
    loop.stop();
  });

  it('wipes_local_data_when_the_device_is_revoked', async () => {
    const wiped: string[] = [];
    const ctx = setup();
    const { transport, store, edit } = ctx;
    await edit('c1', { full_name: 'Secret' });
    await store.putDraft('session:new:c1', { note_data: 'x' });
    const deps: SyncDeps = {
      ...ctx.deps,
      onRevoked: async () => {
        wiped.push(store.userId);
        await store.destroy();
      },
    };
    transport.faults = ['revoked'];
    const loop = new SyncLoop(deps);
    await loop.start();
    expect(loop.state.phase).toBe('revoked');
    expect(wiped).toEqual([store.userId]);
    const reopened = new DexieStore(store.userId);
    expect(await reopened.pendingCount()).toBe(0);
    expect(await reopened.get('client', 'c1')).toBeUndefined();
    expect(await reopened.getDraft('session:new:c1')).toBeUndefined();
    // A revoked loop never syncs again.
    await loop.syncNow();
    expect(transport.tokensSeen).toHaveLength(1);
  });

  it('treats_revocation_during_refresh_the_same_way', async () => {
    const { auth, deps } = setup();
    auth.token = 'expired';
    auth.refreshFault = 'revoked';
    let revoked = false;
    const loop = new SyncLoop({ ...deps, onRevoked: async () => void (revoked = true) });
    await loop.start();
    expect(revoked).toBe(true);
  });

  it('updates_the_pending_count_after_local_edits', async () => {
    const { deps, edit, transport } = setup();
    transport.faults = ['network'];
    const loop = new SyncLoop(deps);
    await loop.start();
    await edit('c1', { full_name: 'A' });
    await new Promise((r) => setTimeout(r, 20));
    expect(loop.state.pending).toBe(1);
    loop.stop();
  });
});

describe('SyncLoop.nudge', () => {
  it('pushes_a_local_edit_soon_while_online', async () => {
    const { deps, edit, timers, server } = setup({ isOnline: () => true });
    const loop = new SyncLoop(deps);
    await loop.start();
    await edit('c1', { full_name: 'A' });
    loop.nudge();
    loop.nudge(); // a burst of edits keeps one timer, due at the first nudge
    expect(timers.pending).toHaveLength(1);
    expect(timers.lastDelay).toBe(NUDGE_DELAY_MS);
    timers.pending[0]!.fn();
    await loop.syncNow();
    expect(loop.state.pending).toBe(0);
    expect(server.applied).toHaveLength(1);
    loop.stop();
  });

  it('does_nothing_offline_or_when_login_is_needed', async () => {
    const offline = setup({ isOnline: () => false });
    offline.transport.faults = ['network'];
    const loop = new SyncLoop(offline.deps);
    await loop.start();
    const before = offline.timers.pending.map((p) => p.id);
    loop.nudge();
    expect(offline.timers.pending.map((p) => p.id)).toEqual(before);
    loop.stop();

    const auth = setup({ isOnline: () => true });
    auth.auth.token = 'expired';
    auth.auth.refreshFault = '401';
    const loop2 = new SyncLoop(auth.deps);
    await loop2.start();
    loop2.nudge();
    expect(auth.timers.pending).toHaveLength(0);
    loop2.stop();
  });

  it('keeps_a_backoff_that_retries_sooner', async () => {
    const { transport, deps, timers } = setup({ isOnline: () => true });
    transport.faults = ['500'];
    const loop = new SyncLoop(deps);
    await loop.start();
    const retry = timers.pending[0];
    loop.nudge(10 * 60_000);
    expect(timers.pending).toEqual([retry]);
    loop.stop();
  });
});
