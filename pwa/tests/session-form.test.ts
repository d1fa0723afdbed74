import { describe, expect, it } from 'vitest';
import { draftFromRecord, draftToFields, emptyDraft } from '../src/client/session-form';
import { CATALOG } from '../src/shared/i18n';
import { formatDateTime, localParts, toOffsetIso } from '../src/shared/time';
import { validateSession } from '../src/shared/validation';
import { isLaterThanNow } from '../src/client/views/session/SessionBasics';

const NOW = Date.parse('2024-05-01T03:30:00Z');

describe('session form', () => {
  it('a_new_form_is_dated_now_in_the_facility_zone', () => {
    const d = emptyDraft({ id: 's1', clientId: 'c1', facilityId: 'f', zone: 'WIT', nowMs: NOW });
    expect([d.date, d.time]).toEqual(['2024-05-01', '12:30']);
  });

  it('fields_carry_the_facility_offset_and_validate', () => {
    const d = {
      ...emptyDraft({ id: 's1', clientId: 'c1', facilityId: 'f', zone: 'WITA', nowMs: NOW }),
      note_data: 'D',
      note_assessment: 'A',
      note_plan: 'P',
    };
    const fields = draftToFields(d, 'WITA', 'submitted', 'u1');
    expect(fields['occurred_at']).toBe('2024-05-01T11:30:00+08:00');
    expect(fields).toMatchObject({
      client_id: 'c1',
      counselor_id: 'u1',
      status: 'submitted',
      duration_minutes: 60,
      urine_test: null,
    });
    expect(validateSession(fields, { nowMs: NOW })).toEqual({});
  });

  it('group_kinds_drop_client_and_attendance', () => {
    const d = {
      ...emptyDraft({ id: 's1', clientId: null, facilityId: 'f', zone: 'WIB', nowMs: NOW }),
      kind: 'seminar',
    };
    const fields = draftToFields(d, 'WIB', 'draft', 'u1');
    expect(fields).toMatchObject({ client_id: null, attendance: null });
    expect(validateSession(fields, { nowMs: NOW })).toEqual({});
  });

  it('urine_rows_become_results', () => {
    const d = {
      ...emptyDraft({ id: 's1', clientId: 'c1', facilityId: 'f', zone: 'WIB', nowMs: NOW }),
      kind: 'urine_test',
      urine_panel: '6 panel',
      urine_rows: [
        { analyte: 'THC', result: 'negative' },
        { analyte: ' ', result: 'positive' },
      ],
    };
    expect(draftToFields(d, 'WIB', 'draft', 'u').urine_test).toEqual({
      panel: '6 panel',
      results: { THC: 'negative' },
    });
  });

  it('round_trips_a_stored_record', () => {
    const d = {
      ...emptyDraft({ id: 's1', clientId: 'c1', facilityId: 'f', zone: 'WIB', nowMs: NOW }),
      risk_flags: ['relapse'],
      note_plan: 'P',
    };
    const fields = draftToFields(d, 'WIB', 'draft', 'u1');
    const back = draftFromRecord(
      { entity: 'session', id: 's1', version: 1, _pending: 0, ...fields, facility_id: 'f' },
      'WIB',
    );
    expect(back).toEqual(d);
  });
});

describe('time zones', () => {
  it.each([
    ['WIB', '2024-05-01', '10:30'],
    ['WITA', '2024-05-01', '11:30'],
    ['WIT', '2024-05-01', '12:30'],
  ] as const)('%s local time', (zone, date, time) => {
    expect(localParts(NOW, zone)).toEqual({ date, time });
    expect(Date.parse(toOffsetIso(date, time, zone))).toBe(NOW);
  });

  it('formats_in_the_facility_zone', () => {
    expect(formatDateTime('2024-05-01T03:30:00Z', 'WIT', 'en')).toContain('12:30');
    expect(formatDateTime('2024-05-01T03:30:00Z', 'WIT', 'en')).toContain('WIT');
  });
});

describe('a session time later than now', () => {
  it.each([
    ['2024-05-01', '10:30', false], // now, in WIB
    ['2024-05-01', '10:31', true],
    ['2024-05-02', '08:00', true],
    ['2024-04-30', '23:59', false],
    ['', '10:31', false],
  ])('%s %s WIB is later than now: %s', (date, time, later) => {
    expect(isLaterThanNow({ date, time }, 'WIB', NOW)).toBe(later);
  });
});

describe('i18n catalog', () => {
  it('english_has_every_indonesian_key_and_no_empty_text', () => {
    expect(Object.keys(CATALOG.en).sort()).toEqual(Object.keys(CATALOG.id).sort());
    for (const lang of ['id', 'en'] as const) {
      for (const [k, v] of Object.entries(CATALOG[lang]))
        expect(v.trim(), `${lang}:${k}`).not.toBe('');
    }
  });
});
