// The counselor records a transfer on the phone, offline like anything else: a `transfer` record
// in the outbox. At the next sync the server moves the client, and the client leaves this phone.
import { t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import { todayIn, zoneOf } from '../../../shared/time';
import { useApp, useClientHere } from '../../context';
import { navigate, type RouteProps } from '../../router';
import { TransferFieldset, useDestinations, type TransferFields } from './TransferForm';

export function TransferPage({ params }: RouteProps) {
  const app = useApp();
  const id = params['id'] as string;
  const data = useClientHere(id);
  const destinations = useDestinations(app.auth, app.store);
  if (data === undefined) return <p>{t('common.loading')}</p>;
  if (data === null) return <p data-testid="not-found">{t('path.not_found')}</p>;
  const { client, facility } = data;

  async function save(fields: TransferFields) {
    await app.save('transfer', uuid4(), {
      facility_id: client.facility_id,
      client_id: client.id,
      ...fields,
    });
    app.notify(t('transfer.saved'));
    navigate(`/clients/${id}`);
  }

  return (
    <section aria-labelledby="transfer-h" data-testid="transfer-page">
      <h1 id="transfer-h">
        {t('transfer.title')}: {String(client['full_name'] ?? '')}
      </h1>
      <TransferFieldset
        prefix="transfer"
        fromFacilityId={client.facility_id}
        destinations={destinations}
        today={todayIn(zoneOf(facility?.['timezone']))}
        messages={{}}
        onSubmit={(fields) => void save(fields)}
      />
    </section>
  );
}
