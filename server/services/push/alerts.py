"""Risk flags that reach a person: a pushed session with an alarming flag raises an `alert`.

Theory of operation (docs/design.md "alert"): the alert is a record the server makes inside the
push that carried the flag, in the same transaction, so the counselor's device pulls it with the
answer's next pull and a supervisor's queue shows it at once. One alert per session: a flag
added later reopens it with the new flags; unticking a flag never closes it (only a supervisor's
acknowledgement does, services/alerts.py).
"""

from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Alert, CounselingSession
from ...models.common import new_id, utcnow
from ...models.records import SyncedMixin
from ...schemas.rules import ALERT_FLAGS
from .batch import Batch


def alarming(flags: object) -> list[str]:
    """The session's flags that raise an alert, in the vocabulary's order."""
    present = set(flags) if isinstance(flags, list) else set()
    return [flag for flag in ALERT_FLAGS if flag in present]


def _existing(batch: Batch, session_id: str) -> Alert | None:
    key = ("alert", session_id)  # keyed by the session: one alert per session
    if key in batch.alerts:
        return batch.alerts[key]
    alert = db.session.scalar(select(Alert).where(Alert.session_id == session_id).limit(1))
    batch.alerts[key] = alert
    return alert


def raise_alert(batch: Batch, record: SyncedMixin) -> Alert | None:
    """Open (or reopen) the alert of a live session whose flags call for one; None otherwise."""
    if not isinstance(record, CounselingSession) or record.deleted:
        return None
    flags = alarming(record.risk_flags)
    if not flags:
        return None
    alert = _existing(batch, record.id)
    if alert is None:
        alert = Alert(
            id=new_id(),
            version=0,
            facility_id=record.facility_id,
            session_id=record.id,
            client_id=record.client_id,
            counselor_id=record.counselor_id,
            flags=flags,
            raised_at=utcnow(),
            status="open",
        )
        db.session.add(alert)
        batch.alerts[("alert", record.id)] = alert
        changed = list(Alert.fields)
    elif set(flags) - set(alert.flags or []):
        alert.flags = [f for f in ALERT_FLAGS if f in set(flags) | set(alert.flags or [])]
        alert.status = "open"
        alert.acknowledged_by = alert.acknowledged_by_name = alert.acknowledged_at = None
        changed = ["flags", "status", "acknowledged_by", "acknowledged_by_name", "acknowledged_at"]
    else:
        return None
    batch.server_version(alert, changed)
    return alert
