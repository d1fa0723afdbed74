// The counselor records a release on the device, offline like anything else: a `release` record
// through the outbox; the server closes the client's running programs when it arrives.
import { t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import { todayIn, zoneOf } from '../../../shared/time';
import { isValid, validateRelease } from '../../../shared/validation';
import { useApp, useClientHere } from '../../context';
import { navigate, type RouteProps } from '../../router';
import { MissingClient } from '../ConflictOnRecord';
import { ReleaseForm } from './Release';

export function DeviceRelease({ params }: RouteProps) {
  const app = useApp();
  const id = params['id'] as string;
  const data = useClientHere(id);
  if (data === undefined) return <p>{t('common.loading')}</p>;
  if (data === null) return <MissingClient id={id} />;
  const { client, facility } = data;
  const today = todayIn(zoneOf(facility?.['timezone']));
  return (
    <section aria-labelledby="release-h">
      <h1 id="release-h">{t('release.title')}</h1>
      <p>
        <strong>{String(client['full_name'] ?? '')}</strong> ·{' '}
        {String(client['registration_number'] ?? '')}
      </p>
      <ReleaseForm
        facilityId={client.facility_id}
        clientId={client.id}
        today={today}
        onSave={async (fields) => {
          const errors = validateRelease(fields, { today });
          if (!isValid(errors)) {
            app.notify(t('session.fix_errors'));
            return { errors };
          }
          await app.save('release', uuid4(), fields);
          app.notify(t('release.saved'));
          navigate(`/clients/${id}`);
          return null;
        }}
      />
    </section>
  );
}
