"""Push steps P3 and P5's validation: a raw change becomes a `Change`, its fields Python values.

Everything a device sends is checked here by the schemas (server/schemas/sync.py for the change,
server/schemas/records.py for its fields), so the steps after it only meet well-formed values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from sync import Change

from ...schemas.records import load_fields
from ...schemas.sync import ChangeIn, well_formed_change

_CHANGE = ChangeIn()


class Rejected(Exception):
    """A change the server will not take; `errors` says why, per field (step P10)."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("rejected")
        self.errors = errors


def _messages(error: ValidationError, key: str) -> dict[str, Any]:
    messages = error.messages
    return messages if isinstance(messages, dict) else {key: messages}


def read_change(raw: Any) -> Change:
    """P3: the change's shape, its ids and clock, and a writable entity; Rejected otherwise."""
    if not isinstance(raw, dict):
        raise Rejected({"_schema": ["Must be an object."]})
    fast = well_formed_change(raw)
    if fast is not None:
        return fast
    try:
        return change_from_schema(_CHANGE.load(raw))
    except ValidationError as error:
        raise Rejected(_messages(error, "_schema")) from error


def change_from_schema(data: dict[str, Any]) -> Change:
    """The Change of what ChangeIn loaded."""
    return Change(
        change_id=data["change_id"],
        entity=data["entity"],
        id=data["id"],
        op=data["op"],
        base_version=data["base_version"],
        fields=data["fields"] or {},
        hlc=data["hlc"],
        replay=data["replay"],
    )


def read_fields(entity: str, fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """P5/P7: the sent fields as Python values (all of them on create); Rejected otherwise."""
    try:
        return load_fields(entity, dict(fields), partial=partial)
    except ValidationError as error:
        raise Rejected(_messages(error, "fields")) from error


@dataclass
class Checked:
    """A raw change as checked before the feed lock: its Change (or why it was refused) and its
    fields loaded for a create (partial=False) or an update (partial=True), whichever the
    record's existence before the lock suggested. Under the lock the guess is checked: a miss
    (the record was created meanwhile) loads the fields again, so the outcome never differs.
    """

    raw: Any
    change: Change | None = None
    refused: Rejected | None = None
    loaded: dict[bool, dict[str, Any] | Rejected] = field(default_factory=dict)

    def fields(self, partial: bool) -> dict[str, Any]:
        """The change's fields as Python values; Rejected when they are not valid."""
        assert self.change is not None
        if partial not in self.loaded:
            self.loaded[partial] = _load(self.change, partial)
        values = self.loaded[partial]
        if isinstance(values, Rejected):
            raise values
        return dict(values)  # the steps after may pop from it; a retry must find it whole


def _load(change: Change, partial: bool) -> dict[str, Any] | Rejected:
    try:
        return read_fields(change.entity, dict(change.fields), partial=partial)
    except Rejected as rejected:
        return rejected


def check_all(
    raw_changes: list[Any], exists: Callable[[list[Change]], set[tuple[str, str]]]
) -> list[Checked]:
    """P3 and the fields' validation of a whole batch: the work that reads nothing a concurrent
    push may change, done before the feed lock so other pushes wait only for the writing."""
    checked = []
    for raw in raw_changes:
        try:
            checked.append(Checked(raw, change=read_change(raw)))
        except Rejected as rejected:
            checked.append(Checked(raw, refused=rejected))
    upserts = [c.change for c in checked if c.change is not None and c.change.op == "upsert"]
    present = exists(upserts)
    for item in checked:
        change = item.change
        if change is not None and change.op == "upsert":
            partial = (change.entity, change.id) in present
            item.loaded[partial] = _load(change, partial)
    return checked
