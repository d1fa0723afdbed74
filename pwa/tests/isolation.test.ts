import { describe, expect, it } from 'vitest';
import { deleteUserDb, userDbName } from '../src/client/db';
import { DexieStore } from '../src/client/store';
import { formatHlc } from '../src/shared/hlc';

describe('per-user isolation', () => {
  it('each_user_has_a_database_named_after_them', () => {
    expect(userDbName('u-1')).toBe('pulih-u-1');
    expect(new DexieStore('u-1').db.name).toBe('pulih-u-1');
  });

  it('a_second_user_on_the_same_device_never_sees_the_first_users_records', async () => {
    const first = new DexieStore('user-a');
    const second = new DexieStore('user-b');
    await first.save(
      'client',
      'c1',
      { facility_id: 'f', full_name: 'Only A' },
      formatHlc(1, 0, 'd'),
    );
    await first.putDraft('session:new:c1', { note_data: 'private' });
    await first.setMeta('cursor', 'a-cursor');
    expect(await second.get('client', 'c1')).toBeUndefined();
    expect(await second.searchClients('')).toEqual([]);
    expect(await second.pendingCount()).toBe(0);
    expect(await second.getDraft('session:new:c1')).toBeUndefined();
    expect(await second.getMeta('cursor')).toBeUndefined();
  });

  it('wiping_one_user_leaves_the_other_intact', async () => {
    const a = new DexieStore('wipe-a');
    const b = new DexieStore('wipe-b');
    await a.save('client', 'c1', { facility_id: 'f', full_name: 'A' }, formatHlc(1, 0, 'd'));
    await b.save('client', 'c2', { facility_id: 'f', full_name: 'B' }, formatHlc(1, 0, 'd'));
    a.close();
    await deleteUserDb('wipe-a');
    expect(await new DexieStore('wipe-a').get('client', 'c1')).toBeUndefined();
    expect(await b.get('client', 'c2')).toBeDefined();
  });
});
