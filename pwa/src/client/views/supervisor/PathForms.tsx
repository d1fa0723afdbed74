// What a supervisor records on a client's path: an enrollment into a cohort, a phase change, an
// exit. Each goes to the server as a pushed change (POST /clients/<id>/path), under the same rules
// as a phone's; a refusal is shown with the server's words.
import { useState } from 'preact/hooks';
import { label, phaseLabel, t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import { EXIT_STATUSES, TC_GRADES, type BaseRecord, type Change } from '../../../shared/types';
import { useApp } from '../../context';
import { currentPhase, phasesOf } from '../../path';
import type { ClientPath } from '../../staff-api';
import { CodeOptions } from '../common';
import { InputField, SelectField, useTyped } from '../path/controls';
import { ErrorBox, useRemote, useStaffApi } from '../staff/remote';
import { useFacilityToday } from '../staff/facilities';

type StaffChange = Omit<Change, 'hlc'>;

function upsert(
  entity: Change['entity'],
  id: string,
  fields: Record<string, unknown>,
  base: number | null,
): StaffChange {
  return { change_id: uuid4(), entity, id, op: 'upsert', base_version: base, fields };
}

export function PathForms({ path, onSaved }: { path: ClientPath; onSaved: () => void }) {
  const api = useStaffApi();
  const { user, notify } = useApp();
  const client = path.client;
  const cohorts = useRemote(() => api.cohorts(client.facility_id), [client.facility_id]);
  const { typed, set } = useTyped();
  const [messages, setMessages] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>(null);
  const today = useFacilityToday(client.facility_id);
  const active = path.enrollments.filter((e) => (e['status'] ?? 'active') === 'active');
  const enrollment: BaseRecord | undefined =
    active.find((e) => e.id === typed['enrollment']) ?? active[0];
  const cohort = (cohorts.data ?? []).find(
    (c) => c.id === (typed['cohort'] ?? cohorts.data?.[0]?.id),
  );
  const phases = phasesOf(path.cohorts.find((c) => c.id === enrollment?.['cohort_id']));
  const now = enrollment ? currentPhase(enrollment, path.phase_changes) : '';
  const order = phases.find((p) => p.name === now)?.order ?? 0;
  const nextPhase = typed['phase'] ?? phases.find((p) => p.order > order)?.name ?? '';

  async function send(changes: StaffChange[], done: string) {
    setError(null);
    setMessages({});
    try {
      const { results } = await api.recordPath(client.id, changes);
      const refused = results.find((r) => r.status === 'rejected');
      if (refused) {
        setMessages(refused.errors ?? {});
        return;
      }
      notify(done);
      onSaved();
    } catch (e) {
      setError(e);
    }
  }

  function enroll(e: Event) {
    e.preventDefault();
    if (!cohort) return;
    const id = uuid4();
    const first = phasesOf(cohort)[0]?.name ?? '';
    const start = typed['start_date'] ?? today;
    const screening = path.assessments.filter((a) => a['instrument'] === 'assist').at(-1);
    const changes = [
      upsert(
        'enrollment',
        id,
        {
          facility_id: client.facility_id,
          client_id: client.id,
          program: cohort.program,
          cohort_id: cohort.id,
          cohort: cohort.name,
          screening_id: screening?.id ?? null,
          phase: first,
          start_date: start,
        },
        null,
      ),
    ];
    if (first) {
      changes.push(
        upsert(
          'phase_change',
          uuid4(),
          {
            facility_id: client.facility_id,
            enrollment_id: id,
            client_id: client.id,
            phase: first,
            changed_on: start,
            decided_by: user.display_name,
          },
          null,
        ),
      );
    }
    void send(changes, t('path.enrolled'));
  }

  function exit(e: Event) {
    e.preventDefault();
    if (!enrollment) return;
    const fields = {
      status: typed['status'] ?? 'completed',
      end_date: typed['end_date'] ?? today,
      exit_reason: typed['exit_reason'] ?? '',
      tc_grade: typed['tc_grade'] || null,
    };
    void send(
      [upsert('enrollment', enrollment.id, fields, Number(enrollment.version))],
      t('path.exit_saved'),
    );
  }

  function phase(e: Event) {
    e.preventDefault();
    if (!enrollment) return;
    const fields = {
      facility_id: client.facility_id,
      enrollment_id: enrollment.id,
      client_id: client.id,
      phase: nextPhase,
      changed_on: typed['changed_on'] ?? today,
      decided_by: typed['decided_by'] || user.display_name,
    };
    void send([upsert('phase_change', uuid4(), fields, null)], t('path.phase_saved'));
  }

  const words = (k: string) => messages[k];
  return (
    <div class="card" data-testid="staff-path-forms">
      <ErrorBox error={error} />
      {messages['_schema'] ? <p class="error">{messages['_schema'].join(' ')}</p> : null}
      <form onSubmit={enroll} noValidate data-testid="staff-enroll">
        <h2>{t('path.enroll')}</h2>
        <SelectField
          id="staff-enroll-cohort"
          label={t('path.cohort')}
          messages={[...(words('cohort_id') ?? []), ...(words('program') ?? [])]}
          value={cohort?.id ?? ''}
          onValue={set('cohort')}
        >
          {(cohorts.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} · {label('program', c.program)}
            </option>
          ))}
        </SelectField>
        <InputField
          id="staff-enroll-start"
          type="date"
          label={t('path.start_date')}
          messages={words('start_date')}
          value={typed['start_date'] ?? today}
          onValue={set('start_date')}
        />
        <button type="submit" data-testid="staff-enroll-save" disabled={!cohort}>
          {t('path.save_enroll')}
        </button>
      </form>
      {enrollment && (
        <>
          <SelectField
            id="staff-enrollment"
            label={t('client.enrollments')}
            value={enrollment.id}
            onValue={set('enrollment')}
          >
            {active.map((e) => (
              <option key={e.id} value={e.id}>
                {String(e['cohort'] ?? '')} · {label('program', e['program'])}
              </option>
            ))}
          </SelectField>
          <form onSubmit={phase} noValidate data-testid="staff-phase">
            <h2>{t('path.phase_change')}</h2>
            <SelectField
              id="staff-phase-phase"
              label={t('path.phase')}
              messages={words('phase')}
              value={nextPhase}
              onValue={set('phase')}
            >
              {phases.map((p) => (
                <option key={p.name} value={p.name}>
                  {phaseLabel(p.name)}
                </option>
              ))}
            </SelectField>
            <InputField
              id="staff-phase-by"
              label={t('path.decided_by')}
              hint={t('path.decided_by_hint')}
              messages={words('decided_by')}
              value={typed['decided_by'] ?? ''}
              onValue={set('decided_by')}
            />
            <button type="submit" data-testid="staff-phase-save">
              {t('path.save_phase')}
            </button>
          </form>
          <form onSubmit={exit} noValidate data-testid="staff-exit">
            <h2>{t('path.exit')}</h2>
            <SelectField
              id="staff-exit-status"
              label={t('path.exit_status')}
              messages={words('status')}
              value={typed['status'] ?? 'completed'}
              onValue={set('status')}
            >
              <CodeOptions codes={EXIT_STATUSES} group="enrollment" />
            </SelectField>
            <InputField
              id="staff-exit-end"
              type="date"
              label={t('path.end_date')}
              messages={words('end_date')}
              value={typed['end_date'] ?? today}
              onValue={set('end_date')}
            />
            <InputField
              id="staff-exit-reason"
              label={t('path.exit_reason')}
              messages={words('exit_reason')}
              value={typed['exit_reason'] ?? ''}
              onValue={set('exit_reason')}
            />
            <SelectField
              id="staff-exit-grade"
              label={t('path.tc_grade')}
              messages={words('tc_grade')}
              value={typed['tc_grade'] ?? ''}
              onValue={set('tc_grade')}
            >
              <option value="">{t('common.none')}</option>
              <CodeOptions codes={TC_GRADES} group="tc_grade" />
            </SelectField>
            <button type="submit" data-testid="staff-exit-save">
              {t('path.save_exit')}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
