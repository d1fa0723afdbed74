"""Limits on password guessing, shared by every worker through the database.

Theory of operation: every attempt is counted *before* its password is checked, with an atomic
`UPDATE ... RETURNING` on one row per key, so parallel guesses see each other's counts (on
PostgreSQL the row stays locked until the attempt's transaction ends). Three keys count:
- the account from this address: after LOGIN_MAX_FAILURES failures, a growing delay (2 s, 4 s,
  8 s ... up to LOGIN_LOCK_SECONDS) before the next try;
- the address, whatever the account: after ADDRESS_FACTOR times as many, the same growth, which
  stops one address from spraying many usernames;
- the account, from anywhere: after ACCOUNT_FACTOR times as many, a delay capped at
  ACCOUNT_DELAY_CAP, so a distributed guesser slows down but can never lock the real user out.
A successful login clears the account's own rows. Keys are hashes (no username is stored for
a name that does not exist), and rows whose window has passed are pruned as failures come in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import LoginThrottle
from ..models.common import utcnow
from .errors import TooManyAttempts

ADDRESS_FACTOR = 4
ACCOUNT_FACTOR = 10
ACCOUNT_DELAY_CAP = 60


@dataclass(frozen=True)
class Key:
    """One counter: its row key, after how many failures it slows down, and its longest delay."""

    row: str
    allowed: int
    cap: int


def _digest(kind: str, value: str) -> str:
    return f"{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:40]


def keys_for(username: str, address: str) -> list[Key]:
    """The counters one attempt touches."""
    config = current_app.config
    allowed, cap = config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCK_SECONDS"]
    return [
        Key(_digest("p", f"{username}\n{address}"), allowed, cap),
        Key(_digest("i", address), allowed * ADDRESS_FACTOR, cap),
        Key(_digest("a", username), allowed * ACCOUNT_FACTOR, min(cap, ACCOUNT_DELAY_CAP)),
    ]


def _ensure_rows(rows: list[str], now: datetime) -> None:
    values = [{"username": r, "failures": 0, "window_started_at": now} for r in rows]
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        db.session.execute(postgresql.insert(LoginThrottle).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        db.session.execute(sqlite.insert(LoginThrottle).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - the two supported databases are above
        db.session.execute(insert(LoginThrottle).values(values))


def check_and_count(keys: list[Key]) -> None:
    """Refuse (429) while any counter waits; else count this attempt on every counter."""
    now = utcnow()
    window = timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])
    rows = sorted(k.row for k in keys)  # one order everywhere: no deadlock between workers
    _ensure_rows(rows, now)
    stale = LoginThrottle.window_started_at < now - window
    counted = db.session.execute(
        update(LoginThrottle)
        .where(
            LoginThrottle.username.in_(rows),
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
        )
        .values(
            failures=case((stale, 1), else_=LoginThrottle.failures + 1),
            window_started_at=case((stale, now), else_=LoginThrottle.window_started_at),
        )
        .returning(LoginThrottle.username, LoginThrottle.failures)
    ).all()
    waiting = db.session.scalars(
        select(LoginThrottle.locked_until).where(
            LoginThrottle.username.in_(rows), LoginThrottle.locked_until > now
        )
    ).all()
    if waiting or len(counted) < len(rows):
        until = max([w for w in waiting if w is not None] or [now])
        retry = max(1, int((until - now).total_seconds()) + 1)
        raise TooManyAttempts(
            "login-limit", "Too many failed logins; wait a moment and try again.", retry
        )
    failures = dict(counted)
    for key in keys:
        over = failures[key.row] - key.allowed
        if over >= 0:
            delay = min(key.cap, 2 ** (over + 1))
            db.session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.username == key.row)
                .values(locked_until=now + timedelta(seconds=delay))
            )


def forget_failures(keys: list[Key]) -> None:
    """A successful login: the account's counters start again; the address takes back the one
    attempt it was charged (a busy office login is no failure)."""
    own = [k.row for k in keys if not k.row.startswith("i:")]
    address = [k.row for k in keys if k.row.startswith("i:")]
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.username.in_(own)))
    db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.username.in_(address), LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1)
    )


def prune() -> None:
    """Drop counters whose window has passed and that make nobody wait."""
    now = utcnow()
    window = timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.window_started_at < now - window,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
        )
    )
