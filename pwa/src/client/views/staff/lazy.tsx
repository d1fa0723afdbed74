// Staff views load on first use, so the counselor's app shell never carries them.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../../shared/i18n';
import type { Role } from '../../../shared/types';
import type { RouteDef, RouteProps } from '../../router';

/** A route view whose module is fetched the first time it is shown. */
export function lazyView(
  load: () => Promise<ComponentType<RouteProps>>,
): ComponentType<RouteProps> {
  let loaded: ComponentType<RouteProps> | null = null;
  return function LazyView(props: RouteProps) {
    const [View, setView] = useState<ComponentType<RouteProps> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (View) return;
      let alive = true;
      setFailed(false);
      load().then(
        (v) => {
          loaded = v;
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
  };
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
