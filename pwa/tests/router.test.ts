import { describe, expect, it } from 'vitest';
import { homePath, matchRoute, parseHash, type RouteDef } from '../src/client/router';

const View = () => null;
const routes: RouteDef[] = [
  {
    path: '/clients',
    roles: ['counselor'],
    view: View,
    nav: { label: 'nav.clients', testid: 'nav-clients' },
  },
  { path: '/clients/:id', roles: ['counselor'], view: View },
  { path: '/clients/:id/sessions/new', roles: ['counselor'], view: View },
  {
    path: '/supervisor',
    roles: ['supervisor'],
    view: View,
    nav: { label: 'nav.supervisor', testid: 'nav-supervisor' },
  },
];

describe('router', () => {
  it('parses_hashes', () => {
    expect(parseHash('#/clients/a?x=1').path).toBe('/clients/a');
    expect(parseHash('#/clients/a?x=1').query.get('x')).toBe('1');
    expect(parseHash('').path).toBe('/');
  });

  it('matches_params_and_respects_roles', () => {
    expect(matchRoute(routes, '/clients/abc', 'counselor')?.params).toEqual({ id: 'abc' });
    expect(matchRoute(routes, '/clients/abc/sessions/new', 'counselor')?.route.path).toBe(
      '/clients/:id/sessions/new',
    );
    expect(matchRoute(routes, '/clients/abc', 'supervisor')).toBeNull();
    expect(matchRoute(routes, '/nowhere', 'counselor')).toBeNull();
  });

  it('home_is_the_first_nav_entry_of_the_role', () => {
    expect(homePath(routes, 'counselor')).toBe('/clients');
    expect(homePath(routes, 'supervisor')).toBe('/supervisor');
    expect(homePath(routes, 'admin')).toBe('/settings');
  });
});
