"""Facilities as the CLI and the admin API create them: records every device in scope pulls."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Facility
from ..models.common import new_id
from .errors import StateConflict
from .feed import lock_feed
from .versions import write_version


def add_facility(
    *, code: str, name: str, kind: str, region: str, timezone: str, user_id: str | None = None
) -> Facility:
    """Create a facility as version 1 in the feed, with its audit event; the caller commits."""
    lock_feed(db.session)
    if db.session.scalar(select(Facility.id).where(Facility.code == code)):
        raise StateConflict(
            "exists", f"A facility with code {code} exists.", {"code": ["Already exists."]}
        )
    facility_id = new_id()
    facility = Facility(
        id=facility_id,
        facility_id=facility_id,
        code=code,
        name=name,
        kind=kind,
        region=region,
        timezone=timezone,
        version=0,
    )
    db.session.add(facility)
    write_version(
        facility,
        source="server",
        changed=list(Facility.fields),
        user_id=user_id,
        audit_action="create_facility",
    )
    return facility
