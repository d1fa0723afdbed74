// Devices: last sync, app version, pending changes and last user; a lost one is revoked (its
// tokens die at once and it wipes itself at its next contact), with a reason and a confirmation.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../../shared/i18n';
import { formatDateTime } from '../../../shared/time';
import { useApp } from '../../context';
import { navigate, type RouteProps } from '../../router';
import type { DeviceInfo } from '../../staff-api';
import { DetailRow } from '../common';
import { useDraft } from '../staff/draft';
import { Pager } from '../staff/nav';
import { ErrorBox, Loaded, usePage, useStaffApi } from '../staff/remote';
import { offsetText } from '../staff/SyncHealth';
import { AdminTabs } from './tabs';
import { deviceName, deviceShortId } from './device-words';

export function Devices({ query }: RouteProps) {
  const api = useStaffApi();
  const list = usePage(query, (q) => api.devices(q));
  return (
    <section aria-labelledby="dv-h">
      <AdminTabs current="/admin/devices" />
      <h1 id="dv-h">{t('devices.title')}</h1>
      <Loaded remote={list}>
        {(data) => (
          <>
            <ul class="list" data-testid="device-list">
              {data.items.map((d) => (
                <DeviceRow key={d.id} device={d} onRevoked={list.reload} />
              ))}
            </ul>
            <Pager of={data} onPage={(n) => navigate(`/admin/devices?page=${n}`)} />
          </>
        )}
      </Loaded>
    </section>
  );
}

function DeviceRow({ device: d, onRevoked }: { device: DeviceInfo; onRevoked: () => void }) {
  const { lang, deviceId } = useApp();
  const [confirming, setConfirming] = useState(false);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, 'WIB', lang) : t('common.none'));
  const pending = d.pending_count ?? 0;
  return (
    <li data-testid="device-row" data-id={d.id} class={d.revoked_at ? 'inactive' : ''}>
      <div class="row-between">
        <div>
          <strong data-testid="device-name">{deviceName(d)}</strong>{' '}
          <code class="muted" data-testid="device-short-id">
            {deviceShortId(d)}
          </code>{' '}
          {d.id === deviceId && <em>({t('devices.this_one')})</em>}
          <dl class="details compact">
            <DetailRow term={t('devices.last_user')} testid="device-user">
              {d.last_user
                ? `${d.last_user.display_name} (${d.last_user.username})`
                : t('common.none')}
            </DetailRow>
            <DetailRow term={t('devices.last_sync')}>{when(d.last_sync_at)}</DetailRow>
            <DetailRow term={t('devices.app_version')}>
              {d.app_version ?? t('common.none')}
            </DetailRow>
            {d.clock_skewed && typeof d.clock_offset_ms === 'number' && (
              <DetailRow term={t('health.clock')} class="warn" testid="device-clock">
                {offsetText(d.clock_offset_ms, lang)}
              </DetailRow>
            )}
            {d.audit_chain && (
              <DetailRow term={t('devices.audit_chain')} class="warn" testid="device-audit-chain">
                {t(d.audit_chain === 'rewound' ? 'devices.audit_rewound' : 'devices.audit_broken', {
                  time: when(d.audit_chain_at ?? null),
                })}
              </DetailRow>
            )}
            <DetailRow
              term={t('devices.pending')}
              class={pending > 0 ? 'warn' : undefined}
              testid="device-pending"
            >
              {d.pending_count === null ? t('common.none') : pending}
            </DetailRow>
          </dl>
        </div>
        {d.revoked_at ? (
          <p class="badge badge-conflict" data-testid="device-revoked">
            {t('devices.revoked_at', { time: when(d.revoked_at) })}
            {d.revoked_reason ? ` — ${d.revoked_reason}` : ''}
          </p>
        ) : (
          !confirming && (
            <button type="button" data-testid="device-revoke" onClick={() => setConfirming(true)}>
              {t('devices.revoke')}
            </button>
          )
        )}
      </div>
      {confirming && !d.revoked_at && (
        <RevokeForm device={d} onCancel={() => setConfirming(false)} onDone={onRevoked} />
      )}
    </li>
  );
}

function RevokeForm(props: { device: DeviceInfo; onCancel: () => void; onDone: () => void }) {
  const { device: d } = props;
  const api = useStaffApi();
  const { notify, deviceId } = useApp();
  const [reason, setReason, clearReason] = useDraft(`revoke:${d.id}`, '');
  const [busy, setBusy] = useState(false);
  // Revoking the device this admin works on ends their own session and wipes it: asked twice.
  const own = d.id === deviceId;
  const [ownUnderstood, setOwnUnderstood] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => box.current?.focus(), []);
  async function revoke(e?: Event) {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.revokeDevice(d.id, reason);
      await clearReason();
      notify(t('devices.revoked_notice', { name: deviceName(d) }));
      props.onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const id = `revoke-${d.id}`;
  return (
    <form
      class="alert alert-warn confirm"
      aria-labelledby={`${id}-h`}
      onSubmit={revoke}
      data-testid="revoke-form"
    >
      <h2 id={`${id}-h`}>{t('devices.confirm_title', { name: deviceName(d) })}</h2>
      <p>{t('devices.confirm_text')}</p>
      {own && (
        <label class="alert alert-danger" data-testid="revoke-own">
          <input
            type="checkbox"
            data-testid="revoke-own-ack"
            checked={ownUnderstood}
            onChange={(e) => setOwnUnderstood(e.currentTarget.checked)}
          />{' '}
          {t('devices.own_warning')}
        </label>
      )}
      {(d.pending_count ?? 0) > 0 && (
        <p>
          <strong>{t('devices.pending_warning', { n: d.pending_count ?? 0 })}</strong>
        </p>
      )}
      <div class="field">
        <label for={`${id}-reason`}>{t('devices.reason')}</label>
        <textarea
          id={`${id}-reason`}
          ref={box}
          rows={2}
          maxLength={200}
          data-testid="revoke-reason"
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </div>
      <ErrorBox error={error} testid="revoke-error" onRetry={() => void revoke()} />
      <div class="buttons">
        <button
          type="submit"
          class="danger"
          data-testid="revoke-confirm"
          disabled={busy || (own && !ownUnderstood)}
        >
          {busy ? t('staff.sending') : t('devices.confirm')}
        </button>
        <button type="button" data-testid="revoke-cancel" onClick={props.onCancel}>
          {t('staff.cancel')}
        </button>
      </div>
    </form>
  );
}
