import { describe, expect, it } from 'vitest';
import { formatHlc, Hlc, parseHlc } from '../src/shared/hlc';

const NODE = '11111111-1111-4111-8111-111111111111';

describe('hlc', () => {
  it('formats_wall_counter_and_node', () => {
    expect(formatHlc(1_700_000_000_000, 0, NODE)).toBe(`1700000000000-0000-${NODE}`);
    expect(formatHlc(5, 255, 'n')).toBe('0000000000005-00ff-n');
  });

  it('parses_what_it_formats', () => {
    expect(parseHlc(`1700000000000-002a-${NODE}`)).toEqual({
      wall: 1_700_000_000_000,
      counter: 42,
      node: NODE,
    });
    expect(() => parseHlc('nope')).toThrow();
  });

  it('now_follows_the_physical_clock_and_counts_within_a_millisecond', () => {
    let t = 1000;
    const c = new Hlc(NODE, () => t);
    expect(c.now()).toBe(formatHlc(1000, 0, NODE));
    expect(c.now()).toBe(formatHlc(1000, 1, NODE));
    t = 2000;
    expect(c.now()).toBe(formatHlc(2000, 0, NODE));
  });

  it('never_goes_backwards_when_the_clock_does', () => {
    let t = 5000;
    const c = new Hlc(NODE, () => t);
    const a = c.now();
    t = 1000;
    const b = c.now();
    expect(b > a).toBe(true);
    expect(parseHlc(b)).toMatchObject({ wall: 5000, counter: 1 });
  });

  it('receive_moves_past_a_remote_timestamp_from_the_future', () => {
    const c = new Hlc(NODE, () => 1000);
    const r = c.receive(formatHlc(9000, 7, 'other'));
    expect(parseHlc(r)).toMatchObject({ wall: 9000, counter: 8 });
    expect(c.now() > r).toBe(true);
  });

  it('resumes_from_a_snapshot', () => {
    const c = new Hlc(NODE, () => 10, { wall: 500, counter: 3 });
    expect(parseHlc(c.now())).toMatchObject({ wall: 500, counter: 4 });
    expect(c.snapshot()).toEqual({ wall: 500, counter: 4 });
  });

  it('counter_overflow_borrows_a_millisecond', () => {
    const c = new Hlc(NODE, () => 10, { wall: 500, counter: 0xffff });
    expect(parseHlc(c.now())).toMatchObject({ wall: 501, counter: 0 });
  });

  it('timestamps_sort_as_strings', () => {
    let t = 999;
    const c = new Hlc(NODE, () => t);
    const out: string[] = [];
    for (let i = 0; i < 20; i++) {
      if (i % 5 === 0) t += 1;
      out.push(c.now());
    }
    expect([...out].sort()).toEqual(out);
  });
});
