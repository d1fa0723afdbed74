// Supervisor views: the review queue, one session's review, and the program figures. Each view
// module loads on first use (lazyView), so the counselor's shell carries none of them.
import type { RouteDef } from '../../router';
import { lazyRoutes } from '../staff/lazy';

export const supervisorRoutes: RouteDef[] = lazyRoutes('supervisor', ['supervisor', 'admin'], {
  '/supervisor': () => import('./ReviewQueue').then((m) => m.ReviewQueue),
  '/supervisor/sessions/:id': () => import('./ReviewSession').then((m) => m.ReviewSession),
  '/supervisor/figures': () => import('./Figures').then((m) => m.Figures),
  '/supervisor/cohorts': () => import('./Cohorts').then((m) => m.Cohorts),
  '/supervisor/clients/:id': () => import('./ClientPath').then((m) => m.ClientPath),
});
