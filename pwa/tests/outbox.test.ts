import { describe, expect, it } from 'vitest';
import { applyChange, diffFields, makeChange, toWire } from '../src/client/outbox';
import { DexieStore } from '../src/client/store';
import { formatHlc } from '../src/shared/hlc';
import { uuid4 } from '../src/shared/ids';

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
    await store.applyPushResults(batch, [
      {
        change_id: batch[0]!.change_id,
        status: 'applied',
        id: 'c0',
        version: 1,
        conflict_id: null,
        errors: null,
      },
    ]);
    expect((await store.peekOutbox(10)).map((e) => e.id)).toEqual(['c1', 'c2']);
  });
});
