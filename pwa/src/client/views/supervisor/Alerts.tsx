// Open risk alerts of the supervisor's facilities: above the review queue and apart from it, so
// they never wait behind it, whatever its filters or page; each acknowledged with one tap.
import { useState } from 'preact/hooks';
import { label, t } from '../../../shared/i18n';
import { formatDateTime, zoneOf } from '../../../shared/time';
import { useApp } from '../../context';
import { ErrorBox, useRemote, useStaffApi } from '../staff/remote';

export function AlertsPanel() {
  const api = useStaffApi();
  const { lang, notify } = useApp();
  const remote = useRemote(() => api.reviewQueue({ per_page: 1 }), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const alerts = remote.data?.alerts ?? [];

  async function acknowledge(id: string) {
    setBusy(id);
    setError(null);
    try {
      await api.acknowledgeAlert(id);
      notify(t('alert.acknowledged'));
      remote.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  if (remote.error) return <ErrorBox error={remote.error} onRetry={remote.reload} />;
  if (!alerts.length) return null;
  return (
    <section aria-labelledby="alerts-h" class="alert alert-warn" data-testid="alerts-panel">
      <h2 id="alerts-h">{t('alert.title')}</h2>
      {error ? <ErrorBox error={error} /> : null}
      <ul class="list">
        {alerts.map((a) => (
          <li key={a.record.id} data-testid="alert-row" data-id={a.record.id}>
            <strong>{a.client_name ?? t('common.none')}</strong>
            {a.client_registration_number ? ` (${a.client_registration_number})` : ''} ·{' '}
            {(a.record['flags'] as string[]).map((f) => label('risk', f, lang)).join(', ')}
            <p class="meta">
              {formatDateTime(a.record['raised_at'] as string, zoneOf('WIB'), lang)} ·{' '}
              {t('alert.raised', { name: a.counselor_name ?? t('common.none') })} ·{' '}
              {a.facility_name}
            </p>
            <p class="actions">
              <a
                class="button"
                href={`#/supervisor/sessions/${String(a.record['session_id'])}`}
                data-testid="alert-open"
              >
                {t('alert.open_session')}
              </a>{' '}
              {a.record['client_id'] ? (
                <>
                  <a
                    class="button"
                    href={`#/supervisor/clients/${String(a.record['client_id'])}`}
                    data-testid="alert-client"
                  >
                    {t('path.title')}
                  </a>{' '}
                </>
              ) : null}
              <button
                type="button"
                class="primary"
                data-testid="alert-acknowledge"
                disabled={busy === a.record.id}
                onClick={() => void acknowledge(a.record.id)}
              >
                {t('alert.acknowledge')}
              </button>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
