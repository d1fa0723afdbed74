"""The audit trail: recorded by the server, never by the device."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g, has_request_context

from ..extensions import db
from ..models import AuditEvent


def audit(
    action: str,
    *,
    entity: str | None = None,
    record_id: str | None = None,
    facility_id: str | None = None,
    user_id: str | None = None,
    device_id: str | None = None,
    counts: Mapping[str, int] | None = None,
    **detail: Any,
) -> None:
    """Add an audit event to the current transaction (ids and counts only, never contents)."""
    caller = g.get("caller") if has_request_context() else None
    db.session.add(
        AuditEvent(
            action=action,
            entity=entity,
            record_id=record_id,
            facility_id=facility_id,
            user_id=user_id or (caller.user.id if caller else None),
            device_id=device_id or (caller.device_id if caller else None),
            detail={**(counts or {}), **detail},
        )
    )
