// Screens that load on first use, so the app shell that paints first stays small: the staff
// views (a counselor's tablet never needs them) and every counselor screen but the client list.
// `preloadViews` reads the counselor's in after the first screen is up: the service worker holds
// them (build/sw-plugin.ts), so it costs no network, and a tap on a screen never waits for one.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../shared/i18n';
import type { Role } from '../../shared/types';
import type { RouteDef, RouteProps } from '../router';

type Loader = () => Promise<ComponentType<RouteProps>>;

/** A route view with its loader, so the view can be read in before it is first shown. */
export type LazyViewType = ComponentType<RouteProps> & { preload: () => Promise<void> };

/** A route view whose module is fetched the first time it is shown (or preloaded). */
export function lazyView(load: Loader): LazyViewType {
  let loaded: ComponentType<RouteProps> | null = null;
  let loading: Promise<ComponentType<RouteProps>> | null = null;
  // One fetch per view, shared by every mount and the preload; a failure may be tried again.
  const once = () =>
    (loading ??= load().then(
      (v) => (loaded = v),
      (e: unknown) => {
        loading = null;
        throw e;
      },
    ));
  function LazyView(props: RouteProps) {
    const [View, setView] = useState<ComponentType<RouteProps> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (View) return;
      let alive = true;
      setFailed(false);
      once().then(
        (v) => {
          if (alive) setView(() => v);
        },
        () => alive && setFailed(true),
      );
      return () => {
        alive = false;
      };
    }, [View, attempt]);
    if (View) return <View {...props} />;
    if (failed) {
      return (
        <div class="alert alert-danger" role="alert" data-testid="staff-error">
          <p>{t('staff.err_network')}</p>
          <button type="button" class="primary" onClick={() => setAttempt((n) => n + 1)}>
            {t('staff.retry')}
          </button>
        </div>
      );
    }
    return (
      <p class="muted" aria-busy="true">
        {t('common.loading')}
      </p>
    );
  }
  return Object.assign(LazyView, {
    preload: () => once().then(() => undefined),
  });
}

/** Read in the modules of these routes' lazy views, one after another, while the app is idle;
 * a failure is left for the view itself to show when it is opened. */
export async function preloadViews(routes: readonly RouteDef[]): Promise<void> {
  for (const route of routes) {
    const view = route.view as Partial<LazyViewType>;
    if (typeof view.preload !== 'function') continue;
    await idle();
    await view.preload().catch(() => undefined);
  }
}

function idle(): Promise<void> {
  return new Promise((ok) => {
    if (typeof requestIdleCallback === 'function')
      requestIdleCallback(() => ok(), { timeout: 2000 });
    else setTimeout(ok, 50);
  });
}

/** The routes of a staff area, path → module of its view, each view loaded on first use (lazyView).
 * The first route is the area's entry in the main navigation (`nav.<area>`, test id `nav-<area>`). */
export function lazyRoutes(
  area: 'supervisor' | 'admin',
  roles: readonly Role[],
  views: Record<string, () => Promise<ComponentType<RouteProps>>>,
): RouteDef[] {
  return Object.entries(views).map(([path, load], i) => ({
    path,
    roles,
    view: lazyView(load),
    ...(i === 0 ? { nav: { label: `nav.${area}` as const, testid: `nav-${area}` } } : {}),
  }));
}
