"""Accounts and devices as admins manage them: create, change, reset, deactivate, revoke."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Device, Facility, Token, User
from ..models.common import utcnow
from ..passwords import password_problems
from ..security import Caller, hash_password
from .audit import audit
from .errors import Invalid, NotFound, StateConflict
from .tokens import revoke_tokens


def _existing_facilities(key: str, wanted: list[str], field: str, what: str) -> list[Facility]:
    """The facilities whose `key` column (id or code) is in `wanted`; all of them must exist."""
    column = getattr(Facility, key)
    found = list(db.session.scalars(select(Facility).where(column.in_(sorted(set(wanted))))))
    missing = sorted(set(wanted) - {getattr(f, key) for f in found})
    if missing:
        raise Invalid(
            "validation",
            f"Unknown {what}.",
            {field: [f"No such facility: {m}" for m in missing]},
        )
    return found


def _facilities(facility_ids: list[str]) -> list[Facility]:
    """The facilities named by id."""
    return _existing_facilities("id", [str(f) for f in facility_ids], "facility_ids", "facilities")


def revoke_user_tokens(user_id: str) -> int:
    """End every session of a user at once; returns how many tokens died."""
    return revoke_tokens(Token.user_id == user_id)


def _facilities_by_code(codes: list[str]) -> list[Facility]:
    """The facilities named by code (the CLI's way)."""
    return _existing_facilities("code", codes, "facility", "facility codes")


def create_user(
    *, username: str, display_name: str, role: str, password: str, facilities: list[Facility]
) -> User:
    """Create an account from validated values; a taken username is a conflict."""
    username = username.strip().lower()
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise StateConflict("exists", "That username is taken.", {"username": ["Already exists."]})
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=hash_password(password),
        facilities=facilities,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    audit("create_user", entity="user", record_id=user.id, role=user.role)
    return user


def create_user_with_ids(body: dict[str, Any]) -> User:
    """Create an account as the admin API names it: facilities by id."""
    return create_user(
        username=body["username"],
        display_name=body["display_name"],
        role=body["role"],
        password=body["password"],
        facilities=_facilities(body["facility_ids"]),
    )


def add_user(
    *, username: str, role: str, password: str, display_name: str, facility_codes: list[str]
) -> User:
    """Create an account as the CLI names it: facilities by code."""
    return create_user(
        username=username,
        display_name=display_name,
        role=role,
        password=password,
        facilities=_facilities_by_code(facility_codes),
    )


def get_user(user_id: str) -> User:
    """A user by id, or a 404 problem."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("not-found", "No such user.")
    return user


def update_user(caller: Caller, user_id: str, body: dict[str, Any]) -> User:
    """Change name, role, facilities or active; deactivating ends all the user's sessions."""
    user = get_user(user_id)
    if user.id == caller.user.id and (
        body.get("active") is False or body.get("role", "admin") != "admin"
    ):
        raise StateConflict("self-lockout", "Admins cannot deactivate or demote themselves.")
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
    return user


def reset_password(user_id: str, password: str) -> User:
    """Set a new password; every session of the user ends."""
    user = get_user(user_id)
    problems = password_problems(password, user_inputs=[user.username, user.display_name])
    if problems:
        raise Invalid("validation", "The password breaks the policy.", {"password": problems})
    user.password_hash = hash_password(password)
    revoked = revoke_user_tokens(user.id)
    audit("reset_password", entity="user", record_id=user.id, tokens_revoked=revoked)
    return user


def revoke_device(caller: Caller, device_id: str, reason: str | None) -> Device:
    """Revoke a lost device: its tokens die now, and its next request tells it to wipe."""
    device = db.session.get(Device, device_id, with_for_update=True)
    if device is None:
        raise NotFound("not-found", "No such device.")
    if device.revoked_at is not None:
        raise StateConflict("already-revoked", "This device is already revoked.")
    now = utcnow()
    device.revoked_at, device.revoked_by, device.revoked_reason = now, caller.user.id, reason
    revoked = revoke_tokens(Token.device_id == device.id)
    audit("revoke_device", entity="device", record_id=device.id, tokens_revoked=revoked)
    return device
