import { describe, expect, it } from 'vitest';
import type { Summary } from '../src/client/staff-api';
import { chartSpec } from '../src/client/views/supervisor/Figures';
import { PALETTE } from '../src/client/views/supervisor/charts';
import { sessionSeries } from '../src/client/views/supervisor/figure-format';

const months = (n: number) => Array.from({ length: 12 }, (_, m) => (m === 0 ? n : 0));

describe('figure colours and series', () => {
  it('high_assist_risk_is_vermillion_never_green', () => {
    const s = {
      assist_risk_at_intake: {
        clients: 3,
        by_substance: { opioids: { low: 1, moderate: 1, high: 1 } },
      },
    } as unknown as Summary;
    const spec = chartSpec(s, 'assist_risk_at_intake', 'id');
    const colours = Object.fromEntries(spec!.datasets.map((d) => [d.label, d.color]));
    expect(colours).toEqual({ Rendah: '#009E73', Sedang: '#E69F00', Tinggi: '#D55E00' });
  });

  it('sessions_chart_keeps_the_four_biggest_kinds_and_sums_the_rest', () => {
    const byKind = {
      individual: months(9),
      group: months(7),
      family: months(5),
      seminar: months(4),
      medical: months(2),
      vocational: months(1),
      screening: months(0),
    };
    const series = sessionSeries(byKind);
    expect(series.map((x) => x.kind)).toEqual(['individual', 'group', 'family', 'seminar', null]);
    expect(series[4]!.counts[0]).toBe(3);
    expect(series.length).toBeLessThanOrEqual(PALETTE.length);
    // Few kinds: each its own series, the empty ones left out.
    expect(sessionSeries({ group: months(1), family: months(0) }).map((x) => x.kind)).toEqual([
      'group',
    ]);
  });
});
