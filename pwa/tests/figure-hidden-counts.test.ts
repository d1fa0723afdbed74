import { describe, expect, it } from 'vitest';
import { chartValue, formatNumber } from '../src/client/views/supervisor/figure-format';

// An official's figures hide counts from 1 to 4 as "< 5" (server/services/disclosure.py).
describe('hidden small counts', () => {
  it('are_written_as_the_server_hid_them', () => {
    expect(formatNumber('< 5', 'id')).toBe('< 5');
    expect(formatNumber(43404, 'id')).toBe('43.404');
  });

  it('are_a_gap_in_a_chart_never_a_made_up_bar', () => {
    expect([12, '< 5', 0].map(chartValue)).toEqual([12, null, 0]);
  });
});
