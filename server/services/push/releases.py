"""A recorded release closes the client's active enrollments (docs/design.md "release").

Theory of operation: like an alert (alerts.py), the closing is the server's own work inside the
push that carried the new release, in the same transaction: each live, active enrollment of the
client becomes `released`, ending on the release date (never before its start), as a new version
in the change log that every device of the facility pulls like any change. Only a new release
closes enrollments; editing one later (its note, its referral) leaves the path alone.
"""

from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Enrollment, Release
from ...models.records import SyncedMixin
from .batch import Batch

RELEASED = "released"


def _active(batch: Batch, release: Release) -> list[Enrollment]:
    stored = db.session.scalars(
        select(Enrollment).where(
            Enrollment.client_id == release.client_id,
            Enrollment.facility_id == release.facility_id,
            Enrollment.status == "active",
            Enrollment.deleted.is_(False),
        )
    )
    found = {e.id: e for e in stored}
    for record in batch.records.values():  # made or changed earlier in this batch
        if isinstance(record, Enrollment) and record.client_id == release.client_id:
            found[record.id] = record
    return [e for e in found.values() if e.status == "active" and not e.deleted]


def close_enrollments(batch: Batch, record: SyncedMixin) -> list[Enrollment]:
    """Close the client's active enrollments as `released` when a release is first recorded."""
    if not isinstance(record, Release) or record.deleted or record.version != 1:
        return []
    closed = _active(batch, record)
    for enrollment in closed:
        enrollment.status = RELEASED
        enrollment.end_date = max(record.released_on, enrollment.start_date)
        batch.records[("enrollment", enrollment.id)] = enrollment
        batch.server_version(enrollment, ["status", "end_date"])
    return closed
