"""The wire types of sync protocol v1: pushed changes, their results, and pulled records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, Literal, TypeGuard

from sync.errors import InvalidChange
from sync.hlc import is_clock

Op = Literal["upsert", "delete"]
_OPS: Final[Mapping[object, Op]] = {"upsert": "upsert", "delete": "delete"}

Errors = dict[str, list[str]]


class Status(StrEnum):
    """The outcome of one pushed change."""

    APPLIED = "applied"
    MERGED = "merged"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class ConflictKind(StrEnum):
    """Why a change became a conflict record."""

    FIELD = "field"
    DELETE = "delete"
    LOCKED = "locked"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Change:
    """One change a device pushes: the changed fields of one record, or its deletion."""

    change_id: str
    entity: str
    id: str
    op: Op
    base_version: int | None
    fields: Mapping[str, object]
    hlc: str | None = None
    # Sent again after the feed's reset (a restore): its base may be a version the server lost.
    replay: bool = False

    @classmethod
    def from_wire(cls, data: object) -> Change:
        """Validate one pushed change, raising InvalidChange with the errors per field."""
        obj = _object(data)
        errors: Errors = {}
        change_id = _text(obj, "change_id", errors)
        entity = _text(obj, "entity", errors)
        record_id = _text(obj, "id", errors)
        raw_op = obj.get("op")
        op = _OPS.get(raw_op) if isinstance(raw_op, str) else None
        if op is None:
            _fail(errors, "op", "must be 'upsert' or 'delete'")
        base_version = _version(obj, "base_version", errors, nullable=True)
        fields = _fields(obj, errors, required=op == "upsert")
        hlc = obj.get("hlc")
        if hlc is not None and not is_clock(hlc):
            _fail(errors, "hlc", "must be a clock like '1700000000000-0000-node', or null")
        replay = obj.get("replay", False)
        if not isinstance(replay, bool):
            _fail(errors, "replay", "must be true or false")
        if errors or op is None:
            raise InvalidChange(errors)
        return cls(
            change_id, entity, record_id, op, base_version, fields, _opt_str(hlc), replay is True
        )

    def to_wire(self) -> dict[str, object]:
        """Return the JSON-ready form of this change."""
        return {
            "change_id": self.change_id,
            "entity": self.entity,
            "id": self.id,
            "op": self.op,
            "base_version": self.base_version,
            "fields": dict(self.fields),
            "hlc": self.hlc,
            **({"replay": True} if self.replay else {}),
        }


@dataclass(frozen=True, slots=True)
class Result:
    """The server's answer to one pushed change, in the order of the push."""

    change_id: str
    status: Status
    id: str
    version: int | None = None
    conflict_id: str | None = None
    errors: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, data: object) -> Result:
        """Validate one result of a push answer, raising InvalidChange on a malformed one."""
        obj = _object(data)
        errors: Errors = {}
        change_id = _text(obj, "change_id", errors)
        record_id = _text(obj, "id", errors)
        status = _STATUSES.get(obj.get("status"))
        if status is None:
            _fail(errors, "status", f"must be one of {', '.join(Status)}")
        version = _version(obj, "version", errors, nullable=True)
        conflict_id = obj.get("conflict_id")
        if conflict_id is not None and not isinstance(conflict_id, str):
            _fail(errors, "conflict_id", "must be a string or null")
        why = obj.get("errors") or {}
        if not _is_errors(why):
            _fail(errors, "errors", "must map field names to lists of messages")
        if errors or status is None or not _is_errors(why):
            raise InvalidChange(errors, "invalid result")
        return cls(change_id, status, record_id, version, _opt_str(conflict_id), why)

    def to_wire(self) -> dict[str, object]:
        """Return the JSON-ready form of this result."""
        return {
            "change_id": self.change_id,
            "status": self.status.value,
            "id": self.id,
            "version": self.version,
            "conflict_id": self.conflict_id,
            "errors": {name: list(why) for name, why in self.errors.items()},
        }


@dataclass(frozen=True, slots=True)
class PulledChange:
    """One record in a pull answer, in its latest state; `deleted` marks a tombstone.

    `left`: the record left the caller's scope (a transfer moved it): the entry carries
    `"scope": "left"` and no body, and the device purges the record (docs/protocol.md).
    """

    entity: str
    id: str
    version: int
    deleted: bool
    record: Mapping[str, object]
    left: bool = False

    @classmethod
    def from_wire(cls, data: object) -> PulledChange:
        """Validate one pulled record, raising InvalidChange on a malformed one."""
        obj = _object(data)
        errors: Errors = {}
        entity = _text(obj, "entity", errors)
        record_id = _text(obj, "id", errors)
        version = _version(obj, "version", errors, nullable=False)
        left = obj.get("scope") == "left"
        if left:
            if errors or version is None:
                raise InvalidChange(errors, "invalid pulled change")
            return cls(entity, record_id, version, False, {}, left=True)
        deleted = obj.get("deleted", False)
        if not isinstance(deleted, bool):
            _fail(errors, "deleted", "must be a boolean")
        record = obj.get("record", {})
        if not _is_object(record):
            _fail(errors, "record", "must be an object with string keys")
        if errors or version is None or not _is_object(record):
            raise InvalidChange(errors, "invalid pulled change")
        return cls(entity, record_id, version, bool(deleted), dict(record))

    def to_wire(self) -> dict[str, object]:
        """Return the JSON-ready form of this pulled record."""
        if self.left:
            return {"entity": self.entity, "id": self.id, "version": self.version, "scope": "left"}
        return {
            "entity": self.entity,
            "id": self.id,
            "version": self.version,
            "deleted": self.deleted,
            "record": dict(self.record),
        }


_STATUSES: Final[Mapping[object, Status]] = {status.value: status for status in Status}


def _fail(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _object(data: object) -> Mapping[str, object]:
    if not _is_object(data):
        raise InvalidChange({"_schema": ["expected an object"]})
    return data


def _is_object(value: object) -> TypeGuard[dict[str, object]]:
    return isinstance(value, dict) and all(isinstance(key, str) for key in value)


def _is_errors(value: object) -> TypeGuard[dict[str, list[str]]]:
    return _is_object(value) and all(
        isinstance(why, list) and all(isinstance(line, str) for line in why)
        for why in value.values()
    )


def _text(obj: Mapping[str, object], name: str, errors: Errors) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value:
        _fail(errors, name, "must be a non-empty string")
        return ""
    return value


def _version(obj: Mapping[str, object], name: str, errors: Errors, *, nullable: bool) -> int | None:
    value = obj.get(name)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(errors, name, "must be a non-negative integer" + (" or null" if nullable else ""))
        return None
    return value


def _fields(obj: Mapping[str, object], errors: Errors, *, required: bool) -> dict[str, object]:
    value = obj.get("fields")
    if value is None and not required:
        return {}
    if not _is_object(value):
        _fail(errors, "fields", "must be an object with string keys")
        return {}
    return dict(value)


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None
