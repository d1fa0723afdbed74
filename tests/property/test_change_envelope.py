"""The push's fast check of a change's envelope agrees with the ChangeIn schema, always.

`well_formed_change` answers for the shape devices send without marshmallow's per-field cost;
whenever it answers, ChangeIn must accept the change and load exactly the same values, and a
change ChangeIn refuses must never pass it.
"""

from __future__ import annotations

import uuid
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings
from marshmallow import ValidationError

from server.models.records import WRITABLE_ENTITIES
from server.schemas.rules import ID_MAX
from server.schemas.sync import ChangeIn, well_formed_change
from server.services.push.check import change_from_schema
from sync import Change

anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children)
    ),
    max_leaves=6,
)
ids = st.one_of(
    st.sampled_from(["", "a\x00b", "\ud800", "x" * ID_MAX, "x" * (ID_MAX + 1)]),
    st.text(max_size=ID_MAX + 2),
    anything,
)
clocks = st.one_of(
    st.none(),
    st.builds(lambda ms, n: f"{ms}-{n:04d}-node", st.integers(0, 2**45), st.integers(0, 9999)),
    st.sampled_from(["", "garbage", "1700000000000-0000-" + "n" * 70, "1-0-\x00"]),
    anything,
)
field_maps = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["full_name", "note_data", "a\x00", "\udfff", ""]), anything),
    anything,
)


VALID = {
    "change_id": st.uuids().map(str),
    "entity": st.sampled_from(sorted(WRITABLE_ENTITIES)),
    "id": st.uuids().map(str),
    "op": st.sampled_from(["upsert", "delete"]),
    "base_version": st.none() | st.integers(0, 9),
    "fields": st.just({"note_data": "Hadir."}),
    "hlc": st.none() | clocks,
    "replay": st.booleans(),
}
WRONG = {
    "change_id": ids,
    "entity": st.just("x") | anything,
    "id": ids,
    "op": st.just("UPSERT") | anything,
    "base_version": st.sampled_from([-2, -1, 2**31 - 1, 2**31, True, 1.0]) | anything,
    "fields": field_maps,
    "hlc": clocks,
    "replay": anything,
}


@st.composite
def raw_changes(draw: Any) -> dict[str, Any]:
    """A change as devices send it, then one or two of its keys made wrong, or dropped."""
    change = {key: draw(strategy) for key, strategy in VALID.items()}
    for key in draw(st.lists(st.sampled_from(sorted(VALID)), max_size=2, unique=True)):
        if draw(st.booleans()):
            change[key] = draw(WRONG[key])
        else:
            del change[key]
    if draw(st.booleans()):
        change["later_key"] = draw(anything)  # later protocol versions may add keys
    return change


def _loaded(raw: dict[str, Any]) -> Change | None:
    """The Change the schema's path reads, or None where ChangeIn refuses it."""
    try:
        return change_from_schema(ChangeIn().load(raw))
    except ValidationError:
        return None


@settings(max_examples=600, deadline=None)
@given(raw_changes())
def test_the_fast_check_never_disagrees_with_the_schema(raw: dict[str, Any]) -> None:
    fast = well_formed_change(raw)
    if fast is not None:
        assert _loaded(raw) == fast


BOUNDARIES = {
    "change_id": ["", "a\x00b", "\ud800", "x" * ID_MAX, "x" * (ID_MAX + 1), 7, None, ["a"]],
    "id": ["", "a\x00b", "\udfff", "x" * ID_MAX, "x" * (ID_MAX + 1), 7, None, {"a": 1}],
    "entity": ["x", "facility", "", None, 1, ["session"]],
    "op": ["UPSERT", "", None, 0, ["delete"]],
    "base_version": [-1, 0, 2**31 - 1, 2**31, True, False, 1.0, "1", None],
    "fields": [None, [], "x", {"a\x00": 1}, {"\ud800": 1}, {"": 1}, {"a": None}],
    "hlc": ["", "x", "1-0-n" + "n" * 80, "1700000000000-0000-n\x00", 5, None],
    "replay": [None, 0, 1, "true", True, False],
}


@pytest.mark.parametrize(
    ("key", "value"), [(k, v) for k, values in BOUNDARIES.items() for v in values]
)
@pytest.mark.parametrize("op", ["upsert", "delete"])
def test_one_key_at_its_boundary_gets_the_schemas_answer(key: str, value: Any, op: str) -> None:
    raw = {
        "change_id": str(uuid.uuid4()),
        "entity": "session",
        "id": str(uuid.uuid4()),
        "op": op,
        "base_version": 2,
        "fields": {"note_data": "Hadir."},
        "hlc": "1700000000000-0000-node",
    } | {key: value}
    fast = well_formed_change(raw)
    assert fast is None or fast == _loaded(raw)
    if _loaded(raw) is None:
        assert fast is None


def test_the_fast_check_answers_for_what_devices_send() -> None:
    raw = {
        "change_id": str(uuid.uuid4()),
        "entity": "session",
        "id": str(uuid.uuid4()),
        "op": "upsert",
        "base_version": None,
        "fields": {"note_data": "Hadir."},
        "hlc": "1700000000000-0000-node",
    }
    assert well_formed_change(raw) == _loaded(raw)
    assert well_formed_change(raw | {"op": "delete", "fields": None, "base_version": 3}) is not None
