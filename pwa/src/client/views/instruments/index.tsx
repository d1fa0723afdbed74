// The routes of the instrument screens; routes.ts adds them to the counselor's.
import type { Role } from '../../../shared/types';
import type { RouteDef } from '../../router';
import { AssessmentView } from './AssessmentView';
import { TakeInstrument } from './TakeInstrument';

const FIELD: readonly Role[] = ['counselor', 'admin'];

export const instrumentRoutes: RouteDef[] = [
  { path: '/clients/:id/instruments/:instrument', roles: FIELD, view: TakeInstrument },
  { path: '/assessments/:id', roles: FIELD, view: AssessmentView },
];

export { Instruments } from './Instruments';
