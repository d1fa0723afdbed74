// Cohorts of the supervisor's facilities: the list, and a form to add one or edit one. They
// reach the facility's devices at their next sync (read-only there).
import { useState } from 'preact/hooks';
import { label, phaseLabel, t } from '../../../shared/i18n';
import { formatDate } from '../../../shared/time';
import { PROGRAMS } from '../../../shared/types';
import { HttpError } from '../../api';
import { useApp } from '../../context';
import { problemFieldErrors, type Cohort, type CohortPhase } from '../../staff-api';
import { CodeOptions } from '../common';
import { InputField, SelectField } from '../path/controls';
import { useFacilities } from '../staff/facilities';
import { ErrorBox, Loaded, useRemote, useStaffApi } from '../staff/remote';
import { SupervisorTabs } from './tabs';

// A Therapeutic Community's phases, as server/schemas/rules.py TC_PHASES.
const TC_PHASES: CohortPhase[] = [
  { name: 'orientation', order: 1, planned_weeks: 4 },
  { name: 'primary', order: 2, planned_weeks: 16 },
  { name: 're-entry', order: 3, planned_weeks: 6 },
];

interface Draft {
  facility_id: string;
  program: string;
  name: string;
  start_date: string;
  end_date: string;
  intake_target: string;
  phases: CohortPhase[];
}

function blank(facilityId: string): Draft {
  return {
    facility_id: facilityId,
    program: 'rehab_sosial',
    name: '',
    start_date: '',
    end_date: '',
    intake_target: '0',
    phases: TC_PHASES,
  };
}

export function Cohorts() {
  const api = useStaffApi();
  const facilities = useFacilities();
  const list = useRemote(() => api.cohorts(), []);
  const [editing, setEditing] = useState<Cohort | 'new' | null>(null);
  return (
    <section aria-labelledby="cohorts-h">
      <SupervisorTabs current="/supervisor/cohorts" />
      <h1 id="cohorts-h">{t('cohort.title')}</h1>
      <p class="actions">
        <button type="button" data-testid="cohort-new" onClick={() => setEditing('new')}>
          {t('cohort.new')}
        </button>
      </p>
      {editing && (
        <CohortForm
          key={editing === 'new' ? 'new' : editing.id}
          cohort={editing === 'new' ? null : editing}
          facilityIds={(facilities ?? []).map((f) => [f.id, f.name] as const)}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      <Loaded remote={list}>
        {(cohorts) =>
          cohorts.length === 0 ? (
            <p>{t('cohort.none')}</p>
          ) : (
            <ul class="list" data-testid="cohort-list">
              {cohorts.map((c) => (
                <li key={c.id} data-testid="cohort-row">
                  <strong>{c.name}</strong> · {label('program', c.program)} ·{' '}
                  {formatDate(c.start_date, 'id')} – {formatDate(c.end_date, 'id')} ·{' '}
                  {t('cohort.intake_target')} {c.intake_target}
                  <p class="meta">
                    {c.phases.map((p) => `${phaseLabel(p.name)} (${p.planned_weeks})`).join(' → ')}
                  </p>
                  <button type="button" data-testid="cohort-edit" onClick={() => setEditing(c)}>
                    {t('cohort.edit')}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function CohortForm(props: {
  cohort: Cohort | null;
  facilityIds: readonly (readonly [string, string])[];
  onSaved: () => void;
}) {
  const api = useStaffApi();
  const { notify } = useApp();
  const { cohort } = props;
  const [draft, setDraft] = useState<Draft>(
    cohort
      ? { ...cohort, intake_target: String(cohort.intake_target), phases: cohort.phases }
      : blank(props.facilityIds[0]?.[0] ?? ''),
  );
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof Draft) => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value;
    setDraft((d) => ({ ...d, [k]: v }));
  };
  const setPhase = (i: number, patch: Partial<CohortPhase>) =>
    setDraft((d) => ({ ...d, phases: d.phases.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));

  async function submit(e: Event) {
    e.preventDefault();
    const fields = {
      program: draft.program,
      name: draft.name,
      start_date: draft.start_date,
      end_date: draft.end_date,
      intake_target: Number.parseInt(draft.intake_target, 10) || 0,
      phases: draft.phases.map((p, i) => ({ ...p, order: i + 1 })),
    };
    setError(null);
    try {
      if (cohort) await api.editCohort(cohort.id, { ...fields, version: Number(cohort.version) });
      else await api.createCohort({ ...fields, facility_id: draft.facility_id });
      notify(t('cohort.saved'));
      props.onSaved();
    } catch (err) {
      if (err instanceof HttpError && [400, 409, 422].includes(err.status)) {
        setErrors(problemFieldErrors(err.problem));
      }
      setError(err);
    }
  }

  const input = (
    k: 'name' | 'start_date' | 'end_date' | 'intake_target',
    type: 'text' | 'date' | 'number' = 'text',
  ) => (
    <InputField
      id={`cohort-${k}`}
      type={type}
      label={t(`cohort.${k}`)}
      messages={errors[k]}
      value={draft[k]}
      onValue={set(k)}
    />
  );
  return (
    <form onSubmit={submit} noValidate data-testid="cohort-form" class="card">
      {error ? <ErrorBox error={error} /> : null}
      {!cohort && (
        <SelectField
          id="cohort-facility"
          label={t('cohort.facility')}
          messages={errors['facility_id']}
          value={draft.facility_id}
          onValue={set('facility_id')}
        >
          {props.facilityIds.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </SelectField>
      )}
      <SelectField
        id="cohort-program"
        label={t('cohort.program')}
        messages={errors['program']}
        value={draft.program}
        onValue={set('program')}
      >
        <CodeOptions codes={PROGRAMS} group="program" />
      </SelectField>
      {input('name')}
      {input('start_date', 'date')}
      {input('end_date', 'date')}
      {input('intake_target', 'number')}
      <fieldset>
        <legend>{t('cohort.phases')}</legend>
        {errors['phases'] ? <p class="error">{errors['phases'].join(' ')}</p> : null}
        {draft.phases.map((p, i) => (
          <div key={i} class="row">
            <input
              aria-label={t('cohort.phase_name')}
              data-testid="cohort-phase-name"
              value={p.name}
              onInput={(e) => setPhase(i, { name: e.currentTarget.value })}
            />
            <input
              aria-label={t('cohort.planned_weeks')}
              type="number"
              min={1}
              max={104}
              value={p.planned_weeks}
              onInput={(e) =>
                setPhase(i, { planned_weeks: Number.parseInt(e.currentTarget.value, 10) || 1 })
              }
            />
            <button
              type="button"
              onClick={() =>
                setDraft((d) => ({ ...d, phases: d.phases.filter((_, j) => j !== i) }))
              }
            >
              {t('cohort.remove_phase')}
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            setDraft((d) => ({
              ...d,
              phases: [...d.phases, { name: '', order: d.phases.length + 1, planned_weeks: 4 }],
            }))
          }
        >
          {t('cohort.add_phase')}
        </button>
      </fieldset>
      <button type="submit" class="primary" data-testid="cohort-save">
        {t('cohort.save')}
      </button>
    </form>
  );
}
