// The shared instrument vectors (tests/vectors/instruments.json at the repository root) against the
// PWA's scorer. pytest runs the same file against server/instruments
// (tests/server/test_instrument_vectors.py), so the scores a counselor sees while answering are
// the scores the server records.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFINITIONS,
  roundHalfAway,
  scoreAnswers,
  validateAnswers,
  type Answers,
} from '../src/shared/instruments';

interface ScoreVector {
  name: string;
  instrument: string;
  answers: Answers;
  scores: Record<string, unknown>;
}
interface InvalidVector {
  instrument: string;
  answers: unknown;
  fields: string[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../tests/vectors/instruments.json', import.meta.url), 'utf8'),
) as { scores: ScoreVector[]; invalid: InvalidVector[] };

const def = (name: string) => {
  const found = DEFINITIONS[name];
  if (!found) throw new Error(`no definition ${name}`);
  return found;
};

describe('instrument vectors: scores', () => {
  it.each(vectors.scores.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(validateAnswers(def(v.instrument), v.answers)).toEqual({});
    expect(scoreAnswers(def(v.instrument), v.answers)).toEqual(v.scores);
  });
});

describe('instrument vectors: invalid answers', () => {
  it.each(vectors.invalid.map((v) => [`${v.instrument}: ${v.fields.join(', ')}`, v] as const))(
    '%s',
    (_name, v) => {
      const errors = validateAnswers(def(v.instrument), v.answers);
      expect(Object.keys(errors).sort()).toEqual([...v.fields].sort());
    },
  );
});

describe('roundHalfAway', () => {
  it('rounds_half_away_from_zero_like_the_server', () => {
    expect(roundHalfAway({ n: 46875, d: 1000 }, 2)).toBe(46.88);
    expect(roundHalfAway({ n: -46875, d: 1000 }, 2)).toBe(-46.88);
    expect(roundHalfAway({ n: 1, d: 3 }, 2)).toBe(0.33);
    expect(roundHalfAway({ n: 9, d: 8 }, 3)).toBe(1.125);
    expect(roundHalfAway({ n: -1, d: 8 }, 2)).toBe(-0.13);
  });
});

describe('definitions', () => {
  it('every_instrument_of_the_vocabulary_is_defined', async () => {
    const { INSTRUMENTS } = await import('../src/shared/rules.generated');
    expect(Object.keys(DEFINITIONS).sort()).toEqual([...INSTRUMENTS].sort());
  });
});
