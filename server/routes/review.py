"""Reading one session, reviewing it, and the review queue (docs/protocol.md "Review")."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE

from ..extensions import db
from ..json_body import Blueprint
from ..models.wire import record_to_wire
from ..schemas.review import QueueArgs, QueueOut, ReviewIn, SessionOut
from ..schemas.rules import RECORD_READERS
from ..security import current_caller, login_required
from ..services.review import read_session, review_queue, review_session

blp = Blueprint("review", __name__, url_prefix="/api/v1", description="Session review")


@blp.get("/sessions/<string:session_id>")
@login_required(*RECORD_READERS)
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
    record = review_session(
        current_caller(), session_id, body["decision"], body["comment"], body["version"]
    )
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
