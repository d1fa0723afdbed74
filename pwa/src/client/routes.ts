// The route table. Supervisor and admin views add their routes in their own folders
// (views/supervisor/index.tsx, views/admin/index.tsx) without touching this file's neighbours.
import type { Role } from '../shared/types';
import type { RouteDef } from './router';
import { adminRoutes } from './views/admin';
import { ClientList } from './views/ClientList';
import { instrumentRoutes } from './views/instruments';
import { lazyView } from './views/lazy';
import { officialRoutes, supervisorRoutes } from './views/supervisor';

// Only counselors work from the device's records (staff read the API: sync.ts `mirror`).
const FIELD: readonly Role[] = ['counselor'];
const ALL: readonly Role[] = ['counselor', 'supervisor', 'admin', 'official'];

// The client list is the first screen after an unlock and stays in the app shell; every other
// screen is a chunk of its own, loaded on first use. The service worker precaches those chunks
// (build/sw-plugin.ts), so each screen opens offline all the same; `preloadViews` reads them
// in once the first screen is up, so a tap never waits on one.
const clientForm = lazyView(() => import('./views/ClientForm').then((m) => m.ClientForm));
const session = () => import('./views/session/SessionForm');

const counselorRoutes: RouteDef[] = [
  {
    path: '/clients',
    roles: FIELD,
    view: ClientList,
    nav: { label: 'nav.clients', testid: 'nav-clients' },
  },
  {
    path: '/tasks',
    roles: FIELD,
    view: lazyView(() => import('./views/Tasks').then((m) => m.Tasks)),
    nav: { label: 'nav.tasks', testid: 'nav-tasks' },
  },
  {
    path: '/group/new',
    roles: FIELD,
    view: lazyView(() => session().then((m) => m.NewGroupSession)),
    nav: { label: 'nav.group', testid: 'nav-group' },
  },
  { path: '/clients/new', roles: FIELD, view: clientForm },
  {
    path: '/clients/:id',
    roles: FIELD,
    view: lazyView(() => import('./views/ClientPage').then((m) => m.ClientPage)),
  },
  { path: '/clients/:id/edit', roles: FIELD, view: clientForm },
  {
    path: '/clients/:id/sessions/new',
    roles: FIELD,
    view: lazyView(() => session().then((m) => m.NewClientSession)),
  },
  {
    path: '/sessions/:id',
    roles: FIELD,
    view: lazyView(() => session().then((m) => m.EditSession)),
  },
  ...instrumentRoutes,
  {
    path: '/clients/:id/enroll',
    roles: FIELD,
    view: lazyView(() => import('./views/path/EnrollForm').then((m) => m.EnrollForm)),
  },
  {
    path: '/enrollments/:id/phase',
    roles: FIELD,
    view: lazyView(() => import('./views/path/PhaseForm').then((m) => m.PhaseForm)),
  },
  {
    path: '/enrollments/:id/exit',
    roles: FIELD,
    view: lazyView(() => import('./views/path/ExitForm').then((m) => m.ExitForm)),
  },
  {
    // release and aftercare
    path: '/clients/:id/release',
    roles: FIELD,
    view: lazyView(() => import('./views/aftercare/DeviceRelease').then((m) => m.DeviceRelease)),
  },
  {
    path: '/clients/:id/transfer',
    roles: FIELD,
    view: lazyView(() => import('./views/path/TransferPage').then((m) => m.TransferPage)),
  },
];

const commonRoutes: RouteDef[] = [
  {
    path: '/settings',
    roles: ALL,
    view: lazyView(() => import('./views/Settings').then((m) => m.Settings)),
    nav: { label: 'nav.settings', testid: 'nav-settings' },
  },
  {
    path: '/relogin',
    roles: ALL,
    view: lazyView(() => import('./views/Relogin').then((m) => m.Relogin)),
  },
  // "Cadangkan ke file" backups of tablets, imported by an admin (the device vault)
  {
    path: '/admin/vault-import',
    roles: ['admin'],
    view: lazyView(() => import('./views/VaultBackup').then((m) => m.VaultImport)),
    nav: { label: 'nav.vault_import', testid: 'nav-vault-import' },
  },
];

// The first route of a role in the navigation is its home: an admin lands on the conflict inbox.
export const ROUTES: readonly RouteDef[] = [
  ...counselorRoutes,
  ...adminRoutes,
  ...supervisorRoutes,
  ...officialRoutes,
  ...commonRoutes,
];
