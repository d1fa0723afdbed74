// Move an enrollment into its next phase: a dated phase change with who decided it.
import { useState } from 'preact/hooks';
import { phaseLabel, t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import { todayIn, zoneOf } from '../../../shared/time';
import { isValid, validatePhaseChange, type Errors } from '../../../shared/validation';
import { useApp, useQuery } from '../../context';
import { currentPhase, phasesOf } from '../../path';
import { navigate, type RouteProps } from '../../router';
import { InputField, SelectField, useTyped } from './controls';
import { loadEnrollment } from './load';

export function PhaseForm({ params }: RouteProps) {
  const app = useApp();
  const id = params['id'] as string;
  const data = useQuery((s) => loadEnrollment(s, id), [id]);
  const { typed, set } = useTyped();
  const [errors, setErrors] = useState<Errors>({});
  if (data === undefined) return <p>{t('common.loading')}</p>;
  if (data === null) return <p data-testid="not-found">{t('path.not_found')}</p>;
  const { enrollment, cohort, facility, changes } = data;
  const today = todayIn(zoneOf(facility?.['timezone']));
  const phases = phasesOf(cohort);
  const now = currentPhase(enrollment, changes);
  const next = phases.find((p) => p.order > (phases.find((q) => q.name === now)?.order ?? 0));
  const value = {
    phase: typed['phase'] ?? next?.name ?? '',
    changed_on: typed['changed_on'] ?? today,
    decided_by: typed['decided_by'] ?? '',
  };

  async function submit(e: Event) {
    e.preventDefault();
    const clientId = String(enrollment['client_id']);
    const fields = { facility_id: enrollment.facility_id, enrollment_id: id, client_id: clientId };
    const all = { ...fields, ...value };
    const errs = validatePhaseChange(all, { today });
    setErrors(errs);
    if (!isValid(errs)) {
      app.notify(t('session.fix_errors'));
      return;
    }
    await app.save('phase_change', uuid4(), all);
    app.notify(t('path.phase_saved'));
    navigate(`/clients/${clientId}`);
  }

  const phaseProps = {
    id: 'phase-phase',
    label: t('path.phase'),
    errors: errors['phase'],
    value: value.phase,
    onValue: set('phase'),
  };
  return (
    <section aria-labelledby="phase-h">
      <h1 id="phase-h">{t('path.phase_change')}</h1>
      <p>
        {String(enrollment['cohort'] ?? '')} · {phaseLabel(now)}
      </p>
      <form onSubmit={submit} noValidate data-testid="phase-form">
        {phases.length ? (
          <SelectField {...phaseProps}>
            {phases.map((p) => (
              <option key={p.name} value={p.name}>
                {phaseLabel(p.name)}
              </option>
            ))}
          </SelectField>
        ) : (
          <InputField {...phaseProps} maxLength={40} />
        )}
        <InputField
          id="phase-on"
          type="date"
          label={t('path.changed_on')}
          errors={errors['changed_on']}
          value={value.changed_on}
          onValue={set('changed_on')}
        />
        <InputField
          id="phase-by"
          label={t('path.decided_by')}
          hint={t('path.decided_by_hint')}
          maxLength={120}
          errors={errors['decided_by']}
          value={value.decided_by}
          onValue={set('decided_by')}
        />
        <button type="submit" class="primary" data-testid="phase-save">
          {t('path.save_phase')}
        </button>
      </form>
    </section>
  );
}
