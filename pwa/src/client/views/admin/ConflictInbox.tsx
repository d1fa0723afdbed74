// The conflict inbox: open conflicts (or resolved ones), newest first, by kind.
import { label, t } from '../../../shared/i18n';
import { formatDateTime } from '../../../shared/time';
import { useApp, useQuery } from '../../context';
import { navigate, type RouteProps } from '../../router';
import type { ConflictKind } from '../../staff-api';
import type { Entity } from '../../../shared/types';
import { Pager } from '../staff/nav';
import { Loaded, useRemote, useStaffApi } from '../staff/remote';
import { recordSummary } from './conflict-model';
import { AdminTabs } from './tabs';

const KINDS: ConflictKind[] = ['field', 'delete', 'locked', 'duplicate'];

export function ConflictInbox({ query }: RouteProps) {
  const api = useStaffApi();
  const { lang } = useApp();
  const status = query.get('status') === 'resolved' ? 'resolved' : 'open';
  const kind = (KINDS as string[]).includes(query.get('kind') ?? '')
    ? (query.get('kind') as ConflictKind)
    : null;
  const page = Math.max(1, Number(query.get('page')) || 1);
  const list = useRemote(
    () => api.conflicts({ status, kind, page, per_page: 50 }),
    [status, kind, page],
  );
  // Names from the records this device synced; the id alone where it has not got them.
  const names = useQuery(
    async (store) => {
      const out = new Map<string, string>();
      for (const c of list.data?.items ?? []) {
        const record = await store.get(c.entity as Entity, c.record_id).catch(() => undefined);
        const words = recordSummary(c.entity, record, lang);
        if (words) out.set(c.id, words);
      }
      return out;
    },
    [list.data, lang],
  );
  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== 'page') next.delete('page');
    navigate(`/admin?${next.toString()}`);
  };
  return (
    <section aria-labelledby="cf-h">
      <AdminTabs current="/admin" />
      <h1 id="cf-h">{t('conflict.title')}</h1>
      <form class="filters" aria-label={t('conflict.filters')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="cf-status">{t('conflict.status')}</label>
          <select
            id="cf-status"
            data-testid="conflict-filter-status"
            value={status}
            onChange={(e) => setParam('status', e.currentTarget.value)}
          >
            <option value="open">{t('conflict.status_open')}</option>
            <option value="resolved">{t('conflict.status_resolved')}</option>
          </select>
        </div>
        <div class="field">
          <label for="cf-kind">{t('conflict.kind')}</label>
          <select
            id="cf-kind"
            data-testid="conflict-filter-kind"
            value={kind ?? ''}
            onChange={(e) => setParam('kind', e.currentTarget.value)}
          >
            <option value="">{t('conflict.all_kinds')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {label('conflict.kind', k)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <Loaded remote={list}>
        {(data) => (
          <>
            <p class="muted" role="status" data-testid="conflict-total" data-count={data.total}>
              {t('conflict.count', { n: data.total })}
            </p>
            {data.items.length === 0 ? (
              <p data-testid="conflict-empty">{t('conflict.empty')}</p>
            ) : (
              <ul class="list" data-testid="conflict-list">
                {data.items.map((c) => (
                  <li
                    key={c.id}
                    data-testid="conflict-row"
                    data-id={c.id}
                    data-record={c.record_id}
                  >
                    <a href={`#/admin/conflicts/${c.id}`} data-testid="conflict-open">
                      <span class={`badge badge-kind-${c.kind}`}>
                        {label('conflict.kind', c.kind)}
                      </span>{' '}
                      <strong>{label('entity', c.entity)}</strong>{' '}
                      {names?.get(c.id) ?? <code>{c.record_id.slice(0, 8)}</code>}
                    </a>
                    <p class="meta">
                      {c.fields.length > 0 &&
                        `${c.fields.map((f) => label(c.entity, f)).join(', ')} · `}
                      {t('conflict.by', {
                        user: c.user?.display_name ?? t('common.none'),
                        device: c.device?.name ?? t('common.none'),
                        time: formatDateTime(c.created_at, 'WIB', lang),
                      })}
                    </p>
                  </li>
                ))}
              </ul>
            )}
            <Pager
              page={data.page}
              perPage={data.per_page}
              total={data.total}
              onPage={(n) => setParam('page', String(n))}
            />
          </>
        )}
      </Loaded>
    </section>
  );
}
