// The route table. Supervisor and admin views add their routes in their own folders
// (views/supervisor/index.tsx, views/admin/index.tsx) without touching this file's neighbours.
import type { Role } from '../shared/types';
import type { RouteDef } from './router';
import { adminRoutes } from './views/admin';
import { ClientForm } from './views/ClientForm';
import { ClientList } from './views/ClientList';
import { ClientPage } from './views/ClientPage';
import { instrumentRoutes } from './views/instruments';
import { Relogin } from './views/Relogin';
import { EnrollForm } from './views/path/EnrollForm';
import { ExitForm } from './views/path/ExitForm';
import { PhaseForm } from './views/path/PhaseForm';
import { EditSession, NewClientSession, NewGroupSession } from './views/session/SessionForm';
import { Settings } from './views/Settings';
import { supervisorRoutes } from './views/supervisor';
import { Tasks } from './views/Tasks';

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
  ...instrumentRoutes,
  { path: '/clients/:id/enroll', roles: FIELD, view: EnrollForm },
  { path: '/enrollments/:id/phase', roles: FIELD, view: PhaseForm },
  { path: '/enrollments/:id/exit', roles: FIELD, view: ExitForm },
];

const commonRoutes: RouteDef[] = [
  {
    path: '/settings',
    roles: ALL,
    view: Settings,
    nav: { label: 'nav.settings', testid: 'nav-settings' },
  },
  { path: '/relogin', roles: ALL, view: Relogin },
];

export const ROUTES: readonly RouteDef[] = [
  ...counselorRoutes,
  ...supervisorRoutes,
  ...adminRoutes,
  ...commonRoutes,
];
