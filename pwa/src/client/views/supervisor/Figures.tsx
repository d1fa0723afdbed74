// Program figures of a year: WBP in rehabilitation per facility and program, enrollments by
// status, sessions per kind and month, attendance, the review pipeline, ASSIST risk at intake.
// Every table has CSV and XLSX downloads from the server's export (the same numbers: both are
// flattened the same way, see figure-format.ts). Chart.js is fetched only here, on first use.
import { useEffect, useRef, useState } from 'preact/hooks';
import { label, t, type Lang, type MessageKey } from '../../../shared/i18n';
import { ENROLLMENT_STATUSES, PROGRAMS } from '../../../shared/types';
import { useApp } from '../../context';
import { navigate, parseHash, type RouteProps } from '../../router';
import type { ExportFormat, ReportTable, Summary } from '../../staff-api';
import { DetailRow } from '../common';
import { useFacilities } from '../staff/facilities';
import { FacilityFilter, FilterSelect } from '../staff/filters';
import { withParam } from '../staff/nav';
import { ErrorBox, Loaded, useRemote, useStaffApi } from '../staff/remote';
import type { BarSpec } from './charts';
import {
  cellText,
  figureTable,
  formatHours,
  formatNumber,
  formatRate,
  headerLabel,
  monthNames,
  RISK_COLORS,
  RISKS,
  sessionSeries,
} from './figure-format';
import { SupervisorTabs } from './tabs';
import { saveBlob } from '../staff/download';

const SECTIONS: { table: ReportTable; title: MessageKey; note?: MessageKey }[] = [
  { table: 'rehabilitated', title: 'fig.rehabilitated', note: 'fig.rehabilitated_note' },
  { table: 'enrollments', title: 'fig.enrollments' },
  { table: 'sessions_by_kind_month', title: 'fig.sessions' },
  { table: 'attendance', title: 'fig.attendance', note: 'fig.attendance_note' },
  { table: 'pipeline', title: 'fig.pipeline' },
  { table: 'assist_risk_at_intake', title: 'fig.assist', note: 'fig.assist_note' },
  { table: 'cohorts', title: 'fig.cohorts', note: 'fig.cohorts_note' },
  { table: 'whoqol_change', title: 'fig.whoqol', note: 'fig.whoqol_note' },
  { table: 'urica_change', title: 'fig.urica', note: 'fig.urica_note' },
  { table: 'urine_tests', title: 'fig.urine' },
];

export function Figures({ query }: RouteProps) {
  const api = useStaffApi();
  const { lang } = useApp();
  const facilities = useFacilities();
  const facility = query.get('facility') ?? '';
  const thisYear = new Date().getFullYear();
  const years = useRemote(() => api.reportYears(facility || null), [facility]);
  const choices = [...new Set([...(years.data ?? []), thisYear])].sort((a, b) => b - a);
  const asked = Number(query.get('year'));
  // Without a year in the address, the figures wait for the years that have any.
  const year =
    asked >= 2000 && asked <= 2100
      ? asked
      : years.data || years.error
        ? pickYear(years.data, thisYear)
        : null;
  const summary = useRemote(year === null ? null : () => api.summary(year, facility || null), [
    year,
    facility,
  ]);

  const setParam = (name: string, value: string) =>
    // The same page with one parameter changed (an official's figures live at /figures).
    navigate(`${parseHash(location.hash).path}?${withParam(query, name, value).toString()}`);

  return (
    <section aria-labelledby="fig-h" class="figures staff-wide">
      <SupervisorTabs current="/supervisor/figures" />
      <h1 id="fig-h">{t('fig.title')}</h1>
      <form class="filters" aria-label={t('fig.filters')} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="fig-year"
          label={t('fig.year')}
          value={year === null ? '' : String(year)}
          options={choices.map((y) => [String(y), String(y)] as const)}
          onChange={(v) => setParam('year', v)}
        />
        <FacilityFilter
          id="fig-facility"
          facilities={facilities}
          value={facility}
          onChange={(v) => setParam('facility', v)}
        />
      </form>
      <Loaded remote={summary}>
        {(s) => (
          <div data-testid="figures" data-year={s.year}>
            <KeyFigures s={s} lang={lang} />
            {SECTIONS.map((sec) => (
              <section
                key={sec.table}
                class="figure"
                aria-labelledby={`fig-${sec.table}-h`}
                data-testid={`fig-${sec.table}`}
              >
                <h2 id={`fig-${sec.table}-h`}>{t(sec.title)}</h2>
                {sec.note && <p class="muted">{t(sec.note)}</p>}
                <SectionChart s={s} table={sec.table} lang={lang} title={t(sec.title)} />
                <FigureTableView s={s} table={sec.table} lang={lang} caption={t(sec.title)} />
                <ExportButtons year={s.year} table={sec.table} facility={facility} />
              </section>
            ))}
          </div>
        )}
      </Loaded>
    </section>
  );
}

function pickYear(years: number[] | undefined, thisYear: number): number {
  if (!years?.length || years.includes(thisYear)) return thisYear;
  return Math.max(...years);
}

function KeyFigures({ s, lang }: { s: Summary; lang: Lang }) {
  const items: [MessageKey, string, string][] = [
    ['fig.key_rehabilitated', formatNumber(s.rehabilitated.total, lang), 'key-rehabilitated'],
    ['fig.key_enrollments', formatNumber(s.enrollments.total, lang), 'key-enrollments'],
    ['fig.key_sessions', formatNumber(s.sessions_by_kind_month.total, lang), 'key-sessions'],
    ['fig.key_attendance', formatRate(s.attendance.rate, lang), 'key-attendance'],
    ['fig.key_waiting', formatNumber(s.pipeline.submitted_waiting.count, lang), 'key-waiting'],
    ['fig.key_review_time', formatHours(s.pipeline.review_time.median_hours, lang), 'key-review'],
  ];
  return (
    <dl class="keyfigures">
      {items.map(([key, value, testid]) => (
        <DetailRow key={key} term={t(key)} testid={testid}>
          {value}
        </DetailRow>
      ))}
    </dl>
  );
}

/** A section's table, cells as on screen, raw values in data-value (what the export holds). */
function FigureTableView(props: { s: Summary; table: ReportTable; lang: Lang; caption: string }) {
  const { s, table, lang } = props;
  const { header, rows } = figureTable(s, table);
  // The facility code and name share the first column on screen.
  const merged = table === 'rehabilitated';
  return (
    <div
      class="table-wrap"
      tabIndex={0}
      role="region"
      aria-label={t('fieldfit.fig.table_of', { title: props.caption })}
    >
      <table class="table" data-testid={`table-${table}`}>
        <thead>
          <tr>
            {header.map((code, i) =>
              merged && i === 1 ? null : (
                <th scope="col" key={code} data-code={code}>
                  {merged && i === 0 ? t('staff.facility') : headerLabel(table, code, lang)}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r} data-testid="fig-row" class={row[0] === 'TOTAL' ? 'total' : undefined}>
              {row.map((value, i) => {
                if (merged && i === 1) return null;
                const text =
                  merged && i === 0 && value !== 'TOTAL'
                    ? `${String(value)} — ${String(row[1])}`
                    : cellText(table, header[i] ?? '', row, i, lang);
                const raw = value === null ? '' : String(value);
                return i === 0 ? (
                  <th scope="row" key={i} data-value={raw}>
                    {text}
                  </th>
                ) : (
                  <td key={i} data-value={raw} data-col={header[i]}>
                    {text}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ExportButtons({
  year,
  table,
  facility,
}: {
  year: number;
  table: ReportTable;
  facility: string;
}) {
  const api = useStaffApi();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [last, setLast] = useState<ExportFormat>('csv');
  async function download(format: ExportFormat) {
    setBusy(format);
    setError(null);
    setLast(format);
    try {
      const file = await api.exportTable(year, table, format, facility || null);
      saveBlob(file.blob, file.filename);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }
  return (
    <>
      <div class="buttons">
        {(['csv', 'xlsx'] as const).map((format) => (
          <button
            key={format}
            type="button"
            data-testid={`export-${table}-${format}`}
            disabled={busy !== null}
            onClick={() => void download(format)}
          >
            {busy === format ? t('staff.sending') : t(`fig.download_${format}`)}
          </button>
        ))}
      </div>
      <ErrorBox error={error} testid="export-error" onRetry={() => void download(last)} />
    </>
  );
}

/** The chart of a section, or nothing for sections that are best read as a table. */
export function chartSpec(s: Summary, table: ReportTable, lang: Lang): BarSpec | null {
  const locale = lang === 'en' ? 'en-GB' : 'id-ID';
  switch (table) {
    case 'rehabilitated':
      return {
        locale,
        stacked: true,
        labels: s.rehabilitated.by_facility.map((f) => f.code),
        datasets: PROGRAMS.map((p) => ({
          label: label('program', p, lang),
          data: s.rehabilitated.by_facility.map((f) => f.by_program[p] ?? 0),
        })),
      };
    case 'enrollments':
      return {
        locale,
        stacked: true,
        labels: ENROLLMENT_STATUSES.map((st) => label('enrollment', st, lang)),
        datasets: PROGRAMS.map((p) => ({
          label: label('program', p, lang),
          data: ENROLLMENT_STATUSES.map((st) => s.enrollments.by_program[p]?.by_status[st] ?? 0),
        })),
      };
    case 'sessions_by_kind_month':
      return {
        locale,
        stacked: true,
        labels: monthNames(lang),
        datasets: sessionSeries(s.sessions_by_kind_month.by_kind).map(({ kind, counts }) => ({
          label: kind === null ? t('fieldfit.fig.other_kinds') : label('kind', kind, lang),
          data: counts,
        })),
      };
    case 'assist_risk_at_intake': {
      const subs = Object.keys(s.assist_risk_at_intake.by_substance);
      return {
        locale,
        stacked: true,
        horizontal: true,
        labels: subs.map((sub) => label('substance', sub, lang)),
        datasets: RISKS.map((r) => ({
          label: label('risk_band', r, lang),
          color: RISK_COLORS[r],
          data: subs.map((sub) => s.assist_risk_at_intake.by_substance[sub]?.[r] ?? 0),
        })),
      };
    }
    default:
      return null;
  }
}

function SectionChart(props: { s: Summary; table: ReportTable; lang: Lang; title: string }) {
  const spec = chartSpec(props.s, props.table, props.lang);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const key = JSON.stringify(spec);
  useEffect(() => {
    if (!spec) return;
    let alive = true;
    let chart: { destroy(): void } | null = null;
    setState('loading');
    import('./charts').then(
      ({ barChart }) => {
        if (!alive || !canvas.current) return;
        chart = barChart(canvas.current, spec);
        setState('ready');
      },
      () => alive && setState('failed'),
    );
    return () => {
      alive = false;
      chart?.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (!spec) return null;
  return (
    <div class="chart" data-state={state}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={t('fig.chart_label', { title: props.title })}
        data-testid={`chart-${props.table}`}
      />
      {state === 'failed' && <p class="muted">{t('fig.chart_failed')}</p>}
    </div>
  );
}
