import { describe, expect, it } from 'vitest';
import { scoreText } from '../src/client/views/ClientPage';

describe('scoreText', () => {
  it('words_assist_scores_and_leaves_out_substances_that_scored_nothing', () => {
    const scores = {
      opioids: { score: 27, risk: 'high' },
      alcohol: { score: 12, risk: 'moderate' },
      cannabis: { score: 0, risk: 'low' },
    };
    expect(scoreText(scores, 'id')).toBe('Opioid 27 (Tinggi), Alkohol 12 (Sedang)');
  });

  it('keeps_other_scores_as_they_are', () => {
    expect(scoreText({ total: 84 }, 'id')).toBe('total: 84');
    expect(scoreText(null, 'id')).toBe('');
  });
});
