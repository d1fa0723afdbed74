import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError, type AuthApi } from '../src/client/api';
import {
  AuthService,
  checkVerifier,
  LoginError,
  makeVerifier,
  mapLoginError,
  PinLock,
} from '../src/client/auth';
import { AuthDb } from '../src/client/db';
import { DexieStore } from '../src/client/store';
import { formatHlc } from '../src/shared/hlc';
import { uuid4 } from '../src/shared/ids';
import type { TokenPair } from '../src/shared/types';

function fakeApi(password = 'rahasia') {
  const state = { online: true, calls: [] as string[], userId: uuid4() };
  const pair = (): TokenPair => ({
    access_token: `a-${state.calls.length}`,
    refresh_token: `r-${state.calls.length}`,
    expires_in: 900,
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

async function service() {
  const db = new AuthDb();
  await db.accounts.clear();
  await db.settings.clear();
  const { api, state } = fakeApi();
  return { auth: new AuthService(db, api, { iterations: 1000, deviceName: 'test' }), state, db };
}

describe('auth', () => {
  it('verifier_checks_the_password_without_storing_it', async () => {
    const v = await makeVerifier('rahasia', 1000);
    expect(JSON.stringify(v)).not.toContain('rahasia');
    expect(await checkVerifier('rahasia', v)).toBe(true);
    expect(await checkVerifier('salah', v)).toBe(false);
  });

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
    expect(row?.refresh_token).toBe(online.refreshToken);
    expect(JSON.stringify(row)).not.toContain('rahasia');
    state.online = false;
    const offline = await auth.login('KONSELOR1', 'rahasia');
    expect(offline).toMatchObject({ offline: true, user: { id: state.userId } });
    await expect(auth.login('konselor1', 'salah')).rejects.toEqual(
      new LoginError('bad_credentials'),
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
    expect((await db.accounts.get(state.userId))?.refresh_token).toBe(s.refreshToken);
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
    const { auth, db, state } = await service();
    const s = await auth.login('konselor1', 'rahasia');
    await auth.logout(s);
    expect(state.calls).toContain('logout');
    expect((await db.accounts.get(state.userId))?.access_token).toBeNull();
    state.online = false;
    expect((await auth.login('konselor1', 'rahasia')).accessToken).toBeNull();
  });

  it('wipe_user_erases_records_tokens_and_leaves_a_notice', async () => {
    const { auth, db, state } = await service();
    const s = await auth.login('konselor1', 'rahasia');
    const store = new DexieStore(s.user.id);
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

describe('pin', () => {
  it('reopens_with_the_right_pin_and_locks_out_after_five_wrong', async () => {
    const pin = new PinLock();
    await pin.set('2468');
    expect(await pin.check('2468')).toBe('ok');
    for (let i = 0; i < 4; i++) expect(await pin.check('0000')).toBe('wrong');
    expect(pin.triesLeft).toBe(1);
    expect(await pin.check('0000')).toBe('locked_out');
    expect(await pin.check('2468')).toBe('locked_out');
    expect(pin.isSet).toBe(false);
  });
});
