// Likely-duplicate detection for client registration. Registration numbers change with legal
// status, so a name that matches (after normalizing) with the same birth date counts too.

export interface ClientLike {
  id: string;
  registration_number?: unknown;
  registration_history?: unknown;
  full_name?: unknown;
  birth_date?: unknown;
}

/** Lowercase, strip accents and punctuation, collapse spaces: the key used for search too. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Edit distance with an early exit once it exceeds `limit`. */
export function levenshtein(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

/** Every number a client is known by: the current one, then the older ones of its register
 * history (kept by the server; docs/design.md "client"). */
export function clientNumbers(c: ClientLike): string[] {
  const current = typeof c.registration_number === 'string' ? c.registration_number.trim() : '';
  const older = Array.isArray(c.registration_history)
    ? c.registration_history
        .map((h: unknown) =>
          h && typeof h === 'object' ? (h as Record<string, unknown>)['number'] : undefined,
        )
        .filter((n): n is string => typeof n === 'string' && n.trim() !== '')
        .map((n) => n.trim())
    : [];
  return [current, ...older.filter((n) => n !== current)].filter((n) => n !== '');
}

export type DuplicateReason = 'registration_number' | 'name_birth_date';

export interface DuplicateMatch<T> {
  client: T;
  reason: DuplicateReason;
}

function similarNames(a: string, b: string): boolean {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  if (!na || !nb) return false;
  if (na.replace(/ /g, '') === nb.replace(/ /g, '')) return true;
  return levenshtein(na, nb, 2) <= 2;
}

/** Existing clients that are likely the same person as `candidate` (never itself). */
export function findLikelyDuplicates<T extends ClientLike>(
  candidate: ClientLike,
  existing: readonly T[],
): DuplicateMatch<T>[] {
  const reg =
    typeof candidate.registration_number === 'string' ? candidate.registration_number.trim() : '';
  const name = typeof candidate.full_name === 'string' ? candidate.full_name : '';
  const birth = candidate.birth_date;
  const out: DuplicateMatch<T>[] = [];
  for (const c of existing) {
    if (c.id === candidate.id) continue;
    const numbers = clientNumbers(c).map((n) => n.toLowerCase());
    if (reg && numbers.includes(reg.toLowerCase())) {
      out.push({ client: c, reason: 'registration_number' });
    } else if (
      name &&
      typeof birth === 'string' &&
      birth !== '' &&
      c.birth_date === birth &&
      typeof c.full_name === 'string' &&
      similarNames(name, c.full_name)
    ) {
      out.push({ client: c, reason: 'name_birth_date' });
    }
  }
  return out;
}
