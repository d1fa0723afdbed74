"""Facilities and users, as the CLI and the admin API create them."""

from __future__ import annotations

from sqlalchemy import select

from ..errors import ApiProblem
from ..extensions import db
from ..models import Facility, User
from ..models.common import new_id
from ..security import hash_password
from .feed import allocate
from .versions import write_server_version


def add_facility(*, code: str, name: str, kind: str, region: str, timezone: str) -> Facility:
    """Create a facility as a new record in the feed, so every device in scope pulls it."""
    if db.session.scalar(select(Facility).where(Facility.code == code)):
        raise ApiProblem(
            409, "exists", f"A facility with code {code} exists.", {"code": ["Already exists."]}
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
        version=1,
        seq=allocate(db.session),
    )
    db.session.add(facility)
    db.session.flush()
    write_server_version(facility, source="server", changed=list(Facility.fields))
    db.session.commit()
    return facility


def add_user(
    *, username: str, role: str, password: str, display_name: str, facility_codes: list[str]
) -> User:
    """Create a user; facility codes must exist."""
    username = username.strip().lower()
    if db.session.scalar(select(User).where(User.username == username)):
        raise ApiProblem(
            409, "exists", "That username is taken.", {"username": ["Already exists."]}
        )
    facilities = list(db.session.scalars(select(Facility).where(Facility.code.in_(facility_codes))))
    missing = sorted(set(facility_codes) - {f.code for f in facilities})
    if missing:
        raise ApiProblem(
            422,
            "validation",
            "Unknown facility codes.",
            {"facility": [f"Unknown facility: {c}" for c in missing]},
        )
    if len(password) < 8:
        raise ApiProblem(
            422, "validation", "Password too short.", {"password": ["At least 8 characters."]}
        )
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        password_hash=hash_password(password),
        facilities=facilities,
    )
    db.session.add(user)
    db.session.commit()
    return user
