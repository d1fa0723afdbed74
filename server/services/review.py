"""Session review (docs/protocol.md "Review"): the supervisors' queue and their decisions.

Theory of operation: a decision is a server-made version of the session, written like any other
(feed lock first, `bump`, flush, `write_server_version`), so the counselor's device pulls it. Only a
"submitted" session can be reviewed; approving locks it (push turns later edits into `locked`
conflicts), returning sends it back to the counselor with a comment to act on.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from ..models import Alert, Client, CounselingSession, Facility, User
from ..models.common import utcnow
from ..models.wire import wire_value
from ..schemas.rules import REVIEW_DECISIONS
from ..security import Caller, require_facility
from .audit import audit
from .errors import Forbidden, NotFound, StateConflict
from .feed import lock_feed
from .versions import write_version

# What each decision changes on the session; reviewed_* also record who returned a session.
REVIEW_FIELDS = ["status", "review_comment", "reviewed_by", "reviewed_by_name", "reviewed_at"]


def find_session(session_id: str, *, for_update: bool = False) -> CounselingSession:
    """A live session in the caller's scope; a 404 problem otherwise (existence is not revealed)."""
    # Ids are text of at most 36 characters; anything else (a NUL, say) names no record.
    if len(session_id) > 36 or "\x00" in session_id:
        raise NotFound("not-found", "No such record.")
    record = db.session.get(
        CounselingSession, session_id, with_for_update=for_update, populate_existing=for_update
    )
    if record is None or record.deleted:
        raise NotFound("not-found", "No such record.")
    require_facility(record.facility_id)
    return record


def read_session(session_id: str) -> CounselingSession:
    """The session for a reader in scope, with a "read" audit event."""
    record = find_session(session_id)
    audit("read", entity="session", record_id=record.id, facility_id=record.facility_id)
    return record


def review_session(
    caller: Caller,
    session_id: str,
    decision: str,
    comment: str | None,
    seen_version: int | None = None,
) -> CounselingSession:
    """Approve or return a submitted session as a new version; the caller commits.

    Nobody reviews a session they wrote, and a decision names the version it was made on.
    """
    lock_feed(db.session)
    record = find_session(session_id, for_update=True)
    if record.counselor_id == caller.user.id:
        raise Forbidden("own-session", "Nobody approves or returns a session they wrote.")
    if seen_version is not None and seen_version != record.version:
        raise StateConflict(
            "stale-version",
            "This session changed since it was opened; reload it and decide again.",
            {"version": [f"The session is at version {record.version}."]},
        )
    if record.status != "submitted":
        raise StateConflict(
            "not-submitted",
            f"Only a submitted session can be reviewed; this one is {record.status}.",
        )
    record.status = REVIEW_DECISIONS[decision]
    record.review_comment = comment.strip() if comment and comment.strip() else None
    record.reviewed_by = caller.user.id
    record.reviewed_by_name = caller.user.display_name
    record.reviewed_at = utcnow()
    write_version(
        record,
        source="review",
        changed=list(REVIEW_FIELDS),
        user_id=caller.user.id,
        device_id=caller.device_id,
        audit_action="review",
        decision=decision,
    )
    return record


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def review_queue(
    caller: Caller,
    *,
    facility_id: str | None,
    counselor_id: str | None,
    min_age_hours: float | None,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    """Submitted sessions in scope, oldest submission first, with what a reviewer needs to see."""
    if facility_id is not None:
        require_facility(facility_id)
        scope = [facility_id]
    else:
        scope = sorted(caller.facility_ids)
    now = utcnow()
    conditions = [
        CounselingSession.status == "submitted",
        CounselingSession.deleted.is_(False),
        CounselingSession.facility_id.in_(scope),
    ]
    if counselor_id is not None:
        conditions.append(CounselingSession.counselor_id == counselor_id)
    if min_age_hours is not None:
        conditions.append(CounselingSession.submitted_at <= now - timedelta(hours=min_age_hours))
    total = db.session.scalar(
        select(func.count()).select_from(CounselingSession).where(*conditions)
    )
    rows = db.session.execute(
        select(
            CounselingSession,
            Client.full_name.label("client_name"),
            Client.registration_number.label("client_registration_number"),
            User.display_name.label("counselor_name"),
            Facility.code.label("facility_code"),
            Facility.name.label("facility_name"),
        )
        .join(Facility, Facility.id == CounselingSession.facility_id)
        .outerjoin(Client, Client.id == CounselingSession.client_id)
        .outerjoin(User, User.id == CounselingSession.counselor_id)
        .where(*conditions)
        .order_by(CounselingSession.submitted_at.asc().nulls_last(), CounselingSession.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    originals = _amended_summaries([row[0].amends_id for row in rows if row[0].amends_id])
    items = []
    for row in rows:
        record = row[0]
        items.append(
            {
                "record": record,
                "client_name": row.client_name,
                "client_registration_number": row.client_registration_number,
                "counselor_name": row.counselor_name,
                "facility_code": row.facility_code,
                "facility_name": row.facility_name,
                "age_hours": _hours(now - record.submitted_at) if record.submitted_at else None,
                "amends_id": record.amends_id,
                "amends": originals.get(record.amends_id) if record.amends_id else None,
            }
        )
    return {
        "alerts": queue_alerts(scope),
        "items": items,
        "total": total,
        "page": page,
        "per_page": per_page,
    }


def queue_alerts(scope: list[str]) -> list[dict[str, Any]]:
    """Open risk alerts of the scope, newest first, above and apart from the review items: they
    never wait behind the queue, whatever its filters or page."""
    rows = db.session.execute(
        select(
            Alert,
            Client.full_name.label("client_name"),
            Client.registration_number.label("client_registration_number"),
            User.display_name.label("counselor_name"),
            Facility.name.label("facility_name"),
        )
        .join(Facility, Facility.id == Alert.facility_id)
        .outerjoin(Client, Client.id == Alert.client_id)
        .outerjoin(User, User.id == Alert.counselor_id)
        .where(Alert.facility_id.in_(scope), Alert.status == "open", Alert.deleted.is_(False))
        .order_by(Alert.raised_at.desc(), Alert.id)
    ).all()
    return [
        {
            "record": row[0],
            "client_name": row.client_name,
            "client_registration_number": row.client_registration_number,
            "counselor_name": row.counselor_name,
            "facility_name": row.facility_name,
        }
        for row in rows
    ]


def _amended_summaries(ids: list[str]) -> dict[str, dict[str, Any]]:
    """A short summary of each original session an addendum amends."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(CounselingSession, User.display_name)
        .outerjoin(User, User.id == CounselingSession.counselor_id)
        .where(CounselingSession.id.in_(ids))
    ).all()
    return {
        original.id: {
            "id": original.id,
            "occurred_at": original.occurred_at,
            "kind": original.kind,
            "status": original.status,
            "deleted": original.deleted,
            "counselor_name": counselor_name,
            "reviewed_by_name": original.reviewed_by_name,
            "reviewed_at": wire_value(original.reviewed_at),
        }
        for original, counselor_name in rows
    }
