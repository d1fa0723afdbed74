import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError } from '../src/client/api';
import {
  AuthLostError,
  authorized,
  DeviceRevokedError,
  type AuthPort,
} from '../src/client/authorized';

const unauthorized = () => new HttpError(401, { status: 401 });
const revoked = () =>
  new HttpError(401, { status: 401, type: 'https://pulih.example/problems/device-revoked' });

/** Tokens "t1", "t2", … : each refresh hands out the next one, or fails with `refuse`. */
function fakeAuth(refuse?: Error): AuthPort & { refreshes: number } {
  let n = 1;
  return {
    refreshes: 0,
    accessToken: () => `t${n}`,
    async refresh() {
      this.refreshes += 1;
      await Promise.resolve();
      if (refuse) throw refuse;
      n += 1;
    },
  };
}

/** A request that accepts only `valid` tokens and records the ones it saw. */
function request(seen: (string | null)[], valid = 't2') {
  return async (token: string | null) => {
    seen.push(token);
    if (token !== valid) throw unauthorized();
    return 'ok';
  };
}

describe('authorized', () => {
  it('refreshes once on a 401 and retries with the fresh token', async () => {
    const auth = fakeAuth();
    const seen: (string | null)[] = [];
    expect(await authorized(auth, request(seen))).toBe('ok');
    expect(seen).toEqual(['t1', 't2']);
    expect(auth.refreshes).toBe(1);
  });

  it('parallel calls through one port share one refresh (the sync loop and a staff view alike)', async () => {
    const auth = fakeAuth();
    const seen: (string | null)[] = [];
    const answers = await Promise.all([1, 2, 3].map(() => authorized(auth, request(seen))));
    expect(answers).toEqual(['ok', 'ok', 'ok']);
    expect(auth.refreshes).toBe(1);
  });

  it('a refused refresh, or a 401 after it, means logging in again', async () => {
    const refused = fakeAuth(unauthorized());
    await expect(authorized(refused, request([]))).rejects.toBeInstanceOf(AuthLostError);
    const stillRefused = fakeAuth();
    await expect(authorized(stillRefused, request([], 'never'))).rejects.toBeInstanceOf(
      AuthLostError,
    );
    expect(stillRefused.refreshes).toBe(1);
  });

  it('a refresh that fails on the network keeps its error, so the loop retries later', async () => {
    const auth = fakeAuth(new NetworkError());
    await expect(authorized(auth, request([]))).rejects.toBeInstanceOf(NetworkError);
  });

  it('a revoked device is reported as such, before or during a refresh', async () => {
    await expect(
      authorized(fakeAuth(), async () => {
        throw revoked();
      }),
    ).rejects.toBeInstanceOf(DeviceRevokedError);
    await expect(authorized(fakeAuth(revoked()), request([]))).rejects.toBeInstanceOf(
      DeviceRevokedError,
    );
  });
});
