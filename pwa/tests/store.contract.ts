// The contract every Store implementation passes. Run it with runStoreContract(name, setup).
import { describe, expect, it } from 'vitest';
import type { Store } from '../src/client/store';
import { formatHlc } from '../src/shared/hlc';
import type { PulledChange } from '../src/shared/types';
import { answerTo } from './fakes';

let tick = 0;
const hlc = () => formatHlc(1_700_000_000_000 + ++tick, 0, 'dev-1');

const client = (fields: Record<string, unknown> = {}) => ({
  facility_id: 'fac-1',
  registration_number: 'BI.123/2023',
  full_name: 'Budi Santoso',
  sex: 'M',
  case_type: 'user',
  ...fields,
});

function pulled(
  id: string,
  version: number,
  record: Record<string, unknown>,
  deleted = false,
): PulledChange {
  return {
    entity: 'client',
    id,
    version,
    deleted,
    record: { id, facility_id: 'fac-1', ...record },
  };
}

/** `setup(userId?)` opens a store; given a user id it reopens that user's store. */
export function runStoreContract(name: string, setup: (userId?: string) => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    it('save_creates_record_and_outbox_change_with_all_fields_and_null_base', async () => {
      const s = await setup();
      const change = await s.save('client', 'c1', client(), hlc());
      expect(change).toMatchObject({
        entity: 'client',
        id: 'c1',
        op: 'upsert',
        base_version: null,
      });
      expect(change?.fields).toEqual(client());
      const rec = await s.get('client', 'c1');
      expect(rec).toMatchObject({
        ...client(),
        id: 'c1',
        version: null,
        _pending: 1,
        deleted: false,
      });
      expect(await s.pendingCount()).toBe(1);
    });

    it('save_sends_only_changed_fields_and_skips_no_op_edits', async () => {
      const s = await setup();
      await s.save('client', 'c1', client(), hlc());
      const second = await s.save('client', 'c1', client({ full_name: 'Budi S.' }), hlc());
      expect(second?.fields).toEqual({ full_name: 'Budi S.' });
      expect(await s.save('client', 'c1', client({ full_name: 'Budi S.' }), hlc())).toBeNull();
      expect(await s.pendingCount()).toBe(2);
    });

    it('base_version_is_the_last_pulled_version', async () => {
      const s = await setup();
      await s.applyPulled([pulled('c1', 4, client())], 'cur-1');
      const change = await s.save('client', 'c1', { full_name: 'Budi Baru' }, hlc());
      expect(change?.base_version).toBe(4);
    });

    it('peek_outbox_keeps_edit_order', async () => {
      const s = await setup();
      for (let i = 0; i < 5; i++)
        await s.save('client', `c${i}`, client({ registration_number: `R${i}` }), hlc());
      const batch = await s.peekOutbox(3);
      expect(batch.map((b) => b.id)).toEqual(['c0', 'c1', 'c2']);
    });

    it('push_results_remove_answered_changes_and_keep_rejections', async () => {
      const s = await setup();
      await s.save('client', 'c1', client(), hlc());
      await s.save('client', 'c2', client({ registration_number: 'X' }), hlc());
      const batch = await s.peekOutbox(10);
      const [a, b] = batch;
      await s.applyPushResults(batch, [
        answerTo(a!, 'applied', { version: 1 }),
        answerTo(b!, 'rejected', { errors: { nik: ['must be 16 digits'] } }),
      ]);
      expect(await s.pendingCount()).toBe(0);
      expect((await s.get('client', 'c1'))?._pending).toBe(0);
      const rejected = await s.rejections('client', 'c2');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]?.errors).toEqual({ nik: ['must be 16 digits'] });
      // The rejected record stays on the device (out of view: the server never had it).
      expect(await s.get('client', 'c2')).toBeDefined();
    });

    it('a_rejected_edit_leaves_the_view_and_the_other_pending_edits_stay_on_the_server_state', async () => {
      const s = await setup();
      await s.applyPulled([pulled('c1', 3, client({ nik: null }))], 'cur-1');
      await s.save('client', 'c1', { nik: '123' }, hlc());
      await s.save('client', 'c1', { full_name: 'Budi S.' }, hlc());
      const [bad, good] = await s.peekOutbox(10);
      await s.applyPushResults(
        [bad!],
        [answerTo(bad!, 'rejected', { errors: { nik: ['must be 16 digits'] } })],
      );
      expect(await s.get('client', 'c1')).toMatchObject({
        nik: null,
        full_name: 'Budi S.',
        version: 3,
        deleted: false,
        _pending: 1,
      });
      expect((await s.rejections('client', 'c1'))[0]?.fields).toEqual({ nik: '123' });
      // A pull meanwhile keeps the rejected value out too.
      await s.applyPulled([pulled('c1', 4, client({ nik: null, sex: 'F' }))], 'cur-2');
      expect(await s.get('client', 'c1')).toMatchObject({
        nik: null,
        sex: 'F',
        full_name: 'Budi S.',
        version: 4,
      });
      await s.applyPushResults([good!], [answerTo(good!, 'applied', { version: 5 })]);
      const settled = await s.get('client', 'c1');
      expect(settled).toMatchObject({ nik: null, full_name: 'Budi S.', _pending: 0 });
      // The server state kept for the rejection is the device's own: never a field of a change.
      const next = await s.save('client', 'c1', { ...settled, nik: '1671010101900001' }, hlc());
      expect(next?.fields).toEqual({ nik: '1671010101900001' });
    });

    it('a_rejected_create_stays_in_view_and_its_next_save_sends_it_whole', async () => {
      // Nothing typed leaves the counselor's view: the server never took the record, so the
      // device keeps it as it showed it, with its rejection, until it is corrected.
      const s = await setup();
      await s.save('client', 'c1', client(), hlc());
      const [create] = await s.peekOutbox(1);
      await s.applyPushResults(
        [create!],
        [answerTo(create!, 'rejected', { errors: { nik: ['must be 16 digits'] } })],
      );
      expect(await s.get('client', 'c1')).toMatchObject({ deleted: false, _pending: 0 });
      expect((await s.list('client')).map((r) => r.id)).toEqual(['c1']);
      expect(await s.rejections('client', 'c1')).toHaveLength(1);
      const fixed = await s.save('client', 'c1', { nik: '1671010101900001' }, hlc());
      expect(fixed?.base_version).toBeNull();
      expect(fixed?.fields).toEqual({ ...create!.fields, nik: '1671010101900001' });
    });

    it('unanswered_changes_stay_at_the_front', async () => {
      const s = await setup();
      await s.save('client', 'c1', client(), hlc());
      await s.save('client', 'c2', client(), hlc());
      const batch = await s.peekOutbox(10);
      await s.applyPushResults(batch, []);
      expect((await s.peekOutbox(10)).map((b) => b.change_id)).toEqual(
        batch.map((b) => b.change_id),
      );
    });

    it('conflict_result_marks_the_record', async () => {
      const s = await setup();
      await s.save('client', 'c1', client(), hlc());
      const batch = await s.peekOutbox(1);
      await s.applyPushResults(batch, [
        answerTo(batch[0]!, 'conflict', { version: 2, conflict_id: 'k1' }),
      ]);
      expect((await s.get('client', 'c1'))?.conflict_open).toBe(true);
    });

    it('pull_writes_page_and_cursor_and_reapplies_pending_edits', async () => {
      const s = await setup();
      await s.applyPulled([pulled('c1', 1, client())], 'cur-1');
      await s.save('client', 'c1', { full_name: 'Typed Offline' }, hlc());
      await s.applyPulled(
        [pulled('c1', 2, client({ full_name: 'Server Name', sex: 'F' }))],
        'cur-2',
      );
      const rec = await s.get('client', 'c1');
      expect(rec).toMatchObject({ full_name: 'Typed Offline', sex: 'F', version: 2, _pending: 1 });
      expect(await s.getMeta('cursor')).toBe('cur-2');
    });

    it('pulled_page_keeps_pending_edits_on_top_and_flags_them', async () => {
      const s = await setup();
      await s.save('client', 'c2', client({ full_name: 'Edit lokal' }), hlc());
      await s.applyPulled(
        [pulled('c1', 1, client()), pulled('c2', 4, client({ full_name: 'Server' }))],
        'p1',
      );
      expect(await s.getMeta('cursor')).toBe('p1');
      expect(await s.get('client', 'c1')).toMatchObject({ version: 1, _pending: 0 });
      expect(await s.get('client', 'c2')).toMatchObject({
        version: 4,
        full_name: 'Edit lokal',
        _pending: 1,
      });
    });

    it('a_pending_edit_keeps_a_record_live_under_a_pulled_tombstone', async () => {
      const s = await setup();
      await s.applyPulled([pulled('c1', 1, client())], 'a');
      await s.save('client', 'c1', { full_name: 'Typed Offline' }, hlc());
      await s.applyPulled([pulled('c1', 2, client(), true)], 'b');
      expect(await s.get('client', 'c1')).toMatchObject({
        full_name: 'Typed Offline',
        version: 2,
        deleted: false,
        _pending: 1,
      });
      expect((await s.list('client')).map((r) => r.id)).toEqual(['c1']);
    });

    it('pulled_tombstone_removes_record_without_pending_edits', async () => {
      const s = await setup();
      await s.applyPulled([pulled('c1', 1, client())], 'a');
      await s.applyPulled([pulled('c1', 2, {}, true)], 'b');
      expect(await s.get('client', 'c1')).toBeUndefined();
      expect(await s.list('client')).toEqual([]);
    });

    it('search_finds_clients_by_name_or_registration_number', async () => {
      const s = await setup();
      await s.applyPulled(
        [
          pulled('c1', 1, client({ full_name: 'Siti Aminah', registration_number: 'AII.55/2022' })),
          pulled(
            'c2',
            1,
            client({ full_name: 'Budi Santoso', registration_number: 'BI.123/2023' }),
          ),
        ],
        'x',
      );
      expect((await s.searchClients('amin')).map((c) => c.id)).toEqual(['c1']);
      expect((await s.searchClients('bi.123')).map((c) => c.id)).toEqual(['c2']);
      expect((await s.searchClients('  SITI  ')).map((c) => c.id)).toEqual(['c1']);
      expect(await s.searchClients('')).toHaveLength(2);
    });

    // release and aftercare: the register history kept by the server is searched too
    it('search_finds_a_client_by_a_former_registration_number', async () => {
      const s = await setup();
      const history = [
        { number: 'B.I-001/2022', facility_id: 'fac-1', from: '2022-01-10', until: '2023-02-01' },
      ];
      await s.applyPulled(
        [
          pulled(
            'c1',
            2,
            client({ registration_number: 'A.I-077/2023', registration_history: history }),
          ),
          pulled('c2', 1, client({ registration_number: 'B.I-002/2022' })),
        ],
        'x',
      );
      expect((await s.searchClients('b.i-001')).map((c) => c.id)).toEqual(['c1']);
      expect((await s.searchClients('a.i-077')).map((c) => c.id)).toEqual(['c1']);
      expect((await s.searchClients('B.I-00')).map((c) => c.id).sort()).toEqual(['c1', 'c2']);
    });

    it('a_record_that_left_the_scope_is_purged_with_its_drafts', async () => {
      const s = await setup();
      await s.applyPulled([pulled('c1', 1, {}), pulled('c2', 1, {})], 'x');
      await s.putDraft('client:c1', { full_name: 'Budi' });
      await s.putDraft('session:new:c1', { clientId: 'c1', note_data: 'ketik' });
      await s.putDraft('session:new:group', { clientId: null, client_id: 'c1' });
      await s.putDraft('client:c2', { full_name: 'Siti' });
      await s.save('client', 'c1', { full_name: 'Budi S' }, hlc());
      await s.applyPulled([{ entity: 'client', id: 'c1', version: 2, scope: 'left' }], 'y');
      expect((await s.list('client')).map((c) => c.id)).toEqual(['c2']);
      expect(await s.get('client', 'c1')).toBeUndefined();
      expect((await s.searchClients('')).map((c) => c.id)).toEqual(['c2']);
      expect(await s.getDraft('client:c1')).toBeUndefined();
      expect(await s.getDraft('session:new:c1')).toBeUndefined();
      expect(await s.getDraft('session:new:group')).toBeUndefined();
      expect(await s.getDraft('client:c2')).toEqual({ full_name: 'Siti' });
      // What was typed still goes to the server: the outbox keeps it.
      expect(await s.pendingCount()).toBe(1);
      expect(await s.getMeta('cursor')).toBe('y');
    });

    it('a_facility_taken_away_takes_its_records_and_keeps_pending_changes', async () => {
      const s = await setup();
      await s.applyPulled(
        [
          pulled('c1', 1, {}),
          { ...pulled('c2', 1, {}), record: { id: 'c2', facility_id: 'fac-2' } },
        ],
        'x',
      );
      await s.save('client', 'c3', client({ facility_id: 'fac-2' }), hlc());
      expect(await s.keepFacilities(['fac-1', 'fac-2'])).toBe(0);
      expect(await s.keepFacilities(['fac-1'])).toBe(2);
      expect((await s.list('client')).map((c) => c.id)).toEqual(['c1']);
      expect((await s.searchClients('')).map((c) => c.id)).toEqual(['c1']);
      expect(await s.pendingCount()).toBe(1);
      expect(await s.keepFacilities(['fac-1'])).toBe(0);
    });

    it('list_filters_by_client', async () => {
      const s = await setup();
      await s.save(
        'session',
        's1',
        { facility_id: 'fac-1', client_id: 'c1', kind: 'individual' },
        hlc(),
      );
      await s.save(
        'session',
        's2',
        { facility_id: 'fac-1', client_id: 'c2', kind: 'individual' },
        hlc(),
      );
      expect((await s.list('session', { client_id: 'c1' })).map((r) => r.id)).toEqual(['s1']);
    });

    it('list_filters_by_status', async () => {
      const s = await setup();
      const session = (id: string, status: string): PulledChange => ({
        entity: 'session',
        id,
        version: 1,
        deleted: false,
        record: { id, facility_id: 'fac-1', client_id: 'c1', kind: 'individual', status },
      });
      await s.applyPulled(
        [session('s1', 'returned'), session('s2', 'submitted'), session('s3', 'returned')],
        'x',
      );
      const returned = await s.list('session', { status: 'returned' });
      expect(returned.map((r) => r.id).sort()).toEqual(['s1', 's3']);
      expect(await s.list('client', { status: 'returned' })).toEqual([]);
      expect((await s.list('session', { status: 'submitted' })).map((r) => r.id)).toEqual(['s2']);
      // Edited and sent again: no longer waiting for the counselor.
      await s.save('session', 's1', { facility_id: 'fac-1', status: 'submitted' }, hlc());
      expect((await s.list('session', { status: 'returned' })).map((r) => r.id)).toEqual(['s3']);
    });

    it('search_lists_clients_by_name_and_stops_at_the_limit', async () => {
      const s = await setup();
      const names = ['Yusuf', 'andi', 'Budi', 'Dewi', 'Citra'];
      await s.applyPulled(
        names.map((full_name, i) =>
          pulled(`c${i}`, 1, client({ full_name, registration_number: `R-${i}` })),
        ),
        'x',
      );
      await s.save('session', 's1', { facility_id: 'fac-1', client_id: 'c0' }, hlc());
      const first = await s.searchClients('', 3);
      expect(first.map((c) => c['full_name'])).toEqual(['andi', 'Budi', 'Citra']);
    });

    it('drafts_round_trip', async () => {
      const s = await setup();
      await s.putDraft('session:new:c1', { note_data: 'half a sentence' });
      expect(await s.getDraft('session:new:c1')).toEqual({ note_data: 'half a sentence' });
      await s.deleteDraft('session:new:c1');
      expect(await s.getDraft('session:new:c1')).toBeUndefined();
    });

    it('on_change_fires_after_writes', async () => {
      const s = await setup();
      let calls = 0;
      const off = s.onChange(() => calls++);
      await s.save('client', 'c1', client(), hlc());
      off();
      await s.save('client', 'c2', client(), hlc());
      expect(calls).toBe(1);
    });

    it('destroy_erases_everything', async () => {
      const s = await setup();
      await s.save('client', 'c1', client(), hlc());
      await s.putDraft('d', 1);
      await s.destroy();
      const again = await setup(s.userId);
      expect(await again.pendingCount()).toBe(0);
      expect(await again.get('client', 'c1')).toBeUndefined();
      expect(await again.getDraft('d')).toBeUndefined();
    });
  });
}
