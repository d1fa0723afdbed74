// Pure helpers of the supervisor's views: numbers in the user's language, and the figure tables
// flattened exactly as the server's export flattens them (server/services/reports.py
// `table_rows`), so the screen and the CSV/XLSX files show the same numbers.
import { label, t, type Lang, type MessageKey } from '../../../shared/i18n';
import { ATTENDANCE, ENROLLMENT_STATUSES, EXIT_STATUSES, PROGRAMS } from '../../../shared/types';
import type { ReportTable, ScoreChange, Summary } from '../../staff-api';

function locale(lang: Lang): string {
  return lang === 'en' ? 'en-GB' : 'id-ID';
}

/** A count with thousands separators; a hidden small count ("< 5", for officials) as it is. */
export function formatNumber(n: number | string | null | undefined, lang: Lang): string {
  if (n === null || n === undefined) return t('common.none', {}, lang);
  if (typeof n === 'string') return n;
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 1 }).format(n);
}

/** A count as a chart draws it: a hidden small count ("< 5", for officials) is a gap, never a
 * bar of a made-up height. */
export function chartValue(n: number | string | null | undefined): number | null {
  return typeof n === 'number' ? n : null;
}

/** A share 0..1 as a percentage with one decimal ("83,3%"); a dash when there is none. */
export function formatRate(rate: number | null | undefined, lang: Lang): string {
  if (rate === null || rate === undefined) return t('common.none', {}, lang);
  return new Intl.NumberFormat(locale(lang), {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(rate);
}

/** Hours (a wait, a review time) in whole units, as a reviewer reads them: "kurang dari 1 jam",
 * "5 jam" under two days, "3 hari" after; a dash for none. */
export function formatHours(hours: number | null | undefined, lang: Lang): string {
  if (hours === null || hours === undefined) return t('common.none', {}, lang);
  if (hours < 1) return t('staff.under_hour', {}, lang);
  const [n, one, many] =
    hours < 48
      ? [Math.floor(hours), 'staff.hour', 'staff.hours']
      : [Math.floor(hours / 24), 'staff.day', 'staff.days'];
  return n === 1
    ? t(one as MessageKey, {}, lang)
    : t(many as MessageKey, { n: formatNumber(n, lang) }, lang);
}

/** Short month names of the user's language, January first. */
export function monthNames(lang: Lang): string[] {
  const f = new Intl.DateTimeFormat(locale(lang), { month: 'short', timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, m) => f.format(new Date(Date.UTC(2023, m, 1))));
}

export const RISKS = ['low', 'moderate', 'high'] as const;

/** ASSIST risk bands in colours that say so, told apart with the common colour-vision
 * deficiencies (Okabe–Ito bluish green, orange, vermillion): high risk is never green. */
export const RISK_COLORS: Readonly<Record<(typeof RISKS)[number], string>> = {
  low: '#009E73',
  moderate: '#E69F00',
  high: '#D55E00',
};

/** The sessions chart shows at most this many series: the most frequent kinds, the rest as one
 * "Jenis lain", so every series keeps a colour of its own. */
export const SESSION_SERIES = 5;

/** The sessions chart's series: kinds with sessions, most sessions first, the tail summed. */
export function sessionSeries(
  byKind: Readonly<Record<string, number[]>>,
  keep: number = SESSION_SERIES,
): { kind: string | null; counts: number[] }[] {
  const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  const kinds = Object.entries(byKind)
    .filter(([, counts]) => total(counts) > 0)
    .sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]));
  if (kinds.length <= keep) return kinds.map(([kind, counts]) => ({ kind, counts }));
  const head = kinds.slice(0, keep - 1).map(([kind, counts]) => ({ kind, counts }));
  const rest = kinds.slice(keep - 1).map(([, counts]) => counts);
  const summed = Array.from({ length: 12 }, (_, m) => rest.reduce((a, c) => a + (c[m] ?? 0), 0));
  return [...head, { kind: null, counts: summed }];
}

export type Cell = string | number | null;

export interface FigureTable {
  /** column codes, as in the export's header row */
  header: string[];
  /** rows as in the export: codes and numbers, null for "no value" */
  rows: Cell[][];
}

/** One summary section as the export's header and rows (reports.py `table_rows`). */
export function figureTable(s: Summary, table: ReportTable): FigureTable {
  switch (table) {
    case 'rehabilitated': {
      const r = s.rehabilitated;
      return {
        header: ['facility_code', 'facility_name', 'total', ...PROGRAMS],
        rows: [
          ...r.by_facility.map((f) => [
            f.code,
            f.name,
            f.total,
            ...PROGRAMS.map((p) => f.by_program[p] ?? 0),
          ]),
          ['TOTAL', '', r.total, ...PROGRAMS.map((p) => r.by_program[p] ?? 0)],
        ],
      };
    }
    case 'enrollments': {
      const e = s.enrollments;
      return {
        header: ['program', 'total', ...ENROLLMENT_STATUSES],
        rows: [
          ...Object.entries(e.by_program).map(([p, v]) => [
            p,
            v.total,
            ...ENROLLMENT_STATUSES.map((st) => v.by_status[st] ?? 0),
          ]),
          ['TOTAL', e.total, ...ENROLLMENT_STATUSES.map((st) => e.by_status[st] ?? 0)],
        ],
      };
    }
    case 'sessions_by_kind_month': {
      const k = s.sessions_by_kind_month;
      const months = Array.from({ length: 12 }, (_, i) => `m${String(i + 1).padStart(2, '0')}`);
      return {
        header: ['kind', ...months, 'total'],
        rows: [
          ...Object.entries(k.by_kind).map(([kind, counts]) => [
            kind,
            ...counts,
            counts.reduce((a, b) => a + b, 0),
          ]),
          ['TOTAL', ...k.by_month, k.total],
        ],
      };
    }
    case 'attendance': {
      const a = s.attendance;
      const part = (name: string, p: typeof a | typeof a.group): Cell[] => [
        name,
        p.total,
        ...ATTENDANCE.map((st) => p.by_status[st] ?? 0),
        p.rate,
      ];
      return {
        header: ['sessions', 'total', ...ATTENDANCE, 'rate'],
        rows: [part('individual', a), part('group', a.group)],
      };
    }
    case 'pipeline': {
      const p = s.pipeline;
      return {
        header: ['metric', 'value'],
        rows: [
          ['drafts_older_than_48h', p.drafts_older_than_48h],
          ['submitted_waiting_count', p.submitted_waiting.count],
          ['submitted_waiting_oldest_hours', p.submitted_waiting.oldest_hours],
          ['submitted_waiting_median_hours', p.submitted_waiting.median_hours],
          ['review_time_count', p.review_time.count],
          ['review_time_median_hours', p.review_time.median_hours],
        ],
      };
    }
    case 'assist_risk_at_intake':
      return {
        header: ['substance', ...RISKS],
        rows: Object.entries(s.assist_risk_at_intake.by_substance).map(([sub, v]) => [
          sub,
          ...RISKS.map((r) => v[r] ?? 0),
        ]),
      };
    default:
      return outcomeTable(s, table);
  }
}

const COHORT_COLUMNS = ['intake_target', 'enrolled', 'active', 'completed', 'ended'] as const;
const CHANGE_COLUMNS = [
  'clients',
  'mean_first',
  'mean_last',
  'mean_change',
  'improved_rate',
] as const;
// Exits other than "completed", which has its own column.
const OTHER_EXITS = EXIT_STATUSES.filter((st) => st !== 'completed');

/** The field-work sections (server/services/outcomes.py) as reports.py `outcome_rows`. */
function outcomeTable(s: Summary, table: ReportTable): FigureTable {
  const change = (name: string, c: ScoreChange): Cell[] => [
    name,
    ...CHANGE_COLUMNS.map((k) => c[k]),
  ];
  switch (table) {
    case 'cohorts': {
      const total = { ...s.cohorts.total, facility_code: 'TOTAL', name: '', program: '' };
      return {
        header: [
          'facility_code',
          'cohort',
          'program',
          ...COHORT_COLUMNS,
          ...OTHER_EXITS,
          'completion_rate',
          'dropout_rate',
        ],
        rows: [...s.cohorts.items, total].map((c) => [
          c.facility_code,
          c.name,
          c.program,
          ...COHORT_COLUMNS.map((k) => c[k]),
          ...OTHER_EXITS.map((st) => c.by_status[st] ?? 0),
          c.completion_rate,
          c.dropout_rate,
        ]),
      };
    }
    case 'whoqol_change':
      return {
        header: ['domain', ...CHANGE_COLUMNS],
        rows: Object.entries(s.whoqol_change.domains).map(([d, c]) => change(d, c)),
      };
    case 'urica_change': {
      const r = s.urica_change.readiness;
      return { header: ['score', ...CHANGE_COLUMNS], rows: r ? [change('readiness', r)] : [] };
    }
    default: {
      const u = s.urine_tests;
      return {
        header: ['metric', 'value'],
        rows: [
          ['done', u.done],
          ['positive', u.positive],
          ['positive_rate', u.positive_rate],
        ],
      };
    }
  }
}

/** The words for a column code of a figure table. */
export function headerLabel(table: ReportTable, code: string, lang: Lang): string {
  if (/^m\d\d$/.test(code)) return monthNames(lang)[Number(code.slice(1)) - 1] ?? code;
  if ((PROGRAMS as readonly string[]).includes(code)) return label('program', code, lang);
  if (
    (table === 'enrollments' || table === 'cohorts') &&
    (ENROLLMENT_STATUSES as readonly string[]).includes(code)
  ) {
    return label('enrollment', code, lang);
  }
  if (table === 'attendance' && (ATTENDANCE as readonly string[]).includes(code)) {
    return label('attendance', code, lang);
  }
  if ((RISKS as readonly string[]).includes(code)) return label('risk_band', code, lang);
  return label('fig.col', code, lang);
}

/** The words for a row's first cell (a code): program, kind, substance, metric or TOTAL. */
export function rowLabel(table: ReportTable, code: Cell, lang: Lang): string {
  const text = String(code ?? '');
  if (text === 'TOTAL') return t('fig.total', {}, lang);
  const group: Partial<Record<ReportTable, string>> = {
    enrollments: 'program',
    sessions_by_kind_month: 'kind',
    attendance: 'fig.sessions',
    pipeline: 'fig.metric',
    assist_risk_at_intake: 'substance',
    whoqol_change: 'domain',
    urica_change: 'domain',
    urine_tests: 'fig.col',
  };
  const g = group[table];
  return g ? label(g, text, lang) : text;
}

const RATE_COLUMNS = new Set(['rate', 'completion_rate', 'dropout_rate', 'improved_rate']);

/** How a cell shows on screen: counts with separators, the rate as a percentage, hours in hours. */
export function cellText(table: ReportTable, header: string, row: Cell[], i: number, lang: Lang) {
  const value = row[i];
  if (value === null || value === undefined) return t('common.none', {}, lang);
  if (typeof value === 'string') {
    if (header === 'program') return value ? label('program', value, lang) : value;
    return i === 0 ? rowLabel(table, value, lang) : value;
  }
  if (RATE_COLUMNS.has(header) || (table === 'urine_tests' && row[0] === 'positive_rate')) {
    return formatRate(value, lang);
  }
  if (table === 'pipeline' && String(row[0]).endsWith('_hours')) return formatHours(value, lang);
  return formatNumber(value, lang);
}
