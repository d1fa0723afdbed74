import { describe, expect, it } from 'vitest';
import type { ConflictDetail } from '../src/client/staff-api';
import {
  defaultPicks,
  differingFields,
  duplicateResolution,
  editText,
  fieldResolution,
  isDeletion,
  parseEdited,
  showValue,
  type Picks,
} from '../src/client/views/admin/conflict-model';

function conflict(patch: Partial<ConflictDetail> = {}): ConflictDetail {
  return {
    id: 'c1',
    kind: 'field',
    entity: 'session',
    record_id: 's1',
    other_record_id: null,
    facility_id: 'f1',
    fields: ['note_plan', 'duration_minutes', 'risk_flags'],
    base: { note_plan: 'a', duration_minutes: 30, risk_flags: [] },
    server: { note_plan: 'server plan', duration_minutes: 45, risk_flags: ['relapse'] },
    client: { note_plan: 'device plan', duration_minutes: 60, risk_flags: [] },
    user: { id: 'u1', username: 'k', display_name: 'Konselor' },
    device: { id: 'd1', name: 'Tablet' },
    created_at: '2023-03-14T03:00:00Z',
    status: 'open',
    resolution: null,
    resolved_by: null,
    resolved_at: null,
    current: null,
    other_current: null,
    ...patch,
  };
}

const pick = (choice: 'server' | 'client' | 'edit', text = '') => ({ choice, text });

describe('fieldResolution', () => {
  it('every field on the server is "server"; every field on the device is "client"', () => {
    const c = conflict();
    expect(fieldResolution(c, defaultPicks(c), 'id')).toEqual({
      ok: true,
      choice: 'server',
      fields: {},
    });
    const all: Picks = {
      note_plan: pick('client'),
      duration_minutes: pick('client'),
      risk_flags: pick('client'),
    };
    expect(fieldResolution(c, all, 'id')).toEqual({ ok: true, choice: 'client', fields: {} });
  });

  it('a mix is a merge with a value for every conflicting field, edited ones read back', () => {
    const picks: Picks = {
      note_plan: pick('edit', 'both plans, merged by hand'),
      duration_minutes: pick('client'),
      risk_flags: pick('server'),
    };
    expect(fieldResolution(conflict(), picks, 'id')).toEqual({
      ok: true,
      choice: 'merge',
      fields: {
        note_plan: 'both plans, merged by hand',
        duration_minutes: 60,
        risk_flags: ['relapse'],
      },
    });
  });

  it('an edited value that cannot be read is an error on its field, and nothing is sent', () => {
    const picks: Picks = {
      note_plan: pick('server'),
      duration_minutes: pick('edit', 'forty'),
      risk_flags: pick('edit', '["relapse"'),
    };
    const res = fieldResolution(conflict(), picks, 'en');
    expect(res.ok).toBe(false);
    expect(res.ok ? [] : Object.keys(res.errors).sort()).toEqual([
      'duration_minutes',
      'risk_flags',
    ]);
  });
});

describe('parseEdited', () => {
  it.each([
    ['text', 'old', { ok: true, value: 'text' }],
    ['', 'old', { ok: true, value: '' }],
    ['45', 30, { ok: true, value: 45 }],
    ['', 30, { ok: true, value: null }],
    ['x', 30, { ok: false }],
    ['true', false, { ok: true, value: true }],
    ['maybe', false, { ok: false }],
    ['["relapse","violence"]', [], { ok: true, value: ['relapse', 'violence'] }],
    ['{"panel":"6"}', { panel: '5' }, { ok: true, value: { panel: '6' } }],
    ['[oops', [], { ok: false }],
    ['2023-03-01', null, { ok: true, value: '2023-03-01' }],
    ['12', null, { ok: true, value: 12 }],
  ])('%j shaped like %j -> %j', (text, sample, expected) => {
    expect(parseEdited(text, sample)).toEqual(expected);
  });

  it('reads back what editText writes', () => {
    for (const v of ['plan', 45, ['relapse'], { panel: '6', results: { thc: 'negative' } }]) {
      expect(parseEdited(editText(v), v)).toEqual({ ok: true, value: v });
    }
  });
});

describe('showValue', () => {
  it('writes_dates_and_instants_like_the_lists', () => {
    expect(showValue('client', 'birth_date', '1990-05-01', 'id')).toBe('1 Mei 1990');
    expect(showValue('session', 'occurred_at', '2026-12-02T01:46:00+07:00', 'id')).toBe(
      '2 Des 2026, 01.46 WIB',
    );
  });

  it('translates codes and joins lists', () => {
    expect(showValue('session', 'kind', 'individual', 'id')).toBe('Konseling individu');
    expect(showValue('session', 'status', 'returned', 'en')).toBe('Needs revision');
    expect(showValue('enrollment', 'status', 'completed', 'id')).toBe('Selesai');
    expect(showValue('session', 'risk_flags', ['relapse', 'violence'], 'id')).toBe(
      'Kambuh, Kekerasan',
    );
    expect(showValue('session', 'note_plan', null, 'id')).toBe('—');
    expect(showValue('client', 'deleted', true, 'id')).toBe('Ya');
  });
});

describe('duplicates', () => {
  const dup = conflict({
    kind: 'duplicate',
    entity: 'client',
    record_id: 'new',
    other_record_id: 'old',
    fields: ['registration_number'],
    server: { id: 'old', registration_number: 'B.I-1', full_name: 'Budi', sex: 'M' },
    client: { id: 'new', registration_number: 'B.I-1', full_name: 'Budi S.', sex: 'M' },
    current: {
      id: 'new',
      registration_number: 'B.I-1',
      full_name: 'Budi Santoso',
      sex: 'M',
      nik: '1234567890123456',
    },
    other_current: { id: 'old', registration_number: 'B.I-1', full_name: 'Budi', sex: 'M' },
  });

  it('compares the two clients as they are now', () => {
    expect(differingFields(dup)).toEqual(['full_name', 'nik']);
  });

  it('keeps the existing client, taking the newcomer values picked', () => {
    expect(duplicateResolution(dup, [])).toEqual({ ok: true, choice: 'server', fields: {} });
    expect(duplicateResolution(dup, ['full_name', 'nik', 'id'])).toEqual({
      ok: true,
      choice: 'merge',
      fields: { full_name: 'Budi Santoso', nik: '1234567890123456' },
    });
  });
});

describe('isDeletion', () => {
  it('is true only when the device asked for a delete', () => {
    expect(isDeletion(conflict({ kind: 'delete', client: { deleted: true } }))).toBe(true);
    expect(isDeletion(conflict({ kind: 'delete', client: { note_plan: 'x' } }))).toBe(false);
  });
});
