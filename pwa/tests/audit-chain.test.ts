// The device's audit chain (vault/audit-chain.ts): entries chained by SHA-256 over the canonical
// form the server recomputes (tests/vectors/audit_chain.json), sealed by the vault, sent with the
// sync and dropped once answered; wrong PINs, typed while the vault is shut, counted for it.
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/client/api';
import { AuthDb, UserDb, userDbName } from '../src/client/db';
import { DexieStore } from '../src/client/store';
import { syncOnce, type SyncDeps } from '../src/client/sync';
import { AuditChain, canonical, entryHash, GENESIS } from '../src/client/vault/audit-chain';
import { newDataKey } from '../src/client/vault/crypto';
import { Keyring } from '../src/client/vault/keyring';
import { uuid4 } from '../src/shared/ids';
import type { AuditRequest, AuditResponse } from '../src/shared/types';
import { FakeAuth, FakeServer, FakeTransport } from './fakes';

const DEVICE = '0e6faa9b-acba-4058-b91e-231c14d44d67';

interface Vector {
  entry: Omit<AuditRequest['entries'][number], 'hash'>;
  canonical: string;
  hash: string;
}
const VECTORS = JSON.parse(
  readFileSync(new URL('../../tests/vectors/audit_chain.json', import.meta.url), 'utf8'),
) as { device_id: string; genesis: string; entries: Vector[] };

function chainOn(key: CryptoKey | null = null, now = () => Date.parse('2026-12-02T05:00:00Z')) {
  const userId = `chain-${uuid4()}`;
  const db = new UserDb(userId, key);
  return { db, userId, chain: new AuditChain(db, userId, DEVICE, now) };
}

describe('audit chain', () => {
  it('hashes_the_canonical_form_the_server_recomputes', async () => {
    expect(VECTORS.genesis).toBe(GENESIS);
    for (const v of VECTORS.entries) {
      expect(canonical(v.entry, VECTORS.device_id)).toBe(v.canonical);
      expect(await entryHash(v.entry, VECTORS.device_id)).toBe(v.hash);
    }
  });

  it('chains_each_entry_on_the_one_before_from_genesis', async () => {
    const { chain } = chainOn();
    const a = await chain.append('unlock');
    const b = await chain.append('read', 'client', 'c1');
    const c = await chain.append('pin_failed', null, null, Date.parse('2026-12-01T23:00:00Z'));
    expect([a.n, b.n, c.n]).toEqual([1, 2, 3]);
    expect([a.prev, b.prev, c.prev]).toEqual([GENESIS, a.hash, b.hash]);
    for (const e of [a, b, c]) {
      const { hash, ...body } = e;
      expect(await entryHash(body, DEVICE)).toBe(hash);
    }
    expect(c.at).toBe('2026-12-01T23:00:00.000Z');
    // A changed entry no longer matches its hash: what the server checks.
    const { hash, ...body } = b;
    expect(await entryHash({ ...body, record_id: 'c2' }, DEVICE)).not.toBe(hash);
  });

  it('appends_in_order_when_asked_at_once', async () => {
    const { chain } = chainOn();
    const all = await Promise.all(
      Array.from({ length: 10 }, (_, i) => chain.append('read', 'client', `c${i}`)),
    );
    expect(all.map((e) => e.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prev).toBe(all[i - 1]!.hash);
  });

  it('goes_on_from_its_head_after_the_sent_entries_are_dropped', async () => {
    const { chain, db, userId } = chainOn();
    await chain.append('unlock');
    const b = await chain.append('lock');
    await chain.drop([1, 2]);
    expect(await chain.unsent(10)).toEqual([]);
    db.close();
    // A reload: a new chain object over the same database.
    const again = new AuditChain(new UserDb(userId), userId, DEVICE);
    const c = await again.append('unlock');
    expect([c.n, c.prev]).toEqual([3, b.hash]);
  });

  it('is_sealed_by_the_vault_like_every_table', async () => {
    const key = await newDataKey();
    const { chain, db, userId } = chainOn(key);
    await chain.append('read', 'client', 'c0ffee00-0000-4000-8000-000000000000');
    expect(await chain.unsent(10)).toHaveLength(1);
    db.close();
    const raw = new Dexie(userDbName(userId));
    await raw.open();
    const rows = await raw.table('audit').toArray();
    raw.close();
    expect(JSON.stringify(rows)).not.toContain('c0ffee00');
    expect(JSON.stringify(rows)).not.toContain('read');
    expect(Object.keys(rows[0]).sort()).toEqual(['_v', 'ct', 'iv', 'seq']);
  });
});

describe('audit chain in the sync', () => {
  class AuditTransport extends FakeTransport {
    bodies: AuditRequest[] = [];
    async audit(body: AuditRequest): Promise<AuditResponse> {
      this.bodies.push(structuredClone(body));
      const results = body.entries.map((e) => ({ n: e.n, status: 'accepted' as const }));
      const last = body.entries.at(-1)!;
      return { results, head: { n: last.n, hash: last.hash }, flag: null };
    }
  }

  it('sends_the_unsent_entries_for_every_role_and_drops_the_answered', async () => {
    const transport = new AuditTransport(new FakeServer());
    const store = new DexieStore(`chain-sync-${uuid4()}`);
    const chain = new AuditChain(store.db, store.userId, DEVICE);
    await chain.append('unlock');
    await chain.append('read', 'client', 'c1');
    const deps: SyncDeps = {
      transport,
      store,
      auth: new FakeAuth(transport),
      clock: { now: () => 1_700_000_000_000 },
      deviceId: DEVICE,
      appVersion: 'test',
      audit: chain,
      mirror: false, // a supervisor: nothing pulled, the chain goes all the same
    };
    await syncOnce(deps);
    expect(transport.bodies).toHaveLength(1);
    expect(transport.bodies[0]!.device_id).toBe(DEVICE);
    expect(transport.bodies[0]!.entries.map((e) => e.action)).toEqual(['unlock', 'read']);
    expect(await chain.unsent(10)).toEqual([]);
    await syncOnce(deps);
    expect(transport.bodies).toHaveLength(1); // nothing new: nothing sent
  });

  it('keeps_the_entries_when_the_answer_is_lost', async () => {
    const transport = new AuditTransport(new FakeServer());
    const store = new DexieStore(`chain-lost-${uuid4()}`);
    const chain = new AuditChain(store.db, store.userId, DEVICE);
    await chain.append('unlock');
    transport.audit = async () => {
      throw new Error('answer lost');
    };
    const deps: SyncDeps = {
      transport,
      store,
      auth: new FakeAuth(transport),
      clock: { now: () => 1 },
      deviceId: DEVICE,
      appVersion: 'test',
      audit: chain,
    };
    await expect(syncOnce(deps)).rejects.toThrow('answer lost');
    expect((await chain.unsent(10)).map((e) => e.n)).toEqual([1]);
  });
});

describe('audit chain and an older server', () => {
  it('never_stops_the_records_from_syncing_and_keeps_the_entries', async () => {
    const server = new FakeServer();
    const transport = new FakeTransport(server);
    Object.assign(transport, {
      audit: async () => {
        throw new HttpError(404, { status: 404 });
      },
    });
    const store = new DexieStore(`chain-old-${uuid4()}`);
    const chain = new AuditChain(store.db, store.userId, DEVICE);
    await chain.append('unlock');
    server.seed('client', 'c1', { facility_id: 'f', full_name: 'Dari server' });
    const deps: SyncDeps = {
      transport,
      store,
      auth: new FakeAuth(transport),
      clock: { now: () => 1 },
      deviceId: DEVICE,
      appVersion: 'test',
      audit: chain,
    };
    const report = await syncOnce(deps);
    expect(report.pulled).toBe(1);
    expect((await chain.unsent(10)).map((e) => e.n)).toEqual([1]);
  });
});

describe('wrong PINs for the chain', () => {
  it('are_counted_with_their_time_while_the_vault_is_shut_and_taken_once', async () => {
    const db = new AuthDb();
    let now = 1_000;
    const keyring = new Keyring(db, { iterations: 1000, now: () => now, destroy: async () => {} });
    const userId = uuid4();
    const secrets = {
      user: {
        id: userId,
        username: 'k',
        display_name: 'K',
        role: 'counselor' as const,
        facility_ids: [],
      },
      access_token: null,
      refresh_token: null,
      access_expires_at: 0,
    };
    const { key } = await keyring.create(userId, `k-${userId}`, 'kata-sandi', secrets);
    await keyring.setPin(userId, key, '135790');
    now = 2_000;
    expect((await keyring.withPin(userId, '000000')).kind).toBe('wrong');
    now = 3_000;
    expect((await keyring.withPin(userId, '111111')).kind).toBe('wrong');
    expect((await keyring.withPin(userId, '135790')).kind).toBe('ok');
    expect(await keyring.takePinFailures(userId)).toEqual([2_000, 3_000]);
    expect(await keyring.takePinFailures(userId)).toEqual([]);
  });
});
