import { describe, expect, it } from 'vitest';
import type { ServerRecord } from '../src/client/db';
import {
  afterAnswer,
  applyChange,
  diffFields,
  makeChange,
  replay,
  serverStateOf,
  toWire,
} from '../src/client/outbox';
import type { Change, PushResult, PushStatus } from '../src/shared/types';
import { DexieStore } from '../src/client/store';
import { formatHlc } from '../src/shared/hlc';
import { uuid4 } from '../src/shared/ids';
import { answerTo } from './fakes';

describe('outbox rules', () => {
  it.each([
    [undefined, { a: 1, b: 'x' }, { a: 1, b: 'x' }],
    [{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { b: 'y' }],
    [{ flags: ['a'] }, { flags: ['a'] }, {}],
    [{ flags: ['a'] }, { flags: ['a', 'b'] }, { flags: ['a', 'b'] }],
    [{ a: null }, { a: undefined }, {}],
    [{ version: 3 }, { version: 4, _pending: 1, conflict_open: true }, {}],
  ])('diff_fields(%j, %j) is %j', (current, next, expected) => {
    expect(diffFields(current, next)).toEqual(expected);
  });

  it('make_change_uses_the_last_pulled_version_as_base', () => {
    const c = makeChange({
      changeId: 'x',
      entity: 'client',
      id: 'c1',
      op: 'upsert',
      current: { entity: 'client', id: 'c1', version: 7, facility_id: 'f', _pending: 0 },
      fields: { full_name: 'A' },
      hlc: 'h',
    });
    expect(c.base_version).toBe(7);
  });

  it('to_wire_drops_the_local_sequence', () => {
    const entry = {
      seq: 9,
      change_id: 'x',
      entity: 'client' as const,
      id: 'c',
      op: 'upsert' as const,
      base_version: null,
      fields: {},
      hlc: 'h',
    };
    expect(toWire(entry)).not.toHaveProperty('seq');
  });

  it('apply_change_delete_makes_a_tombstone', () => {
    const rec = {
      entity: 'client' as const,
      id: 'c',
      version: 1,
      facility_id: 'f',
      _pending: 0 as const,
    };
    expect(
      applyChange(rec, {
        change_id: 'x',
        entity: 'client',
        id: 'c',
        op: 'delete',
        base_version: 1,
        fields: {},
        hlc: 'h',
      }).deleted,
    ).toBe(true);
  });
});

describe('the local view: server state plus pending changes', () => {
  const server: ServerRecord = {
    entity: 'client',
    id: 'c',
    version: 2,
    facility_id: 'f',
    deleted: false,
    full_name: 'A',
  };
  const upsert = (fields: Record<string, unknown>): Change => ({
    change_id: 'x',
    entity: 'client',
    id: 'c',
    op: 'upsert',
    base_version: 2,
    fields,
    hlc: 'h',
  });
  const answer = (status: PushStatus, version: number | null): PushResult =>
    answerTo({ change_id: 'x', id: 'c' }, status, { version });

  it('with_nothing_pending_the_view_is_the_server_state', () => {
    expect(replay(server, [])).toEqual({ ...server, _pending: 0 });
  });

  it('pending_changes_replay_in_order_and_carry_the_server_state', () => {
    const view = replay(server, [upsert({ full_name: 'B' }), upsert({ full_name: 'C' })]);
    expect(view).toMatchObject({ full_name: 'C', version: 2, _pending: 1, _server: server });
  });

  it('a_pending_upsert_revives_a_tombstone', () => {
    expect(replay({ ...server, deleted: true }, [upsert({ full_name: 'B' })]).deleted).toBe(false);
  });

  it('the_server_state_of_a_record_is_its_kept_copy_while_pending_else_itself', () => {
    const view = replay(server, [upsert({ full_name: 'B' })]);
    expect(serverStateOf(view)).toBe(server);
    expect(serverStateOf({ ...server, name_key: 'a', _pending: 0 })).toEqual(server);
  });

  it.each([
    ['rejected', null, 'A', undefined],
    ['applied', 3, 'B', undefined],
    ['merged', 3, 'B', undefined],
    ['conflict', 3, 'B', true],
    ['applied', 2, 'A', undefined], // the pull already brought the version the change made
  ] as const)('after_an_answer_%s_v%s_the_server_state_shows_%s', (status, v, name, conflict) => {
    const next = afterAnswer(server, upsert({ full_name: 'B' }), answer(status, v));
    expect(next['full_name']).toBe(name);
    expect(next.conflict_open).toBe(conflict);
  });
});

describe('outbox order', () => {
  const hlc = (n: number) => formatHlc(1_700_000_000_000 + n, 0, 'dev');

  it('a_failed_push_returns_its_batch_to_the_front_before_newer_edits', async () => {
    const store = new DexieStore(`outbox-${uuid4()}`);
    for (let i = 0; i < 4; i++)
      await store.save('client', `c${i}`, { facility_id: 'f', full_name: `N${i}` }, hlc(i));
    const batch = await store.peekOutbox(2);
    // The push failed: no answer, so nothing is acknowledged.
    await store.applyPushResults(batch, []);
    await store.save('client', 'c9', { facility_id: 'f', full_name: 'newer' }, hlc(9));
    const next = await store.peekOutbox(10);
    expect(next.map((e) => e.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c9']);
    expect(next.slice(0, 2).map((e) => e.change_id)).toEqual(batch.map((e) => e.change_id));
  });

  it('a_partial_answer_acknowledges_only_what_was_answered', async () => {
    const store = new DexieStore(`outbox-${uuid4()}`);
    for (let i = 0; i < 3; i++)
      await store.save('client', `c${i}`, { facility_id: 'f', full_name: `N${i}` }, hlc(i));
    const batch = await store.peekOutbox(3);
    await store.applyPushResults(batch, [answerTo(batch[0]!, 'applied', { version: 1 })]);
    expect((await store.peekOutbox(10)).map((e) => e.id)).toEqual(['c1', 'c2']);
  });
});
