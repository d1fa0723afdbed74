"""Accounts and devices as admins manage them: create, change, reset, deactivate, revoke."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from ..errors import ApiProblem
from ..extensions import db
from ..models import Device, Facility, Token, User
from ..models.common import utcnow
from ..security import Caller, hash_password
from .audit import audit


def _facilities(facility_ids: list[str]) -> list[Facility]:
    """The facilities named, all of which must exist."""
    wanted = sorted({str(f) for f in facility_ids})
    found = list(db.session.scalars(select(Facility).where(Facility.id.in_(wanted))))
    missing = sorted(set(wanted) - {f.id for f in found})
    if missing:
        raise ApiProblem(
            422,
            "validation",
            "Unknown facilities.",
            {"facility_ids": [f"No such facility: {m}" for m in missing]},
        )
    return found


def revoke_user_tokens(user_id: str) -> int:
    """End every session of a user at once; returns how many tokens died."""
    return int(
        db.session.execute(
            update(Token)
            .where(Token.user_id == user_id, Token.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        ).rowcount
        or 0
    )


def create_user(body: dict[str, Any]) -> User:
    """Create an account; a taken username is a 409."""
    username = body["username"].strip().lower()
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ApiProblem(
            409, "exists", "That username is taken.", {"username": ["Already exists."]}
        )
    user = User(
        username=username,
        display_name=body["display_name"],
        role=body["role"],
        password_hash=hash_password(body["password"]),
        facilities=_facilities(body["facility_ids"]),
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    audit("create_user", entity="user", record_id=user.id, role=user.role)
    db.session.commit()
    return user


def get_user(user_id: str) -> User:
    """A user by id, or a 404 problem."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiProblem(404, "not-found", "No such user.")
    return user


def update_user(caller: Caller, user_id: str, body: dict[str, Any]) -> User:
    """Change name, role, facilities or active; deactivating ends all the user's sessions."""
    user = get_user(user_id)
    if user.id == caller.user.id and (
        body.get("active") is False or body.get("role", "admin") != "admin"
    ):
        raise ApiProblem(409, "self-lockout", "Admins cannot deactivate or demote themselves.")
    if "display_name" in body:
        user.display_name = body["display_name"]
    if "role" in body:
        user.role = body["role"]
    if "facility_ids" in body:
        user.facilities = _facilities(body["facility_ids"])
    revoked = 0
    if "active" in body:
        user.active = body["active"]
        if not user.active:
            revoked = revoke_user_tokens(user.id)
    audit(
        "update_user",
        entity="user",
        record_id=user.id,
        changed=sorted(body),
        tokens_revoked=revoked,
    )
    db.session.commit()
    return user


def reset_password(user_id: str, password: str) -> User:
    """Set a new password; every session of the user ends."""
    user = get_user(user_id)
    user.password_hash = hash_password(password)
    revoked = revoke_user_tokens(user.id)
    audit("reset_password", entity="user", record_id=user.id, tokens_revoked=revoked)
    db.session.commit()
    return user


def revoke_device(caller: Caller, device_id: str, reason: str | None) -> Device:
    """Revoke a lost device: its tokens die now, and its next request tells it to wipe."""
    device = db.session.get(Device, device_id, with_for_update=True)
    if device is None:
        raise ApiProblem(404, "not-found", "No such device.")
    if device.revoked_at is not None:
        raise ApiProblem(409, "already-revoked", "This device is already revoked.")
    now = utcnow()
    device.revoked_at, device.revoked_by, device.revoked_reason = now, caller.user.id, reason
    revoked = db.session.execute(
        update(Token)
        .where(Token.device_id == device.id, Token.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    audit("revoke_device", entity="device", record_id=device.id, tokens_revoked=revoked)
    db.session.commit()
    return device
