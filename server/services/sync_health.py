"""Sync health per facility: which devices hold work at risk, and what waits for an admin.

A device belongs to the facilities of its last user. Its work is at risk when it has not
reached the server for more than SILENT_DAYS (its changes exist nowhere else), so those come
first; then open conflicts and recently refused changes per facility, and the sum of changes
waiting on devices across the caller's facilities (what the devices last reported).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from ..models import ChangeLog, Conflict, Device, Facility, User
from ..models.auth import user_facilities
from ..models.common import utcnow

REJECTED_WINDOW = timedelta(days=30)


def sync_health(scope: Collection[str], silent_days: int) -> dict[str, Any]:
    """Every facility of the scope with its devices, conflicts and refusals; region totals."""
    now = utcnow()
    silent_before = now - timedelta(days=silent_days)
    facilities = db.session.scalars(
        select(Facility).where(Facility.id.in_(list(scope))).order_by(Facility.code)
    ).all()
    rows = db.session.execute(
        select(user_facilities.c.facility_id, Device, User)
        .join(User, User.id == Device.last_user_id)
        .join(user_facilities, user_facilities.c.user_id == User.id)
        .where(user_facilities.c.facility_id.in_(list(scope)), Device.revoked_at.is_(None))
        .order_by(Device.last_seen_at)
    ).all()
    conflicts = _counts_by_facility(
        select(Conflict.facility_id, func.count()).where(Conflict.status == "open"), scope
    )
    rejected = _counts_by_facility(
        select(ChangeLog.facility_id, func.count()).where(
            ChangeLog.status == "rejected", ChangeLog.created_at >= now - REJECTED_WINDOW
        ),
        scope,
    )
    devices: dict[str, list[dict[str, Any]]] = {f.id: [] for f in facilities}
    counted: dict[str, int] = {}
    for facility_id, device, user in rows:
        devices[facility_id].append(_device(device, user, silent_before, now))
        counted[device.id] = device.pending_count or 0
    return {
        "as_of": now,
        "silent_days": silent_days,
        "pending_changes": sum(counted.values()),
        "silent_devices": len(
            {d["id"] for items in devices.values() for d in items if d["silent"]}
        ),
        "facilities": [
            {
                "facility_id": f.id,
                "code": f.code,
                "name": f.name,
                "devices": sorted(
                    devices[f.id], key=lambda d: (not d["silent"], d["last_seen_at"])
                ),
                "open_conflicts": conflicts.get(f.id, 0),
                "rejected_30_days": rejected.get(f.id, 0),
                "pending_changes": sum(d["pending_count"] or 0 for d in devices[f.id]),
            }
            for f in facilities
        ],
    }


def _counts_by_facility(statement: Any, scope: Collection[str]) -> dict[str, int]:
    column = statement.selected_columns[0]
    grouped = statement.where(column.in_(list(scope))).group_by(column)
    return {facility_id: int(count) for facility_id, count in db.session.execute(grouped)}


def _device(device: Device, user: User, silent_before: Any, now: Any) -> dict[str, Any]:
    oldest = device.oldest_pending_at
    return {
        "id": device.id,
        "name": device.name,
        "user": {"id": user.id, "display_name": user.display_name, "username": user.username},
        "last_seen_at": device.last_seen_at,
        "last_sync_at": device.last_sync_at,
        "silent": device.last_seen_at < silent_before,
        "pending_count": device.pending_count,
        "oldest_pending_at": oldest,
        "oldest_pending_hours": round((now - oldest).total_seconds() / 3600, 1)
        if oldest is not None
        else None,
        "storage_persisted": device.storage_persisted,
        "app_version": device.app_version,
        "clock_offset_ms": device.clock_offset_ms,
        "clock_skewed": device.clock_skewed,
    }
