"""The wire types: validation with errors per field, and round trips."""

from typing import Any

import pytest

from sync.changes import Change, ConflictKind, PulledChange, Result, Status
from sync.errors import InvalidChange, SyncError

GOOD: dict[str, Any] = {
    "change_id": "c1",
    "entity": "session",
    "id": "s1",
    "op": "upsert",
    "base_version": 3,
    "fields": {"note_plan": "call family"},
    "hlc": "1700000000000-0000-dev1",
}


def test_change_reads_and_writes_the_wire_form() -> None:
    change = Change.from_wire(GOOD)
    assert change == Change(
        "c1", "session", "s1", "upsert", 3, {"note_plan": "call family"}, GOOD["hlc"]
    )
    assert change.to_wire() == GOOD


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"base_version": None, "hlc": None}, {"base_version": None, "hlc": None}),
        ({"op": "delete", "fields": None}, {"op": "delete", "fields": {}}),
        ({"op": "delete", "fields": {}}, {"op": "delete", "fields": {}}),
        ({"extra": "ignored"}, {}),
    ],
)
def test_change_accepts_optional_and_extra_parts(
    patch: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert Change.from_wire({**GOOD, **patch}).to_wire() == {**GOOD, **expected}


@pytest.mark.parametrize(
    ("patch", "errors"),
    [
        ({"change_id": ""}, {"change_id": ["must be a non-empty string"]}),
        ({"entity": 7}, {"entity": ["must be a non-empty string"]}),
        ({"id": None}, {"id": ["must be a non-empty string"]}),
        ({"op": "patch"}, {"op": ["must be 'upsert' or 'delete'"]}),
        ({"base_version": -1}, {"base_version": ["must be a non-negative integer or null"]}),
        ({"base_version": True}, {"base_version": ["must be a non-negative integer or null"]}),
        ({"base_version": "3"}, {"base_version": ["must be a non-negative integer or null"]}),
        ({"fields": None}, {"fields": ["must be an object with string keys"]}),
        ({"fields": ["a"]}, {"fields": ["must be an object with string keys"]}),
        ({"fields": {1: "a"}}, {"fields": ["must be an object with string keys"]}),
        (
            {"hlc": "yesterday"},
            {"hlc": ["must be a clock like '1700000000000-0000-node', or null"]},
        ),
        (
            {"change_id": 1, "op": None},
            {"change_id": ["must be a non-empty string"], "op": ["must be 'upsert' or 'delete'"]},
        ),
    ],
)
def test_change_reports_every_bad_field(
    patch: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    with pytest.raises(InvalidChange) as raised:
        Change.from_wire({**GOOD, **patch})
    assert raised.value.errors == errors


@pytest.mark.parametrize("data", [None, [], "change", 3, {1: "x"}])
def test_change_that_is_not_an_object_is_a_schema_error(data: object) -> None:
    with pytest.raises(InvalidChange) as raised:
        Change.from_wire(data)
    assert raised.value.errors == {"_schema": ["expected an object"]}
    assert isinstance(raised.value, SyncError)


@pytest.mark.parametrize(
    "result",
    [
        Result("c1", Status.APPLIED, "s1", 4),
        Result("c2", Status.CONFLICT, "s1", 5, "k1"),
        Result("c3", Status.REJECTED, "s1", None, None, {"fields": ["locked"]}),
    ],
)
def test_result_round_trips(result: Result) -> None:
    wire = result.to_wire()
    assert set(wire) == {"change_id", "status", "id", "version", "conflict_id", "errors"}
    assert Result.from_wire(wire) == result


def test_result_writes_its_status_as_a_plain_string() -> None:
    wire = Result("c1", Status.MERGED, "s1", 4).to_wire()
    assert wire["status"] == "merged"
    assert type(wire["status"]) is str


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"status": "done"}, "status"),
        ({"version": "4"}, "version"),
        ({"conflict_id": 9}, "conflict_id"),
        ({"errors": {"a": "not a list"}}, "errors"),
    ],
)
def test_result_reports_a_bad_field(patch: dict[str, Any], field: str) -> None:
    wire = {**Result("c1", Status.APPLIED, "s1", 4).to_wire(), **patch}
    with pytest.raises(InvalidChange) as raised:
        Result.from_wire(wire)
    assert list(raised.value.errors) == [field]


@pytest.mark.parametrize(
    "pulled",
    [
        PulledChange("client", "k1", 2, False, {"full_name": "Budi", "version": 2}),
        PulledChange("client", "k1", 3, True, {}),
    ],
)
def test_pulled_change_round_trips(pulled: PulledChange) -> None:
    assert PulledChange.from_wire(pulled.to_wire()) == pulled


@pytest.mark.parametrize(
    ("patch", "field"),
    [({"version": None}, "version"), ({"deleted": "no"}, "deleted"), ({"record": []}, "record")],
)
def test_pulled_change_reports_a_bad_field(patch: dict[str, Any], field: str) -> None:
    wire = {**PulledChange("client", "k1", 2, False, {}).to_wire(), **patch}
    with pytest.raises(InvalidChange) as raised:
        PulledChange.from_wire(wire)
    assert list(raised.value.errors) == [field]


def test_enums_are_the_wire_words() -> None:
    assert [s.value for s in Status] == ["applied", "merged", "conflict", "rejected"]
    assert [k.value for k in ConflictKind] == ["field", "delete", "locked", "duplicate"]


@pytest.mark.parametrize("op", [["upsert"], {"x": 1}, 3, None, True])
def test_change_with_an_op_of_any_other_type_is_invalid(op: object) -> None:
    wire = {
        "change_id": "c1",
        "entity": "client",
        "id": "r1",
        "op": op,
        "base_version": None,
        "fields": {},
    }
    with pytest.raises(InvalidChange) as raised:
        Change.from_wire(wire)
    assert "op" in raised.value.errors
