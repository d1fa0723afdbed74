"""Line-based three-way merge of free text, symmetric in its two sides.

Theory of operation: each side is diffed against the base into hunks (a base line range and
the lines that replace it). Hunks of the two sides that touch the same base lines are grouped
into clusters; a cluster changed by one side only takes that side, a cluster both sides made
equal is taken once, two different insertions at one base position are both kept (sorted, so
the result does not depend on which side is which), and anything else is a conflict.
Only "\\n" ends a line; a missing final newline is merged as one more three-way bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

Lines = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TextMerge:
    """A merged text; when not `clean`, `text` keeps both sides (ours, then theirs) instead."""

    text: str
    clean: bool


@dataclass(frozen=True, slots=True)
class _Hunk:
    side: int  # 0 = ours, 1 = theirs
    start: int
    end: int
    lines: Lines


def merge_text(base: str, ours: str, theirs: str) -> TextMerge:
    """Merge the edits `ours` and `theirs` each made to `base`."""
    base_lines, base_nl = _split(base)
    our_lines, our_nl = _split(ours)
    their_lines, their_nl = _split(theirs)
    hunks = _hunks(0, base_lines, our_lines) + _hunks(1, base_lines, their_lines)
    out: list[str] = []
    clean = True
    pos = 0
    for lo, hi, cluster in _clusters(hunks):
        out.extend(base_lines[pos:lo])
        merged, ok = _resolve(base_lines, lo, hi, cluster)
        out.extend(merged)
        clean = clean and ok
        pos = hi
    out.extend(base_lines[pos:])
    # The final newline merges like a field: the side that changed it wins.
    final_nl = their_nl if our_nl == base_nl else our_nl
    text = "".join(out)
    if text and not final_nl:
        text = text[:-1]
    return TextMerge(text, clean)


def _split(text: str) -> tuple[Lines, bool]:
    """Return the lines of `text`, each ending in a newline, and whether `text` itself did."""
    if not text:
        return (), True
    ends_with_newline = text.endswith("\n")
    parts = text.split("\n")
    if ends_with_newline:
        parts.pop()
    return tuple(part + "\n" for part in parts), ends_with_newline


def _hunks(side: int, base: Lines, other: Lines) -> list[_Hunk]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        _Hunk(side, i1, i2, other[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _touch(a: _Hunk, b: _Hunk) -> bool:
    """Whether two hunks of different sides change the same base lines."""
    a_inserts, b_inserts = a.start == a.end, b.start == b.end
    if a_inserts and b_inserts:
        return a.start == b.start
    if a_inserts:
        return b.start < a.start < b.end
    if b_inserts:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _clusters(hunks: list[_Hunk]) -> list[tuple[int, int, list[_Hunk]]]:
    """Group touching hunks; return (base start, base end, hunks) in base order."""
    group = list(range(len(hunks)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i, a in enumerate(hunks):
        for j in range(i + 1, len(hunks)):
            if a.side != hunks[j].side and _touch(a, hunks[j]):
                group[root(j)] = root(i)
    members: dict[int, list[_Hunk]] = {}
    for i, hunk in enumerate(hunks):
        members.setdefault(root(i), []).append(hunk)
    clusters = [(min(h.start for h in hs), max(h.end for h in hs), hs) for hs in members.values()]
    # At one base position an insertion sorts before a change that starts there.
    return sorted(clusters, key=lambda c: (c[0], c[1]))


def _resolve(base: Lines, lo: int, hi: int, cluster: list[_Hunk]) -> tuple[Lines, bool]:
    ours = _apply(base, lo, hi, [h for h in cluster if h.side == 0])
    theirs = _apply(base, lo, hi, [h for h in cluster if h.side == 1])
    sides = {h.side for h in cluster}
    if sides == {0}:
        return ours, True
    if sides == {1} or ours == theirs:
        return theirs, True
    if lo == hi:
        first, second = sorted((ours, theirs), key="".join)
        return first + second, True
    return ours + theirs, False


def _apply(base: Lines, lo: int, hi: int, hunks: list[_Hunk]) -> Lines:
    out: list[str] = []
    pos = lo
    for hunk in sorted(hunks, key=lambda h: h.start):
        out.extend(base[pos : hunk.start])
        out.extend(hunk.lines)
        pos = hunk.end
    out.extend(base[pos:hi])
    return tuple(out)
