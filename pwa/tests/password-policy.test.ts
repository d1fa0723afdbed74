// The user form's password check agrees with the server's policy (tests/server/test_hardening.py).
import { describe, expect, it } from 'vitest';
import { passwordProblems } from '../src/client/views/admin/password-policy';

describe('password policy', () => {
  it.each([
    ['aaaaaaaaaa', /12/],
    ['aaaaaaaaaaaa', /mudah ditebak/],
    ['1234567890ab', /mudah ditebak/],
    ['password1234', /mudah ditebak/],
    ['petugas.baru0000', /nama/],
  ])('refuses %s', async (password, why) => {
    const problems = await passwordProblems(password, ['petugas.baru', 'Petugas Baru']);
    expect(problems.join(' ')).toMatch(why);
  });

  it('takes a long phrase of unrelated words', async () => {
    expect(await passwordProblems('pohon-jambu-di-blok-c', ['petugas.baru'])).toEqual([]);
  });
});
