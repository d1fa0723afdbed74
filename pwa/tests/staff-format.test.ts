import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError } from '../src/client/api';
import { REPORT_TABLES, type Summary } from '../src/client/staff-api';
import { AuthLostError, DeviceRevokedError } from '../src/client/sync';
import { errorMessage } from '../src/client/views/staff/errors';
import {
  cellText,
  figureTable,
  formatHours,
  formatRate,
  headerLabel,
  monthNames,
  rowLabel,
} from '../src/client/views/supervisor/figure-format';
import { dayStart } from '../src/client/views/admin/Audit';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

// report-tables.json was made by the server's own reports.table_rows from report-summary.json.
const summary = fixture('report-summary.json') as Summary;
const serverTables = fixture('report-tables.json') as Record<
  string,
  { header: string[]; rows: unknown[][] }
>;

describe('figureTable', () => {
  it.each(REPORT_TABLES)('%s is flattened exactly as the server exports it', (table) => {
    expect(figureTable(summary, table)).toEqual(serverTables[table]);
  });
});

describe('figure words', () => {
  it('translates column and row codes, Bahasa Indonesia first', () => {
    expect(headerLabel('rehabilitated', 'rehab_sosial', 'id')).toBe('Rehabilitasi sosial');
    expect(headerLabel('enrollments', 'withdrew', 'en')).toBe('Withdrew');
    expect(headerLabel('attendance', 'rate', 'id')).toBe('Tingkat kehadiran');
    expect(headerLabel('assist_risk_at_intake', 'high', 'id')).toBe('Tinggi');
    expect(headerLabel('sessions_by_kind_month', 'm03', 'en')).toBe('Mar');
    expect(rowLabel('sessions_by_kind_month', 'individual', 'id')).toBe('Konseling individu');
    expect(rowLabel('pipeline', 'drafts_older_than_48h', 'en')).toBe('Drafts older than 48 hours');
    expect(rowLabel('assist_risk_at_intake', 'amphetamine', 'id')).toBe('Stimulan jenis amfetamin');
    expect(rowLabel('enrollments', 'TOTAL', 'id')).toBe('Jumlah');
    expect(monthNames('id')).toHaveLength(12);
  });

  it('shows rates as percentages, hours in whole hours or days, and none as a dash', () => {
    const { header, rows } = figureTable(summary, 'attendance');
    const row = rows[1] as (string | number | null)[];
    expect(cellText('attendance', 'rate', row, header.indexOf('rate'), 'en')).toBe('66.7%');
    expect(formatRate(0.8, 'id')).toMatch(/^80,0\s?%$/);
    expect(formatRate(null, 'id')).toBe('—');
    expect(formatHours(12, 'en')).toBe('12 hours');
    expect(formatHours(80.5, 'id')).toBe('3 hari');
    expect(formatHours(null, 'id')).toBe('—');
  });
});

describe('errorMessage', () => {
  it.each([
    [new NetworkError(), 'staff.err_network', false],
    [new AuthLostError(), 'staff.err_auth', true],
    [new DeviceRevokedError(), 'staff.err_revoked', false],
    [new HttpError(403, { status: 403 }), 'staff.err_forbidden', false],
    [new HttpError(404, { status: 404 }), 'staff.err_not_found', false],
    [new HttpError(409, { status: 409, detail: 'already' }), 'staff.err_conflict', false],
    [new HttpError(422, { status: 422 }), 'staff.err_invalid', false],
    [new HttpError(429, { status: 429 }), 'staff.err_rate', false],
    [new HttpError(503, { status: 503 }), 'staff.err_server', false],
    [new Error('boom'), 'staff.err_unknown', false],
  ])('%s -> %s', (error, key, relogin) => {
    const words = errorMessage(error);
    expect(words.key).toBe(key);
    expect(!!words.relogin).toBe(relogin);
  });

  it("keeps the server's detail", () => {
    expect(
      errorMessage(new HttpError(409, { status: 409, detail: 'Sudah direview.' })).detail,
    ).toBe('Sudah direview.');
  });
});

describe('dayStart', () => {
  it('turns a local date into the instant it starts, or nothing for no date', () => {
    expect(dayStart('')).toBeNull();
    expect(dayStart('2023-02-30x')).toBeNull();
    const start = dayStart('2023-03-14');
    const next = dayStart('2023-03-14', 1);
    expect(start).not.toBeNull();
    expect(Date.parse(next ?? '') - Date.parse(start ?? '')).toBe(86_400_000);
  });
});
