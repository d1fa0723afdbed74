import { describe, expect, it } from 'vitest';
import type { LocalRecord } from '../src/client/db';
import {
  addParticipants,
  cohortsOf,
  matchClients,
  PICKER_MATCHES,
} from '../src/client/views/session/participants';

const rec = (entity: 'client' | 'enrollment', id: string, f: Record<string, unknown>) =>
  ({ entity, id, facility_id: 'f', version: 1, _pending: 0, ...f }) as unknown as LocalRecord;

const clients = [
  rec('client', 'a', { full_name: 'Siti Aminah', registration_number: 'B.I-001' }),
  rec('client', 'b', { full_name: 'Budi Santoso', registration_number: 'B.I-002' }),
  rec('client', 'c', { full_name: 'Siti Rahma', registration_number: 'B.II-17' }),
];

describe('group picker', () => {
  it('matches_name_or_registration_number_and_skips_those_taking_part', () => {
    expect(matchClients(clients, 'siti', {}).map((c) => c.id)).toEqual(['a', 'c']);
    expect(matchClients(clients, 'SÍTI', { a: 'attended' }).map((c) => c.id)).toEqual(['c']);
    expect(matchClients(clients, 'b.ii', {}).map((c) => c.id)).toEqual(['c']);
    // A removed participant ('') can be found again.
    expect(matchClients(clients, 'budi', { b: '' }).map((c) => c.id)).toEqual(['b']);
    expect(matchClients(clients, '  ', {})).toEqual([]);
  });

  it('lists_at_most_the_picker_limit', () => {
    const many = Array.from({ length: 100 }, (_, i) =>
      rec('client', `k${i}`, { full_name: `Klien ${i}` }),
    );
    expect(matchClients(many, 'klien', {})).toHaveLength(PICKER_MATCHES);
  });

  it('cohorts_hold_the_clients_of_active_enrollments_once', () => {
    const enrollments = [
      rec('enrollment', 'e1', { client_id: 'a', cohort: 'Angkatan 3', status: 'active' }),
      rec('enrollment', 'e2', { client_id: 'a', cohort: 'Angkatan 3', status: 'active' }),
      rec('enrollment', 'e3', { client_id: 'b', cohort: 'Angkatan 3', status: 'completed' }),
      rec('enrollment', 'e4', { client_id: 'c', cohort: ' Angkatan 1 ', status: 'active' }),
      rec('enrollment', 'e5', { client_id: 'b', cohort: '', status: 'active' }),
    ];
    expect(cohortsOf(enrollments)).toEqual([
      { name: 'Angkatan 1', clientIds: ['c'] },
      { name: 'Angkatan 3', clientIds: ['a'] },
    ]);
  });

  it('adding_keeps_the_marks_already_given', () => {
    expect(addParticipants({ a: 'sick', b: '' }, ['a', 'b', 'c'])).toEqual({
      a: 'sick',
      b: 'attended',
      c: 'attended',
    });
  });
});
