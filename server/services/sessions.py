"""What an admin changes on a session outside a device's reach: who its author is."""

from __future__ import annotations

from ..extensions import db
from ..models import CounselingSession, User
from ..security import Caller
from .errors import Invalid
from .feed import lock_feed
from .review import find_session
from .versions import write_version


def reassign_session(caller: Caller, session_id: str, counselor_id: str) -> CounselingSession:
    """Make another counselor of the session's facility its author: a new version, audited."""
    lock_feed(db.session)
    session = find_session(session_id, for_update=True)
    counselor = db.session.get(User, counselor_id)
    if (
        counselor is None
        or not counselor.active
        or counselor.role != "counselor"
        or session.facility_id not in counselor.facility_ids
    ):
        raise Invalid(
            "validation",
            "The new author must be an active counselor of the session's facility.",
            {"counselor_id": ["Not an active counselor of this facility."]},
        )
    previous = session.counselor_id
    session.counselor_id = counselor.id
    write_version(
        session,
        source="admin",
        changed=["counselor_id"],
        user_id=caller.user.id,
        device_id=caller.device_id,
        audit_action="reassign_session",
        previous_counselor_id=previous,
        counselor_id=counselor.id,
    )
    return session
