"""Push steps P3 and P5's validation: a raw change becomes a `Change`, its fields Python values.

Everything a device sends is checked here by the schemas (server/schemas/sync.py for the change,
server/schemas/records.py for its fields), so the steps after it only meet well-formed values.
"""

from __future__ import annotations

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
    data = well_formed_change(raw)
    if data is None:
        try:
            data = _CHANGE.load(raw)
        except ValidationError as error:
            raise Rejected(_messages(error, "_schema")) from error
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
