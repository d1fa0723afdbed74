// After a restore (docs/protocol.md): the device keeps its answered changes for a while, in the
// vault; a pull page with `reset` makes it forget the server's state, pull from zero and send
// again, marked `replay`, everything the restored server may have lost.
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { userDbName } from '../src/client/db';
import { KEEP_ACKNOWLEDGED_MS, toWire } from '../src/client/outbox';
import { DexieStore } from '../src/client/store';
import { syncOnce, type SyncDeps } from '../src/client/sync';
import { newDataKey } from '../src/client/vault/crypto';
import { Hlc } from '../src/shared/hlc';
import { uuid4 } from '../src/shared/ids';
import { answerTo, FakeAuth, FakeServer, FakeTransport } from './fakes';

const DEVICE = '22222222-2222-4222-8222-222222222222';

function setup(opts: { keepMs?: number; key?: CryptoKey } = {}) {
  const server = new FakeServer();
  const transport = new FakeTransport(server);
  const auth = new FakeAuth(transport);
  let now = 1_700_000_000_000;
  const userId = `restore-${uuid4()}`;
  const store = new DexieStore(
    userId,
    () => now,
    undefined,
    opts.key ?? null,
    null,
    opts.keepMs ?? KEEP_ACKNOWLEDGED_MS,
  );
  const hlc = new Hlc(DEVICE, () => now);
  const deps: SyncDeps = {
    transport,
    store,
    auth,
    clock: { now: () => now },
    deviceId: DEVICE,
    appVersion: 'test',
    random: () => 0.5,
  };
  const edit = (id: string, fields: Record<string, unknown>) => {
    now += 1;
    return store.save('client', id, { facility_id: 'fac-1', ...fields }, hlc.now());
  };
  return { server, store, deps, edit, userId, advance: (ms: number) => (now += ms) };
}

/** What the server holds of each live record, as a device shows it (no version). */
function serverView(server: FakeServer): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const r of server.records.values()) if (!r.deleted) out[r.id] = r.record;
  return out;
}

describe('kept answered changes', () => {
  it('keeps_every_answered_change_and_purges_those_older_than_the_window', async () => {
    const { store, edit, advance } = setup({ keepMs: 60_000 });
    const first = (await edit('c1', { full_name: 'Siti' }))!;
    const second = (await edit('c2', { full_name: 'Yanto', nik: 'x' }))!;
    const batch = await store.peekOutbox(10);
    await store.applyPushResults(batch, [
      answerTo(first, 'applied', { version: 1 }),
      answerTo(second, 'rejected', { errors: { nik: ['bad'] } }),
    ]);
    expect((await store.keptChanges()).map((k) => k.change_id)).toEqual([
      first.change_id,
      second.change_id,
    ]);
    advance(60_001);
    const third = (await edit('c1', { full_name: 'Siti Aminah' }))!;
    await store.applyPushResults(await store.peekOutbox(10), [
      answerTo(third, 'applied', { version: 2 }),
    ]);
    expect((await store.keptChanges()).map((k) => k.change_id)).toEqual([third.change_id]);
    expect(KEEP_ACKNOWLEDGED_MS).toBe(30 * 24 * 3600_000);
  });

  it('keeps_them_sealed_by_the_vault_like_every_table', async () => {
    const key = await newDataKey();
    const { store, deps, edit, userId } = setup({ key });
    await edit('c1', { full_name: 'Rahasia Kanari' });
    await syncOnce(deps);
    expect(await store.keptChanges()).toHaveLength(1);
    store.close();
    const raw = new Dexie(userDbName(userId));
    await raw.open();
    const rows = await raw.table('kept').toArray();
    raw.close();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('Kanari');
    expect(Object.keys(rows[0]).sort()).toEqual(['_v', 'at', 'ct', 'iv', 'seq']);
  });

  it('a_replayed_change_says_so_on_the_wire_and_others_do_not', () => {
    const change = {
      change_id: 'x',
      entity: 'client' as const,
      id: 'c1',
      op: 'upsert' as const,
      base_version: null,
      fields: {},
      hlc: '1700000000000-0000-n',
    };
    expect(toWire({ ...change, seq: 3 })).not.toHaveProperty('replay');
    expect(toWire({ ...change, seq: 3, replay: true }).replay).toBe(true);
  });
});

describe('a pull that says reset', () => {
  it('replays_kept_and_pending_changes_once_and_converges_with_the_restored_server', async () => {
    const { server, store, deps, edit } = setup();
    server.seed('client', 'other', { facility_id: 'fac-1', full_name: 'Dari perangkat lain' });
    await edit('c1', { full_name: 'Siti' });
    await syncOnce(deps);
    const backup = server.backup();
    // After the backup: answered, then lost by the restore.
    await edit('c2', { full_name: 'Yanto' });
    await edit('c1', { case_type: 'courier' });
    await syncOnce(deps);
    const lost = (await store.keptChanges()).slice(1).map((k) => k.change_id);
    expect(lost).toHaveLength(2);
    // Typed while the server was down: pending.
    const pending = (await edit('c3', { full_name: 'Tertunda' }))!;
    server.restore(backup);
    expect(server.records.has('client/c2')).toBe(false);

    const report = await syncOnce(deps);

    expect(report.reset).toBe(true);
    // Every kept change went again, marked replay, and the pending one too.
    const kept = [...(await store.keptChanges())].map((k) => k.change_id);
    expect(server.replayed.sort()).toEqual(kept.sort());
    expect(kept).toContain(pending.change_id);
    expect(kept).toHaveLength(4);
    // The server holds every change exactly once: the lost ones applied again, none twice since.
    for (const id of kept) expect(server.seen.has(id)).toBe(true);
    const counts = new Map<string, number>();
    for (const id of server.applied) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const id of lost) expect(counts.get(id)).toBe(2); // before the restore and after it
    expect(counts.get(pending.change_id)).toBe(1);
    // The device converged on the server.
    expect(await store.pendingCount()).toBe(0);
    const view = serverView(server);
    expect(Object.keys(view).sort()).toEqual(['c1', 'c2', 'c3', 'other']);
    for (const [id, record] of Object.entries(view)) {
      const mine = await store.get('client', id);
      expect(mine?.version).toBe(server.records.get(`client/${id}`)?.version);
      for (const [k, v] of Object.entries(record)) expect(mine?.[k]).toEqual(v);
    }
    expect((await store.get('client', 'c1'))?.['case_type']).toBe('courier');
    // A later sync is an ordinary one.
    const again = await syncOnce(deps);
    expect(again.reset).toBe(false);
    expect(again.pushed).toEqual([]);
  });

  it('a_pending_edit_on_a_version_the_restored_server_lost_goes_as_a_replay_and_is_taken', async () => {
    const { server, store, deps, edit } = setup();
    await edit('c1', { full_name: 'Siti' });
    await syncOnce(deps);
    const backup = server.backup();
    await edit('c1', { case_type: 'courier' });
    await syncOnce(deps);
    expect((await store.get('client', 'c1'))?.version).toBe(2);
    // Typed while the server was down, on version 2, which the restored server never had.
    const late = (await edit('c1', { full_name: 'Siti Aminah' }))!;
    expect(late.base_version).toBe(2);
    server.restore(backup);

    const report = await syncOnce(deps);

    expect(report.reset).toBe(true);
    expect(await store.rejections()).toEqual([]);
    expect(server.seen.get(late.change_id)?.status).toBe('applied');
    expect(server.records.get('client/c1')?.record).toMatchObject({
      full_name: 'Siti Aminah',
      case_type: 'courier',
    });
    expect(await store.pendingCount()).toBe(0);
    // Nothing went to the restored server unmarked.
    const afterRestore = server.pushBodies.slice(2).flatMap((b) => b.changes);
    expect(afterRestore.every((c) => c.replay === true)).toBe(true);
  });

  it('forgets_records_the_restored_server_no_longer_holds_and_keeps_what_it_typed_in_view', async () => {
    const { server, store, deps, edit } = setup();
    await syncOnce(deps);
    const backup = server.backup();
    server.seed('client', 'late', { facility_id: 'fac-1', full_name: 'Dari perangkat lain' });
    await edit('mine', { full_name: 'Milik saya' });
    await syncOnce(deps);
    expect(await store.get('client', 'late')).toBeDefined();
    server.restore(backup);
    // The store's own step, as the first page of the reset pull runs it.
    expect(await store.resetFeed()).toBe(1);
    expect(await store.get('client', 'late')).toBeUndefined();
    expect((await store.get('client', 'mine'))?.['full_name']).toBe('Milik saya');
    expect(await store.getMeta('cursor')).toBeUndefined();
    expect((await store.peekOutbox(10)).every((e) => e.replay === true)).toBe(true);
    await syncOnce(deps);
    expect(await store.get('client', 'late')).toBeUndefined();
    expect(server.records.get('client/mine')?.record['full_name']).toBe('Milik saya');
  });

  it('a_replayed_change_the_server_now_takes_clears_its_old_rejection', async () => {
    const { server, store, deps, edit } = setup();
    const empty = server.backup();
    server.rejectWhen = () => ({ full_name: ['sementara ditolak'] });
    await edit('c1', { full_name: 'Siti' });
    await syncOnce(deps);
    expect(await store.rejections('client', 'c1')).toHaveLength(1);
    server.rejectWhen = () => null;
    server.restore(empty);
    await syncOnce(deps);
    expect(await store.rejections('client', 'c1')).toHaveLength(0);
    expect(server.records.get('client/c1')?.record['full_name']).toBe('Siti');
  });
});
