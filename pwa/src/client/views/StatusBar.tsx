// Always visible, in one line: what is not yet sent, how the last sync went and when, and a
// button. The line's details (connection, the full time of the last sync, what happens next)
// open on a tap, so the screen stays the counselor's.
import { useEffect, useState } from 'preact/hooks';
import { formatNumber, getLang, t } from '../../shared/i18n';
import { formatDateTime, todayIn, ZONES, zoneOf } from '../../shared/time';
import type { Zone } from '../../shared/types';
import { useApp, useQuery } from '../context';
import type { SyncState } from '../sync';

/** Whether the device says it has a network at all; the server's answers say the rest. */
function useNetwork(): boolean {
  const [up, setUp] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setUp(navigator.onLine);
    addEventListener('online', on);
    addEventListener('offline', on);
    return () => {
      removeEventListener('online', on);
      removeEventListener('offline', on);
    };
  }, []);
  return up;
}

/** "Connected" is true only while the server answered the last call: a phone with signal and
 * no data is not connected. Before the first call the device's own word stands. */
export function connection(s: SyncState, network: boolean): 'online' | 'no-signal' | 'no-server' {
  if (!network) return 'no-signal';
  return s.reachable === false ? 'no-server' : 'online';
}

/** The first sync's share received, 0–100 (null while the server gave no total). */
export function firstSyncPercent(s: SyncState): number | null {
  if (s.total === null || s.total <= 0) return null;
  return Math.min(100, Math.floor((s.received / s.total) * 100));
}

/** "01.46" today, "2 Des" on another day: the line's short time of the last sync. */
function shortTime(ms: number, zone: Zone, nowMs: number): string {
  const lang = getLang() === 'en' ? 'en-GB' : 'id-ID';
  const sameDay = todayIn(zone, ms) === todayIn(zone, nowMs);
  return new Intl.DateTimeFormat(
    lang,
    sameDay
      ? { timeZone: ZONES[zone].tz, timeStyle: 'short' }
      : { timeZone: ZONES[zone].tz, day: 'numeric', month: 'short' },
  ).format(new Date(ms));
}

/** The line's few words: how the sync stands. */
function shortPhase(
  s: SyncState,
  conn: ReturnType<typeof connection>,
  zone: Zone,
  mirrors: boolean,
): string {
  if (s.phase === 'syncing') {
    const pct = firstSyncPercent(s);
    if (!s.firstSync) return t('status.syncing');
    return pct === null
      ? t('fieldfit.status.first_short', { n: formatNumber(s.received) })
      : t('fieldfit.status.first_pct', { pct });
  }
  if (s.phase === 'auth') return t('status.relogin');
  if (conn === 'no-signal') return t('fieldfit.status.no_signal_short');
  if (conn === 'no-server' || s.phase === 'offline') return t('fieldfit.status.no_server_short');
  if (s.phase === 'error') return t('fieldfit.status.error_short');
  if (!mirrors && s.phase === 'ok') return t('fieldfit.status.staff_short');
  if (s.lastSyncAt === null) return t('status.never');
  return t('fieldfit.status.synced_at', { time: shortTime(s.lastSyncAt, zone, Date.now()) });
}

/** The details' sentence: what is happening and what will happen. */
function phaseText(s: SyncState, conn: ReturnType<typeof connection>): string {
  if (s.phase === 'syncing') {
    return s.firstSync && s.total !== null
      ? t('fieldfit.status.first_progress', {
          n: formatNumber(s.received),
          total: formatNumber(s.total),
          pct: firstSyncPercent(s) ?? 0,
        })
      : s.firstSync
        ? t('status.first_sync', { n: formatNumber(s.received) })
        : t('status.syncing');
  }
  if (s.phase === 'auth') return t('status.auth_needed');
  // Without an answer the last run's "synced" is stale news: say what happens now.
  if (conn === 'no-signal') return t('status.offline_wait');
  if (conn === 'no-server' || s.phase === 'offline') return t('fieldfit.status.no_server');
  if (s.phase === 'error') return t('status.error');
  if (s.phase === 'ok') return t('status.ok');
  return t('status.idle');
}

/** "Sinkron terakhir: 2 Des 2026, 01.46 WIB": written like the lists, in the zone of the user's
 * (first) facility. */
function timeText(ms: number | null, zone: Zone): string {
  if (ms === null) return t('status.never');
  return t('status.last_sync', {
    time: formatDateTime(new Date(ms).toISOString(), zone, getLang()),
  });
}

export function StatusBar() {
  const { sync, user, notify } = useApp();
  const [state, setState] = useState<SyncState>(sync.state);
  const [open, setOpen] = useState(false);
  const network = useNetwork();
  const firstFacility = user.facility_ids[0];
  const facility = useQuery(
    (s) => (firstFacility ? s.get('facility', firstFacility) : Promise.resolve(undefined)),
    [firstFacility],
  );
  const zone = zoneOf(facility?.['timezone']);
  useEffect(() => sync.subscribe(setState), [sync]);
  const busy = state.phase === 'syncing';
  const conn = connection(state, network);
  const pct = busy && state.firstSync ? firstSyncPercent(state) : null;
  const mirrors = user.role === 'counselor';
  async function syncNow() {
    await sync.syncNow();
    const after = sync.state;
    if (after.phase === 'offline' || after.reachable === false)
      notify(navigator.onLine ? t('fieldfit.status.no_server') : t('status.offline_wait'));
    else if (after.phase === 'error') notify(t('status.error'));
  }
  return (
    <section class="statusbar" aria-label={t('status.region')} data-phase={state.phase}>
      <div class="status-line">
        <button
          type="button"
          class="status-toggle"
          data-testid="status-details-toggle"
          aria-expanded={open ? 'true' : 'false'}
          aria-controls="status-details"
          onClick={() => setOpen(!open)}
        >
          <span
            class={`dot ${conn === 'online' ? 'online' : 'offline'}`}
            data-testid="online-status"
            data-online={conn === 'online' ? '1' : '0'}
            data-connection={conn}
          >
            <span class="dot-word">
              {conn === 'online'
                ? t('status.online')
                : conn === 'no-signal'
                  ? t('status.offline')
                  : t('fieldfit.status.no_server_word')}
            </span>
          </span>
          <span class="status-words">
            <span data-testid="sync-status" data-phase={state.phase}>
              {shortPhase(state, conn, zone, mirrors)}
            </span>
            <span
              data-testid="pending-count"
              data-count={state.pending}
              class={state.pending ? 'pending' : 'sr-only'}
            >
              {t('status.pending', { n: formatNumber(state.pending) })}
            </span>
          </span>
          <span aria-hidden="true">{open ? '▴' : '▾'}</span>
        </button>
        {state.phase === 'auth' ? (
          <a href="#/relogin" class="button primary" data-testid="relogin-open">
            {t('status.relogin')}
          </a>
        ) : (
          <button
            type="button"
            data-testid="sync-now"
            disabled={busy}
            aria-label={t('status.sync_now')}
            onClick={() => void syncNow()}
          >
            {t('fieldfit.status.sync_short')}
          </button>
        )}
      </div>
      {busy && state.firstSync && (
        <progress
          data-testid="first-sync-progress"
          max={100}
          value={pct ?? undefined}
          data-received={state.received}
          data-total={state.total ?? ''}
          aria-label={phaseText(state, conn)}
        />
      )}
      <div id="status-details" class="status-details" hidden={!open} data-testid="status-details">
        <p data-testid="last-sync" data-ms={state.lastSyncAt ?? ''}>
          {timeText(state.lastSyncAt, zone)}
        </p>
        <p data-testid="sync-detail">{phaseText(state, conn)}</p>
        {!mirrors && <p data-testid="staff-no-mirror">{t('fieldfit.status.staff')}</p>}
      </div>
      <p class="sr-only" role="status" aria-live="polite">
        {phaseText(state, conn)}
      </p>
    </section>
  );
}
