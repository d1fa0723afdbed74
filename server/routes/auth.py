"""Log in, refresh and log out (DESIGN.md "Log in")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select, update

from ..errors import ApiProblem
from ..extensions import db
from ..models import Device, LoginThrottle, Token, User
from ..models.common import utcnow
from ..schemas import LoginIn, RefreshIn, TokenPairOut, UserOut
from ..security import (
    current_caller,
    issue_pair,
    login_required,
    revoked_device_problem,
    token_digest,
    verify_password,
)
from ..services.audit import audit

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Log in and tokens")


def _throttle_row(username: str) -> LoginThrottle:
    row = db.session.get(LoginThrottle, username, with_for_update=True)
    if row is None:
        row = LoginThrottle(username=username, failures=0, window_started_at=utcnow())
        db.session.add(row)
        db.session.flush()
    return row


def _check_not_locked(username: str) -> None:
    row = db.session.get(LoginThrottle, username)
    now = utcnow()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        retry = int((row.locked_until - now).total_seconds()) + 1
        raise ApiProblem(
            429,
            "login-limit",
            "Too many failed logins for this account; try again later.",
            headers={"Retry-After": str(retry)},
        )


def _record_failure(username: str) -> None:
    config = current_app.config
    now = utcnow()
    row = _throttle_row(username)
    if now - row.window_started_at > timedelta(seconds=config["LOGIN_LOCK_SECONDS"]):
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= config["LOGIN_MAX_FAILURES"]:
        row.locked_until = now + timedelta(seconds=config["LOGIN_LOCK_SECONDS"])
        row.failures = 0
    db.session.commit()


@blp.post("/login")
@blp.arguments(LoginIn)
@blp.response(200, TokenPairOut)
def login(body: dict[str, Any]) -> dict[str, Any]:
    """Log in on a device; registers the device on first use."""
    username = body["username"].strip().lower()
    _check_not_locked(username)
    user = db.session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, body["password"])
    if not ok or user is None or not user.active:
        _record_failure(username)
        raise ApiProblem(401, "invalid-credentials", "Wrong username or password.")
    device_id = str(body["device_id"])
    device = db.session.get(Device, device_id)
    if device is not None and device.revoked_at is not None:
        raise revoked_device_problem(device)
    if device is None:
        device = Device(id=device_id, name=body["device_name"])
        db.session.add(device)
    device.last_user_id, device.last_seen_at = user.id, utcnow()
    if body["device_name"]:
        device.name = body["device_name"]
    db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.username == username)
        .values(failures=0, locked_until=None)
    )
    db.session.flush()
    pair = issue_pair(user, device)
    audit("login", user_id=user.id, device_id=device.id)
    db.session.commit()
    return pair


@blp.post("/refresh")
@blp.arguments(RefreshIn)
@blp.response(200, TokenPairOut)
def refresh(body: dict[str, Any]) -> dict[str, Any]:
    """Rotate a refresh token: the old one dies; reusing it revokes its whole family."""
    now = utcnow()
    token = db.session.scalar(
        select(Token).where(
            Token.token_hash == token_digest(body["refresh_token"]), Token.kind == "refresh"
        )
    )
    if token is None:
        raise ApiProblem(401, "unauthorized", "The refresh token is not valid.")
    device = db.session.get(Device, token.device_id)
    if device is None or device.revoked_at is not None:
        raise revoked_device_problem(device)  # type: ignore[arg-type]
    # Atomic claim: of two concurrent refreshes with one token, only one wins.
    claimed = db.session.execute(
        update(Token)
        .where(Token.id == token.id, Token.used_at.is_(None), Token.revoked_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if not claimed:
        db.session.execute(
            update(Token)
            .where(Token.family_id == token.family_id, Token.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        audit("refresh_reuse", user_id=token.user_id, device_id=token.device_id)
        db.session.commit()
        raise ApiProblem(
            401, "refresh-reused", "This refresh token was already used; the session was ended."
        )
    user = db.session.get(User, token.user_id)
    if token.expires_at <= now or user is None or not user.active:
        db.session.rollback()
        raise ApiProblem(401, "unauthorized", "The refresh token has expired.")
    # The access tokens of the old pair die with it.
    db.session.execute(
        update(Token)
        .where(
            Token.family_id == token.family_id, Token.kind == "access", Token.revoked_at.is_(None)
        )
        .values(revoked_at=now)
    )
    device.last_seen_at = now
    pair = issue_pair(user, device, family_id=token.family_id)
    db.session.commit()
    return pair


@blp.post("/logout")
@login_required()
@blp.response(204)
def logout() -> None:
    """End this session: every token of its family is revoked."""
    caller = current_caller()
    token = db.session.get(Token, caller.token_id)
    assert token is not None
    db.session.execute(
        update(Token)
        .where(Token.family_id == token.family_id, Token.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit("logout")
    db.session.commit()


@blp.get("/me")
@login_required()
@blp.response(200, UserOut)
def me() -> Any:
    """The logged-in user."""
    return current_caller().user
