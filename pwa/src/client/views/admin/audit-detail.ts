// An audit event's detail (ids and counts the server recorded) in words: "Diterima: 3 · Ditolak:
// 1", "Keputusan: dikembalikan", never the raw JSON. Keys the catalog does not know yet are shown
// as they are, so nothing the server recorded is hidden.
import { label, t, type Lang, type MessageKey } from '../../../shared/i18n';
import type { ReportTable } from '../../staff-api';
import { formatNumber } from '../supervisor/figure-format';

/** The figure table an export named, by the title the figures page gives it. */
const TABLE_TITLES: Record<ReportTable, MessageKey> = {
  rehabilitated: 'fig.rehabilitated',
  enrollments: 'fig.enrollments',
  sessions_by_kind_month: 'fig.sessions',
  attendance: 'fig.attendance',
  pipeline: 'fig.pipeline',
  assist_risk_at_intake: 'fig.assist',
  cohorts: 'fig.cohorts',
  whoqol_change: 'fig.whoqol',
  urica_change: 'fig.urica',
  urine_tests: 'fig.urine',
};

/** A user's name by id (the audit page knows every user); undefined when it does not. */
export type UserName = (id: string) => string | undefined;

type Words = (value: unknown, lang: Lang, userName: UserName) => string;

const shortId: Words = (v) => String(v).slice(0, 8);
const person: Words = (v, _lang, userName) => userName(String(v)) ?? shortId(v, _lang, userName);
const coded =
  (group: string): Words =>
  (v, lang) =>
    label(group, v, lang);

/** How each detail key reads: its term in the catalog (`audit.key.<key>`), and its value. */
const VALUES: Record<string, Words> = {
  decision: coded('audit.decision'),
  kind: coded('conflict.kind'),
  choice: coded('conflict.choice'),
  role: coded('role'),
  conflict_id: shortId,
  counselor_id: person,
  previous_counselor_id: person,
  year: (v) => String(v),
  n: (v) => String(v),
  chain: coded('audit.chain'),
  format: (v) => String(v).toUpperCase(),
  table: (v, lang) => {
    const key = TABLE_TITLES[v as ReportTable];
    return key ? t(key, {}, lang) : String(v);
  },
  // release and aftercare: a disclosure's client, recipient and who recorded the consent
  client_id: shortId,
  consent_recorded_by: person,
  recipient_kind: coded('recipient'),
  document: coded('audit.document'),
  changed: (v, lang) =>
    (Array.isArray(v) ? v : [v]).map((field) => label('audit.field', field, lang)).join(', '),
};

export interface DetailItem {
  term: string;
  value: string;
}

/** The detail of an audit event as terms and values, in the order the server wrote them. */
export function auditDetail(
  detail: Record<string, unknown> | null | undefined,
  lang: Lang,
  userName: UserName = () => undefined,
): DetailItem[] {
  return Object.entries(detail ?? {}).map(([key, value]) => {
    const words = VALUES[key];
    const text = words
      ? words(value, lang, userName)
      : typeof value === 'number'
        ? formatNumber(value, lang)
        : typeof value === 'object' && value !== null
          ? JSON.stringify(value)
          : String(value);
    return { term: label('audit.key', key, lang), value: text };
  });
}

/** The detail in one line: "Diterima: 3 · Ditolak: 1". */
export function auditDetailText(
  detail: Record<string, unknown> | null | undefined,
  lang: Lang,
  userName?: UserName,
): string {
  return auditDetail(detail, lang, userName)
    .map((item) => `${item.term}: ${item.value}`)
    .join(' · ');
}
