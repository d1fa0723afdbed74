// Loading from the staff API, shared by the supervisor and admin views: the API of the session,
// a request's data, its error in plain words with a retry. Every staff view uses these, so the
// staff stylesheet comes with them.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../../../shared/i18n';
import { DeviceRevokedError } from '../../authorized';
import { useApp } from '../../context';
import { createStaffApi, type Page, type PageQuery, type StaffApi } from '../../staff-api';
import { errorMessage } from './errors';
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

/** A number that changes whenever one of `deps` changes (compared with Object.is), known
 * during the very render in which they changed. */
function useGeneration(deps: unknown[]): number {
  const ref = useRef({ deps, n: 0 });
  const prev = ref.current.deps;
  if (prev.length !== deps.length || prev.some((d, i) => !Object.is(d, deps[i]))) {
    ref.current = { deps, n: ref.current.n + 1 };
  }
  return ref.current.n;
}

interface Settled<T> {
  generation: number;
  data?: T;
  error?: unknown;
}

/**
 * Load something from the server; again when `deps` change or on reload(). What was loaded for
 * other `deps` is never handed out, not even for the one render before the new load starts: a
 * view of the record named in the address must not show, or act on, the previous record.
 * `load` null: not yet (something it needs is still loading).
 */
export function useRemote<T>(load: (() => Promise<T>) | null, deps: unknown[]): Remote<T> {
  const generation = useGeneration([...deps, load === null]);
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (load === null) return;
    let alive = true;
    setLoading(true);
    load().then(
      (data) => {
        if (!alive) return;
        setSettled({ generation, data });
        setLoading(false);
      },
      (error: unknown) => {
        if (!alive) return;
        setSettled({ generation, error });
        setLoading(false);
      },
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [generation, tick]);
  const current = settled?.generation === generation ? settled : null;
  return {
    data: current?.data,
    // A reload that is under way hides the error it retries.
    error: current && !loading ? (current.error ?? null) : null,
    loading: loading || current === null,
    reload: () => setTick((n) => n + 1),
  };
}

/** Rows on a page of a staff list. */
const PER_PAGE = 50;

/** The page of a staff list that the address asks for (`?page=`, 1 when none or nonsense),
 * loaded again when it or `deps` change. */
export function usePage<T>(
  query: URLSearchParams,
  load: (q: Required<PageQuery>) => Promise<Page<T>>,
  deps: unknown[] = [],
): Remote<Page<T>> {
  const page = Math.max(1, Number(query.get('page')) || 1);
  return useRemote(() => load({ page, per_page: PER_PAGE }), [...deps, page]);
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
