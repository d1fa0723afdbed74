// The shared replica vectors (tests/vectors/replica.json at the repository root) against the real
// DexieStore. pytest runs the same file against the Python sync.Replica
// (tests/sync/test_replica_vectors.py), so the two views of "last pulled server state plus
// pending changes" can never drift apart. Each step is read as that test reads it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DexieStore, type LocalRecord } from '../src/client/store';
import { formatHlc } from '../src/shared/hlc';
import { uuid4 } from '../src/shared/ids';
import { answerTo } from './fakes';
import type { Entity, PulledChange, PushResult, PushStatus } from '../src/shared/types';

interface RecordArg {
  entity: Entity;
  id: string;
  fields: Record<string, unknown>;
}

interface Answer {
  outbox_index: number;
  status: PushStatus;
  version: number | null;
  errors?: Record<string, string[]>;
}

type Step =
  | { pull: PulledChange[] }
  | { create: RecordArg }
  | { edit: RecordArg }
  | { delete: Omit<RecordArg, 'fields'> }
  | { ack: Answer[] };

interface Vector {
  name: string;
  steps: Step[];
  expect: {
    records: Record<string, Record<string, unknown> | null>;
    outbox: Record<string, unknown>[];
  };
}

const { vectors } = JSON.parse(
  readFileSync(new URL('../../tests/vectors/replica.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

/** More outbox entries than any vector makes. */
const ALL = 10_000;

async function play(steps: Step[]): Promise<DexieStore> {
  const store = new DexieStore(`vectors-${uuid4()}`, () => 1_700_000_000_000);
  let tick = 0;
  const hlc = () => formatHlc(1_700_000_000_000 + ++tick, 0, 'device-a');
  let page = 0;
  for (const step of steps) {
    if ('pull' in step) {
      // Pulled records are completed in place by the store: give it its own copy.
      await store.applyPulled(structuredClone(step.pull), `cursor-${++page}`);
    } else if ('create' in step) {
      await store.save(step.create.entity, step.create.id, step.create.fields, hlc());
    } else if ('edit' in step) {
      await store.save(step.edit.entity, step.edit.id, step.edit.fields, hlc());
    } else if ('delete' in step) {
      await store.remove(step.delete.entity, step.delete.id, hlc());
    } else {
      const batch = await store.peekOutbox(ALL);
      const results: PushResult[] = step.ack.map((a) =>
        answerTo(batch[a.outbox_index]!, a.status, {
          version: a.version,
          errors: a.errors ?? null,
        }),
      );
      await store.applyPushResults(batch, results);
    }
  }
  return store;
}

/** The fields `expected` names, as the record holds them (absent = undefined). */
function pick(record: LocalRecord, expected: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(expected).map((k) => [k, record[k]]));
}

describe('shared replica vectors against DexieStore', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('%s', async (_name, vector) => {
    const store = await play(vector.steps);
    for (const [key, expected] of Object.entries(vector.expect.records)) {
      const [entity, id] = key.split('/') as [Entity, string];
      const record = await store.get(entity, id);
      if (expected === null) {
        expect(record === undefined || record.deleted === true, key).toBe(true);
      } else {
        expect(record, key).toBeDefined();
        expect(record!.deleted, key).toBe(false);
        expect(pick(record!, expected), key).toEqual(expected);
      }
    }
    const outbox = (await store.peekOutbox(ALL)).map(
      ({ entity, id, op, base_version, fields }) => ({ entity, id, op, base_version, fields }),
    );
    expect(outbox).toEqual(vector.expect.outbox);
    store.close();
  });
});
