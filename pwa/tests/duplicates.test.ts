import { describe, expect, it } from 'vitest';
import {
  clientNumbers,
  findLikelyDuplicates,
  levenshtein,
  normalizeName,
} from '../src/shared/duplicates';

const existing = [
  {
    id: 'a',
    registration_number: 'BI.123/2023',
    full_name: 'Muhammad Rizki',
    birth_date: '1995-03-04',
  },
  {
    id: 'b',
    registration_number: 'AII.7/2022',
    full_name: 'Siti Nurhaliza',
    birth_date: '1990-01-01',
  },
];

describe('duplicate warning', () => {
  it('normalizes_names', () => {
    expect(normalizeName('  Muhammad   RIZKÍ ')).toBe('muhammad rizki');
  });

  it('levenshtein', () => {
    expect(levenshtein('rizki', 'rizky')).toBe(1);
    expect(levenshtein('abc', 'abc')).toBe(0);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('a', 'abcdef', 2)).toBe(3);
  });

  it.each([
    [
      { registration_number: 'bi.123/2023 ', full_name: 'Someone Else' },
      [['a', 'registration_number']],
    ],
    [
      { registration_number: 'NEW', full_name: 'Muhamad Rizky', birth_date: '1995-03-04' },
      [['a', 'name_birth_date']],
    ],
    [
      { registration_number: 'NEW', full_name: 'MuhammadRizki', birth_date: '1995-03-04' },
      [['a', 'name_birth_date']],
    ],
    [{ registration_number: 'NEW', full_name: 'Muhammad Rizki', birth_date: '1995-03-05' }, []],
    [{ registration_number: 'NEW', full_name: 'Muhammad Rizki' }, []],
    [{ registration_number: 'NEW', full_name: 'Ahmad Fauzi', birth_date: '1995-03-04' }, []],
  ])('candidate %j matches %j', (candidate, expected) => {
    const found = findLikelyDuplicates({ id: 'new', ...candidate }, existing);
    expect(found.map((m) => [m.client.id, m.reason])).toEqual(expected);
  });

  it('a_client_is_not_its_own_duplicate', () => {
    expect(findLikelyDuplicates(existing[0]!, existing)).toEqual([]);
  });
});

// release and aftercare: a former number still marks a likely duplicate (sync.likely_duplicates)
describe('register history', () => {
  const known = {
    id: 'c1',
    registration_number: 'NEW-1',
    registration_history: [{ number: 'OLD-1', facility_id: 'f', from: null, until: '2024-01-01' }],
    full_name: 'Siti Aminah',
    birth_date: '1988-02-03',
  };
  it('lists_every_number_a_client_is_known_by', () => {
    expect(clientNumbers(known)).toEqual(['NEW-1', 'OLD-1']);
    expect(clientNumbers({ id: 'x', registration_number: ' R ' })).toEqual(['R']);
  });
  it('finds_a_duplicate_by_a_former_number', () => {
    const found = findLikelyDuplicates({ id: 'n', registration_number: 'old-1' }, [known]);
    expect(found.map((m) => m.reason)).toEqual(['registration_number']);
  });
});
