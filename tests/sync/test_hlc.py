"""The hybrid logical clock: wire form, ordering, and monotonic tick/receive."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.errors import InvalidClock
from sync.hlc import MAX_COUNTER, MAX_WALL_MS, Hlc, receive, tick

walls = st.integers(min_value=0, max_value=MAX_WALL_MS - 1)
counters = st.integers(min_value=0, max_value=MAX_COUNTER)
nodes = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40
)
clocks = st.builds(Hlc, walls, counters, nodes)


@pytest.mark.parametrize(
    ("clock", "text"),
    [
        (Hlc(1700000000000, 0, "dev1"), "1700000000000-0000-dev1"),
        (Hlc(0, 0xFFFF, "n"), "0000000000000-ffff-n"),
        (
            Hlc(1700000000000, 10, "6f1c2a8e-3b1d-4c9e-9a7f-2d1e5b8c0a11"),
            "1700000000000-000a-6f1c2a8e-3b1d-4c9e-9a7f-2d1e5b8c0a11",
        ),
    ],
)
def test_clock_formats_and_parses_its_wire_form(clock: Hlc, text: str) -> None:
    assert str(clock) == clock.format() == text
    assert Hlc.parse(text) == clock


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1700000000000-0000",
        "1700000000000-0000-",
        "170000000000-0000-dev",
        "1700000000000-000g-dev",
        "1700000000000-00000-dev",
        "1700000000000-FFFF-dev",
        "+700000000000-0000-dev",
        "1700000000000_0000_dev",
        "1700000000000-0000-dev\n",
    ],
)
def test_parse_rejects_malformed_clock(text: str) -> None:
    with pytest.raises(InvalidClock):
        Hlc.parse(text)


@pytest.mark.parametrize(
    ("wall_ms", "counter", "node"),
    [(-1, 0, "n"), (MAX_WALL_MS + 1, 0, "n"), (0, -1, "n"), (0, MAX_COUNTER + 1, "n"), (0, 0, "")],
)
def test_clock_refuses_values_out_of_range(wall_ms: int, counter: int, node: str) -> None:
    with pytest.raises(InvalidClock):
        Hlc(wall_ms, counter, node)


@pytest.mark.parametrize(
    ("clock", "now_ms", "expected"),
    [
        (Hlc(100, 5, "a"), 200, Hlc(200, 0, "a")),
        (Hlc(100, 5, "a"), 100, Hlc(100, 6, "a")),
        (Hlc(100, 5, "a"), 50, Hlc(100, 6, "a")),
        (Hlc(100, MAX_COUNTER, "a"), 100, Hlc(101, 0, "a")),
    ],
)
def test_tick_follows_the_wall_clock_or_counts(clock: Hlc, now_ms: int, expected: Hlc) -> None:
    assert tick(clock, now_ms) == expected


@pytest.mark.parametrize(
    ("clock", "remote", "now_ms", "expected"),
    [
        (Hlc(100, 5, "a"), Hlc(90, 9, "b"), 200, Hlc(200, 0, "a")),
        (Hlc(100, 5, "a"), Hlc(90, 9, "b"), 50, Hlc(100, 6, "a")),
        (Hlc(100, 5, "a"), Hlc(150, 9, "b"), 50, Hlc(150, 10, "a")),
        (Hlc(100, 5, "a"), Hlc(100, 9, "b"), 50, Hlc(100, 10, "a")),
        (Hlc(100, 9, "a"), Hlc(100, 5, "b"), 100, Hlc(100, 10, "a")),
        (Hlc(100, 1, "a"), Hlc(100, MAX_COUNTER, "b"), 0, Hlc(101, 0, "a")),
    ],
)
def test_receive_moves_past_both_clocks(
    clock: Hlc, remote: Hlc, now_ms: int, expected: Hlc
) -> None:
    assert receive(clock, remote, now_ms) == expected


def test_clock_at_the_end_of_time_refuses_to_tick() -> None:
    with pytest.raises(InvalidClock):
        tick(Hlc(MAX_WALL_MS, MAX_COUNTER, "a"), 0)


@given(clocks)
def test_format_round_trips(clock: Hlc) -> None:
    assert Hlc.parse(clock.format()) == clock


@given(clocks, clocks)
def test_text_order_equals_tuple_order(a: Hlc, b: Hlc) -> None:
    assert (
        (str(a) < str(b))
        == (a < b)
        == ((a.wall_ms, a.counter, a.node) < (b.wall_ms, b.counter, b.node))
    )


@given(clocks, walls)
def test_tick_is_strictly_monotonic(clock: Hlc, now_ms: int) -> None:
    later = tick(clock, now_ms)
    assert later > clock
    assert later.wall_ms >= now_ms
    assert later.node == clock.node


@given(clocks, clocks, walls)
def test_receive_is_after_local_and_remote(clock: Hlc, remote: Hlc, now_ms: int) -> None:
    later = receive(clock, remote, now_ms)
    assert (later.wall_ms, later.counter) > (clock.wall_ms, clock.counter)
    assert (later.wall_ms, later.counter) > (remote.wall_ms, remote.counter)
    assert later.wall_ms >= now_ms
    assert later.node == clock.node
