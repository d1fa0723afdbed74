// The attendance list of a group session: every client of the facility with their attendance
// ('' = not taking part), and saving it as one attendance record per participant.
import { t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import { ATTENDANCE } from '../../../shared/types';
import { useQuery, type AppContextValue } from '../../context';
import type { LocalRecord } from '../../db';
import type { SessionDraft } from '../../session-form';
import { CodeOptions } from '../common';
import type { DraftProps } from './draft-props';

/** One attendance select per client of the session's facility. */
export function GroupAttendance({ draft, update }: Pick<DraftProps, 'draft' | 'update'>) {
  const peers = useQuery(
    (s) => s.list('client', { facility_id: draft.facility_id }),
    [draft.facility_id],
  );
  return (
    <fieldset data-testid="participants">
      <legend>{t('session.participants')}</legend>
      {peers?.map((c) => (
        <div class="field inline" key={c.id}>
          <label for={`part-${c.id}`}>
            {String(c['full_name'])} · {String(c['registration_number'])}
          </label>
          <select
            id={`part-${c.id}`}
            data-testid="participant-status"
            value={draft.participants[c.id] ?? ''}
            onChange={(e) =>
              update({ participants: { ...draft.participants, [c.id]: e.currentTarget.value } })
            }
          >
            <option value="">{t('session.not_participating')}</option>
            <CodeOptions codes={ATTENDANCE} group="attendance" />
          </select>
        </div>
      ))}
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
