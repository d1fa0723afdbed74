// Pieces the supervisor and admin views share: the staff API of the session, loading with an
// error and a retry, drafts that survive a dropped connection, section tabs and paging.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../../shared/i18n';
import { useApp, useQuery } from '../../context';
import { createStaffApi, type Facility, type Page, type StaffApi } from '../../staff-api';
import { DeviceRevokedError } from '../../authorized';
import { errorMessage } from './staff-format';
import './staff.css';

/** The staff API for the logged-in session (its tokens and the app's refresh). */
export function useStaffApi(): StaffApi {
  const { auth } = useApp();
  return useMemo(() => createStaffApi(auth), [auth]);
}

export interface Remote<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Load something from the server; again when `deps` change or on reload(). */
export function useRemote<T>(load: () => Promise<T>, deps: unknown[]): Remote<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    setLoading(true);
    setError(null);
    load().then(
      (value) => {
        if (!alive) return;
        setData(() => value);
        setLoading(false);
      },
      (e: unknown) => {
        if (!alive) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((n) => n + 1) };
}

/** A failed request in plain words, with a retry; a revoked device lets the sync loop wipe it. */
export function ErrorBox({
  error,
  onRetry,
  testid = 'staff-error',
}: {
  error: unknown;
  onRetry?: (() => void) | undefined;
  testid?: string;
}) {
  const { sync } = useApp();
  useEffect(() => {
    if (error instanceof DeviceRevokedError) void sync.syncNow();
  }, [error, sync]);
  if (!error) return null;
  const msg = errorMessage(error);
  return (
    <div class="alert alert-danger" role="alert" data-testid={testid}>
      <p>{t(msg.key, msg.params)}</p>
      {msg.detail && <p class="muted">{msg.detail}</p>}
      <div class="buttons">
        {msg.relogin ? (
          <a class="button primary" href="#/relogin">
            {t('status.relogin')}
          </a>
        ) : (
          onRetry && (
            <button type="button" class="primary" data-testid={`${testid}-retry`} onClick={onRetry}>
              {t('staff.retry')}
            </button>
          )
        )}
      </div>
    </div>
  );
}

/** Shows the loading line, the error box, or the children once `data` is there. */
export function Loaded<T>({
  remote,
  children,
}: {
  remote: Remote<T>;
  children: (data: T) => ComponentChildren;
}) {
  if (remote.error) return <ErrorBox error={remote.error} onRetry={remote.reload} />;
  if (remote.data === undefined) {
    return (
      <p class="muted" aria-busy="true">
        {t('common.loading')}
      </p>
    );
  }
  return <>{children(remote.data)}</>;
}

/**
 * A form value kept as a draft in the user's IndexedDB (wiped with it on revoke), so that a
 * dropped connection or a reload loses nothing typed. Every change is written at once: a reload
 * right after a keystroke must not lose it. Returns [value, set, clear, restored].
 */
export function useDraft<T>(
  key: string,
  initial: T,
): [T, (v: T) => void, () => Promise<void>, boolean] {
  const { store } = useApp();
  const [value, setValue] = useState<T>(initial);
  const [restored, setRestored] = useState(false);
  const touched = useRef(false);
  const fullKey = `staff:${key}`;
  useEffect(() => {
    let alive = true;
    touched.current = false;
    setValue(initial);
    setRestored(false);
    store.getDraft<T>(fullKey).then(
      (saved) => {
        // Typing that began before the draft was read wins over the draft.
        if (!alive || saved === undefined || touched.current) return;
        setValue(saved);
        setRestored(true);
      },
      () => undefined,
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fullKey, store]);
  const set = (v: T) => {
    touched.current = true;
    setValue(v);
    void store.putDraft(fullKey, v).catch(() => undefined);
  };
  const clear = async () => {
    setRestored(false);
    await store.deleteDraft(fullKey).catch(() => undefined);
  };
  return [value, set, clear, restored];
}

export interface Tab {
  path: string;
  label: MessageKey;
  testid: string;
}

/** The section tabs of the supervisor or admin area. */
export function SubNav({ tabs, current, label }: { tabs: Tab[]; current: string; label: string }) {
  return (
    <nav class="subnav" aria-label={label}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.path}>
            <a
              href={`#${tab.path}`}
              data-testid={tab.testid}
              aria-current={current === tab.path ? 'page' : undefined}
            >
              {t(tab.label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Previous / next page, with "page n of m". */
export function Pager({
  page,
  perPage,
  total,
  onPage,
}: {
  page: number;
  perPage: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t('staff.pages')}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('staff.prev')}
      </button>
      <span>{t('staff.page_of', { n: page, m: pages })}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('staff.next')}
      </button>
    </nav>
  );
}

/** Every page of a paged list (facilities, users: a few hundred at most). */
export async function allPages<T>(
  fetchPage: (q: { page: number; per_page: number }) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= 50; page++) {
    const answer = await fetchPage({ page, per_page: 200 });
    items.push(...answer.items);
    if (items.length >= answer.total || answer.items.length === 0) break;
  }
  return items;
}

/** The facilities the user oversees: every one for an admin (from the server), the synced ones
 * for a supervisor (from the device's store, updated as the sync brings them). */
export function useFacilities(): Facility[] | undefined {
  const api = useStaffApi();
  const { user } = useApp();
  const isAdmin = user.role === 'admin';
  const remote = useRemote(
    async () => (isAdmin ? allPages((q) => api.facilities(q)) : []),
    [isAdmin],
  );
  const local = useQuery(
    async (store) =>
      isAdmin
        ? []
        : (await store.list('facility'))
            .filter((r) => user.facility_ids.includes(r.id))
            .map((r) => ({
              id: r.id,
              code: String(r['code'] ?? ''),
              name: String(r['name'] ?? ''),
              kind: String(r['kind'] ?? ''),
              region: String(r['region'] ?? ''),
              timezone: String(r['timezone'] ?? 'WIB'),
            }))
            .sort((a, b) => a.code.localeCompare(b.code)),
    [isAdmin, user.id],
  );
  return isAdmin ? remote.data : local;
}

/** One labelled filter: a select of [value, text] options, with an optional "all" choice first. */
export function FilterSelect({
  id,
  testid,
  label,
  value,
  options,
  all,
  onChange,
}: {
  id: string;
  testid: string;
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  all?: string;
  onChange: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        data-testid={testid}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        {all !== undefined && <option value="">{all}</option>}
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The facility filter of the staff views: every facility in scope, or all of them. */
export function facilityOptions(facilities: Facility[] | undefined): [string, string][] {
  return (facilities ?? []).map((f) => [f.id, `${f.code} — ${f.name}`]);
}
