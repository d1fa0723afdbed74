import { describe, expect, it } from 'vitest';
import {
  validateRelease,
  validateAttendance,
  validateClient,
  validateEnrollment,
  validateSession,
} from '../src/shared/validation';

const ctx = { facilityIds: ['fac-1'], today: '2024-05-01' };
const goodClient = {
  registration_number: 'BI.123/2023',
  full_name: 'Budi Santoso',
  sex: 'M',
  case_type: 'user',
  facility_id: 'fac-1',
};
const codes = (errors: Record<string, { code: string }[]>) =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.map((e) => e.code)]));

describe('client validation', () => {
  it('accepts_a_minimal_client', () => {
    expect(validateClient(goodClient, ctx)).toEqual({});
  });

  it.each([
    [{ registration_number: '' }, { registration_number: ['required'] }],
    [{ registration_number: 'x'.repeat(41) }, { registration_number: ['too_long'] }],
    [{ full_name: '   ' }, { full_name: ['required'] }],
    [{ full_name: 'x'.repeat(121) }, { full_name: ['too_long'] }],
    [{ sex: 'X' }, { sex: ['one_of'] }],
    [{ case_type: null }, { case_type: ['required'] }],
    [{ birth_date: '2024-05-02' }, { birth_date: ['future'] }],
    [{ birth_date: '2024-02-30' }, { birth_date: ['bad_date'] }],
    [
      { admission_date: '2024-01-10', release_date: '2024-01-09' },
      { release_date: ['before_admission'] },
    ],
    [{ nik: '123' }, { nik: ['nik_digits'] }],
    [{ nik: '12345678901234ab' }, { nik: ['nik_digits'] }],
    [{ facility_id: 'fac-2' }, { facility_id: ['facility_not_allowed'] }],
    [{ full_name: 'a\u0000b' }, { full_name: ['nul_char'] }],
  ])('rejects %j', (patch, expected) => {
    expect(codes(validateClient({ ...goodClient, ...patch }, ctx))).toEqual(expected);
  });

  it('accepts_optional_fields_when_valid', () => {
    expect(
      validateClient(
        {
          ...goodClient,
          nik: '1234567890123456',
          birth_date: '1990-01-01',
          admission_date: '2024-01-01',
          release_date: '2024-01-01',
        },
        ctx,
      ),
    ).toEqual({});
  });
});

const NOW = Date.parse('2024-05-01T03:00:00Z');
const goodSession = {
  client_id: 'c1',
  kind: 'individual',
  occurred_at: '2024-05-01T10:00:00+07:00',
  duration_minutes: 60,
  attendance: 'attended',
  note_data: 'ok',
  note_assessment: 'ok',
  note_plan: 'ok',
  risk_flags: ['relapse'],
  status: 'submitted',
};

describe('session validation', () => {
  it('accepts_a_normal_session', () => {
    expect(validateSession(goodSession, { nowMs: NOW })).toEqual({});
  });

  it.each([
    [{ client_id: null }, { client_id: ['required'] }],
    [{ kind: 'group', attendance: null }, { client_id: ['must_be_empty'] }],
    [{ occurred_at: '2024-05-01 10:00' }, { occurred_at: ['bad_datetime'] }],
    [{ occurred_at: '2024-05-03T10:00:00+07:00' }, { occurred_at: ['too_far_future'] }],
    [{ duration_minutes: 0 }, { duration_minutes: ['int_range'] }],
    [{ duration_minutes: 601 }, { duration_minutes: ['int_range'] }],
    [{ duration_minutes: 1.5 }, { duration_minutes: ['int_range'] }],
    [{ attendance: null }, { attendance: ['required'] }],
    [{ note_plan: 'x'.repeat(20001) }, { note_plan: ['too_long'] }],
    [{ note_data: 'bad\u0000' }, { note_data: ['nul_char'] }],
    [{ risk_flags: ['bored'] }, { risk_flags: ['one_of'] }],
    [{ kind: 'urine_test', urine_test: null }, { urine_test: ['required'] }],
    [
      { kind: 'urine_test', urine_test: { panel: '', results: { THC: 'negative' } } },
      { 'urine_test.panel': ['required'] },
    ],
    [
      { kind: 'urine_test', urine_test: { panel: '6 panel', results: {} } },
      { 'urine_test.results': ['required'] },
    ],
    [
      { kind: 'urine_test', urine_test: { panel: '6 panel', results: { THC: 'maybe' } } },
      { 'urine_test.results': ['one_of'] },
    ],
    [{ next_session_on: '2024-04-30' }, { next_session_on: ['before_occurred'] }],
    [{ status: 'approved' }, { status: ['one_of'] }],
  ])('rejects %j', (patch, expected) => {
    expect(codes(validateSession({ ...goodSession, ...patch }, { nowMs: NOW }))).toEqual(expected);
  });

  it('group_sessions_need_no_client_and_no_attendance', () => {
    expect(
      validateSession(
        { ...goodSession, kind: 'morning_meeting', client_id: null, attendance: null },
        { nowMs: NOW },
      ),
    ).toEqual({});
  });

  it('a_valid_urine_test_passes', () => {
    expect(
      validateSession(
        {
          ...goodSession,
          kind: 'urine_test',
          urine_test: { panel: '6 panel', results: { THC: 'negative', MET: 'positive' } },
        },
        { nowMs: NOW },
      ),
    ).toEqual({});
  });

  it('next_session_on_the_same_day_is_fine', () => {
    expect(
      validateSession({ ...goodSession, next_session_on: '2024-05-01' }, { nowMs: NOW }),
    ).toEqual({});
  });
});

describe('enrollment and attendance validation', () => {
  it('enrollment', () => {
    expect(
      validateEnrollment({
        client_id: 'c',
        program: 'rehab_sosial',
        start_date: '2024-01-01',
        status: 'active',
      }),
    ).toEqual({});
    expect(
      codes(
        validateEnrollment({
          client_id: 'c',
          program: 'x',
          start_date: '2024-01-02',
          end_date: '2024-01-01',
          status: 'active',
          cohort: 'x'.repeat(61),
        }),
      ),
    ).toEqual({
      program: ['one_of'],
      cohort: ['too_long'],
      end_date: ['before_start'],
    });
  });

  it('attendance', () => {
    expect(validateAttendance({ session_id: 's', client_id: 'c', status: 'sick' })).toEqual({});
    expect(codes(validateAttendance({ session_id: 's', status: 'late' }))).toEqual({
      client_id: ['required'],
      status: ['one_of'],
    });
  });
});

// release and aftercare: the device shows the server's ReleaseFields.rules first
describe('validateRelease', () => {
  const ctx = { today: '2024-06-10' };
  const ok = {
    client_id: 'c1',
    released_on: '2024-06-10',
    kind: 'pb',
    recipient_kind: 'bapas',
    recipient_name: 'Bapas Kelas I Palembang',
  };
  it('accepts_a_release_with_or_without_a_referral', () => {
    expect(validateRelease(ok, ctx)).toEqual({});
    expect(validateRelease({ ...ok, recipient_kind: null, recipient_name: '' }, ctx)).toEqual({});
  });
  it('refuses_a_future_date_an_unknown_kind_and_half_a_referral', () => {
    const errors = validateRelease(
      { ...ok, released_on: '2024-06-11', kind: 'kabur', recipient_name: ' ' },
      ctx,
    );
    expect(Object.keys(errors).sort()).toEqual(['kind', 'recipient_name', 'released_on']);
    expect(Object.keys(validateRelease({ ...ok, recipient_kind: '' }, ctx))).toEqual([
      'recipient_kind',
    ]);
  });
});
