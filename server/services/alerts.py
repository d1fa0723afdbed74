"""Alerts a supervisor acknowledges (the push raises them: services/push/alerts.py)."""

from __future__ import annotations

from ..extensions import db
from ..models import Alert
from ..models.common import utcnow
from ..security import Caller, require_facility
from .errors import NotFound
from .feed import lock_feed
from .versions import write_version

ACKNOWLEDGED = ["status", "acknowledged_by", "acknowledged_by_name", "acknowledged_at"]


def acknowledge(caller: Caller, alert_id: str) -> Alert:
    """Acknowledge an alert as a new version (who and when; audited); again is a no-op."""
    lock_feed(db.session)
    alert = db.session.get(Alert, alert_id) if len(alert_id) <= 36 else None
    if alert is None or alert.deleted:
        raise NotFound("not-found", "No such record.")
    require_facility(alert.facility_id)
    if alert.status == "acknowledged":
        return alert
    alert.status = "acknowledged"
    alert.acknowledged_by = caller.user.id
    alert.acknowledged_by_name = caller.user.display_name
    alert.acknowledged_at = utcnow()
    write_version(
        alert,
        source="server",
        changed=list(ACKNOWLEDGED),
        user_id=caller.user.id,
        device_id=caller.device_id,
        audit_action="acknowledge",
    )
    return alert
