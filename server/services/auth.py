"""Logging in, rotating refresh tokens and logging out: the rules behind the auth routes.

Every function adds to the current transaction and never commits; the route's unit of work does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, func, select, update

from ..extensions import db
from ..models import Device, Token, User
from ..models.common import utcnow
from ..security import (
    Caller,
    deactivated_problem,
    issue_pair,
    revoked_device_problem,
    token_digest,
    verify_password,
)
from . import login_limits
from .audit import audit
from .errors import Unauthorized
from .tokens import revoke_tokens


def login(
    username: str, password: str, device_id: str, device_name: str, *, address: str = ""
) -> dict[str, Any]:
    """Check a password and answer a token pair; registers the device on first use.

    The attempt is counted before the password is checked (services/login_limits.py).
    """
    username = username.strip().lower()
    keys = login_limits.keys_for(username, address)
    login_limits.check_and_count(keys)
    user = db.session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        login_limits.prune()
        raise Unauthorized("invalid-credentials", "Wrong username or password.", keep_changes=True)
    login_limits.forget_failures(keys)
    device = db.session.get(Device, device_id)
    if device is not None and device.revoked_at is not None:
        raise revoked_device_problem(device)
    if device is None:
        device = Device(id=device_id, name=device_name)
        db.session.add(device)
    device.last_user_id, device.last_seen_at = user.id, utcnow()
    if device_name:
        device.name = device_name
    db.session.flush()
    pair = issue_pair(user, device)
    audit("login", user_id=user.id, device_id=device.id)
    return pair


def refresh(refresh_token: str) -> dict[str, Any]:
    """Rotate a refresh token: the old one dies; reusing it revokes its whole family."""
    now = utcnow()
    token = db.session.scalar(
        select(Token).where(
            Token.token_hash == token_digest(refresh_token), Token.kind == "refresh"
        )
    )
    if token is None:
        raise Unauthorized("unauthorized", "The refresh token is not valid.")
    device = db.session.get(Device, token.device_id)
    if device is None or device.revoked_at is not None:
        raise revoked_device_problem(device)
    owner = db.session.get(User, token.user_id)
    if owner is None or not owner.active:
        raise deactivated_problem()
    # Atomic claim: of two concurrent refreshes with one token, only one wins.
    claim = db.session.execute(
        update(Token)
        .where(Token.id == token.id, Token.used_at.is_(None), Token.revoked_at.is_(None))
        .values(used_at=now)
    )
    claimed = cast(CursorResult[Any], claim).rowcount
    if not claimed:
        revoke_tokens(Token.family_id == token.family_id)
        audit("refresh_reuse", user_id=token.user_id, device_id=token.device_id)
        raise Unauthorized(
            "refresh-reused",
            "This refresh token was already used; the session was ended.",
            keep_changes=True,
        )
    user = db.session.get(User, token.user_id)
    if token.expires_at <= now or user is None or not user.active:
        raise Unauthorized("unauthorized", "The refresh token has expired.")
    # The access tokens of the old pair die with it.
    revoke_tokens(Token.family_id == token.family_id, Token.kind == "access")
    device.last_seen_at = now
    # The login's end: its lifetime counted from the family's first token (the login itself).
    started = db.session.scalar(
        select(func.min(Token.created_at)).where(Token.family_id == token.family_id)
    )
    lifetime = timedelta(seconds=current_app.config["LOGIN_LIFETIME_SECONDS"])
    ends = (started or now) + lifetime
    return issue_pair(user, device, family_id=token.family_id, login_ends_at=ends)


def logout(caller: Caller) -> None:
    """End the caller's session: every token of its family is revoked."""
    token = db.session.get(Token, caller.token_id)
    if token is not None:
        revoke_tokens(Token.family_id == token.family_id)
    audit("logout")


def label_device(caller: Caller, label: str) -> Device:
    """Set the name the caller gives their own device (blank: none)."""
    device = db.session.get(Device, caller.device_id)
    assert device is not None  # a valid token names a device that exists
    device.label = label.strip() or None
    audit("label_device", entity="device", record_id=device.id)
    return device
