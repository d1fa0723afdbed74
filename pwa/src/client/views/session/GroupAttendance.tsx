// The attendance list of a group session: a searchable picker over the facility's clients,
// "add a whole cohort", and one attendance mark per participant; saved as one attendance record
// per participant. Only the participants and at most PICKER_MATCHES matches are drawn, so a
// facility of a thousand clients opens as fast as one of ten.
import { useMemo, useState } from 'preact/hooks';
import { formatNumber, t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import { ATTENDANCE } from '../../../shared/types';
import { useQuery, type AppContextValue } from '../../context';
import type { LocalRecord } from '../../db';
import type { SessionDraft } from '../../session-form';
import { CodeOptions } from '../common';
import type { DraftProps } from './draft-props';
import { addParticipants, cohortsOf, matchClients } from './participants';

function clientText(c: LocalRecord | undefined): string {
  if (!c) return t('common.none');
  return `${String(c['full_name'] ?? '')} · ${String(c['registration_number'] ?? '')}`;
}

/** The participants, each with its attendance mark, and the picker that adds more. */
export function GroupAttendance({ draft, update }: Pick<DraftProps, 'draft' | 'update'>) {
  const [query, setQuery] = useState('');
  const [cohort, setCohort] = useState('');
  const clients = useQuery(
    (s) => s.list('client', { facility_id: draft.facility_id }),
    [draft.facility_id],
  );
  const enrollments = useQuery(
    (s) => s.list('enrollment', { facility_id: draft.facility_id }),
    [draft.facility_id],
  );
  const byId = useMemo(() => new Map((clients ?? []).map((c) => [c.id, c])), [clients]);
  const cohorts = useMemo(() => cohortsOf(enrollments ?? []), [enrollments]);
  const taking = draft.participants;
  const chosen = Object.keys(taking).filter((id) => taking[id]);
  const matches = matchClients(clients ?? [], query, taking);
  const set = (participants: Record<string, string>) => update({ participants });
  const picked = cohorts.find((c) => c.name === cohort);
  return (
    <fieldset data-testid="participants">
      <legend>
        {t('session.participants')} ({formatNumber(chosen.length)})
      </legend>
      {chosen.length === 0 ? (
        <p class="muted" data-testid="participants-empty">
          {t('fieldfit.group.none_yet')}
        </p>
      ) : (
        <ul class="list participants">
          {chosen.map((id) => (
            <li key={id} data-testid="participant-row" data-id={id}>
              <label for={`part-${id}`}>{clientText(byId.get(id))}</label>
              <div class="row">
                <select
                  id={`part-${id}`}
                  data-testid="participant-status"
                  value={taking[id]}
                  onChange={(e) => set({ ...taking, [id]: e.currentTarget.value })}
                >
                  <CodeOptions codes={ATTENDANCE} group="attendance" />
                </select>
                <button
                  type="button"
                  data-testid="participant-remove"
                  aria-label={t('fieldfit.group.remove_named', { name: clientText(byId.get(id)) })}
                  onClick={() => set({ ...taking, [id]: '' })}
                >
                  {t('fieldfit.group.remove')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div class="field">
        <label for="participant-search">{t('fieldfit.group.search')}</label>
        <input
          id="participant-search"
          data-testid="participant-search"
          type="search"
          autocomplete="off"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Enter adds the only match; it never sends the form.
            if (e.key !== 'Enter') return;
            e.preventDefault();
            const [only] = matches;
            if (matches.length === 1 && only) set(addParticipants(taking, [only.id]));
          }}
        />
      </div>
      {query && (
        <ul class="list matches" data-testid="participant-matches" aria-live="polite">
          {matches.length === 0 ? (
            <li class="muted">{t('clients.none')}</li>
          ) : (
            matches.map((c) => (
              <li key={c.id} data-testid="participant-match" data-id={c.id}>
                <span>{clientText(c)}</span>
                <button
                  type="button"
                  data-testid="participant-add"
                  aria-label={t('fieldfit.group.add_named', { name: clientText(c) })}
                  onClick={() => set(addParticipants(taking, [c.id]))}
                >
                  {t('fieldfit.group.add')}
                </button>
              </li>
            ))
          )}
        </ul>
      )}
      {cohorts.length > 0 && (
        <div class="field inline cohort-add">
          <label for="participant-cohort">{t('fieldfit.group.cohort')}</label>
          <select
            id="participant-cohort"
            data-testid="participant-cohort"
            value={cohort}
            onChange={(e) => setCohort(e.currentTarget.value)}
          >
            <option value="">{t('common.choose')}</option>
            {cohorts.map((c) => (
              <option key={c.name} value={c.name}>
                {t('fieldfit.group.cohort_option', {
                  name: c.name,
                  n: formatNumber(c.clientIds.length),
                })}
              </option>
            ))}
          </select>
          <button
            type="button"
            data-testid="participant-add-cohort"
            disabled={!picked}
            onClick={() => picked && set(addParticipants(taking, picked.clientIds))}
          >
            {t('fieldfit.group.add_cohort')}
          </button>
        </div>
      )}
    </fieldset>
  );
}

/** Write the draft's participants as attendance records: new or changed ones saved, the ones
 * no longer taking part removed. */
export async function saveAttendance(
  app: Pick<AppContextValue, 'save' | 'remove'>,
  d: SessionDraft,
  existing: LocalRecord[],
): Promise<void> {
  const byClient = new Map(existing.map((a) => [String(a['client_id']), a]));
  for (const [clientId, status] of Object.entries(d.participants)) {
    const prior = byClient.get(clientId);
    if (status) {
      await app.save('attendance', prior?.id ?? uuid4(), {
        facility_id: d.facility_id,
        session_id: d.id,
        client_id: clientId,
        status,
      });
    } else if (prior) {
      await app.remove('attendance', prior.id);
    }
  }
}
