// The conflict inbox: open conflicts (or resolved ones), newest first, by kind.
import { label, t } from '../../../shared/i18n';
import { formatDateTime } from '../../../shared/time';
import { useApp, useQuery } from '../../context';
import type { RouteProps } from '../../router';
import type { ConflictKind } from '../../staff-api';
import type { Entity } from '../../../shared/types';
import { FilterSelect } from '../staff/filters';
import { goListParam, PagedList } from '../staff/nav';
import { usePage, useStaffApi } from '../staff/remote';
import { recordSummary } from './conflict-model';
import { AdminTabs } from './tabs';
import { deviceName } from './device-words';

const KINDS: ConflictKind[] = ['field', 'delete', 'locked', 'duplicate'];

export function ConflictInbox({ query }: RouteProps) {
  const api = useStaffApi();
  const { lang } = useApp();
  const status = query.get('status') === 'resolved' ? 'resolved' : 'open';
  const kind = (KINDS as string[]).includes(query.get('kind') ?? '')
    ? (query.get('kind') as ConflictKind)
    : null;
  const list = usePage(query, (q) => api.conflicts({ status, kind, ...q }), [status, kind]);
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
  const setParam = (name: string, value: string) => goListParam('/admin', query, name, value);
  return (
    <section aria-labelledby="cf-h">
      <AdminTabs current="/admin" />
      <h1 id="cf-h">{t('conflict.title')}</h1>
      <form class="filters" aria-label={t('conflict.filters')} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="cf-status"
          testid="conflict-filter-status"
          label={t('conflict.status')}
          value={status}
          options={[
            ['open', t('conflict.status_open')],
            ['resolved', t('conflict.status_resolved')],
          ]}
          onChange={(v) => setParam('status', v)}
        />
        <FilterSelect
          id="cf-kind"
          testid="conflict-filter-kind"
          label={t('conflict.kind')}
          value={kind ?? ''}
          all={t('conflict.all_kinds')}
          options={KINDS.map((k) => [k, label('conflict.kind', k)] as const)}
          onChange={(v) => setParam('kind', v)}
        />
      </form>
      <PagedList
        remote={list}
        name="conflict"
        listTestid="conflict-list"
        onPage={(n) => setParam('page', String(n))}
      >
        {(c) => (
          <li key={c.id} data-testid="conflict-row" data-id={c.id} data-record={c.record_id}>
            <a href={`#/admin/conflicts/${c.id}`} data-testid="conflict-open">
              <span class={`badge badge-kind-${c.kind}`}>{label('conflict.kind', c.kind)}</span>{' '}
              <strong>{label('entity', c.entity)}</strong>{' '}
              {names?.get(c.id) ?? c.client_name ?? t('fieldfit.record.unnamed')}
            </a>
            <p class="meta">
              {c.fields.length > 0 && `${c.fields.map((f) => label(c.entity, f)).join(', ')} · `}
              {t('conflict.by', {
                user: c.user?.display_name ?? t('common.none'),
                device: deviceName(c.device),
                time: formatDateTime(c.created_at, 'WIB', lang),
              })}
            </p>
          </li>
        )}
      </PagedList>
    </section>
  );
}
