// Admin views: the conflict inbox and one conflict, rejected changes, users, devices, the audit
// trail. Each view module loads on first use, so the counselor's shell carries none of them.
import type { RouteDef } from '../../router';
import { lazyView } from '../staff/lazy';

const ADMIN = ['admin'] as const;

const ConflictInbox = lazyView(() => import('./ConflictInbox').then((m) => m.ConflictInbox));
const ConflictDetail = lazyView(() => import('./ConflictDetail').then((m) => m.ConflictDetail));
const Rejected = lazyView(() => import('./Rejected').then((m) => m.Rejected));
const Users = lazyView(() => import('./Users').then((m) => m.Users));
const Devices = lazyView(() => import('./Devices').then((m) => m.Devices));
const Audit = lazyView(() => import('./Audit').then((m) => m.Audit));

export const adminRoutes: RouteDef[] = [
  {
    path: '/admin',
    roles: ADMIN,
    view: ConflictInbox,
    nav: { label: 'nav.admin', testid: 'nav-admin' },
  },
  { path: '/admin/conflicts/:id', roles: ADMIN, view: ConflictDetail },
  { path: '/admin/rejected', roles: ADMIN, view: Rejected },
  { path: '/admin/users', roles: ADMIN, view: Users },
  { path: '/admin/devices', roles: ADMIN, view: Devices },
  { path: '/admin/audit', roles: ADMIN, view: Audit },
];
