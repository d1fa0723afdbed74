// The sealed outbox: a copy of every outbox change that only the server can open.
// - Sealed to the server's public key (GET /api/v1/sync/key): a fresh ECDH P-256 key pair per
//   change, HKDF-SHA-256 of the shared secret, AES-256-GCM with `pulih-sealed:<change>:<kid>` as
//   additional data. The device keeps no key that opens it.
// - Kept in its own database, pulih-sealed, outside the user's vault: destroying the vault
//   (wrong PINs and passwords, a revoked device, an account erased) leaves it, and the next push
//   of that user sends what the outbox no longer holds. An answered change leaves it.
// - Nothing in it is clear but change ids and user ids (UUIDs).
import Dexie, { type Table } from 'dexie';
import type { Change, SealedItem } from '../../shared/types';
import { toB64 } from './crypto';

export const SEALED_DB_NAME = 'pulih-sealed';

/** The server's public key as GET /api/v1/sync/key gives it. */
export interface SealKey {
  kid: string;
  jwk: JsonWebKey & { kid?: string };
}

export type { SealedItem };

export interface SealedRow extends SealedItem {
  user_id: string;
  at: number;
}

export class SealedDb extends Dexie {
  sealed!: Table<SealedRow, string>;
  settings!: Table<{ key: string; value: unknown }, string>;

  constructor() {
    super(SEALED_DB_NAME);
    this.version(1).stores({ sealed: 'change_id, user_id', settings: 'key' });
  }
}

const enc = new TextEncoder();

/** Seal one wire change of a user to the server's key. */
export async function sealChange(
  key: SealKey,
  userId: string,
  change: Change,
): Promise<SealedItem> {
  const server = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: key.jwk.x, y: key.jwk.y },
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    [],
  );
  const mine = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ]);
  const shared = await crypto.subtle.deriveBits(
    { name: 'ECDH', public: server },
    mine.privateKey,
    256,
  );
  const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  const aes = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: enc.encode('pulih-sealed-v1') },
    hkdf,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt'],
  );
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    {
      name: 'AES-GCM',
      iv: iv as BufferSource,
      additionalData: enc.encode(`pulih-sealed:${change.change_id}:${key.kid}`),
    },
    aes,
    enc.encode(JSON.stringify({ user_id: userId, change })),
  );
  const epk = await crypto.subtle.exportKey('jwk', mine.publicKey);
  return {
    change_id: change.change_id,
    kid: key.kid,
    epk: { kty: 'EC', crv: 'P-256', x: epk.x!, y: epk.y! },
    iv: toB64(iv),
    ct: toB64(new Uint8Array(ct)),
  };
}

/** One user's sealed outbox on this device. */
export class SealedOutbox {
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    readonly db: SealedDb,
    readonly userId: string,
  ) {}

  async key(): Promise<SealKey | null> {
    return ((await this.db.settings.get('seal_key'))?.value as SealKey | undefined) ?? null;
  }

  async setKey(key: SealKey): Promise<void> {
    await this.db.settings.put({ key: 'seal_key', value: key });
  }

  /** Seal changes not sealed yet (no server key yet: they are sealed at the next sync). */
  add(changes: readonly Change[]): Promise<void> {
    const run = this.writing.then(async () => {
      const key = await this.key();
      if (!key) return;
      const known = new Set(
        (await this.db.sealed.bulkGet(changes.map((c) => c.change_id))).map((r) => r?.change_id),
      );
      const fresh = changes.filter((c) => !known.has(c.change_id));
      const rows = await Promise.all(
        fresh.map(async (c) => ({
          ...(await sealChange(key, this.userId, c)),
          user_id: this.userId,
          at: Date.now(),
        })),
      );
      if (rows.length) await this.db.sealed.bulkPut(rows);
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Every write asked so far has finished. */
  settled(): Promise<unknown> {
    return this.writing;
  }

  /** Sealed changes whose outbox entry is gone (the vault was destroyed), oldest first. */
  async orphans(outboxIds: ReadonlySet<string>, limit: number): Promise<SealedItem[]> {
    const rows = await this.db.sealed.where('user_id').equals(this.userId).toArray();
    return rows
      .filter((r) => !outboxIds.has(r.change_id))
      .sort((a, b) => a.at - b.at)
      .slice(0, limit)
      .map(({ user_id: _u, at: _a, ...item }) => item);
  }

  async count(): Promise<number> {
    return this.db.sealed.where('user_id').equals(this.userId).count();
  }

  /** Answered changes leave the sealed outbox. */
  async remove(changeIds: readonly string[]): Promise<void> {
    await this.writing;
    await this.db.sealed.bulkDelete([...changeIds]);
  }
}

/** A "Cadangkan ke file" backup: every sealed change on this device, for an admin to import. */
export interface SealedBackup {
  format: 'pulih-sealed-backup';
  version: 1;
  device_id: string;
  exported_at: string;
  sealed: (SealedItem & { user_id: string })[];
}

/** The backup of this device's sealed outbox; null when it is empty. Readable only by the
 * server, so it may travel on any medium. */
export async function sealedBackup(db: SealedDb, deviceId: string): Promise<SealedBackup | null> {
  const rows = (await db.sealed.toArray()).sort((a, b) => a.at - b.at);
  if (!rows.length) return null;
  return {
    format: 'pulih-sealed-backup',
    version: 1,
    device_id: deviceId,
    exported_at: new Date().toISOString(),
    sealed: rows.map(({ at: _a, ...item }) => item),
  };
}

/** Offer a backup as a file download. */
export function downloadBackup(backup: SealedBackup): void {
  const blob = new Blob([JSON.stringify(backup)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `pulih-cadangan-${backup.device_id.slice(0, 8)}-${backup.exported_at.slice(0, 10)}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
