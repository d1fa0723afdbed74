import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n';
import { useApp, useQuery } from '../context';
import { RecordNotices } from './common';

export function ClientList() {
  const { user } = useApp();
  const [query, setQuery] = useState('');
  const clients = useQuery((s) => s.searchClients(query), [query]);
  const returned = useQuery(
    async (s) =>
      (await s.list('session')).filter(
        (r) => r['status'] === 'returned' && (!r['counselor_id'] || r['counselor_id'] === user.id),
      ).length,
    [user.id],
  );
  return (
    <section aria-labelledby="clients-h">
      <div class="row-between">
        <h1 id="clients-h">{t('clients.title')}</h1>
        <a class="button primary" href="#/clients/new" data-testid="new-client">
          {t('clients.new')}
        </a>
      </div>
      {returned ? (
        <p class="alert alert-warn">
          <a href="#/tasks" data-testid="tasks-link">
            <span class="badge badge-returned" data-testid="returned-badge">
              {t('sstatus.returned')}
            </span>{' '}
            {returned}
          </a>
        </p>
      ) : null}
      <div class="field">
        <label for="client-search">{t('clients.search')}</label>
        <input
          id="client-search"
          data-testid="client-search"
          type="search"
          autocomplete="off"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </div>
      {clients === undefined ? (
        <p>{t('common.loading')}</p>
      ) : clients.length === 0 ? (
        <p data-testid="client-empty">{query ? t('clients.none') : t('clients.empty')}</p>
      ) : (
        <>
          <p class="muted" aria-live="polite" data-testid="client-count">
            {t('clients.count', { n: clients.length })}
          </p>
          <ul class="list">
            {clients.map((c) => (
              <li key={c.id} data-testid="client-row" data-id={c.id}>
                <a href={`#/clients/${c.id}`}>
                  <strong>{String(c['full_name'] ?? '')}</strong>
                  <span class="muted"> · {String(c['registration_number'] ?? '')}</span>
                </a>
                <RecordNotices record={c} detailed={false} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
