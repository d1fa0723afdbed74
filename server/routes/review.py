"""Reading one session, reviewing it, and the review queue (DESIGN.md "Review")."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..extensions import db
from ..schemas import Text
from ..security import current_caller, login_required
from ..services.review import DECISIONS, read_session, review_queue, review_session
from ..services.wire import record_to_wire, wire_columns

blp = Blueprint("review", __name__, url_prefix="/api/v1", description="Session review")

SessionOut = Schema.from_dict(
    {name: fields.Raw(allow_none=True) for name in wire_columns("session")}, name="SessionOut"
)


class ReviewIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(tuple(DECISIONS)))
    comment = Text(load_default=None, allow_none=True, max_len=4000)

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


class QueueOut(Schema):
    items = fields.List(fields.Nested(QueueItemOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


@blp.get("/sessions/<string:session_id>")
@login_required()
@blp.response(200, SessionOut)
def get_session(session_id: str) -> dict[str, Any]:
    """One session in the caller's facilities, as a device pulls it."""
    record = read_session(session_id)
    db.session.commit()
    return record_to_wire(record)


@blp.post("/sessions/<string:session_id>/review")
@login_required("supervisor", "admin")
@blp.arguments(ReviewIn)
@blp.response(200, SessionOut)
def review(body: dict[str, Any], session_id: str) -> dict[str, Any]:
    """Approve or return a submitted session; answers its new state."""
    record = review_session(current_caller(), session_id, body["decision"], body["comment"])
    db.session.commit()
    return record_to_wire(record)


@blp.get("/review/queue")
@login_required("supervisor", "admin")
@blp.arguments(QueueArgs, location="query", unknown=RAISE)
@blp.response(200, QueueOut)
def queue(args: dict[str, Any]) -> dict[str, Any]:
    """Submitted sessions waiting for review in the caller's facilities, oldest first."""
    return review_queue(
        current_caller(),
        facility_id=str(args["facility_id"]) if args["facility_id"] else None,
        counselor_id=str(args["counselor_id"]) if args["counselor_id"] else None,
        min_age_hours=args["min_age_hours"],
        page=args["page"],
        per_page=args["per_page"],
    )
