// The route table. Supervisor and admin views add their routes in their own folders
// (views/supervisor/index.tsx, views/admin/index.tsx) without touching this file's neighbours.
import type { Role } from '../shared/types';
import type { RouteDef } from './router';
import { adminRoutes } from './views/admin';
import { ClientForm } from './views/ClientForm';
import { ClientList } from './views/ClientList';
import { ClientPage } from './views/ClientPage';
import { Relogin } from './views/Relogin';
import { EditSession, NewClientSession, NewGroupSession } from './views/session/SessionForm';
import { Settings } from './views/Settings';
import { supervisorRoutes } from './views/supervisor';
import { Tasks } from './views/Tasks';
import { VaultImport } from './views/VaultBackup';

const FIELD: readonly Role[] = ['counselor', 'admin'];
const ALL: readonly Role[] = ['counselor', 'supervisor', 'admin'];

const counselorRoutes: RouteDef[] = [
  {
    path: '/clients',
    roles: FIELD,
    view: ClientList,
    nav: { label: 'nav.clients', testid: 'nav-clients' },
  },
  { path: '/tasks', roles: FIELD, view: Tasks, nav: { label: 'nav.tasks', testid: 'nav-tasks' } },
  {
    path: '/group/new',
    roles: FIELD,
    view: NewGroupSession,
    nav: { label: 'nav.group', testid: 'nav-group' },
  },
  { path: '/clients/new', roles: FIELD, view: ClientForm },
  { path: '/clients/:id', roles: FIELD, view: ClientPage },
  { path: '/clients/:id/edit', roles: FIELD, view: ClientForm },
  { path: '/clients/:id/sessions/new', roles: FIELD, view: NewClientSession },
  { path: '/sessions/:id', roles: FIELD, view: EditSession },
];

const commonRoutes: RouteDef[] = [
  {
    path: '/settings',
    roles: ALL,
    view: Settings,
    nav: { label: 'nav.settings', testid: 'nav-settings' },
  },
  { path: '/relogin', roles: ALL, view: Relogin },
  // "Cadangkan ke file" backups of tablets, imported by an admin (the device vault)
  {
    path: '/admin/vault-import',
    roles: ['admin'],
    view: VaultImport,
    nav: { label: 'nav.vault_import', testid: 'nav-vault-import' },
  },
];

export const ROUTES: readonly RouteDef[] = [
  ...counselorRoutes,
  ...supervisorRoutes,
  ...adminRoutes,
  ...commonRoutes,
];
