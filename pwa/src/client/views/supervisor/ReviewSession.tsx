// One submitted session to review: the DAP note, risk flags, urine test, and the decision —
// approve (the countersign's name and time show after) or return with a mandatory comment.
// The comment is a draft in IndexedDB until the server took the decision. The page belongs to the
// session in its address (read again for every address) and steps to the previous and next
// session in the queue's order, keeping the queue's filters.
import { useEffect, useRef, useState } from 'preact/hooks';
import { label, t } from '../../../shared/i18n';
import { formatDate, formatDateTime, zoneOf } from '../../../shared/time';
import type { Zone } from '../../../shared/types';
import { HttpError } from '../../api';
import { useApp } from '../../context';
import type { RouteProps } from '../../router';
import type { Decision, QueueItem, SessionRecord, StaffApi } from '../../staff-api';
import { DetailRow, ReviewComment } from '../common';
import { useDraft } from '../staff/draft';
import { ErrorBox, Loaded, useRemote, useStaffApi } from '../staff/remote';
import { filterSuffix, findInQueue, queueFilters, type QueuePosition } from './queue-position';
import { knownCounselorName } from './review-cache';

interface Names {
  client: string | null;
  counselor: string | null;
  facility: string | null;
  zone: Zone;
}

/** The counselor's name: the queue names the author of every waiting session; a session that
 * no longer waits is named by another of its author's waiting sessions, when there is one. */
async function counselorName(
  api: StaffApi,
  record: SessionRecord,
  item: QueueItem | null,
): Promise<string | null> {
  if (item?.counselor_name) return item.counselor_name;
  const cid = record['counselor_id'];
  if (typeof cid !== 'string' || !cid) return null;
  const known = knownCounselorName(cid);
  if (known) return known;
  const other = await api
    .reviewQueue({ counselor_id: cid, facility_id: record.facility_id, per_page: 1 })
    .catch(() => null);
  return other?.items[0]?.counselor_name ?? null;
}

export function ReviewSession({ params, query }: RouteProps) {
  const id = params['id'] ?? '';
  const suffix = filterSuffix(query);
  const api = useStaffApi();
  const { store } = useApp();
  // Everything is read again for each address: the page never shows one session's data under
  // another's id, and its decision acts on the session shown.
  const remote = useRemote(async () => {
    const filters = queueFilters(new URLSearchParams(suffix));
    const [record, position] = await Promise.all([
      api.session(id),
      findInQueue((q) => api.reviewQueue({ ...filters, ...q }), id).catch((): QueuePosition => ({
        item: null,
        prev: null,
        next: null,
      })),
    ]);
    const { item } = position;
    const client = record['client_id']
      ? await store.get('client', String(record['client_id'])).catch(() => undefined)
      : undefined;
    const facility = await store.get('facility', record.facility_id).catch(() => undefined);
    const names: Names = {
      client: item?.client_name ?? (client ? String(client['full_name']) : null),
      counselor: await counselorName(api, record, item),
      facility: item
        ? `${item.facility_code} — ${item.facility_name}`
        : facility
          ? `${String(facility['code'])} — ${String(facility['name'])}`
          : null,
      zone: zoneOf(facility?.['timezone']),
    };
    const reg = item?.client_registration_number ?? client?.['registration_number'];
    if (names.client && reg) names.client = `${names.client} (${String(reg)})`;
    return { record, names, position };
  }, [id, suffix]);
  return (
    <article aria-labelledby="rs-h" data-testid="review-session">
      <p>
        <a href={`#/supervisor${suffix}`} data-testid="review-back">
          ← {t('review.back')}
        </a>
      </p>
      <h1 id="rs-h" tabIndex={-1}>
        {t('review.session_title')}
      </h1>
      <Loaded remote={remote}>
        {({ record, names, position }) => (
          <>
            <SessionReview
              key={`${record.id}:${String(record.version)}`}
              initial={record}
              names={names}
              onStale={remote.reload}
            />
            <QueueSteps position={position} suffix={suffix} />
          </>
        )}
      </Loaded>
    </article>
  );
}

/** Previous and next session in the queue's order. */
function QueueSteps({ position, suffix }: { position: QueuePosition; suffix: string }) {
  const { prev, next } = position;
  if (!prev && !next) return null;
  return (
    <nav class="pager" aria-label={t('review.steps')}>
      {prev && (
        <a class="button" href={`#/supervisor/sessions/${prev}${suffix}`} data-testid="review-prev">
          ← {t('review.prev')}
        </a>
      )}
      {next && (
        <a class="button" href={`#/supervisor/sessions/${next}${suffix}`} data-testid="review-next">
          {t('review.next')} →
        </a>
      )}
    </nav>
  );
}

function SessionReview({
  initial,
  names,
  onStale,
}: {
  initial: SessionRecord;
  names: Names;
  onStale: () => void;
}) {
  const { lang } = useApp();
  const [record, setRecord] = useState(initial);
  const r = record;
  const when = (iso: unknown) => formatDateTime(iso as string, names.zone, lang);
  const flags = Array.isArray(r['risk_flags']) ? (r['risk_flags'] as string[]) : [];
  const urine = r['urine_test'] as { panel?: string; results?: Record<string, string> } | null;
  return (
    <>
      <dl class="details">
        <DetailRow term={t('review.client')} testid="rs-client">
          {names.client ?? t('session.group')}
          {r['client_id'] ? (
            <>
              {' · '}
              <a href={`#/supervisor/clients/${String(r['client_id'])}`} data-testid="rs-path">
                {t('path.title')}
              </a>
            </>
          ) : null}
        </DetailRow>
        <DetailRow term={t('session.kind')}>{label('kind', r['kind'])}</DetailRow>
        <DetailRow term={t('session.date')}>{when(r['occurred_at'])}</DetailRow>
        <DetailRow term={t('session.duration_minutes')} testid="rs-duration">
          {String(r['duration_minutes'] ?? '')}
        </DetailRow>
        <DetailRow term={t('session.attendance')}>{label('attendance', r['attendance'])}</DetailRow>
        <DetailRow term={t('review.counselor')} testid="rs-counselor">
          {names.counselor ?? t('common.none')}
        </DetailRow>
        <DetailRow term={t('staff.facility')}>{names.facility ?? t('common.none')}</DetailRow>
        <DetailRow term={t('review.status')}>
          <span class={`status status-${String(r['status'])}`} data-testid="rs-status">
            {label('sstatus', r['status'])}
          </span>
        </DetailRow>
      </dl>
      {r['amends_id'] ? (
        <p class="alert alert-info" data-testid="rs-addendum">
          {t('review.addendum_note')}{' '}
          <a href={`#/supervisor/sessions/${String(r['amends_id'])}`} data-testid="rs-original">
            {t('review.open_original')}
          </a>
        </p>
      ) : null}
      <section aria-labelledby="rs-risk-h">
        <h2 id="rs-risk-h">{t('session.risk_flags')}</h2>
        {flags.length ? (
          <ul class="alert alert-danger flags" data-testid="rs-risk-flags">
            {flags.map((f) => (
              <li key={f}>{label('risk', f)}</li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('review.no_risk')}</p>
        )}
      </section>
      <section aria-labelledby="rs-dap-h">
        <h2 id="rs-dap-h">{t('review.dap')}</h2>
        {(['note_data', 'note_assessment', 'note_plan'] as const).map((k) => (
          <div class="note" key={k}>
            <h3>{t(`session.${k}`)}</h3>
            <p class="note-text" data-testid={`rs-${k}`}>
              {String(r[k] ?? '') || t('common.none')}
            </p>
          </div>
        ))}
      </section>
      {urine ? (
        <section aria-labelledby="rs-urine-h">
          <h2 id="rs-urine-h">{t('session.urine_test')}</h2>
          <p>
            {t('session.urine_panel')}: {urine.panel ?? t('common.none')}
          </p>
          <table class="table" data-testid="rs-urine">
            <thead>
              <tr>
                <th scope="col">{t('session.analyte')}</th>
                <th scope="col">{t('session.result')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(urine.results ?? {}).map(([analyte, result]) => (
                <tr key={analyte}>
                  <th scope="row">{label('analyte', analyte)}</th>
                  <td class={`urine-${result}`}>{label('urine', result)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {r['next_session_on'] ? (
        <p>
          {t('session.next_session_on')}: {formatDate(r['next_session_on'] as string, lang)}
        </p>
      ) : null}
      <Outcome record={r} when={when} />
      {r['status'] === 'submitted' && (
        <DecisionForm record={r} onDone={setRecord} onStale={onStale} />
      )}
    </>
  );
}

/** After a decision: the countersign (approved) or the comment sent back (returned). */
function Outcome({ record, when }: { record: SessionRecord; when: (iso: unknown) => string }) {
  if (record['status'] === 'approved') {
    return (
      <p class="alert alert-ok" role="status" data-testid="review-countersign">
        {t('review.countersign', {
          name: String(record['reviewed_by_name'] ?? t('common.none')),
          time: when(record['reviewed_at']),
        })}
      </p>
    );
  }
  if (record['status'] === 'returned') {
    return (
      <div class="alert alert-warn" role="status" data-testid="review-returned">
        <p>
          {t('review.returned_by', {
            name: String(record['reviewed_by_name'] ?? t('common.none')),
            time: when(record['reviewed_at']),
          })}
        </p>
        <ReviewComment record={record} />
      </div>
    );
  }
  return null;
}

/** The decisions in the order of their buttons; approving is the primary one. */
const DECISIONS: readonly Decision[] = ['approve', 'return'];

function DecisionForm({
  record,
  onDone,
  onStale,
}: {
  record: SessionRecord;
  onDone: (r: SessionRecord) => void;
  /** someone else decided first (409): show the session as it is now */
  onStale: () => void;
}) {
  const api = useStaffApi();
  const { notify } = useApp();
  const [comment, setComment, clearComment, restored] = useDraft(`review:${record.id}`, '');
  const [busy, setBusy] = useState<Decision | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [lastTry, setLastTry] = useState<Decision | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => setMissing(false), [comment]);

  async function decide(decision: Decision) {
    if (decision === 'return' && !comment.trim()) {
      setMissing(true);
      box.current?.focus();
      return;
    }
    setBusy(decision);
    setError(null);
    setLastTry(decision);
    try {
      const version = typeof record.version === 'number' ? record.version : null;
      const next = await api.review(record.id, decision, comment, version);
      await clearComment();
      notify(t(decision === 'approve' ? 'review.approved' : 'review.returned'));
      onDone(next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <form class="decision" aria-labelledby="rs-decide-h" onSubmit={(e) => e.preventDefault()}>
      <h2 id="rs-decide-h">{t('review.decide')}</h2>
      {restored && (
        <p class="alert alert-info" data-testid="review-draft-restored">
          {t('staff.draft_restored')}
        </p>
      )}
      <div class={missing ? 'field invalid' : 'field'}>
        <label for="review-comment">{t('review.comment')}</label>
        <textarea
          id="review-comment"
          ref={box}
          data-testid="review-comment"
          rows={4}
          maxLength={4000}
          value={comment}
          aria-describedby="review-comment-hint"
          aria-invalid={missing || undefined}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
        <small id="review-comment-hint">{t('review.comment_hint')}</small>
        {missing && (
          <p class="error" role="alert" data-testid="review-comment-error">
            {t('review.comment_required')}
          </p>
        )}
      </div>
      <ErrorBox
        error={error}
        testid="review-error"
        onRetry={
          error instanceof HttpError && error.status === 409
            ? onStale
            : lastTry
              ? () => void decide(lastTry)
              : undefined
        }
      />
      <div class="buttons">
        {DECISIONS.map((decision) => (
          <button
            key={decision}
            type="button"
            class={decision === 'approve' ? 'primary' : undefined}
            data-testid={`review-${decision}`}
            disabled={busy !== null}
            onClick={() => void decide(decision)}
          >
            {busy === decision ? t('staff.sending') : t(`review.${decision}`)}
          </button>
        ))}
      </div>
    </form>
  );
}
