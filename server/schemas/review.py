"""marshmallow schemas of the review API (load what comes in, dump what goes out)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..models.wire import record_to_wire, wire_columns
from .common import Text
from .rules import REVIEW_DECISIONS

SessionOut = Schema.from_dict(
    {name: fields.Raw(allow_none=True) for name in wire_columns("session")}, name="SessionOut"
)


class ReviewIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(tuple(REVIEW_DECISIONS)))
    comment = Text(load_default=None, allow_none=True, max_len=4000)
    # The version the reviewer saw: a decision on anything else is refused (409 stale).
    version = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1)
    )

    @validates_schema
    def _comment_to_return(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            raise ValidationError("A comment is required to return a session.", "comment")


class QueueArgs(Schema):
    facility_id = fields.UUID(load_default=None)
    counselor_id = fields.UUID(load_default=None)
    min_age_hours = fields.Float(load_default=None, validate=validate.Range(min=0, max=100_000))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AmendedOut(Schema):
    id = fields.String()
    occurred_at = fields.String()
    kind = fields.String()
    status = fields.String()
    deleted = fields.Boolean()
    counselor_name = fields.String(allow_none=True)
    reviewed_by_name = fields.String(allow_none=True)
    reviewed_at = fields.String(allow_none=True)


class QueueItemOut(Schema):
    record = fields.Function(lambda item: record_to_wire(item["record"]))
    client_name = fields.String(allow_none=True)
    client_registration_number = fields.String(allow_none=True)
    counselor_name = fields.String(allow_none=True)
    facility_code = fields.String()
    facility_name = fields.String()
    age_hours = fields.Float(allow_none=True)
    amends_id = fields.String(allow_none=True)
    amends = fields.Nested(AmendedOut, allow_none=True)


class QueueAlertOut(Schema):
    record = fields.Function(lambda item: record_to_wire(item["record"]))
    client_name = fields.String(allow_none=True)
    client_registration_number = fields.String(allow_none=True)
    counselor_name = fields.String(allow_none=True)
    facility_name = fields.String()


class QueueOut(Schema):
    alerts = fields.List(fields.Nested(QueueAlertOut))
    items = fields.List(fields.Nested(QueueItemOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
