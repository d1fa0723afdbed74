// Sync health for supervisors and admins: per facility, every device with its last contact and
// what waits on it, the silent ones first (their work exists nowhere else); open conflicts and
// refused changes; the changes waiting on devices across the caller's facilities.
import { t, type Lang } from '../../../shared/i18n';
import { formatDateTime } from '../../../shared/time';
import { useApp } from '../../context';
import type { HealthDevice, HealthFacility } from '../../staff-api';
import { DetailRow } from '../common';
import { formatHours, formatNumber } from '../supervisor/figure-format';
import { Loaded, useRemote, useStaffApi } from './remote';

export function SyncHealthView({ tabs }: { tabs: preact.ComponentChildren }) {
  const api = useStaffApi();
  const { lang } = useApp();
  const health = useRemote(() => api.syncHealth(), []);
  return (
    <section aria-labelledby="sh-h">
      {tabs}
      <h1 id="sh-h">{t('health.title')}</h1>
      <Loaded remote={health}>
        {(data) => (
          <>
            <p data-testid="health-totals">
              {t('health.totals', {
                pending: formatNumber(data.pending_changes, lang),
                silent: formatNumber(data.silent_devices, lang),
                days: data.silent_days,
              })}
            </p>
            {data.facilities.map((f) => (
              <FacilityHealth key={f.facility_id} facility={f} lang={lang} />
            ))}
          </>
        )}
      </Loaded>
    </section>
  );
}

function FacilityHealth({ facility: f, lang }: { facility: HealthFacility; lang: Lang }) {
  const headingId = `sh-${f.facility_id}`;
  return (
    <section aria-labelledby={headingId} data-testid="health-facility" data-code={f.code}>
      <h2 id={headingId}>{f.name}</h2>
      <p class={f.open_conflicts || f.rejected_30_days ? 'warn' : 'muted'}>
        {t('health.facility_counts', {
          conflicts: formatNumber(f.open_conflicts, lang),
          rejected: formatNumber(f.rejected_30_days, lang),
          pending: formatNumber(f.pending_changes, lang),
        })}
      </p>
      {f.devices.length === 0 ? (
        <p class="muted">{t('health.no_devices')}</p>
      ) : (
        <ul class="list">
          {f.devices.map((d) => (
            <DeviceHealth key={d.id} device={d} lang={lang} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** How far a device clock is off, in words ("Lebih cepat 2 jam"). */
export function offsetText(ms: number, lang: Lang): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const amount = minutes >= 120 ? formatHours(minutes / 60, lang) : `${minutes} ${t('health.min')}`;
  return t(ms > 0 ? 'health.clock_ahead' : 'health.clock_behind', { amount });
}

function DeviceHealth({ device: d, lang }: { device: HealthDevice; lang: Lang }) {
  const when = (iso: string | null) => (iso ? formatDateTime(iso, 'WIB', lang) : t('common.none'));
  const pending = d.pending_count ?? 0;
  return (
    <li data-testid="health-device" data-id={d.id} class={d.silent ? 'warn' : undefined}>
      <strong>{d.name || t('health.unnamed')}</strong> · {d.user.display_name}
      {d.silent && (
        <span class="badge badge-conflict" data-testid="health-silent">
          {' '}
          {t('health.silent')}
        </span>
      )}
      <dl class="details compact">
        <DetailRow term={t('health.last_contact')}>{when(d.last_seen_at)}</DetailRow>
        <DetailRow term={t('devices.pending')} class={pending > 0 ? 'warn' : undefined}>
          {d.pending_count === null
            ? t('common.none')
            : d.oldest_pending_hours !== null && pending > 0
              ? t('health.pending_since', {
                  n: formatNumber(pending, lang),
                  age: formatHours(d.oldest_pending_hours, lang),
                })
              : formatNumber(pending, lang)}
        </DetailRow>
        <DetailRow term={t('health.storage')}>
          {d.storage_persisted === null
            ? t('common.none')
            : t(d.storage_persisted ? 'health.storage_kept' : 'health.storage_not_kept')}
        </DetailRow>
        <DetailRow term={t('devices.app_version')}>{d.app_version ?? t('common.none')}</DetailRow>
        <DetailRow term={t('health.clock')} class={d.clock_skewed ? 'warn' : undefined}>
          {d.clock_offset_ms === null
            ? t('common.none')
            : d.clock_skewed
              ? offsetText(d.clock_offset_ms, lang)
              : t('health.clock_ok')}
        </DetailRow>
      </dl>
    </li>
  );
}
