// A client's path for supervisors: what the counselor's client page shows, read from the server.
import { useState } from 'preact/hooks';
import { t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import { formatDate } from '../../../shared/time';
import { useApp } from '../../context';
import { navigate, type RouteProps } from '../../router';
import type { ClientPath as Path } from '../../staff-api';
import { PathView } from '../path/PathView';
import { TransferFieldset, useDestinations, type TransferFields } from '../path/TransferForm';
import { useFacilityToday } from '../staff/facilities';
import { Loaded, useRemote, useStaffApi } from '../staff/remote';
import { PathForms } from './PathForms';
import { SupervisorTabs } from './tabs';
import { StaffAftercare } from './StaffAftercare';

export function ClientPath({ params }: RouteProps) {
  const api = useStaffApi();
  const { lang } = useApp();
  const id = params['id'] as string;
  const path = useRemote(() => api.clientPath(id), [id]);
  return (
    <section aria-labelledby="client-path-h" data-testid="staff-client-path">
      <SupervisorTabs current="/supervisor" />
      <Loaded remote={path}>
        {(p) => (
          <>
            <h1 id="client-path-h" data-testid="client-name">
              {String(p.client['full_name'] ?? '')}
            </h1>
            <p>
              {t('client.registration_number')}: {String(p.client['registration_number'] ?? '')}
            </p>
            <PathView
              lang={lang}
              assessments={p.assessments}
              enrollments={p.enrollments}
              phaseChanges={p.phase_changes}
            />
            <PathForms path={p} onSaved={path.reload} />
            <StaffAftercare path={p} onSaved={path.reload} />
            <StaffTransfer path={p} />
          </>
        )}
      </Loaded>
    </section>
  );
}

/** A supervisor records a transfer from the client's page; the client then leaves their scope
 * (unless they supervise the destination too), so the page goes back to the queue. */
function StaffTransfer({ path }: { path: Path }) {
  const api = useStaffApi();
  const { auth, notify, lang } = useApp();
  const destinations = useDestinations(auth, null);
  const [messages, setMessages] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const client = path.client;
  const today = useFacilityToday(client.facility_id);
  const name = (fid: unknown) =>
    (destinations ?? []).find((f) => f.id === fid)?.name ?? String(fid ?? '');

  async function save(fields: TransferFields) {
    setMessages({});
    setError(null);
    try {
      const change = {
        change_id: uuid4(),
        entity: 'transfer' as const,
        id: uuid4(),
        op: 'upsert' as const,
        base_version: null,
        fields: { facility_id: client.facility_id, client_id: client.id, ...fields },
      };
      const { results } = await api.recordPath(client.id, [change]);
      const refused = results.find((r) => r.status === 'rejected');
      if (refused) {
        setMessages(refused.errors ?? {});
        return;
      }
      notify(t('transfer.done_staff'));
      navigate('/supervisor');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <div class="card" data-testid="staff-transfer">
      {(path.transfers ?? []).length ? (
        <>
          <h2>{t('transfer.history')}</h2>
          <ul class="list" data-testid="transfer-history">
            {(path.transfers ?? []).map((tr) => (
              <li key={tr.id}>
                {t('transfer.row', {
                  from: name(tr['from_facility_id']),
                  to: name(tr['to_facility_id']),
                  date: formatDate(tr['transferred_on'] as string, lang),
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {error ? <p class="error">{error}</p> : null}
      <TransferFieldset
        prefix="staff-transfer"
        fromFacilityId={client.facility_id}
        destinations={destinations}
        today={today}
        messages={messages}
        onSubmit={(fields) => void save(fields)}
      />
    </div>
  );
}
