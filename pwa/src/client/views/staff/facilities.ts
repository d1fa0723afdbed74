// The facilities a staff user oversees, and reading every page of a paged list.
import { useApp, useQuery } from '../../context';
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

/** The facilities the user oversees: every one for an admin (from the server), the synced ones
 * for a supervisor (from the device's store, updated as the sync brings them). */
export function useFacilities(): Facility[] | undefined {
  const api = useStaffApi();
  const { user } = useApp();
  const isAdmin = user.role === 'admin';
  const remote = useRemote(
    async () => (isAdmin ? allPages((q) => api.facilities(q)) : []),
    [isAdmin],
  );
  const local = useQuery(
    async (store) =>
      isAdmin
        ? []
        : (await store.list('facility'))
            .filter((r) => user.facility_ids.includes(r.id))
            .map((r) => ({
              id: r.id,
              code: String(r['code'] ?? ''),
              name: String(r['name'] ?? ''),
              kind: String(r['kind'] ?? ''),
              region: String(r['region'] ?? ''),
              timezone: String(r['timezone'] ?? 'WIB'),
            }))
            .sort((a, b) => a.code.localeCompare(b.code)),
    [isAdmin, user.id],
  );
  return isAdmin ? remote.data : local;
}
