"""marshmallow schemas of the sync API (load what comes in, dump what goes out)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from sync import Hlc, InvalidClock

from ..models.records import WRITABLE_ENTITIES
from .common import StrictBoolean, Text, no_nul
from .rules import ID_MAX, INT32_MAX

HLC_MAX = 80


def _is_clock(value: str) -> None:
    try:
        Hlc.parse(value)
    except InvalidClock:
        raise ValidationError("Must be a clock like '1700000000000-0000-node', or null.") from None


def Key(**kwargs: Any) -> fields.String:  # noqa: N802
    """A record or change id: text the id columns hold."""
    return Text(min_len=1, max_len=ID_MAX, **kwargs)


class PushIn(Schema):
    device_id = fields.UUID(required=True)
    # Each change is checked one by one, so one bad change never spoils the batch.
    changes = fields.List(fields.Raw(), required=True)
    app_version = Text(load_default=None, allow_none=True, max_len=40)
    pending_count = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=INT32_MAX),
    )
    # The device's clock as it sends (its offset is shown to admins) and the state of its outbox.
    clock = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=HLC_MAX), no_nul, _is_clock],
    )
    oldest_pending_at = fields.AwareDateTime(load_default=None, allow_none=True)
    storage_persisted = StrictBoolean(load_default=None, allow_none=True)


class ResultOut(Schema):
    change_id = fields.String(allow_none=True)
    status = fields.String()
    id = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    conflict_id = fields.String(allow_none=True)
    errors = fields.Dict(allow_none=True)


class PushOut(Schema):
    results = fields.List(fields.Nested(ResultOut))


class PullArgs(Schema):
    class Meta:
        unknown = RAISE

    cursor = Text(load_default=None, max_len=200)
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))


class PulledOut(Schema):
    entity = fields.String()
    id = fields.String()
    version = fields.Integer()
    deleted = fields.Boolean()
    record = fields.Dict()


class PullOut(Schema):
    changes = fields.List(fields.Nested(PulledOut))
    cursor = fields.String()
    has_more = fields.Boolean()


class ChangeIn(Schema):
    """One pushed change (protocol step P3): its shape, and only entities devices may write."""

    class Meta:
        unknown = EXCLUDE  # later protocol versions may add keys

    change_id = Key(required=True)
    entity = fields.String(required=True, validate=validate.OneOf(sorted(WRITABLE_ENTITIES)))
    id = Key(required=True)
    op = fields.String(required=True, validate=validate.OneOf(("upsert", "delete")))
    base_version = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0, max=INT32_MAX),
    )
    fields_ = fields.Dict(
        keys=fields.String(validate=no_nul),
        data_key="fields",
        attribute="fields",
        allow_none=True,
        load_default=None,
    )
    hlc = fields.String(
        allow_none=True,
        load_default=None,
        validate=[validate.Length(max=HLC_MAX), no_nul, _is_clock],
    )

    replay = StrictBoolean(load_default=False)

    @validates_schema
    def _fields_to_upsert(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("op") == "upsert" and data.get("fields") is None:
            raise ValidationError("Required to upsert: the changed fields.", "fields")
