// What, when and for whom: the facility of a group session, the kind, date, time and duration,
// the client's enrollment, and whether the client attended.
import { label, phaseLabel, t } from '../../../shared/i18n';
import { toOffsetIso, ZONES } from '../../../shared/time';
import { ATTENDANCE, GROUP_KINDS, SESSION_KINDS, type Zone } from '../../../shared/types';
import { useApp, useQuery } from '../../context';
import type { LocalRecord } from '../../db';
import { isGroupKind, type SessionDraft } from '../../session-form';
import { CodeOptions, describe, Field } from '../common';
import { onText, type DraftProps } from './draft-props';

/** The first fields of the form; `zone` is the facility's, in which date and time are typed. */
export function SessionBasics({
  draft,
  update,
  err,
  facilities,
  zone,
}: DraftProps & { facilities: LocalRecord[] | undefined; zone: Zone }) {
  const { user } = useApp();
  const group = isGroupKind(draft.kind);
  const enrollments = useQuery(
    (s) =>
      draft.client_id ? s.list('enrollment', { client_id: draft.client_id }) : Promise.resolve([]),
    [draft.client_id],
  );
  const kinds = SESSION_KINDS.filter((k) =>
    draft.client_id ? !GROUP_KINDS.includes(k) : GROUP_KINDS.includes(k),
  );
  const text = (k: keyof SessionDraft) => onText(update, k);
  return (
    <>
      {!draft.client_id && (
        <Field id="session-facility" label={t('session.facility')}>
          <select
            id="session-facility"
            data-testid="session-facility"
            value={draft.facility_id}
            onChange={text('facility_id')}
          >
            {user.facility_ids.map((fid) => (
              <option key={fid} value={fid}>
                {String(facilities?.find((f) => f.id === fid)?.['name'] ?? fid)}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field id="session-kind" label={t('session.kind')} errors={err('kind')}>
        <select
          id="session-kind"
          data-testid="session-kind"
          value={draft.kind}
          onChange={text('kind')}
        >
          <CodeOptions codes={kinds} group="kind" />
        </select>
      </Field>
      <div class="row">
        <Field id="session-date" label={t('session.date')} errors={err('occurred_at')}>
          <input
            id="session-date"
            data-testid="session-date"
            type="date"
            value={draft.date}
            onInput={text('date')}
            {...describe('session-date', err('occurred_at'))}
          />
        </Field>
        <Field
          id="session-time"
          label={t('session.time', { zone: `${zone}, ${ZONES[zone].offset}` })}
        >
          <input
            id="session-time"
            data-testid="session-time"
            type="time"
            value={draft.time}
            onInput={text('time')}
          />
        </Field>
        <Field
          id="session-duration"
          label={t('session.duration_minutes')}
          errors={err('duration_minutes')}
        >
          <input
            id="session-duration"
            data-testid="session-duration"
            type="number"
            inputMode="numeric"
            min={1}
            max={600}
            value={draft.duration}
            onInput={text('duration')}
            {...describe('session-duration', err('duration_minutes'))}
          />
        </Field>
      </div>
      {isLaterThanNow(draft, zone) && (
        <p class="alert alert-warn" role="status" data-testid="session-future">
          {t('session.future_warning')}
        </p>
      )}
      {!group && draft.client_id && (enrollments?.length ?? 0) > 0 && (
        <Field id="session-enrollment" label={t('client.enrollments')}>
          <select
            id="session-enrollment"
            data-testid="session-enrollment"
            value={draft.enrollment_id}
            onChange={text('enrollment_id')}
          >
            <option value="">{t('common.none')}</option>
            {enrollments?.map((e) => (
              <option key={e.id} value={e.id}>
                {label('program', e['program'])}
                {e['phase'] ? ` · ${phaseLabel(e['phase'])}` : ''} ·{' '}
                {label('enrollment', e['status'])}
              </option>
            ))}
          </select>
        </Field>
      )}
      {!group && (
        <Field id="session-attendance" label={t('session.attendance')} errors={err('attendance')}>
          <select
            id="session-attendance"
            data-testid="session-attendance"
            value={draft.attendance}
            onChange={text('attendance')}
          >
            <option value="">{t('common.choose')}</option>
            <CodeOptions codes={ATTENDANCE} group="attendance" />
          </select>
        </Field>
      )}
    </>
  );
}

/** True when the date and time typed are later than now: likely a slip of the finger. Only a
 * warning — the server takes up to a day ahead, and the counselor may mean it. */
export function isLaterThanNow(
  draft: Pick<SessionDraft, 'date' | 'time'>,
  zone: Zone,
  nowMs = Date.now(),
): boolean {
  if (!draft.date || !draft.time) return false;
  const ms = Date.parse(toOffsetIso(draft.date, draft.time, zone));
  return !Number.isNaN(ms) && ms > nowMs;
}
