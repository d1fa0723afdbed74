// A client's path in the program: the latest ASSIST screening with its risk band, each enrollment
// with its current phase and phase history, WHOQOL-BREF and URICA over time. The counselor's
// client page (with its actions) and the supervisor's client view show the same.
import type { ComponentChildren } from 'preact';
import { label, phaseLabel, t, type Lang } from '../../../shared/i18n';
import { formatDate } from '../../../shared/time';
import { currentPhase, highestRisk, phaseHistory, scoreNumbers } from '../../path';

type Rec = Record<string, unknown> & { id: string };

export function PathView(props: {
  lang: Lang;
  assessments: readonly Rec[];
  enrollments: readonly Rec[];
  phaseChanges: readonly Rec[];
  /** below the screening: the enroll button on the device */
  actions?: ComponentChildren;
  /** inside each enrollment row: its notices and actions on the device */
  enrollmentExtra?: (e: Rec) => ComponentChildren;
}) {
  const { lang, assessments, enrollments, phaseChanges } = props;
  const byDate = [...assessments].sort((a, b) =>
    String(a['taken_on']).localeCompare(String(b['taken_on'])),
  );
  const screenings = byDate.filter((a) => a['instrument'] === 'assist');
  const screening = screenings[screenings.length - 1];
  const followups = byDate.filter(
    (a) => a['instrument'] === 'whoqol_bref' || a['instrument'] === 'urica',
  );
  const sorted = [...enrollments].sort((a, b) =>
    String(b['start_date']).localeCompare(String(a['start_date'])),
  );
  return (
    <>
      <h2>{t('path.title')}</h2>
      <p data-testid="path-screening">
        <strong>{t('path.screening')}</strong>:{' '}
        {screening
          ? `${formatDate(screening['taken_on'] as string, lang)} · ${t('path.risk_highest', {
              risk: label('risk_band', highestRisk(screening['scores']), lang),
            })}`
          : t('path.no_screening')}
      </p>
      {props.actions}
      <h2>{t('client.enrollments')}</h2>
      {sorted.length === 0 ? (
        <p>{t('client.no_enrollments')}</p>
      ) : (
        <ul class="list">
          {sorted.map((e) => (
            <li key={e.id} data-testid="enrollment-row" data-id={e.id}>
              <strong>{label('program', e['program'], lang)}</strong> ·{' '}
              <span data-testid="enrollment-status">{label('enrollment', e['status'], lang)}</span>
              {e['cohort'] ? ` · ${String(e['cohort'])}` : ''} ·{' '}
              <span data-testid="enrollment-phase">
                {phaseLabel(currentPhase(e, phaseChanges), lang)}
              </span>{' '}
              · {formatDate(e['start_date'] as string, lang)}
              {e['end_date'] ? ` – ${formatDate(e['end_date'] as string, lang)}` : ''}
              {e['tc_grade'] ? ` · ${label('tc_grade', e['tc_grade'], lang)}` : ''}
              {e['exit_reason'] ? ` · ${String(e['exit_reason'])}` : ''}
              <ol class="list">
                {phaseHistory(phaseChanges, e.id).map((p) => (
                  <li key={p.id} data-testid="phase-row">
                    {phaseLabel(p['phase'], lang)} · {formatDate(p['changed_on'] as string, lang)} ·{' '}
                    {String(p['decided_by'] ?? '')}
                  </li>
                ))}
              </ol>
              {props.enrollmentExtra?.(e)}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('path.followups')}</h2>
      {followups.length === 0 ? (
        <p>{t('path.no_followups')}</p>
      ) : (
        <ol class="list" data-testid="followups">
          {followups.map((a) => (
            <li key={a.id} data-testid="followup-row">
              <strong>{label('instrument', a['instrument'], lang)}</strong> ·{' '}
              {formatDate(a['taken_on'] as string, lang)} ·{' '}
              {scoreNumbers(a['scores'])
                .map(([name, n]) => `${label('domain', name, lang)} ${n}`)
                .join(', ')}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
