// The route table. Supervisor and admin views add their routes in their own folders
// (views/supervisor/index.tsx, views/admin/index.tsx) without touching this file's neighbours.
import type { Role } from '../shared/types';
import type { RouteDef } from './router';
import { adminRoutes } from './views/admin';
import { ClientForm } from './views/ClientForm';
import { ClientList } from './views/ClientList';
import { ClientPage } from './views/ClientPage';
import { DeviceRelease } from './views/aftercare/DeviceRelease';
import { instrumentRoutes } from './views/instruments';
import { Relogin } from './views/Relogin';
import { EnrollForm } from './views/path/EnrollForm';
import { ExitForm } from './views/path/ExitForm';
import { PhaseForm } from './views/path/PhaseForm';
import { TransferPage } from './views/path/TransferPage';
import { EditSession, NewClientSession, NewGroupSession } from './views/session/SessionForm';
import { Settings } from './views/Settings';
import { officialRoutes, supervisorRoutes } from './views/supervisor';
import { Tasks } from './views/Tasks';
import { VaultImport } from './views/VaultBackup';

// Only counselors work from the device's records (staff read the API: sync.ts `mirror`).
const FIELD: readonly Role[] = ['counselor'];
const ALL: readonly Role[] = ['counselor', 'supervisor', 'admin', 'official'];

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
  ...instrumentRoutes,
  { path: '/clients/:id/enroll', roles: FIELD, view: EnrollForm },
  { path: '/enrollments/:id/phase', roles: FIELD, view: PhaseForm },
  { path: '/enrollments/:id/exit', roles: FIELD, view: ExitForm },
  { path: '/clients/:id/release', roles: FIELD, view: DeviceRelease }, // release and aftercare
  { path: '/clients/:id/transfer', roles: FIELD, view: TransferPage },
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

// The first route of a role in the navigation is its home: an admin lands on the conflict inbox.
export const ROUTES: readonly RouteDef[] = [
  ...counselorRoutes,
  ...adminRoutes,
  ...supervisorRoutes,
  ...officialRoutes,
  ...commonRoutes,
];
