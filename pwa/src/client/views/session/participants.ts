// The group picker's reading of the facility's records: who matches a search, and which cohorts
// (of active enrollments) can join a group session as a whole.
import { normalizeName } from '../../../shared/duplicates';
import type { LocalRecord } from '../../db';

/** A cohort of the facility: its name and the clients of its active enrollments. */
export interface Cohort {
  name: string;
  clientIds: string[];
}

/** At most this many search matches are listed: a facility has a thousand clients. */
export const PICKER_MATCHES = 20;

/** Clients whose name or registration number contains the query, not already taking part. */
export function matchClients(
  clients: readonly LocalRecord[],
  query: string,
  taking: Record<string, string>,
  limit: number = PICKER_MATCHES,
): LocalRecord[] {
  const q = normalizeName(query);
  const raw = query.trim().toLowerCase();
  if (!q && !raw) return [];
  const found: LocalRecord[] = [];
  for (const c of clients) {
    if (taking[c.id]) continue;
    const name = normalizeName(String(c['full_name'] ?? ''));
    const reg = String(c['registration_number'] ?? '').toLowerCase();
    if ((q && name.includes(q)) || (raw && reg.includes(raw))) found.push(c);
    if (found.length >= limit) break;
  }
  return found;
}

/** The cohorts of active enrollments, by name; a client enrolled twice in one cohort counts once. */
export function cohortsOf(enrollments: readonly LocalRecord[]): Cohort[] {
  const byName = new Map<string, Set<string>>();
  for (const e of enrollments) {
    const name = String(e['cohort'] ?? '').trim();
    if (!name || e['status'] !== 'active' || !e['client_id']) continue;
    const ids = byName.get(name) ?? new Set<string>();
    ids.add(String(e['client_id']));
    byName.set(name, ids);
  }
  return [...byName.entries()]
    .map(([name, ids]) => ({ name, clientIds: [...ids] }))
    .sort((a, b) => a.name.localeCompare(b.name, 'id'));
}

/** The participants after adding clients: those already taking part keep their mark. */
export function addParticipants(
  taking: Record<string, string>,
  clientIds: readonly string[],
  status = 'attended',
): Record<string, string> {
  const next = { ...taking };
  for (const id of clientIds) if (!next[id]) next[id] = status;
  return next;
}
