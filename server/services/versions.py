"""Writing a new version of a record: version +1, a feed seq, and its change-log row."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import ChangeLog
from ..models.common import utcnow
from ..models.records import SyncedMixin
from .feed import allocate
from .wire import record_to_wire


def bump(record: SyncedMixin, *, hlc: str | None = None, seq: int | None = None) -> None:
    """Give a changed record its next version and a new place at the end of the feed.

    `seq` comes from a block the caller allocated under the feed lock; else one is allocated.
    """
    record.version = (record.version or 0) + 1
    record.seq = seq if seq is not None else allocate(db.session)
    record.updated_at = utcnow()
    if hlc is not None:
        record.hlc = hlc


def write_server_version(
    record: SyncedMixin,
    *,
    source: str,
    changed: list[str],
    user_id: str | None = None,
    device_id: str | None = None,
    status: str = "applied",
    conflict_id: str | None = None,
    fields: dict[str, Any] | None = None,
) -> ChangeLog:
    """Log a version the server made itself (review, resolution, merge, admin edit)."""
    row = ChangeLog(
        change_id=None,
        entity=record.entity,
        record_id=record.id,
        facility_id=record.facility_id,
        version=record.version,
        base_version=None,
        op="upsert",
        status=status,
        source=source,
        device_id=device_id,
        user_id=user_id,
        fields=fields,
        changed_fields=changed,
        snapshot=record_to_wire(record),
        conflict_id=conflict_id,
    )
    db.session.add(row)
    return row
