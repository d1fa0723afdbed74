// Supervisor views: the review queue, one session's review, and the program figures. Each view
// module loads on first use (lazyView), so the counselor's shell carries none of them.
import type { RouteDef } from '../../router';
import { lazyRoutes, lazyView } from '../lazy';

export const supervisorRoutes: RouteDef[] = lazyRoutes('supervisor', ['supervisor', 'admin'], {
  '/supervisor': () => import('./ReviewQueue').then((m) => m.ReviewQueue),
  '/supervisor/sessions/:id': () => import('./ReviewSession').then((m) => m.ReviewSession),
  '/supervisor/figures': () => import('./Figures').then((m) => m.Figures),
  '/supervisor/cohorts': () => import('./Cohorts').then((m) => m.Cohorts),
  '/supervisor/sync': () => import('./SyncHealth').then((m) => m.SupervisorSyncHealth),
  '/supervisor/clients/:id': () => import('./ClientPath').then((m) => m.ClientPath),
  '/supervisor/import': () => import('./ImportList').then((m) => m.ImportList), // aftercare
});

// An official (Kanwil, Ditjen) sees the figures and nothing else: counts, small cells hidden by
// the server; no record, no queue.
export const officialRoutes: RouteDef[] = [
  {
    path: '/figures',
    roles: ['official'],
    view: lazyView(() => import('./Figures').then((m) => m.Figures)),
    nav: { label: 'fig.tab', testid: 'nav-figures' },
  },
];
