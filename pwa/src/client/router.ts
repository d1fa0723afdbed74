// Hash routing: `#/clients/abc?x=1` → path `/clients/abc`, query `x=1`. Routes are plain data
// (routes.ts); this module only matches and follows the hash.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../shared/i18n';
import type { Role } from '../shared/types';

export interface RouteProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface RouteDef {
  /** `/clients/:id` style; `:name` matches one segment */
  path: string;
  roles: readonly Role[];
  view: ComponentType<RouteProps>;
  /** present on routes that appear in the main navigation */
  nav?: { label: MessageKey; testid: string };
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

/** Split a location hash into path and query. */
export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?');
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(query) };
}

/** The first route matching `path` that `role` may see, with its parameters. */
export function matchRoute(
  routes: readonly RouteDef[],
  path: string,
  role: Role,
): { route: RouteDef; params: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (!route.roles.includes(role)) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((seg, i) => {
      const part = parts[i] as string;
      if (seg.startsWith(':')) {
        params[seg.slice(1)] = decodeURIComponent(part);
        return true;
      }
      return seg === part;
    });
    if (ok) return { route, params };
  }
  return null;
}

/** The home path of a role: its first navigation entry. */
export function homePath(routes: readonly RouteDef[], role: Role): string {
  return routes.find((r) => r.nav && r.roles.includes(role))?.path ?? '/settings';
}

/** Go to a path. */
export function navigate(path: string): void {
  location.hash = `#${path}`;
}

/** The current location, following hash changes. */
export function useLocation(): Location {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    on(); // the hash may have moved between the first render and this effect
    return () => removeEventListener('hashchange', on);
  }, []);
  return parseHash(hash);
}
