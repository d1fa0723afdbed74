"""Passwords (argon2id), opaque bearer tokens stored hashed, and the per-request caller."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, cached_property, wraps
from typing import Any, TypeVar, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request
from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import lazyload

from .extensions import db
from .models import Device, Facility, Token, User
from .models.auth import user_facilities
from .models.common import new_id, utcnow
from .services.errors import INVALID_TOKEN, DeviceRevoked, Forbidden, NotFound, Unauthorized

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the account does not exist, so timing does not reveal account names.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))

F = TypeVar("F", bound=Callable[..., Any])


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash in constant-ish time; False for a missing user."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """The SHA-256 of a token: what the database keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Caller:
    """The authenticated user and device of the current request."""

    user: User
    device_id: str
    token_id: str
    # The facility ids as authenticate() read them with the token (None: read when asked).
    scope: frozenset[str] | None = field(default=None, compare=False, repr=False)

    @property
    def role(self) -> str:
        return self.user.role

    @cached_property
    def facility_ids(self) -> frozenset[str]:
        """Facilities this caller may read and write."""
        if self.scope is not None:
            return self.scope
        if self.user.role == "admin":
            return frozenset(db.session.scalars(select(Facility.id)))
        return frozenset(self.user.facility_ids)


def issue_pair(
    user: User,
    device: Device,
    family_id: str | None = None,
    login_ends_at: datetime | None = None,
) -> dict[str, Any]:
    """Create an access token and a refresh token for a user on a device.

    A fresh login (no family yet) ends LOGIN_LIFETIME_SECONDS from now; a rotation passes the
    end of the login it continues (`login_ends_at`), and no token outlives it.
    """
    now = utcnow()
    family = family_id or new_id()
    ends = login_ends_at or now + timedelta(seconds=current_app.config["LOGIN_LIFETIME_SECONDS"])
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    access_seconds = current_app.config["ACCESS_TOKEN_SECONDS"]
    lifetimes = {"access": access_seconds, "refresh": current_app.config["REFRESH_TOKEN_SECONDS"]}
    for kind, secret in (("access", access), ("refresh", refresh)):
        db.session.add(
            Token(
                token_hash=token_digest(secret),
                kind=kind,
                user_id=user.id,
                device_id=device.id,
                family_id=family,
                expires_at=min(now + timedelta(seconds=lifetimes[kind]), ends),
            )
        )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": access_seconds,
        "lock_after_seconds": current_app.config["DEVICE_LOCK_SECONDS"],
        "pin_window_seconds": current_app.config["DEVICE_PIN_SECONDS"],
        "keep_answered_seconds": current_app.config["DEVICE_KEEP_SECONDS"],
        "user": user,
    }


def revoked_device_problem(device: Device | None = None) -> DeviceRevoked:
    """The answer a revoked device gets on any request: it must wipe itself."""
    return DeviceRevoked(
        "device-revoked",
        "This device was revoked by an administrator; its local data must be erased.",
        device.revoked_reason if device is not None else None,
    )


def deactivated_problem() -> Unauthorized:
    """The answer to a token of a deactivated account: the device erases this user's data."""
    return Unauthorized(
        "account-deactivated",
        "This account was deactivated; its data on this device must be erased.",
        challenge=INVALID_TOKEN,
    )


def _unauthorized(detail: str) -> Unauthorized:
    return Unauthorized("unauthorized", detail, challenge=INVALID_TOKEN)


def _scope_column() -> Any:
    """The caller's facility ids, comma-separated: every facility for an admin, else assigned."""
    every = select(func.aggregate_strings(Facility.id, ",")).scalar_subquery()
    assigned = (
        select(func.aggregate_strings(user_facilities.c.facility_id, ","))
        .where(user_facilities.c.user_id == User.id)
        .scalar_subquery()
    )
    return case((User.role == "admin", every), else_=assigned).label("scope")


@cache
def _token_statement() -> Select[Any]:
    """The token, its user, its device and the user's scope: built once, the digest bound
    (every request of every device starts with it)."""
    return (
        select(Token, User, Device, _scope_column())
        .join(User, User.id == Token.user_id)
        .join(Device, Device.id == Token.device_id)
        .where(Token.token_hash == bindparam("digest"), Token.kind == "access")
        # The scope comes with the row: no second statement for the user's facilities.
        .options(lazyload(User.facilities))
    )


def authenticate() -> Caller:
    """Resolve the bearer token of this request in one query; raise 401 problems otherwise.

    The token, its user, its device and the user's scope come in one statement, read anew on
    every request (nothing cached across requests: a revocation or a deactivation holds at once).
    """
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("unauthorized", "A bearer token is required.", challenge="Bearer")
    row = db.session.execute(_token_statement(), {"digest": token_digest(value.strip())}).first()
    if row is None:
        raise _unauthorized("The token is not valid.")
    token, user, device, scope = row
    # The device check comes first so a revoked device learns it must wipe, even with an old token.
    if device.revoked_at is not None:
        raise revoked_device_problem(device)
    # Before the token checks: deactivation revokes the tokens, and the device must still learn
    # to erase this user's data.
    if not user.active:
        raise deactivated_problem()
    now = utcnow()
    if token.revoked_at is not None or token.expires_at <= now:
        raise _unauthorized("The token has expired or was revoked.")
    facility_ids = frozenset(scope.split(",")) if scope else frozenset()
    return Caller(user=user, device_id=device.id, token_id=token.id, scope=facility_ids)


def current_caller() -> Caller:
    """The caller of this request (after @login_required)."""
    return cast(Caller, g.caller)


def login_required(*roles: str) -> Callable[[F], F]:
    """Require a valid token and, when roles are given, one of them."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller = authenticate()
            if roles and caller.role not in roles:
                raise Forbidden("forbidden", "Your role may not do this.")
            g.caller = caller
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def require_facility(facility_id: str | None) -> None:
    """Raise 404 unless the caller's scope holds this facility (404: existence is not revealed)."""
    if facility_id is None or facility_id not in current_caller().facility_ids:
        raise NotFound("not-found", "No such record.")


def as_of(seconds: int) -> datetime:
    """A moment `seconds` from now."""
    return utcnow() + timedelta(seconds=seconds)
