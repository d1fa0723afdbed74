"""Writing a new version of a record: the one home of "version +1, a feed seq, a change-log row".

Theory of operation: every accepted change makes the next version of its record and takes the
next `seq` of the feed (allocated under the feed lock, so versions commit in seq order, protocol
P1/L2), and every version has one change-log row that holds the record's snapshot. The push
pipeline writes many versions at once and queues their rows (`change_log_row`); everything else
the server changes on its own (review, resolution, admin edits) goes through `write_version`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert

from ..extensions import db
from ..models import ChangeLog
from ..models.common import utcnow
from ..models.records import SyncedMixin
from ..models.wire import record_to_wire
from .audit import audit
from .feed import allocate


def next_version(record: SyncedMixin, *, seq: int, hlc: str | None = None) -> None:
    """Give a changed record its next version and a new place (`seq`) at the end of the feed."""
    record.version = (record.version or 0) + 1
    record.seq = seq
    record.updated_at = utcnow()
    if hlc is not None:
        record.hlc = hlc


def change_log_row(
    *,
    entity: str,
    record_id: str | None,
    facility_id: str | None,
    version: int | None,
    snapshot: dict[str, Any] | None,
    source: str,
    status: str = "applied",
    changed: list[str] | None = None,
    op: str = "upsert",
    change_id: str | None = None,
    base_version: int | None = None,
    device_id: str | None = None,
    user_id: str | None = None,
    hlc: str | None = None,
    fields: Any = None,
    errors: dict[str, Any] | None = None,
    conflict_id: str | None = None,
    result: dict[str, Any] | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """The change-log row of one version (or of one rejected change), ready for a bulk insert."""
    return {
        "change_id": change_id,
        "entity": entity,
        "record_id": record_id,
        "facility_id": facility_id,
        "version": version,
        "base_version": base_version,
        "op": op,
        "status": status,
        "source": source,
        "device_id": device_id,
        "user_id": user_id,
        "hlc": hlc,
        "fields": fields,
        "changed_fields": changed,
        "snapshot": snapshot,
        "errors": errors,
        "conflict_id": conflict_id,
        "result": result,
        "created_at": created_at or utcnow(),
    }


def write_version(
    record: SyncedMixin,
    *,
    source: str,
    changed: list[str],
    user_id: str | None = None,
    device_id: str | None = None,
    conflict_id: str | None = None,
    audit_action: str | None = None,
    **audit_detail: Any,
) -> None:
    """Make the next version of a record the server changed itself, with its log row and audit.

    The caller holds the feed lock (lock_feed) and commits; `audit_action` names the audit event.
    """
    with db.session.no_autoflush:  # a new record must not be flushed before it has its seq
        seq = allocate(db.session)
    next_version(record, seq=seq)
    db.session.flush()
    row = change_log_row(
        entity=record.entity,
        record_id=record.id,
        facility_id=record.facility_id,
        version=record.version,
        snapshot=record_to_wire(record),
        source=source,
        changed=changed,
        user_id=user_id,
        device_id=device_id,
        conflict_id=conflict_id,
    )
    db.session.execute(insert(ChangeLog), [row])
    if audit_action is not None:
        audit(
            audit_action,
            entity=record.entity,
            record_id=record.id,
            facility_id=record.facility_id,
            **audit_detail,
        )
