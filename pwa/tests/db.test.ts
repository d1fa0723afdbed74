import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { USER_DB_V1, userDbName } from '../src/client/db';
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
    expect(store.db.verno).toBe(2);
    expect((await store.list('session', { client_id: 'c1' })).map((r) => r.id).sort()).toEqual([
      's1',
      's2',
    ]);
    expect((await store.searchClients('bud')).map((r) => r.id)).toEqual(['c1']);
    store.close();
  });
});
