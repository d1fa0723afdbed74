// Close an enrollment: how it ended, when, why, and the TC grade.
import { useState } from 'preact/hooks';
import { t } from '../../../shared/i18n';
import { todayIn, zoneOf } from '../../../shared/time';
import { EXIT_STATUSES, TC_GRADES } from '../../../shared/types';
import { isValid, validateEnrollment, type Errors } from '../../../shared/validation';
import { useApp, useQuery } from '../../context';
import { navigate, type RouteProps } from '../../router';
import { CodeOptions, Field } from '../common';
import { InputField, SelectField, useTyped } from './controls';
import { loadEnrollment } from './load';

export function ExitForm({ params }: RouteProps) {
  const app = useApp();
  const id = params['id'] as string;
  const data = useQuery((s) => loadEnrollment(s, id), [id]);
  const { typed, set } = useTyped();
  const [errors, setErrors] = useState<Errors>({});
  if (data === undefined) return <p>{t('common.loading')}</p>;
  if (data === null) return <p data-testid="not-found">{t('path.not_found')}</p>;
  const { enrollment, facility } = data;
  const value = {
    status: typed['status'] ?? 'completed',
    end_date: typed['end_date'] ?? todayIn(zoneOf(facility?.['timezone'])),
    exit_reason: typed['exit_reason'] ?? '',
    tc_grade: typed['tc_grade'] ?? '',
  };

  async function submit(e: Event) {
    e.preventDefault();
    const fields = { ...value, tc_grade: value.tc_grade || null };
    const errs = validateEnrollment({ ...enrollment, ...fields });
    setErrors(errs);
    if (!isValid(errs)) {
      app.notify(t('session.fix_errors'));
      return;
    }
    await app.save('enrollment', id, fields);
    app.notify(t('path.exit_saved'));
    navigate(`/clients/${String(enrollment['client_id'])}`);
  }

  return (
    <section aria-labelledby="exit-h">
      <h1 id="exit-h">{t('path.exit')}</h1>
      <form onSubmit={submit} noValidate data-testid="exit-form">
        <SelectField
          id="exit-status"
          label={t('path.exit_status')}
          errors={errors['status']}
          value={value.status}
          onValue={set('status')}
        >
          <CodeOptions codes={EXIT_STATUSES} group="enrollment" />
        </SelectField>
        <InputField
          id="exit-end"
          type="date"
          label={t('path.end_date')}
          errors={errors['end_date']}
          value={value.end_date}
          onValue={set('end_date')}
        />
        <Field id="exit-reason" label={t('path.exit_reason')} errors={errors['exit_reason']}>
          <textarea
            id="exit-reason"
            data-testid="exit-reason"
            maxLength={500}
            value={value.exit_reason}
            onInput={set('exit_reason')}
          />
        </Field>
        {enrollment['program'] === 'rehab_sosial' && (
          <SelectField
            id="exit-grade"
            label={t('path.tc_grade')}
            errors={errors['tc_grade']}
            value={value.tc_grade}
            onValue={set('tc_grade')}
          >
            <option value="">{t('common.none')}</option>
            <CodeOptions codes={TC_GRADES} group="tc_grade" />
          </SelectField>
        )}
        <button type="submit" class="primary" data-testid="exit-save">
          {t('path.save_exit')}
        </button>
      </form>
    </section>
  );
}
