"""Ending sessions: the one way tokens are revoked (logout, reuse, deactivation, a lost device)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, update

from ..extensions import db
from ..models import Token
from ..models.common import utcnow


def revoke_tokens(*where: ColumnElement[bool]) -> int:
    """Revoke every live token that matches; returns how many died."""
    result = db.session.execute(
        update(Token).where(Token.revoked_at.is_(None), *where).values(revoked_at=utcnow())
    )
    return int(cast(CursorResult[Any], result).rowcount or 0)
