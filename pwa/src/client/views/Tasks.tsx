import { label, t } from '../../shared/i18n';
import { formatDateTime, zoneOf } from '../../shared/time';
import { useApp, useQuery } from '../context';
import { ReviewComment } from './common';

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
