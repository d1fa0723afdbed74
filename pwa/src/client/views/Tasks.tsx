import { label, t } from '../../shared/i18n';
import { formatDateTime, zoneOf } from '../../shared/time';
import { useApp, useQuery } from '../context';
import { ReviewComment } from './common';

/** Open risk alerts of the counselor's own sessions: they wait for a supervisor. */
function OpenAlerts() {
  const { user, lang } = useApp();
  const alerts = useQuery(
    async (s) => {
      const open = (await s.list('alert', { status: 'open' })).filter(
        (a) => a['counselor_id'] === user.id,
      );
      open.sort((a, b) => String(b['raised_at']).localeCompare(String(a['raised_at'])));
      return Promise.all(
        open.map(async (alert) => ({
          alert,
          client: alert['client_id']
            ? await s.get('client', String(alert['client_id']))
            : undefined,
        })),
      );
    },
    [user.id],
  );
  if (!alerts?.length) return null;
  return (
    <section aria-labelledby="alerts-h" data-testid="task-alerts">
      <h2 id="alerts-h">{t('alert.title')}</h2>
      <ul class="list">
        {alerts.map(({ alert, client }) => (
          <li key={alert.id} data-testid="task-alert">
            <a href={`#/sessions/${String(alert['session_id'])}`}>
              <span class="badge badge-conflict">{t('alert.waiting')}</span>{' '}
              <strong>{client ? String(client['full_name']) : t('common.none')}</strong> ·{' '}
              {(alert['flags'] as string[]).map((f) => label('risk', f, lang)).join(', ')}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Tasks() {
  const { user, lang } = useApp();
  const items = useQuery(
    async (s) => {
      const sessions = (await s.list('session', { status: 'returned' })).filter(
        (r) => !r['counselor_id'] || r['counselor_id'] === user.id,
      );
      return Promise.all(
        sessions.map(async (sess) => ({
          sess,
          client: sess['client_id'] ? await s.get('client', String(sess['client_id'])) : undefined,
          facility: await s.get('facility', sess.facility_id),
        })),
      );
    },
    [user.id],
  );
  return (
    <section aria-labelledby="tasks-h">
      <h1 id="tasks-h">{t('tasks.title')}</h1>
      <OpenAlerts />
      {items && items.length === 0 && <p data-testid="tasks-empty">{t('tasks.none')}</p>}
      <ul class="list">
        {items?.map(({ sess, client, facility }) => (
          <li key={sess.id} data-testid="task-row">
            <a href={`#/sessions/${sess.id}`}>
              <span class="badge badge-returned" data-testid="returned-badge">
                {t('sstatus.returned')}
              </span>{' '}
              <strong>{client ? String(client['full_name']) : t('session.group')}</strong> ·{' '}
              {label('kind', sess['kind'])} ·{' '}
              {formatDateTime(sess['occurred_at'] as string, zoneOf(facility?.['timezone']), lang)}
            </a>
            <ReviewComment record={sess} />
          </li>
        ))}
      </ul>
    </section>
  );
}
