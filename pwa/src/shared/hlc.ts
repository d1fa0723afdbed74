// Hybrid logical clock: `${wall_ms padded to 13}-${counter as 4 hex}-${node}`.
// Invariant: every value returned by now() or receive() is strictly greater than every value
// this clock returned or received before, compared as strings (the padding makes that work).

export interface HlcState {
  wall: number;
  counter: number;
}

const MAX_COUNTER = 0xffff;

/** Format an HLC timestamp in the wire form. */
export function formatHlc(wall: number, counter: number, node: string): string {
  return `${String(wall).padStart(13, '0')}-${counter.toString(16).padStart(4, '0')}-${node}`;
}

/** Parse a wire HLC string; throws on a malformed one. */
export function parseHlc(value: string): { wall: number; counter: number; node: string } {
  const match = /^(\d{13})-([0-9a-f]{4})-(.+)$/.exec(value);
  if (!match) throw new Error(`malformed hlc: ${value}`);
  return {
    wall: Number(match[1]),
    counter: parseInt(match[2] as string, 16),
    node: match[3] as string,
  };
}

export class Hlc {
  private state: HlcState;

  constructor(
    readonly node: string,
    private readonly physicalNow: () => number,
    initial: HlcState = { wall: 0, counter: 0 },
  ) {
    this.state = { ...initial };
  }

  /** A timestamp for a local event. */
  now(): string {
    const physical = this.physicalNow();
    if (physical > this.state.wall) {
      this.state = { wall: physical, counter: 0 };
    } else {
      this.bump(this.state.wall, this.state.counter + 1);
    }
    return formatHlc(this.state.wall, this.state.counter, this.node);
  }

  /** Merge a timestamp seen from elsewhere, returning the new local timestamp. */
  receive(remote: string): string {
    const r = parseHlc(remote);
    const physical = this.physicalNow();
    const wall = Math.max(physical, this.state.wall, r.wall);
    let counter: number;
    if (wall === this.state.wall && wall === r.wall)
      counter = Math.max(this.state.counter, r.counter) + 1;
    else if (wall === this.state.wall) counter = this.state.counter + 1;
    else if (wall === r.wall) counter = r.counter + 1;
    else counter = 0;
    this.bump(wall, counter);
    return formatHlc(this.state.wall, this.state.counter, this.node);
  }

  /** The state to persist so a restarted app never goes backwards. */
  snapshot(): HlcState {
    return { ...this.state };
  }

  private bump(wall: number, counter: number): void {
    // The counter has 4 hex digits: on overflow borrow a millisecond rather than wrap around.
    this.state = counter > MAX_COUNTER ? { wall: wall + 1, counter: 0 } : { wall, counter };
  }
}
