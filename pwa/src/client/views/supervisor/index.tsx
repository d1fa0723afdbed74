// Supervisor views: the review queue, one session's review, and the program figures. Each view
// module loads on first use (lazyView), so the counselor's shell carries none of them.
import type { RouteDef } from '../../router';
import { lazyView } from '../staff/lazy';

const STAFF = ['supervisor', 'admin'] as const;

const ReviewQueue = lazyView(() => import('./ReviewQueue').then((m) => m.ReviewQueue));
const ReviewSession = lazyView(() => import('./ReviewSession').then((m) => m.ReviewSession));
const Figures = lazyView(() => import('./Figures').then((m) => m.Figures));

export const supervisorRoutes: RouteDef[] = [
  {
    path: '/supervisor',
    roles: STAFF,
    view: ReviewQueue,
    nav: { label: 'nav.supervisor', testid: 'nav-supervisor' },
  },
  { path: '/supervisor/sessions/:id', roles: STAFF, view: ReviewSession },
  { path: '/supervisor/figures', roles: STAFF, view: Figures },
];
