// What the phase and exit forms read: an enrollment, its client, cohort, facility and phases.
import type { Store } from '../../store';

/** An enrollment with what surrounds it, or null when the device does not hold it. */
export async function loadEnrollment(s: Store, id: string) {
  const enrollment = await s.get('enrollment', id);
  if (!enrollment || enrollment.deleted) return null;
  const clientId = String(enrollment['client_id']);
  const [client, cohort, facility, changes] = await Promise.all([
    s.get('client', clientId),
    enrollment['cohort_id'] ? s.get('cohort', String(enrollment['cohort_id'])) : undefined,
    s.get('facility', enrollment.facility_id),
    s.list('phase_change', { client_id: clientId }),
  ]);
  return { enrollment, client, cohort, facility, changes };
}
