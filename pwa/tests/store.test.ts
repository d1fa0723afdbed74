import { describe, expect, it } from 'vitest';
import { DexieStore } from '../src/client/store';
import { uuid4 } from '../src/shared/ids';
import { newDataKey } from '../src/client/vault/crypto';
import { runStoreContract } from './store.contract';

runStoreContract('DexieStore', async (userId) => new DexieStore(userId ?? `test-${uuid4()}`));

// The same contract with every value sealed (one key for the suite: a store reopened by user
// id is the same vault).
const suiteKey = newDataKey();
runStoreContract(
  'DexieStore with the vault',
  async (userId) =>
    new DexieStore(userId ?? `vault-${uuid4()}`, Date.now, undefined, await suiteKey),
);

describe('DexieStore notices', () => {
  const page = (id: string) => [
    {
      entity: 'client' as const,
      id,
      version: 1,
      deleted: false,
      record: { id, facility_id: 'fac-1', full_name: id },
    },
  ];

  it('tells_views_of_a_burst_of_pulled_pages_once_and_of_other_writes_at_once', async () => {
    const store = new DexieStore(`test-${uuid4()}`, Date.now, 30);
    let calls = 0;
    store.onChange(() => calls++);
    for (const id of ['c1', 'c2', 'c3']) await store.applyPulled(page(id), id);
    expect(calls).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(1);

    await store.applyPulled(page('c4'), 'c4');
    await store.setMeta('last_sync_at', 1); // the end of a run: heard at once, pages included
    expect(calls).toBe(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(2);
    store.close();
  });
});

describe('DexieStore facilities on a device with two windows of the app', () => {
  const client = (id: string, facility: string) => ({
    entity: 'client' as const,
    id,
    version: 1,
    deleted: false,
    record: { id, facility_id: facility, full_name: `Klien ${id}` },
  });

  it('a_facility_taken_away_is_purged_even_after_another_window_saved_a_wider_scope', async () => {
    const user = `two-${uuid4()}`;
    const key = await newDataKey();
    const a = new DexieStore(user, Date.now, undefined, key);
    const b = new DexieStore(user, Date.now, undefined, key);
    // Window A syncs with one facility.
    await a.keepFacilities(['f1']);
    await a.applyPulled([client('c1', 'f1')], 'x1');
    // The admin adds f2; window B syncs it in.
    await b.keepFacilities(['f1', 'f2']);
    await b.applyPulled([client('c2', 'f2')], 'x2');
    // The admin takes f2 away again; window A's next sync hears of it first.
    expect(await a.keepFacilities(['f1'])).toBe(1);
    expect((await a.list('client')).map((c) => c.id)).toEqual(['c1']);
    a.close();
    b.close();
  });
});
