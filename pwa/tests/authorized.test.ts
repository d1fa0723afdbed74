import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError } from '../src/client/api';
import { AuthLostError, authorized, DeviceRevokedError } from '../src/client/authorized';
import { countingAuth } from './fakes';

const unauthorized = () => new HttpError(401, { status: 401 });
const revoked = () =>
  new HttpError(401, { status: 401, type: 'https://pulih.example/problems/device-revoked' });

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
    const auth = countingAuth();
    const seen: (string | null)[] = [];
    expect(await authorized(auth, request(seen))).toBe('ok');
    expect(seen).toEqual(['t1', 't2']);
    expect(auth.refreshes).toBe(1);
  });

  it('parallel calls through one port share one refresh (the sync loop and a staff view alike)', async () => {
    const auth = countingAuth();
    const seen: (string | null)[] = [];
    const answers = await Promise.all([1, 2, 3].map(() => authorized(auth, request(seen))));
    expect(answers).toEqual(['ok', 'ok', 'ok']);
    expect(auth.refreshes).toBe(1);
  });

  it('a refused refresh, or a 401 after it, means logging in again', async () => {
    const refused = countingAuth(unauthorized());
    await expect(authorized(refused, request([]))).rejects.toBeInstanceOf(AuthLostError);
    const stillRefused = countingAuth();
    await expect(authorized(stillRefused, request([], 'never'))).rejects.toBeInstanceOf(
      AuthLostError,
    );
    expect(stillRefused.refreshes).toBe(1);
  });

  it('a refresh that fails on the network keeps its error, so the loop retries later', async () => {
    const auth = countingAuth(new NetworkError());
    await expect(authorized(auth, request([]))).rejects.toBeInstanceOf(NetworkError);
  });

  it('a revoked device is reported as such, before or during a refresh', async () => {
    await expect(
      authorized(countingAuth(), async () => {
        throw revoked();
      }),
    ).rejects.toBeInstanceOf(DeviceRevokedError);
    await expect(authorized(countingAuth(revoked()), request([]))).rejects.toBeInstanceOf(
      DeviceRevokedError,
    );
  });
});
