"""Hybrid logical clock: wall time in ms, a counter, and the node that ticked it.

The wire form ``f"{wall_ms:013d}-{counter:04x}-{node}"`` sorts as text exactly as the clocks
sort as tuples ``(wall_ms, counter, node)``. The wall clock is always passed in, never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from sync.errors import InvalidClock

MAX_WALL_MS: Final = 10**13 - 1
MAX_COUNTER: Final = 0xFFFF

_WALL = re.compile(r"[0-9]{13}")
_COUNTER = re.compile(r"[0-9a-f]{4}")


@dataclass(frozen=True, order=True, slots=True)
class Hlc:
    """One reading of a hybrid logical clock; ordered by (wall_ms, counter, node)."""

    wall_ms: int
    counter: int
    node: str

    def __post_init__(self) -> None:
        if isinstance(self.wall_ms, bool) or not 0 <= self.wall_ms <= MAX_WALL_MS:
            raise InvalidClock(f"wall time out of range: {self.wall_ms!r}")
        if isinstance(self.counter, bool) or not 0 <= self.counter <= MAX_COUNTER:
            raise InvalidClock(f"counter out of range: {self.counter!r}")
        if not self.node or not self.node.isprintable():
            raise InvalidClock(f"node must be printable and non-empty: {self.node!r}")

    def format(self) -> str:
        """Return the sortable wire form, e.g. ``1700000000000-0000-dev1``."""
        return f"{self.wall_ms:013d}-{self.counter:04x}-{self.node}"

    def __str__(self) -> str:
        return self.format()

    @classmethod
    def parse(cls, text: str) -> Hlc:
        """Read the wire form; the node may itself contain dashes (a UUID)."""
        parts = text.split("-", 2) if isinstance(text, str) else []
        if len(parts) != 3 or not _WALL.fullmatch(parts[0]) or not _COUNTER.fullmatch(parts[1]):
            raise InvalidClock(f"not a clock: {text!r}")
        return cls(int(parts[0]), int(parts[1], 16), parts[2])


def tick(clock: Hlc, now_ms: int) -> Hlc:
    """Advance `clock` for a local event or a send at wall time `now_ms`."""
    if now_ms > clock.wall_ms:
        return Hlc(now_ms, 0, clock.node)
    return _carry(clock.wall_ms, clock.counter + 1, clock.node)


def receive(clock: Hlc, remote: Hlc, now_ms: int) -> Hlc:
    """Advance `clock` past both itself and a `remote` clock received at wall time `now_ms`."""
    wall = max(clock.wall_ms, remote.wall_ms, now_ms)
    if wall == clock.wall_ms == remote.wall_ms:
        counter = max(clock.counter, remote.counter) + 1
    elif wall == clock.wall_ms:
        counter = clock.counter + 1
    elif wall == remote.wall_ms:
        counter = remote.counter + 1
    else:
        counter = 0
    return _carry(wall, counter, clock.node)


def _carry(wall_ms: int, counter: int, node: str) -> Hlc:
    # A full counter carries into the wall time: the clock stays monotonic and runs 1 ms ahead.
    if counter > MAX_COUNTER:
        return Hlc(wall_ms + 1, 0, node)
    return Hlc(wall_ms, counter, node)


def is_clock(value: object) -> bool:
    """Whether value is a clock `Hlc.parse` reads."""
    if not isinstance(value, str):
        return False
    try:
        Hlc.parse(value)
    except InvalidClock:
        return False
    return True
