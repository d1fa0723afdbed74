// Changes the server refused, newest first: what the device sent and why, per field.
import { label, t } from '../../../shared/i18n';
import { formatDateTime } from '../../../shared/time';
import { useApp } from '../../context';
import { navigate, type RouteProps } from '../../router';
import { problemFieldErrors } from '../../staff-api';
import { Pager } from '../staff/nav';
import { Loaded, usePage, useStaffApi } from '../staff/remote';
import { recordSummary } from './conflict-model';
import { AdminTabs } from './tabs';

export function Rejected({ query }: RouteProps) {
  const api = useStaffApi();
  const { lang } = useApp();
  const list = usePage(query, (q) => api.rejected(q));
  return (
    <section aria-labelledby="rj-h">
      <AdminTabs current="/admin/rejected" />
      <h1 id="rj-h">{t('rejected.title')}</h1>
      <p class="muted">{t('rejected.intro')}</p>
      <Loaded remote={list}>
        {(data) => (
          <>
            <p class="muted" role="status" data-testid="rejected-total">
              {t('rejected.count', { n: data.total })}
            </p>
            {data.items.length === 0 && <p data-testid="rejected-empty">{t('rejected.empty')}</p>}
            <ul class="list" data-testid="rejected-list">
              {data.items.map((r, i) => {
                const errors = problemFieldErrors({ errors: r.errors });
                return (
                  <li
                    key={r.change_id ?? i}
                    data-testid="rejected-row"
                    data-record={r.record_id ?? ''}
                  >
                    <p>
                      <strong>{label('entity', r.entity)}</strong>{' '}
                      {recordSummary(
                        r.entity,
                        r.fields && typeof r.fields === 'object'
                          ? (r.fields as Record<string, unknown>)
                          : null,
                        lang,
                      ) || t('fieldfit.record.unnamed')}{' '}
                      ·{' '}
                      {t('rejected.by', {
                        user: r.username ?? t('common.none'),
                        time: formatDateTime(r.created_at, 'WIB', lang),
                      })}
                    </p>
                    <ul class="errors" data-testid="rejected-errors">
                      {Object.entries(errors).map(([field, msgs]) => (
                        <li key={field}>
                          <strong>{label(r.entity, field)}</strong>: {msgs.join(' ')}
                        </li>
                      ))}
                    </ul>
                    <details>
                      <summary>{t('rejected.sent')}</summary>
                      <pre class="json">{JSON.stringify(r.fields, null, 2)}</pre>
                      {r.device_id && (
                        <p class="muted">{t('rejected.device', { id: r.device_id })}</p>
                      )}
                    </details>
                  </li>
                );
              })}
            </ul>
            <Pager of={data} onPage={(n) => navigate(`/admin/rejected?page=${n}`)} />
          </>
        )}
      </Loaded>
    </section>
  );
}
