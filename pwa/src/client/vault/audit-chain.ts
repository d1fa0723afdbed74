// The device's audit chain (docs/protocol.md, "Device audit chain"): what was done on this device
// with which record, so admins see who read what offline.
// Theory of operation:
// - Each opening of a client's record, each edit, export, unlock, lock and failed PIN appends an
//   entry {n, at, user_id, action, entity, record_id, prev, hash} to the `audit` table of the
//   user's database (sealed by the vault like every table). `n` counts 1, 2, … per user of the
//   device; `prev` is the hash of the entry before (GENESIS for the first); `hash` is SHA-256
//   (WebCrypto) over `canonical()`, which the server recomputes byte for byte.
// - The head (the last n and hash) is kept in `meta` beside the entries, written in the same
//   transaction, so entries the server has taken can be deleted without breaking the chain.
// - Appends of one tab run one after another (a queue); the hash is made before the transaction
//   that writes the entry and the head (WebCrypto cannot run inside an IndexedDB transaction).
// - The sync loop sends the entries (`unsent`) and deletes those the server answered (`drop`).
import type { AuditEntry, UserDb } from '../db';

export const GENESIS = '0'.repeat(64);
export const AUDIT_ACTIONS = ['read', 'edit', 'export', 'unlock', 'lock', 'pin_failed'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const HEAD_KEY = 'audit_head';

/** An entry as it goes on the wire (no local key). */
export type WireAuditEntry = Omit<AuditEntry, 'seq'>;

interface Head {
  n: number;
  hash: string;
}

/** The text an entry's hash is taken over: the same JSON array the server builds. */
export function canonical(entry: Omit<WireAuditEntry, 'hash'>, deviceId: string): string {
  return JSON.stringify([
    entry.n,
    entry.at,
    entry.user_id,
    deviceId,
    entry.action,
    entry.entity ?? null,
    entry.record_id ?? null,
    entry.prev,
  ]);
}

export async function entryHash(
  entry: Omit<WireAuditEntry, 'hash'>,
  deviceId: string,
): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(canonical(entry, deviceId)),
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class AuditChain {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: UserDb,
    readonly userId: string,
    readonly deviceId: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Append one entry; `at` (ms) for something that happened earlier (a failed PIN). */
  append(
    action: AuditAction,
    entity: string | null = null,
    recordId: string | null = null,
    at?: number,
  ): Promise<WireAuditEntry> {
    const run = this.queue.then(async () => {
      const db = this.db;
      const head = ((await db.meta.get(HEAD_KEY))?.value as Head | undefined) ?? {
        n: 0,
        hash: GENESIS,
      };
      const body = {
        n: head.n + 1,
        at: new Date(at ?? this.now()).toISOString(),
        user_id: this.userId,
        action,
        entity,
        record_id: recordId,
        prev: head.hash,
      };
      const entry: WireAuditEntry = { ...body, hash: await entryHash(body, this.deviceId) };
      await db.transaction('rw', [db.audit, db.meta], async () => {
        await db.audit.add({ ...entry });
        await db.meta.put({ key: HEAD_KEY, value: { n: entry.n, hash: entry.hash } });
      });
      return entry;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The entries not yet taken by the server, oldest first. */
  async unsent(limit: number): Promise<WireAuditEntry[]> {
    const rows = await this.db.audit.orderBy('seq').limit(limit).toArray();
    return rows.map(({ seq: _, ...entry }) => entry);
  }

  /** Forget the entries the server answered (by their number). */
  async drop(numbers: readonly number[]): Promise<void> {
    if (!numbers.length) return;
    const answered = new Set(numbers);
    const rows = await this.db.audit.orderBy('seq').toArray();
    const keys = rows.filter((r) => answered.has(r.n)).map((r) => r.seq as number);
    await this.db.audit.bulkDelete(keys);
  }

  /** Wait for the appends asked so far (before the database closes). */
  settled(): Promise<unknown> {
    return this.queue;
  }
}
