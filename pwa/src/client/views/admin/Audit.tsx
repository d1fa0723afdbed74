// The audit trail, newest first, filtered by user, action, entity and a date range.
import { label, t } from '../../../shared/i18n';
import { formatDateTime } from '../../../shared/time';
import { SYNCED_ENTITIES } from '../../../shared/types';
import { useApp } from '../../context';
import type { RouteProps } from '../../router';
import { allPages } from '../staff/facilities';
import { FilterSelect } from '../staff/filters';
import { goListParam, Pager } from '../staff/nav';
import { Loaded, usePage, useRemote, useStaffApi } from '../staff/remote';
import { auditDetailText } from './audit-detail';
import { AdminTabs } from './tabs';

export const AUDIT_ACTIONS = [
  'login',
  'logout',
  'pull',
  'push',
  'read',
  'review',
  'resolve',
  'export',
  'create_user',
  'update_user',
  'reset_password',
  'revoke_device',
  'create_facility',
  'refresh_reuse',
  'reassign_session',
  'device_read',
  'device_edit',
  'device_export',
  'device_unlock',
  'device_lock',
  'device_pin_failed',
  'disclose', // release and aftercare: the accounting of disclosures
  'import',
  'import_dry_run',
];
/** The entities of audit events: the synced ones, and users and devices. */
export const AUDIT_ENTITIES: readonly string[] = [...SYNCED_ENTITIES, 'user', 'device'];

/** The instant a local calendar day starts, as ISO 8601 (the browser's own zone). */
export function dayStart(date: string, addDays = 0): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const d = new Date(`${date}T00:00:00`);
  if (Number.isNaN(d.getTime())) return null;
  d.setDate(d.getDate() + addDays);
  return d.toISOString();
}

export function Audit({ query }: RouteProps) {
  const api = useStaffApi();
  const { lang } = useApp();
  const f = (name: string) => query.get(name) ?? '';
  const users = useRemote(() => allPages((q) => api.users(q)), []);
  const nameOf = (id: string) => users.data?.find((u) => u.id === id)?.display_name;
  const events = usePage(
    query,
    (q) =>
      api.audit({
        user_id: f('user') || null,
        action: f('action') || null,
        entity: f('entity') || null,
        since: dayStart(f('from')),
        until: dayStart(f('to'), 1),
        ...q,
      }),
    [query.toString()],
  );
  const setParam = (name: string, value: string) => goListParam('/admin/audit', query, name, value);
  const select = (name: string, text: string, options: [string, string][]) => (
    <FilterSelect
      id={`audit-${name}`}
      label={text}
      value={f(name)}
      all={t('audit.all')}
      options={options}
      onChange={(v) => setParam(name, v)}
    />
  );
  return (
    <section aria-labelledby="au-h" class="staff-wide">
      <AdminTabs current="/admin/audit" />
      <h1 id="au-h">{t('audit.title')}</h1>
      <p class="actions">
        {/* release and aftercare: the accounting of disclosures */}
        <a class="button" href="#/admin/audit?action=disclose" data-testid="audit-disclosures">
          {t('audit.disclosures')}
        </a>
      </p>
      <form class="filters" aria-label={t('audit.filters')} onSubmit={(e) => e.preventDefault()}>
        {select(
          'user',
          t('audit.user'),
          (users.data ?? []).map((u) => [u.id, `${u.display_name} (${u.username})`]),
        )}
        {select(
          'action',
          t('audit.action'),
          AUDIT_ACTIONS.map((a) => [a, label('audit.act', a)]),
        )}
        {select(
          'entity',
          t('audit.entity'),
          AUDIT_ENTITIES.map((e) => [e, label('entity', e)]),
        )}
        {(['from', 'to'] as const).map((name) => (
          <div class="field" key={name}>
            <label for={`audit-${name}`}>{t(`audit.${name}`)}</label>
            <input
              id={`audit-${name}`}
              type="date"
              data-testid={`audit-${name}`}
              value={f(name)}
              onChange={(e) => setParam(name, e.currentTarget.value)}
            />
          </div>
        ))}
      </form>
      <Loaded remote={events}>
        {(data) => (
          <>
            <p class="muted" role="status" data-testid="audit-total">
              {t('audit.count', { n: data.total })}
            </p>
            <div class="table-wrap" tabIndex={0} role="region" aria-label={t('audit.title')}>
              <table class="table" data-testid="audit-table">
                <thead>
                  <tr>
                    <th scope="col">{t('audit.at')}</th>
                    <th scope="col">{t('audit.user')}</th>
                    <th scope="col">{t('audit.action')}</th>
                    <th scope="col">{t('audit.entity')}</th>
                    <th scope="col">{t('audit.detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((ev) => (
                    <tr key={ev.id} data-testid="audit-row" data-action={ev.action}>
                      <td>{formatDateTime(ev.at, 'WIB', lang)}</td>
                      <td>
                        {ev.username ?? t('common.none')}
                        {ev.device_id && ev.action.startsWith('device_') ? (
                          <code data-testid="audit-device"> {ev.device_id.slice(0, 8)}</code>
                        ) : null}
                      </td>
                      <td>{label('audit.act', ev.action)}</td>
                      <td>
                        {ev.entity ? label('entity', ev.entity) : t('common.none')}
                        {ev.record_id ? <code> {ev.record_id.slice(0, 8)}</code> : null}
                      </td>
                      <td class="detail" data-testid="audit-detail">
                        {auditDetailText(ev.detail, lang, nameOf)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {data.items.length === 0 && <p data-testid="audit-empty">{t('audit.empty')}</p>}
            <Pager of={data} onPage={(n) => setParam('page', String(n))} />
          </>
        )}
      </Loaded>
    </section>
  );
}
