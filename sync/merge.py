"""Field-by-field merge of a pushed change with what other devices changed since its base.

Theory of operation (docs/protocol.md, "Merging, field by field" and "Conflicts"):
1. A null base_version on a record the server has means "saw nothing since creation": the base
   is version 1 (`effective_base`). A base ahead of the server's version is refused.
2. The fields other devices changed since the base come from the record's history
   (`changed_by_others`); the device's own edits never count, so it never conflicts with itself.
3. Record first: CONFLICT_KINDS maps (op, state of the server's record) to a conflict kind;
   a missing key means the change may proceed to the fields.
4. Each field the client changed is in one FieldSituation; FIELD_RULES gives its outcome.
5. The change is `applied` when no other device changed anything since its base, `merged`
   when some did and no field conflicts, `conflict` when one does (the rest still applies).
`merge_change` runs steps 1-5 for one change; tests/vectors/merge.json is its table of cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from sync.changes import ConflictKind, Op, Status
from sync.errors import InvalidChange
from sync.textmerge import merge_text


class FieldSituation(StrEnum):
    """How one field the client changed stands against the server's concurrent changes."""

    UNTOUCHED_BY_SERVER = "untouched_by_server"
    SAME_VALUE = "same_value"
    TEXT = "text"
    OTHER = "other"


class FieldOutcome(StrEnum):
    """What to do with one field the client changed."""

    TAKE_CLIENT = "take_client"
    KEEP = "keep"
    TEXT_MERGE = "text_merge"
    CONFLICT = "conflict"


FIELD_RULES: Final[Mapping[FieldSituation, FieldOutcome]] = {
    FieldSituation.UNTOUCHED_BY_SERVER: FieldOutcome.TAKE_CLIENT,
    FieldSituation.SAME_VALUE: FieldOutcome.KEEP,
    FieldSituation.TEXT: FieldOutcome.TEXT_MERGE,  # clean -> merged text, else a conflict
    FieldSituation.OTHER: FieldOutcome.CONFLICT,
}


class RecordState(StrEnum):
    """The server's record as a pushed change finds it."""

    MISSING = "missing"
    LIVE = "live"  # no other device changed it since the change's base
    CHANGED = "changed"  # another device changed it since the change's base
    DELETED = "deleted"  # a tombstone
    LOCKED = "locked"  # an approved session


CONFLICT_KINDS: Final[Mapping[tuple[Op, RecordState], ConflictKind]] = {
    ("upsert", RecordState.DELETED): ConflictKind.DELETE,
    ("delete", RecordState.CHANGED): ConflictKind.DELETE,
    ("upsert", RecordState.LOCKED): ConflictKind.LOCKED,  # kept as an amendment request
    ("delete", RecordState.LOCKED): ConflictKind.LOCKED,
}


NULL_BASE_VERSION: Final = 1  # a record's first version: what a null base saw


def effective_base(base_version: int | None, server_version: int) -> int:
    """The version a change started from; a null base on an existing record is version 1."""
    base = NULL_BASE_VERSION if base_version is None else base_version
    if base > server_version:
        raise InvalidChange({"base_version": ["Is ahead of the server's version."]})
    return base


def replayed_base(base_version: int | None, restored_version: int | None) -> int | None:
    """A change replayed after a restore started at most from the last version the restore kept.

    The device saw versions the restored server may never have held again; the history both
    still share ends at `restored_version` (None: the restore held no such record, so its first
    version is all they share). Whatever the server wrote since counts as unseen by the change.
    """
    if base_version is None:
        return None
    return min(base_version, restored_version or NULL_BASE_VERSION)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One later version of a record: who made it and which fields it changed."""

    version: int
    device_id: str | None
    changed_fields: tuple[str, ...]


def changed_by_others(
    history: Iterable[HistoryEntry], base_version: int, device_id: str
) -> frozenset[str]:
    """Fields changed after base_version by anyone but this device: own edits never conflict."""
    return frozenset(
        name
        for entry in history
        if entry.version > base_version and entry.device_id != device_id
        for name in entry.changed_fields
    )


@dataclass(frozen=True, slots=True)
class FieldConflict:
    """The three values of a field both sides changed differently."""

    base: object
    server: object
    client: object


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    """Fields to write now, fields in conflict (not written), and the change's status."""

    apply: Mapping[str, object]
    conflicts: Mapping[str, FieldConflict]
    status: Status


def field_situation(
    name: str,
    server: Mapping[str, object],
    client_value: object,
    *,
    server_changed: AbstractSet[str],
    text_fields: AbstractSet[str],
) -> FieldSituation:
    """Place one client field in its situation against the server's concurrent changes."""
    if name not in server_changed:
        return FieldSituation.UNTOUCHED_BY_SERVER
    server_value = server.get(name)
    if server_value == client_value:
        return FieldSituation.SAME_VALUE
    if name in text_fields and _is_text(server_value) and _is_text(client_value):
        return FieldSituation.TEXT
    return FieldSituation.OTHER


def resolve_conflict(
    base: Mapping[str, object],
    server: Mapping[str, object],
    client: Mapping[str, object],
    *,
    server_changed: AbstractSet[str],
    text_fields: AbstractSet[str],
) -> MergeOutcome:
    """Take client fields others left alone or set alike, text-merge notes, conflict on the rest."""
    apply: dict[str, object] = {}
    conflicts: dict[str, FieldConflict] = {}
    for name, value in client.items():
        situation = field_situation(
            name, server, value, server_changed=server_changed, text_fields=text_fields
        )
        outcome = FIELD_RULES[situation]
        if outcome is FieldOutcome.TAKE_CLIENT:
            apply[name] = value
        elif outcome is FieldOutcome.TEXT_MERGE:
            merged = merge_text(_str(base.get(name)), _str(server.get(name)), _str(value))
            if merged.clean:
                apply[name] = merged.text
            else:
                conflicts[name] = FieldConflict(base.get(name), server.get(name), value)
        elif outcome is FieldOutcome.CONFLICT:
            conflicts[name] = FieldConflict(base.get(name), server.get(name), value)
    if conflicts:
        status = Status.CONFLICT
    elif server_changed:
        status = Status.MERGED
    else:
        status = Status.APPLIED
    return MergeOutcome(apply, conflicts, status)


def record_state(
    *, server_exists: bool, server_deleted: bool, server_locked: bool, server_changed_any: bool
) -> RecordState:
    """Name the state of the server's record; a tombstone or a lock outranks edits."""
    if not server_exists:
        return RecordState.MISSING
    if server_deleted:
        return RecordState.DELETED
    if server_locked:
        return RecordState.LOCKED
    return RecordState.CHANGED if server_changed_any else RecordState.LIVE


def classify_change(
    op: Op,
    *,
    server_exists: bool,
    server_deleted: bool,
    server_locked: bool,
    server_changed_any: bool,
) -> ConflictKind | None:
    """Return the record-level conflict kind of a change, or None when it may proceed."""
    state = record_state(
        server_exists=server_exists,
        server_deleted=server_deleted,
        server_locked=server_locked,
        server_changed_any=server_changed_any,
    )
    return CONFLICT_KINDS.get((op, state))


def _is_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class ServerRecord:
    """What the server holds of the record a change names (wire values)."""

    version: int
    values: Mapping[str, object]
    deleted: bool = False
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a change to an existing record: a record-level conflict, or a merge."""

    base_version: int
    server_changed: frozenset[str]
    kind: ConflictKind | None
    outcome: MergeOutcome | None


def merge_change(
    op: Op,
    base_version: int | None,
    client: Mapping[str, object],
    *,
    device_id: str,
    server: ServerRecord,
    history: Iterable[HistoryEntry],
    base: Mapping[str, object],
    text_fields: AbstractSet[str],
) -> Decision:
    """Decide a change to an existing record: steps 1-5 of the theory of operation above.

    `history` holds the record's versions after the base (or more: older ones are ignored);
    `base` is the record as it was at the base version (needed only for text merges).
    """
    start = effective_base(base_version, server.version)
    changed = changed_by_others(history, start, device_id)
    kind = classify_change(
        op,
        server_exists=True,
        server_deleted=server.deleted,
        server_locked=server.locked,
        server_changed_any=bool(changed),
    )
    if kind is not None:
        return Decision(start, changed, kind, None)
    if op == "delete":
        return Decision(start, changed, None, MergeOutcome({}, {}, Status.APPLIED))
    outcome = resolve_conflict(
        base, server.values, client, server_changed=changed, text_fields=text_fields
    )
    return Decision(start, changed, None, outcome)
