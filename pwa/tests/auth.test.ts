import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError, type AuthApi } from '../src/client/api';
import { AuthService, LoginError, mapLoginError } from '../src/client/auth';
import { AuthDb } from '../src/client/db';
import { DexieStore } from '../src/client/store';
import { formatHlc } from '../src/shared/hlc';
import { uuid4 } from '../src/shared/ids';
import type { TokenPair } from '../src/shared/types';

function fakeApi(password = 'rahasia') {
  const state = {
    online: true,
    calls: [] as string[],
    userId: uuid4(),
    extra: {} as Partial<TokenPair>,
  };
  // Tokens no UUID or base64 text can contain: the "not stored in the clear" checks must not
  // trip over a random user id ("…4baa-12ce…" holds "a-1").
  const pair = (): TokenPair => ({
    access_token: `access-token-${state.calls.length}`,
    refresh_token: `refresh-token-${state.calls.length}`,
    expires_in: 900,
    ...state.extra,
    user: {
      id: state.userId,
      username: 'konselor1',
      display_name: 'Konselor',
      role: 'counselor',
      facility_ids: ['f'],
    },
  });
  const api: AuthApi = {
    async login(body) {
      state.calls.push('login');
      if (!state.online) throw new NetworkError();
      if (body.password !== password) throw new HttpError(401, { status: 401 });
      return pair();
    },
    async refresh() {
      state.calls.push('refresh');
      return pair();
    },
    async logout() {
      state.calls.push('logout');
    },
  };
  return { api, state };
}

async function service(now = () => Date.now()) {
  const db = new AuthDb();
  await db.accounts.clear();
  await db.settings.clear();
  const { api, state } = fakeApi();
  const auth = new AuthService(db, api, { iterations: 1000, deviceName: 'test', now });
  return { auth, state, db };
}

/** The tokens a session's account row holds, opened with the session's key. */
async function storedSecrets(auth: AuthService, userId: string, key: CryptoKey) {
  const row = await auth.keyring.get(userId);
  return row ? auth.keyring.secrets(row, key) : undefined;
}

describe('auth', () => {
  it('device_id_is_made_once', async () => {
    const { auth } = await service();
    const a = await auth.deviceId();
    expect(await auth.deviceId()).toBe(a);
  });

  it('first_login_is_online_then_offline_unlock_works', async () => {
    const { auth, state, db } = await service();
    const online = await auth.login('konselor1', 'rahasia');
    expect(online.offline).toBe(false);
    const row = await db.accounts.get(state.userId);
    expect((await storedSecrets(auth, state.userId, online.key))?.refresh_token).toBe(
      online.refreshToken,
    );
    for (const secret of ['rahasia', online.refreshToken!, online.accessToken!, 'Konselor']) {
      expect(JSON.stringify(row)).not.toContain(secret);
    }
    state.online = false;
    const offline = await auth.login('KONSELOR1', 'rahasia');
    expect(offline).toMatchObject({ offline: true, user: { id: state.userId } });
    await expect(auth.login('konselor1', 'salah')).rejects.toEqual(
      new LoginError('bad_credentials', {}, null, 9),
    );
  });

  it('offline_login_of_an_unknown_user_explains_itself', async () => {
    const { auth, state } = await service();
    state.online = false;
    await expect(auth.login('baru', 'x')).rejects.toEqual(new LoginError('offline_unknown'));
  });

  it('wrong_password_online_is_bad_credentials', async () => {
    const { auth } = await service();
    await expect(auth.login('konselor1', 'salah')).rejects.toEqual(
      new LoginError('bad_credentials', {}, 401),
    );
  });

  it.each([
    [
      new HttpError(422, {
        status: 422,
        errors: { username: ['Length must be between 1 and 60.'] },
      }),
      new LoginError('invalid', { username: ['Length must be between 1 and 60.'] }, 422),
    ],
    [new HttpError(400, { status: 400 }), new LoginError('invalid', {}, 400)],
    [new HttpError(429, { status: 429 }), new LoginError('rate_limited', {}, 429)],
    [new HttpError(500, { status: 500 }), new LoginError('server_error', {}, 500)],
    [new HttpError(503, { status: 503 }), new LoginError('server_error', {}, 503)],
    [
      new HttpError(401, { status: 401, type: 'https://pulih.id/problems/device-revoked' }),
      new LoginError('device_revoked', {}, 401),
    ],
    [new NetworkError(), new LoginError('unreachable')],
  ])('a_server_answer_keeps_its_meaning %#', (error, expected) => {
    const mapped = mapLoginError(error);
    expect(mapped).toEqual(expected);
    expect([mapped.reason, mapped.fields, mapped.status]).toEqual([
      expected.reason,
      expected.fields,
      expected.status,
    ]);
  });

  it('refresh_rotates_and_stores_the_pair', async () => {
    const { auth, db, state } = await service();
    const s = await auth.login('konselor1', 'rahasia');
    await auth.refresh(s);
    expect(JSON.stringify(await db.accounts.get(state.userId))).not.toContain(s.refreshToken);
    expect((await storedSecrets(auth, state.userId, s.key))?.refresh_token).toBe(s.refreshToken);
  });

  it('concurrent_refreshes_of_one_session_spend_the_refresh_token_once', async () => {
    const { auth, state } = await service();
    const s = await auth.login('konselor1', 'rahasia');
    await Promise.all([auth.refresh(s), auth.refresh(s), auth.refresh(s)]);
    expect(state.calls.filter((c) => c === 'refresh')).toHaveLength(1);
    await auth.refresh(s);
    expect(state.calls.filter((c) => c === 'refresh')).toHaveLength(2);
  });

  it('logout_drops_tokens_but_keeps_offline_unlock', async () => {
    const { auth, state } = await service();
    const s = await auth.login('konselor1', 'rahasia');
    await auth.setPin(s, '135790');
    await auth.logout(s);
    expect(state.calls).toContain('logout');
    expect((await storedSecrets(auth, state.userId, s.key))?.access_token).toBeNull();
    expect(await auth.hasPin(state.userId)).toBe(false);
    expect(await auth.resumable()).toBeNull();
    state.online = false;
    expect((await auth.login('konselor1', 'rahasia')).accessToken).toBeNull();
  });

  it('wipe_user_erases_records_tokens_and_leaves_a_notice', async () => {
    const { auth, db, state } = await service();
    const s = await auth.login('konselor1', 'rahasia');
    const store = new DexieStore(s.user.id, Date.now, undefined, s.key);
    await store.save('client', 'c1', { facility_id: 'f', full_name: 'X' }, formatHlc(1, 0, 'd'));
    store.close();
    await auth.wipeUser(s.user);
    expect(await db.accounts.get(state.userId)).toBeUndefined();
    expect(await new DexieStore(s.user.id).get('client', 'c1')).toBeUndefined();
    expect((await auth.revokedNotice())?.username).toBe('konselor1');
    state.online = false;
    await expect(auth.login('konselor1', 'rahasia')).rejects.toEqual(
      new LoginError('offline_unknown'),
    );
  });
});

describe('pin and attempt counting', () => {
  it('a_pin_reopens_the_vault_after_a_reload_within_its_window', async () => {
    let clock = 1_000_000;
    const { auth, state } = await service(() => clock);
    const s = await auth.login('konselor1', 'rahasia');
    await expect(auth.setPin(s, '1234')).rejects.toThrow();
    await auth.setPin(s, '135790');
    // A reload: a new service over the same storage.
    const again = await auth.resumable();
    expect(again).toEqual({ userId: state.userId, username: 'konselor1' });
    const opened = await auth.unlockWithPin(state.userId, '135790');
    expect(opened.kind).toBe('ok');
    if (opened.kind === 'ok') expect(opened.session.refreshToken).toBe(s.refreshToken);
    clock += 12 * 3600_000;
    expect(await auth.resumable()).toBeNull();
    expect((await auth.unlockWithPin(state.userId, '135790')).kind).toBe('password_needed');
  });

  it('the_servers_pin_window_and_keep_period_are_kept_for_offline_unlocks', async () => {
    let clock = 1_000_000;
    const { auth, state } = await service(() => clock);
    state.extra = { pin_window_seconds: 2 * 3600, keep_answered_seconds: 7 * 86400 };
    const s = await auth.login('konselor1', 'rahasia');
    expect(s.keepAnsweredMs).toBe(7 * 86400_000);
    await auth.setPin(s, '135790');
    clock += 2 * 3600_000 - 1;
    expect(await auth.resumable()).not.toBeNull();
    const opened = await auth.unlockWithPin(state.userId, '135790');
    expect(opened.kind === 'ok' && opened.session.keepAnsweredMs).toBe(7 * 86400_000);
    clock += 1;
    expect(await auth.resumable()).toBeNull();
  });

  it('five_wrong_pins_counted_in_storage_destroy_the_pin_wrap', async () => {
    const { auth, state, db } = await service();
    const s = await auth.login('konselor1', 'rahasia');
    await auth.setPin(s, '135790');
    for (let i = 1; i <= 4; i++) {
      // Each try is a fresh service: counting lives in storage, not in memory.
      const fresh = new AuthService(db, fakeApi().api, { iterations: 1000 });
      expect(await fresh.unlockWithPin(state.userId, '000000')).toEqual({
        kind: 'wrong',
        triesLeft: 5 - i,
      });
    }
    expect((await auth.unlockWithPin(state.userId, '135790')).kind).toBe('ok');
    for (let i = 0; i < 4; i++) await auth.unlockWithPin(state.userId, '000000');
    expect(await auth.unlockWithPin(state.userId, '000000')).toEqual({ kind: 'locked_out' });
    expect(await auth.hasPin(state.userId)).toBe(false);
    expect((await auth.unlockWithPin(state.userId, '135790')).kind).toBe('locked_out');
    state.online = false;
    expect((await auth.login('konselor1', 'rahasia')).user.id).toBe(state.userId);
  });

  it('ten_wrong_offline_passwords_destroy_the_vault', async () => {
    const { auth, state, db } = await service();
    const s = await auth.login('konselor1', 'rahasia');
    const store = new DexieStore(s.user.id, Date.now, undefined, s.key);
    await store.save('client', 'c1', { facility_id: 'f', full_name: 'X' }, formatHlc(1, 0, 'd'));
    store.close();
    state.online = false;
    for (let i = 0; i < 9; i++) {
      await expect(auth.login('konselor1', 'salah')).rejects.toEqual(
        new LoginError('bad_credentials', {}, null, 9 - i),
      );
    }
    // A right password resets the count.
    await auth.login('konselor1', 'rahasia');
    for (let i = 0; i < 9; i++) await auth.login('konselor1', 'salah').catch(() => undefined);
    await expect(auth.login('konselor1', 'salah')).rejects.toEqual(
      new LoginError('vault_destroyed'),
    );
    expect(await db.accounts.get(state.userId)).toBeUndefined();
    expect(await new DexieStore(s.user.id).pendingCount()).toBe(0);
    await expect(auth.login('konselor1', 'rahasia')).rejects.toEqual(
      new LoginError('offline_unknown'),
    );
  });
});
