import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { sealClearRows, USER_DB_V1, userDbName } from '../src/client/db';
import { newDataKey } from '../src/client/vault/crypto';
import { DexieStore } from '../src/client/store';
import { uuid4 } from '../src/shared/ids';

describe('UserDb upgrade', () => {
  it('v1_to_v2_keeps_records_and_finds_returned_sessions', async () => {
    const userId = `upgrade-${uuid4()}`;
    const v1 = new Dexie(userDbName(userId));
    v1.version(1).stores(USER_DB_V1);
    await v1.table('records').bulkPut([
      { entity: 'session', id: 's1', facility_id: 'f', client_id: 'c1', status: 'returned' },
      { entity: 'session', id: 's2', facility_id: 'f', client_id: 'c1', status: 'submitted' },
      { entity: 'client', id: 'c1', facility_id: 'f', full_name: 'Budi', name_key: 'budi' },
    ]);
    v1.close();

    const store = new DexieStore(userId);
    expect((await store.list('session', { status: 'returned' })).map((r) => r.id)).toEqual(['s1']);
    expect(store.db.verno).toBe(4);
    expect((await store.list('session', { client_id: 'c1' })).map((r) => r.id).sort()).toEqual([
      's1',
      's2',
    ]);
    expect((await store.searchClients('bud')).map((r) => r.id)).toEqual(['c1']);
    store.close();
  });

  it('rows_written_before_the_vault_are_sealed_at_the_first_login_and_stay_readable', async () => {
    const userId = `upgrade-${uuid4()}`;
    const v1 = new Dexie(userDbName(userId));
    v1.version(1).stores(USER_DB_V1);
    await v1
      .table('records')
      .put({ entity: 'client', id: 'c1', facility_id: 'f', full_name: 'Budi' });
    await v1.table('outbox').add({ change_id: 'ch1', entity: 'client', id: 'c1', fields: {} });
    v1.close();
    const key = await newDataKey();
    await sealClearRows(userId, key);
    const raw = new Dexie(userDbName(userId));
    await raw.open();
    expect(JSON.stringify(await raw.table('records').toArray())).not.toContain('Budi');
    raw.close();
    const store = new DexieStore(userId, Date.now, undefined, key);
    expect((await store.searchClients('bud')).map((r) => r.id)).toEqual(['c1']);
    expect((await store.peekOutbox(5)).map((e) => e.change_id)).toEqual(['ch1']);
    store.close();
    // Sealed under a key that is lost: nobody can read it, so it goes.
    await sealClearRows(userId, await newDataKey());
    expect(await Dexie.exists(userDbName(userId))).toBe(false);
  });
});
