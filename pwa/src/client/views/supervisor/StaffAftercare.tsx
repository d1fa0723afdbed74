// Release and aftercare in the staff's client path: the register history, the client's releases
// with their discharge summary, and a release recorded through POST /clients/<id>/path (the same
// push rules as a phone's; a refusal is shown with the server's words).
import { useState } from 'preact/hooks';
import { t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import { useApp } from '../../context';
import type { ClientPath } from '../../staff-api';
import { RegisterHistory, ReleaseForm, ReleaseList } from '../aftercare/Release';
import { useFacilities, useFacilityToday } from '../staff/facilities';
import { useStaffApi } from '../staff/remote';
import { errorMessage } from '../staff/errors';

export function StaffAftercare({ path, onSaved }: { path: ClientPath; onSaved: () => void }) {
  const api = useStaffApi();
  const { lang, notify } = useApp();
  const facilities = useFacilities();
  const client = path.client;
  const today = useFacilityToday(client.facility_id);
  const [open, setOpen] = useState(false);
  const nameOf = (id: string) => facilities?.find((f) => f.id === id)?.name ?? id.slice(0, 8);
  return (
    <section aria-labelledby="staff-release-h" data-testid="staff-aftercare">
      <RegisterHistory client={client} lang={lang} facilityName={nameOf} />
      <h2 id="staff-release-h">{t('release.title')}</h2>
      <ReleaseList releases={path.releases ?? []} lang={lang} online />
      {!open ? (
        <p class="actions">
          <button type="button" data-testid="release-new" onClick={() => setOpen(true)}>
            {t('release.record')}
          </button>
        </p>
      ) : (
        <ReleaseForm
          facilityId={client.facility_id}
          clientId={client.id}
          today={today}
          onSave={async (fields) => {
            const change = {
              change_id: uuid4(),
              entity: 'release' as const,
              id: uuid4(),
              op: 'upsert' as const,
              base_version: null,
              fields,
            };
            try {
              const { results } = await api.recordPath(client.id, [change]);
              const refused = results.find((r) => r.status === 'rejected');
              if (refused) return { messages: refused.errors ?? {} };
            } catch (e) {
              const words = errorMessage(e);
              return { messages: { _schema: [t(words.key, words.params)] } };
            }
            notify(t('release.saved'));
            setOpen(false);
            onSaved();
            return null;
          }}
        />
      )}
    </section>
  );
}
