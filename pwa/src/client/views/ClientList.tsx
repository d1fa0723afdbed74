import { useState } from 'preact/hooks';
import { clientNumbers } from '../../shared/duplicates';
import { t } from '../../shared/i18n';
import { useApp, useQuery } from '../context';
import { Field, RecordNotices, useRejectedKeys } from './common';

/** The former number a search found a client by, when not the current one (register history). */
function formerMatch(client: Record<string, unknown>, query: string): string | null {
  const q = query.trim().toLowerCase();
  const [current, ...older] = clientNumbers(client as { id: string });
  if (!q || (current ?? '').toLowerCase().includes(q)) return null;
  return older.find((n) => n.toLowerCase().includes(q)) ?? null;
}

/** Rows on screen at most: a search narrows a facility of thousands down to these. */
const SHOWN = 200;

export function ClientList() {
  const { user } = useApp();
  const [query, setQuery] = useState('');
  // One more than is shown, to know whether the list was cut.
  const found = useQuery((s) => s.searchClients(query, SHOWN + 1), [query]);
  const clients = found?.slice(0, SHOWN);
  const rejectedKeys = useRejectedKeys();
  const returned = useQuery(
    async (s) =>
      (await s.list('session', { status: 'returned' })).filter(
        (r) => !r['counselor_id'] || r['counselor_id'] === user.id,
      ).length,
    [user.id],
  );
  return (
    <section aria-labelledby="clients-h">
      <div class="client-head">
        <h1 id="clients-h">{t('clients.title')}</h1>
        <Field id="client-search" label={t('clients.search')}>
          <input
            id="client-search"
            data-testid="client-search"
            type="search"
            autocomplete="off"
            placeholder={t('clients.search')}
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </Field>
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
      {clients === undefined ? (
        <p>{t('common.loading')}</p>
      ) : clients.length === 0 ? (
        <p data-testid="client-empty">{query ? t('clients.none') : t('clients.empty')}</p>
      ) : (
        <>
          <ul class="list">
            {clients.map((c) => (
              <li key={c.id} data-testid="client-row" data-id={c.id}>
                <a href={`#/clients/${c.id}`}>
                  <strong>{String(c['full_name'] ?? '')}</strong>
                  <span class="muted"> · {String(c['registration_number'] ?? '')}</span>
                </a>
                {formerMatch(c, query) ? (
                  <span class="muted" data-testid="client-former-number">
                    {' '}
                    ({t('reghist.found_by', { number: formerMatch(c, query) ?? '' })})
                  </span>
                ) : null}
                <RecordNotices record={c} detailed={false} rejectedKeys={rejectedKeys} />
              </li>
            ))}
          </ul>
          <p class="muted" aria-live="polite" data-testid="client-count">
            {(found?.length ?? 0) > SHOWN
              ? t('clients.count_more', { n: SHOWN })
              : t('clients.count', { n: clients.length })}
          </p>
        </>
      )}
    </section>
  );
}
