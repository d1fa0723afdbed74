import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { userDbName, UserDb } from '../src/client/db';
import { DexieStore } from '../src/client/store';
import {
  fromB64,
  importDataKey,
  newDataKey,
  openBytes,
  pbkdf2Bits,
  sealJson,
  openJson,
  sha256Hex,
  toHex,
  unwrapDataKey,
  wrapDataKey,
} from '../src/client/vault/crypto';
import { formatHlc } from '../src/shared/hlc';
import { uuid4 } from '../src/shared/ids';

const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));

describe('vault crypto: known answers', () => {
  it.each([
    [1, '120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b'],
    [4096, 'c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a'],
  ])('pbkdf2_sha256_password_salt_%i_iterations', async (iterations, expected) => {
    const salt = new TextEncoder().encode('salt');
    expect(toHex(await pbkdf2Bits('password', salt, iterations))).toBe(expected);
  });

  it('aes_256_gcm_test_case_16_decrypts_and_binds_its_additional_data', async () => {
    // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16.
    const key = await importDataKey(
      hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'),
    );
    const iv = hex('cafebabefacedbaddecaf888');
    const plain =
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39';
    const ad = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const cipher =
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662';
    const tag = '76fc6ece0f4e1768cddf8853bb2d551b';
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: ad },
      key,
      hex(plain),
    );
    expect(toHex(new Uint8Array(sealed))).toBe(cipher + tag);
    const back = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: ad },
      key,
      sealed,
    );
    expect(toHex(new Uint8Array(back))).toBe(plain);
  });

  it('sha256_of_abc', async () => {
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('vault crypto: behaviour', () => {
  it('a_value_sealed_for_one_record_does_not_open_for_another', async () => {
    const key = await newDataKey();
    const sealed = await sealJson(key, 'records:client/c1', { full_name: 'Siti' });
    expect(await openJson(key, 'records:client/c1', sealed)).toEqual({ full_name: 'Siti' });
    await expect(openBytes(key, 'records:client/c2', sealed)).rejects.toThrow();
  });

  it('every_seal_takes_a_fresh_iv', async () => {
    const key = await newDataKey();
    const a = await sealJson(key, 'x', 1);
    const b = await sealJson(key, 'x', 1);
    expect(toHex(a.iv)).not.toBe(toHex(b.iv));
  });

  it('the_wrapped_key_opens_only_with_its_secret_and_purpose', async () => {
    const key = await newDataKey();
    const w = await wrapDataKey(key, 'rahasia', 'password', 1000);
    expect(w.iterations).toBe(1000);
    expect(await unwrapDataKey(w, 'salah', 'password')).toBeNull();
    expect(await unwrapDataKey(w, 'rahasia', 'pin')).toBeNull();
    const back = await unwrapDataKey(w, 'rahasia', 'password');
    const sealed = await sealJson(key, 'ad', 'isi');
    expect(await openJson(back!, 'ad', sealed)).toBe('isi');
    expect(fromB64(w.salt)).toHaveLength(16);
  });

  it('the_default_wrap_costs_600000_pbkdf2_iterations', async () => {
    const w = await wrapDataKey(await newDataKey(), 'rahasia', 'password');
    expect(w.iterations).toBeGreaterThanOrEqual(600_000);
  });
});

describe('vault at rest', () => {
  it('no_table_keeps_a_name_a_note_or_a_registration_number_in_the_clear', async () => {
    const userId = `vault-${uuid4()}`;
    const key = await newDataKey();
    const store = new DexieStore(userId, Date.now, 0, key);
    await store.applyPulled(
      [
        {
          entity: 'client',
          id: 'c1',
          version: 1,
          deleted: false,
          record: {
            id: 'c1',
            facility_id: 'f',
            full_name: 'Siti Aminah',
            registration_number: 'BI.777',
          },
        },
      ],
      'cur',
    );
    await store.save(
      'session',
      's1',
      { facility_id: 'f', client_id: 'c1', note: 'KANARI-1' },
      formatHlc(1, 0, 'd'),
    );
    await store.putDraft('session/new', { note: 'KANARI-2' });
    expect((await store.searchClients('aminah')).map((c) => c.id)).toEqual(['c1']);
    expect((await store.searchClients('bi.77')).map((c) => c.id)).toEqual(['c1']);
    expect(await store.getDraft('session/new')).toEqual({ note: 'KANARI-2' });
    store.close();

    // What IndexedDB holds, read without the key.
    const raw = new Dexie(userDbName(userId));
    await raw.open();
    const everything = JSON.stringify(
      await Promise.all(raw.tables.map((t) => t.toArray())),
      (_k, v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? '<bytes>' : v),
    );
    raw.close();
    for (const secret of ['Siti', 'Aminah', 'BI.777', 'KANARI-1', 'KANARI-2', 'aminah']) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).toContain('"c1"');

    // Another key opens nothing.
    const other = new DexieStore(userId, Date.now, 0, await newDataKey());
    await expect(other.get('client', 'c1')).rejects.toThrow();
    other.close();
  });

  it('a_value_moved_to_another_record_does_not_open', async () => {
    const userId = `vault-${uuid4()}`;
    const key = await newDataKey();
    const store = new DexieStore(userId, Date.now, 0, key);
    const hlc = formatHlc(1, 0, 'd');
    await store.save('client', 'c1', { facility_id: 'f', full_name: 'A' }, hlc);
    await store.save('client', 'c2', { facility_id: 'f', full_name: 'B' }, hlc);
    store.close();
    const raw = new UserDb(userId);
    const c1 = (await raw.records.get(['client', 'c1'])) as unknown as Record<string, unknown>;
    await raw.records.put({ ...c1, id: 'c2' } as never);
    raw.close();
    const again = new DexieStore(userId, Date.now, 0, key);
    await expect(again.get('client', 'c2')).rejects.toThrow();
    expect((await again.get('client', 'c1'))?.['full_name']).toBe('A');
    again.close();
  });

  it('a_pulled_page_sealed_ahead_is_written_sealed_once_each_with_its_own_iv', async () => {
    const userId = `vault-${uuid4()}`;
    const key = await newDataKey();
    const store = new DexieStore(userId, Date.now, 0, key);
    await store.getMeta('cursor'); // the database is open, as when a sync starts
    const page = ['c1', 'c2', 'c3'].map((id) => ({
      entity: 'client' as const,
      id,
      version: 1,
      deleted: false,
      record: { id, facility_id: 'f', full_name: `Nama Rahasia ${id}` },
    }));
    const encrypt = crypto.subtle.encrypt.bind(crypto.subtle);
    let sealed = 0;
    crypto.subtle.encrypt = ((...args: Parameters<typeof encrypt>) => {
      sealed += 1;
      return encrypt(...args);
    }) as typeof encrypt;
    try {
      store.preparePulled(page);
      const ahead = sealed;
      await store.applyPulled(page, 'cur');
      // The three records were sealed ahead; the write sealed only the cursor.
      expect(ahead).toBe(3);
      expect(sealed).toBe(4);
    } finally {
      crypto.subtle.encrypt = encrypt;
    }
    expect((await store.searchClients('rahasia')).map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    store.close();
    const raw = new Dexie(userDbName(userId));
    await raw.open();
    const rows = (await raw.table('records').toArray()) as { iv: Uint8Array; ct: unknown }[];
    raw.close();
    expect(JSON.stringify(rows)).not.toContain('Rahasia');
    expect(new Set(rows.map((r) => toHex(r.iv))).size).toBe(3);
  });
});
