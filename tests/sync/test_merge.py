"""The field rules, the named conflict function, and record-level conflict kinds."""

from collections.abc import Mapping

import pytest

from sync.changes import ConflictKind, Op, Status
from sync.merge import (
    CONFLICT_KINDS,
    FIELD_RULES,
    FieldConflict,
    FieldOutcome,
    FieldSituation,
    MergeOutcome,
    RecordState,
    classify_change,
    field_situation,
    replayed_base,
    resolve_conflict,
)

NOTES = frozenset({"note_data", "note_assessment", "note_plan"})


def test_every_field_situation_has_a_rule() -> None:
    assert set(FIELD_RULES) == set(FieldSituation)
    assert FIELD_RULES == {
        FieldSituation.UNTOUCHED_BY_SERVER: FieldOutcome.TAKE_CLIENT,
        FieldSituation.SAME_VALUE: FieldOutcome.KEEP,
        FieldSituation.TEXT: FieldOutcome.TEXT_MERGE,
        FieldSituation.OTHER: FieldOutcome.CONFLICT,
    }


@pytest.mark.parametrize(
    ("name", "server", "client_value", "server_changed", "expected"),
    [
        ("kind", {"kind": "group"}, "individual", set(), FieldSituation.UNTOUCHED_BY_SERVER),
        ("kind", {"kind": "group"}, "group", {"kind"}, FieldSituation.SAME_VALUE),
        ("note_plan", {"note_plan": "a"}, "b", {"note_plan"}, FieldSituation.TEXT),
        ("note_plan", {"note_plan": None}, "b", {"note_plan"}, FieldSituation.TEXT),
        ("note_plan", {"note_plan": "a"}, 3, {"note_plan"}, FieldSituation.OTHER),
        ("kind", {"kind": "group"}, "individual", {"kind"}, FieldSituation.OTHER),
    ],
)
def test_field_situation(
    name: str,
    server: Mapping[str, object],
    client_value: object,
    server_changed: set[str],
    expected: FieldSituation,
) -> None:
    situation = field_situation(
        name, server, client_value, server_changed=server_changed, text_fields=NOTES
    )
    assert situation is expected


BASE = {"kind": "individual", "duration_minutes": 45, "note_plan": "a\nb\nc\n"}

RESOLVE = [
    # (case, server, client, server_changed, expected outcome)
    (
        "nothing changed on the server: applied",
        BASE,
        {"duration_minutes": 60},
        set(),
        MergeOutcome({"duration_minutes": 60}, {}, Status.APPLIED),
    ),
    (
        "server changed another field: client field taken, merged",
        {**BASE, "kind": "family"},
        {"duration_minutes": 60},
        {"kind"},
        MergeOutcome({"duration_minutes": 60}, {}, Status.MERGED),
    ),
    (
        "both set the same value: kept, merged",
        {**BASE, "duration_minutes": 60},
        {"duration_minutes": 60},
        {"duration_minutes"},
        MergeOutcome({}, {}, Status.MERGED),
    ),
    (
        "both edited a note in different places: text merged",
        {**BASE, "note_plan": "A\nb\nc\n"},
        {"note_plan": "a\nb\nC\n"},
        {"note_plan"},
        MergeOutcome({"note_plan": "A\nb\nC\n"}, {}, Status.MERGED),
    ),
    (
        "both edited the same line of a note: conflict",
        {**BASE, "note_plan": "a\nX\nc\n"},
        {"note_plan": "a\nY\nc\n", "kind": "family"},
        {"note_plan"},
        MergeOutcome(
            {"kind": "family"},
            {"note_plan": FieldConflict("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n")},
            Status.CONFLICT,
        ),
    ),
    (
        "both changed a non-text field differently: conflict, rest applied",
        {**BASE, "duration_minutes": 30},
        {"duration_minutes": 60, "note_plan": "a\nb\nc\nd\n"},
        {"duration_minutes"},
        MergeOutcome(
            {"note_plan": "a\nb\nc\nd\n"},
            {"duration_minutes": FieldConflict(45, 30, 60)},
            Status.CONFLICT,
        ),
    ),
    (
        "field new to the record on both sides",
        {**BASE, "next_session_on": "2023-03-21"},
        {"next_session_on": "2023-03-20"},
        {"next_session_on"},
        MergeOutcome(
            {},
            {"next_session_on": FieldConflict(None, "2023-03-21", "2023-03-20")},
            Status.CONFLICT,
        ),
    ),
]


@pytest.mark.parametrize(("case", "server", "client", "server_changed", "expected"), RESOLVE)
def test_resolve_conflict(
    case: str,
    server: Mapping[str, object],
    client: Mapping[str, object],
    server_changed: set[str],
    expected: MergeOutcome,
) -> None:
    outcome = resolve_conflict(
        BASE, server, client, server_changed=server_changed, text_fields=NOTES
    )
    assert outcome == expected, case


def test_resolve_conflict_with_empty_base_merges_notes_as_insertions() -> None:
    outcome = resolve_conflict(
        {},
        {"note_data": "slept badly\n"},
        {"note_data": "asked for family visit\n"},
        server_changed={"note_data"},
        text_fields=NOTES,
    )
    assert outcome == MergeOutcome(
        {"note_data": "asked for family visit\nslept badly\n"}, {}, Status.MERGED
    )


def test_resolve_conflict_does_not_modify_its_inputs() -> None:
    server = {**BASE, "duration_minutes": 30}
    client = {"duration_minutes": 60}
    resolve_conflict(BASE, server, client, server_changed={"duration_minutes"}, text_fields=NOTES)
    assert server == {**BASE, "duration_minutes": 30}
    assert client == {"duration_minutes": 60}


CLASSIFY = [
    # (op, exists, deleted, locked, changed_any, expected)
    ("upsert", False, False, False, False, None),
    ("upsert", True, False, False, False, None),
    ("upsert", True, False, False, True, None),
    ("upsert", True, True, False, False, ConflictKind.DELETE),
    ("upsert", True, True, False, True, ConflictKind.DELETE),
    ("upsert", True, False, True, False, ConflictKind.LOCKED),
    ("upsert", True, False, True, True, ConflictKind.LOCKED),
    ("delete", False, False, False, False, None),
    ("delete", True, False, False, False, None),
    ("delete", True, False, False, True, ConflictKind.DELETE),
    ("delete", True, True, False, False, None),
    ("delete", True, False, True, False, ConflictKind.LOCKED),
]


@pytest.mark.parametrize(("op", "exists", "deleted", "locked", "changed", "expected"), CLASSIFY)
def test_classify_change(
    op: Op, exists: bool, deleted: bool, locked: bool, changed: bool, expected: ConflictKind | None
) -> None:
    kind = classify_change(
        op,
        server_exists=exists,
        server_deleted=deleted,
        server_locked=locked,
        server_changed_any=changed,
    )
    assert kind is expected


def test_conflict_kinds_table_names_only_conflicts() -> None:
    assert CONFLICT_KINDS == {
        ("upsert", RecordState.DELETED): ConflictKind.DELETE,
        ("delete", RecordState.CHANGED): ConflictKind.DELETE,
        ("upsert", RecordState.LOCKED): ConflictKind.LOCKED,
        ("delete", RecordState.LOCKED): ConflictKind.LOCKED,
    }


@pytest.mark.parametrize(
    ("base", "restored", "expected"),
    [
        (None, None, None),  # a create stays a create
        (3, 5, 3),  # a base the restore kept stands
        (7, 5, 5),  # a base the restore lost falls back to the last version kept
        (4, None, 1),  # the restore held no such record: only its first version is shared
    ],
)
def test_replayed_base(base: int | None, restored: int | None, expected: int | None) -> None:
    assert replayed_base(base, restored) == expected
