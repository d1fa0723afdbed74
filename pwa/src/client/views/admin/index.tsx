// Admin views: the conflict inbox and one conflict, rejected changes, users, devices, the audit
// trail. Each view module loads on first use, so the counselor's shell carries none of them.
import type { RouteDef } from '../../router';
import { lazyRoutes } from '../lazy';

export const adminRoutes: RouteDef[] = lazyRoutes('admin', ['admin'], {
  '/admin': () => import('./ConflictInbox').then((m) => m.ConflictInbox),
  '/admin/conflicts/:id': () => import('./ConflictDetail').then((m) => m.ConflictDetail),
  '/admin/rejected': () => import('./Rejected').then((m) => m.Rejected),
  '/admin/users': () => import('./Users').then((m) => m.Users),
  '/admin/devices': () => import('./Devices').then((m) => m.Devices),
  '/admin/audit': () => import('./Audit').then((m) => m.Audit),
  '/admin/sync': () => import('./SyncHealth').then((m) => m.AdminSyncHealth),
});
