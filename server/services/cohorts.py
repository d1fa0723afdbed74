"""Cohorts as supervisors and admins make them: records the facility's devices pull."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Cohort
from ..models.common import new_id
from ..models.wire import wire_value
from ..security import require_facility
from .errors import NotFound, StateConflict
from .feed import lock_feed
from .versions import write_version

EDITABLE = ("program", "name", "start_date", "end_date", "intake_target", "phases")


def _phases(phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Phases in their order, names trimmed."""
    return [
        {"name": p["name"].strip(), "order": p["order"], "planned_weeks": p["planned_weeks"]}
        for p in sorted(phases, key=lambda p: p["order"])
    ]


def _name_taken(facility_id: str, program: str, name: str, except_id: str | None = None) -> None:
    """A facility names each cohort of a program once ("2024 tahap I" of medis and of sosial)."""
    statement = select(Cohort.id).where(
        Cohort.facility_id == facility_id,
        Cohort.program == program,
        Cohort.name == name,
        Cohort.deleted.is_(False),
    )
    if except_id:
        statement = statement.where(Cohort.id != except_id)
    if db.session.scalar(statement.limit(1)):
        raise StateConflict(
            "exists",
            "This facility already has a cohort of that name in this program.",
            {"name": ["Already used in this facility."]},
        )


def add_cohort(values: dict[str, Any], *, user_id: str, cohort_id: str | None = None) -> Cohort:
    """A new cohort as version 1 in the feed (the route checks the facility is in scope)."""
    facility_id = str(values["facility_id"])
    lock_feed(db.session)
    name = values["name"].strip()
    _name_taken(facility_id, values["program"], name)
    cohort = Cohort(
        id=cohort_id or new_id(),
        version=0,
        facility_id=facility_id,
        program=values["program"],
        name=name,
        start_date=values["start_date"],
        end_date=values["end_date"],
        intake_target=values["intake_target"],
        phases=_phases(values["phases"]),
    )
    db.session.add(cohort)
    write_version(
        cohort, source="server", changed=list(EDITABLE), user_id=user_id, audit_action="create"
    )
    return cohort


def find_cohort(cohort_id: str) -> Cohort:
    """A live cohort in the caller's scope; a 404 problem otherwise."""
    cohort = db.session.get(Cohort, cohort_id) if len(cohort_id) <= 36 else None
    if cohort is None or cohort.deleted:
        raise NotFound("not-found", "No such record.")
    require_facility(cohort.facility_id)
    return cohort


def edit_cohort(cohort_id: str, values: dict[str, Any], *, user_id: str) -> Cohort:
    """A supervisor's edit of the version they saw; the changed fields make a new version."""
    lock_feed(db.session)
    cohort = find_cohort(cohort_id)
    if values["version"] != cohort.version:
        raise StateConflict(
            "stale-version",
            "This cohort changed since it was opened; reload it and edit again.",
            {"version": [f"The cohort is at version {cohort.version}."]},
        )
    new = {name: values[name] for name in EDITABLE} | {
        "name": values["name"].strip(),
        "phases": _phases(values["phases"]),
    }
    _name_taken(cohort.facility_id, new["program"], new["name"], cohort.id)
    changed = [n for n in EDITABLE if wire_value(getattr(cohort, n)) != wire_value(new[n])]
    if not changed:
        return cohort
    for name in changed:
        setattr(cohort, name, new[name])
    write_version(cohort, source="server", changed=changed, user_id=user_id, audit_action="edit")
    return cohort


def list_cohorts(scope: list[str]) -> list[Cohort]:
    """Live cohorts of these facilities, newest start first."""
    return list(
        db.session.scalars(
            select(Cohort)
            .where(Cohort.facility_id.in_(scope), Cohort.deleted.is_(False))
            .order_by(Cohort.start_date.desc(), Cohort.name)
        )
    )
