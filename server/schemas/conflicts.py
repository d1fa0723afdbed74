"""marshmallow schemas of the conflicts API (load what comes in, dump what goes out)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from sync import ConflictKind

from ..services.device_names import device_words
from .common import PageArgs, PageOut, PersonOut
from .rules import RESOLUTION_CHOICES


def _words(key: str) -> fields.Function:
    return fields.Function(lambda device: device_words(device)[key], allow_none=True)


class DeviceRefOut(Schema):
    """The device a conflicting change came from, in words (services/device_names.py)."""

    id = fields.String()
    name = fields.String()
    label = _words("label")
    model = _words("model")
    browser = _words("browser")
    os = _words("os")
    short_id = _words("short_id")


class ConflictOut(Schema):
    id = fields.String()
    kind = fields.String()
    entity = fields.String()
    record_id = fields.String()
    other_record_id = fields.String(allow_none=True)
    facility_id = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    base = fields.Dict()
    server = fields.Dict()
    client = fields.Dict()
    user = fields.Nested(PersonOut, allow_none=True)
    device = fields.Nested(DeviceRefOut, allow_none=True)
    # the name of the client the record is about (staff lists show it, never a raw id)
    client_name = fields.String(allow_none=True)
    created_at = fields.DateTime()
    status = fields.String()
    resolution = fields.String(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)


class ConflictDetailOut(ConflictOut):
    current = fields.Dict(allow_none=True, metadata={"description": "The record as it is now."})
    other_current = fields.Dict(
        allow_none=True, metadata={"description": "Duplicates: the other client as it is now."}
    )


class ResolveIn(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(RESOLUTION_CHOICES))
    fields_ = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=60)),
        data_key="fields",
        attribute="fields",
        load_default=dict,
        metadata={"description": "merge: the values to write, by field name (wire form)."},
    )


class ConflictArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(("open", "resolved")))
    kind = fields.String(validate=validate.OneOf(tuple(ConflictKind)))
    facility_id = fields.UUID()


class ConflictPageOut(PageOut):
    items = fields.List(fields.Nested(ConflictOut))
