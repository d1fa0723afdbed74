// Enroll a screened client into a cohort of their facility, offline: the enrollment and its first
// phase go to the outbox together.
import { useState } from 'preact/hooks';
import { label, phaseLabel, t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import { formatDate, todayIn, zoneOf } from '../../../shared/time';
import { isValid, validateEnrollment, type Errors } from '../../../shared/validation';
import { useApp, useQuery } from '../../context';
import { highestRisk, oneActiveErrors, phasesOf } from '../../path';
import { navigate, type RouteProps } from '../../router';
import { Field } from '../common';
import { InputField, SelectField, useTyped } from './controls';

export function EnrollForm({ params }: RouteProps) {
  const app = useApp();
  const clientId = params['id'] as string;
  const data = useQuery(
    async (s) => {
      const client = await s.get('client', clientId);
      if (!client || client.deleted) return null;
      const [cohorts, assessments, enrollments, facility] = await Promise.all([
        s.list('cohort', { facility_id: client.facility_id }),
        s.list('assessment', { client_id: clientId }),
        s.list('enrollment', { client_id: clientId }),
        s.get('facility', client.facility_id),
      ]);
      const screenings = assessments
        .filter((a) => a['instrument'] === 'assist')
        .sort((a, b) => String(b['taken_on']).localeCompare(String(a['taken_on'])));
      cohorts.sort((a, b) => String(b['start_date']).localeCompare(String(a['start_date'])));
      return { client, cohorts, screenings, enrollments, facility };
    },
    [clientId],
  );
  const { typed: form, set } = useTyped();
  const [errors, setErrors] = useState<Errors>({});
  if (data === undefined) return <p>{t('common.loading')}</p>;
  if (data === null) return <p data-testid="not-found">{t('client.not_found')}</p>;
  const { client, cohorts, screenings, enrollments, facility } = data;
  const today = todayIn(zoneOf(facility?.['timezone']));
  const cohortId = form['cohort_id'] ?? cohorts[0]?.id ?? '';
  const cohort = cohorts.find((c) => c.id === cohortId);
  const phases = phasesOf(cohort);
  const value = {
    cohort_id: cohortId,
    screening_id: form['screening_id'] ?? screenings[0]?.id ?? '',
    start_date: form['start_date'] ?? today,
    phase: form['phase'] ?? phases[0]?.name ?? '',
  };
  async function submit(e: Event) {
    e.preventDefault();
    const id = uuid4();
    const fields = {
      facility_id: client!.facility_id,
      client_id: clientId,
      program: cohort?.['program'] ?? '',
      cohort_id: value.cohort_id || null,
      cohort: String(cohort?.['name'] ?? ''),
      screening_id: value.screening_id || null,
      primary_counselor_id: app.user.role === 'counselor' ? app.user.id : null,
      phase: value.phase,
      start_date: value.start_date,
      status: 'active',
    };
    const errs = { ...validateEnrollment(fields), ...oneActiveErrors(fields, enrollments, id) };
    if (!value.cohort_id) errs['cohort_id'] = [{ code: 'required' }];
    setErrors(errs);
    if (!isValid(errs)) {
      app.notify(t('session.fix_errors'));
      return;
    }
    await app.save('enrollment', id, fields);
    if (value.phase) {
      await app.save('phase_change', uuid4(), {
        facility_id: client!.facility_id,
        enrollment_id: id,
        client_id: clientId,
        phase: value.phase,
        changed_on: value.start_date,
        decided_by: app.user.display_name,
      });
    }
    app.notify(t('path.enrolled'));
    navigate(`/clients/${clientId}`);
  }

  return (
    <section aria-labelledby="enroll-h">
      <h1 id="enroll-h">{t('path.enroll_title')}</h1>
      <p>
        <strong>{String(client['full_name'])}</strong> · {String(client['registration_number'])}
      </p>
      {cohorts.length === 0 ? (
        <p data-testid="no-cohorts">{t('path.no_cohorts')}</p>
      ) : (
        <form onSubmit={submit} noValidate data-testid="enroll-form">
          <SelectField
            id="enroll-cohort"
            label={t('path.cohort')}
            errors={[...(errors['cohort_id'] ?? []), ...(errors['program'] ?? [])]}
            value={value.cohort_id}
            onValue={set('cohort_id')}
          >
            {cohorts.map((c) => (
              <option key={c.id} value={c.id}>
                {String(c['name'])} · {label('program', c['program'])}
              </option>
            ))}
          </SelectField>
          <Field id="enroll-screening" label={t('path.screening_pick')}>
            {screenings.length === 0 ? (
              <p data-testid="enroll-no-screening">{t('path.no_screening')}</p>
            ) : (
              <select
                id="enroll-screening"
                data-testid="enroll-screening"
                value={value.screening_id}
                onChange={set('screening_id')}
              >
                {screenings.map((a) => (
                  <option key={a.id} value={a.id}>
                    {formatDate(a['taken_on'] as string, app.lang)} ·{' '}
                    {t('path.risk_highest', {
                      risk: label('risk_band', highestRisk(a['scores'])),
                    })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <InputField
            id="enroll-start"
            type="date"
            label={t('path.start_date')}
            errors={errors['start_date']}
            value={value.start_date}
            onValue={set('start_date')}
          />
          {phases.length > 0 && (
            <SelectField
              id="enroll-phase"
              label={t('path.first_phase')}
              value={value.phase}
              onValue={set('phase')}
            >
              {phases.map((p) => (
                <option key={p.name} value={p.name}>
                  {phaseLabel(p.name)} · {t('path.weeks', { n: p.planned_weeks })}
                </option>
              ))}
            </SelectField>
          )}
          <p>
            {t('path.primary_counselor')}: {app.user.display_name}
          </p>
          <button type="submit" class="primary" data-testid="enroll-save">
            {t('path.save_enroll')}
          </button>
        </form>
      )}
    </section>
  );
}
