// The facilities a staff user oversees, and reading every page of a paged list.
import { todayIn, zoneOf } from '../../../shared/time';
import { useApp } from '../../context';
import type { Facility, Page } from '../../staff-api';
import { useRemote, useStaffApi } from './remote';

/** Every page of a paged list (facilities, users: a few hundred at most). */
export async function allPages<T>(
  fetchPage: (q: { page: number; per_page: number }) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= 50; page++) {
    const answer = await fetchPage({ page, per_page: 200 });
    items.push(...answer.items);
    if (items.length >= answer.total || answer.items.length === 0) break;
  }
  return items;
}

/** The facilities the user oversees, from the server: every one for an admin, their own for a
 * supervisor (staff devices keep no regional mirror). */
export function useFacilities(): Facility[] | undefined {
  const api = useStaffApi();
  const { user } = useApp();
  return useRemote(() => allPages((q) => api.myFacilities(q)), [user.id]).data;
}

/** Today's date where a facility is (WIB, WITA or WIT), as its phones date their records: a
 * staff form dated in UTC, or in another zone, could put a phase before its enrollment or a
 * transfer in the future. WIB until the facilities have loaded. */
export function useFacilityToday(facilityId: string): string {
  const facility = useFacilities()?.find((f) => f.id === facilityId);
  return todayIn(zoneOf(facility?.timezone));
}
