// The routes of the instrument screens; routes.ts adds them to the counselor's. Each screen loads
// on first use (lazyView), precached for offline like every counselor screen.
import type { Role } from '../../../shared/types';
import type { RouteDef } from '../../router';
import { lazyView } from '../lazy';

const FIELD: readonly Role[] = ['counselor', 'admin'];

export const instrumentRoutes: RouteDef[] = [
  {
    path: '/clients/:id/instruments/:instrument',
    roles: FIELD,
    view: lazyView(() => import('./TakeInstrument').then((m) => m.TakeInstrument)),
  },
  {
    path: '/assessments/:id',
    roles: FIELD,
    view: lazyView(() => import('./AssessmentView').then((m) => m.AssessmentView)),
  },
];
