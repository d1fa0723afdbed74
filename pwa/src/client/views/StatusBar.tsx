// Always visible: online or not, what is not yet synced, when the last sync was, and a button.
import { useEffect, useState } from 'preact/hooks';
import { getLang, t } from '../../shared/i18n';
import { formatDateTime, zoneOf } from '../../shared/time';
import type { Zone } from '../../shared/types';
import { useApp, useQuery } from '../context';
import type { SyncState } from '../sync';

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(navigator.onLine);
    addEventListener('online', on);
    addEventListener('offline', on);
    return () => {
      removeEventListener('online', on);
      removeEventListener('offline', on);
    };
  }, []);
  return online;
}

function phaseText(s: SyncState, online: boolean): string {
  if (s.phase === 'syncing') {
    return s.firstSync ? t('status.first_sync', { n: s.received }) : t('status.syncing');
  }
  if (s.phase === 'auth') return t('status.auth_needed');
  // Without a signal the last run's "synced" is stale news: say what happens now.
  if (s.phase === 'offline' || !online) return t('status.offline_wait');
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
  const { sync, user } = useApp();
  const [state, setState] = useState<SyncState>(sync.state);
  const online = useOnline();
  const firstFacility = user.facility_ids[0];
  const facility = useQuery(
    (s) => (firstFacility ? s.get('facility', firstFacility) : Promise.resolve(undefined)),
    [firstFacility],
  );
  const zone = zoneOf(facility?.['timezone']);
  useEffect(() => sync.subscribe(setState), [sync]);
  const busy = state.phase === 'syncing';
  return (
    <section class="statusbar" aria-label={t('status.region')} data-phase={state.phase}>
      <span
        class={online ? 'dot online' : 'dot offline'}
        data-testid="online-status"
        data-online={online ? '1' : '0'}
      >
        {online ? t('status.online') : t('status.offline')}
      </span>
      <span
        data-testid="pending-count"
        data-count={state.pending}
        class={state.pending ? 'pending' : ''}
      >
        {t('status.pending', { n: state.pending })}
      </span>
      <span data-testid="last-sync" data-ms={state.lastSyncAt ?? ''}>
        {timeText(state.lastSyncAt, zone)}
      </span>
      <span role="status" aria-live="polite" data-testid="sync-status" data-phase={state.phase}>
        {phaseText(state, online)}
      </span>
      {state.phase === 'auth' ? (
        <a href="#/relogin" class="button primary" data-testid="relogin-open">
          {t('status.relogin')}
        </a>
      ) : (
        <button
          type="button"
          data-testid="sync-now"
          disabled={busy}
          onClick={() => void sync.syncNow()}
        >
          {t('status.sync_now')}
        </button>
      )}
      {busy && state.firstSync && (
        <progress
          data-testid="first-sync-progress"
          aria-label={t('status.first_sync', { n: state.received })}
        />
      )}
    </section>
  );
}
