"""What the server adds to records: references checked, values stored, fields it computes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .. import instruments
from ..extensions import db
from ..models import Assessment, Client, Cohort, CounselingSession, Enrollment, Release
from ..models.common import utcnow
from ..models.records import SyncedMixin
from ..security import Caller
from .registrations import keep_old_number

# Reference fields: the record they name must exist, be live, and share the facility.
REFERENCES: dict[str, dict[str, type[SyncedMixin]]] = {
    "enrollment": {"client_id": Client, "cohort_id": Cohort, "screening_id": Assessment},
    "assessment": {"client_id": Client},
    "session": {"client_id": Client, "enrollment_id": Enrollment, "amends_id": CounselingSession},
    "attendance": {"client_id": Client, "session_id": CounselingSession},
    "phase_change": {"client_id": Client, "enrollment_id": Enrollment},
    "release": {"client_id": Client},
    "transfer": {"client_id": Client},
}


def check_references(
    entity: str,
    values: dict[str, Any],
    record: SyncedMixin | None = None,
    *,
    find: Callable[[type[SyncedMixin], str], SyncedMixin | None] | None = None,
    origin: str | None = None,
) -> dict[str, list[str]]:
    """Each referenced record exists, is not deleted, and is in the same facility.

    `origin`: the facility a change was made in when a transfer has since moved its client
    (docs/design.md "Transfers"): a group session or a cohort left there is still a reference.
    """
    errors: dict[str, list[str]] = {}
    facility_id = record.facility_id if record is not None else values.get("facility_id")
    allowed = {facility_id, origin} if origin else {facility_id}
    for field, model in REFERENCES.get(entity, {}).items():
        target_id = values.get(field)
        if not target_id:
            continue
        target = find(model, target_id) if find else db.session.get(model, target_id)
        if target is None or target.deleted or target.facility_id not in allowed:
            errors[field] = ["No such record in this facility."]
    return errors


AUTHOR_IS_SERVER_SET = "Set by the server: a session's author is the counselor who records it."


def take_authorship(
    entity: str, values: dict[str, Any], record: SyncedMixin | None, caller: Caller
) -> dict[str, list[str]]:
    """A device never names a session's author: a new one is the caller's, an edit keeps it.

    Removes `counselor_id` from `values`; errors when the device named anyone else. Admins
    reassign through the admin API (services/sessions.py).
    """
    if entity != "session" or "counselor_id" not in values:
        return {}
    sent = values.pop("counselor_id")
    author = record.counselor_id if record is not None else caller.user.id  # type: ignore[attr-defined]
    if sent is not None and sent != author:
        return {"counselor_id": [AUTHOR_IS_SERVER_SET]}
    return {}


def apply_values(record: SyncedMixin, values: dict[str, Any], *, hlc: str | None = None) -> None:
    """Store validated Python values on the record; occurred_at keeps its offset as text.

    `hlc`: the clock of the change that carries the values (a pushed change's), which dates
    what it did on the device: the end of the old registration number's register history."""
    if isinstance(record, Client) and "registration_number" in values:
        keep_old_number(record, values["registration_number"], hlc=hlc)  # register history
    if (
        isinstance(record, Release)
        and "consent_recipient" in values
        and values["consent_recipient"] != record.consent_recipient
    ):
        record.consent_recorded_by = None  # a new consent: stamped again by server_computed
    for name, value in values.items():
        if name == "facility_id":
            continue
        if name == "occurred_at" and isinstance(value, datetime):
            record.occurred_utc = value  # type: ignore[attr-defined]
            value = value.isoformat()
        setattr(record, name, value)


def server_computed(record: SyncedMixin, caller: Caller, *, previous_status: str | None) -> None:
    """Fields the server owns: an assessment's scores, the session's author and submission time."""
    if isinstance(record, SyncedMixin) and record.entity == "assessment":
        instrument = record.instrument  # type: ignore[attr-defined]
        record.scores = instruments.score(instrument, record.answers or {})  # type: ignore[attr-defined]
    if record.entity == "session":
        session: CounselingSession = record  # type: ignore[assignment]
        if not session.counselor_id:
            session.counselor_id = caller.user.id
        if session.status == "submitted" and previous_status != "submitted":
            session.submitted_at = utcnow()
    if isinstance(record, Release):
        record_consent(record, caller)


def record_consent(release: Release, caller: Caller) -> None:
    """Who recorded the client's consent, and when: set when the consent's recipient changes."""
    if not release.consent_recipient:
        release.consent_recorded_by = release.consent_recorded_by_name = None
        release.consent_recorded_at = None
    elif release.consent_recorded_by is None:
        release.consent_recorded_by = caller.user.id
        release.consent_recorded_by_name = caller.user.display_name
        release.consent_recorded_at = utcnow()
