"""The program's records made on the server: cohorts, alert acknowledgements, risk checklists."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import current_app
from marshmallow import RAISE
from sqlalchemy import select

from ..extensions import db
from ..json_body import Blueprint
from ..models import Device, Facility
from ..models.wire import record_to_wire
from ..schemas.program import (
    AlertOut,
    ChecklistsOut,
    ClientPathOut,
    CohortArgs,
    CohortIn,
    CohortListOut,
    CohortOut,
    CohortPatchIn,
    FacilityDirectoryOut,
    PathChangesIn,
)
from ..schemas.sync import PushOut
from ..security import current_caller, login_required, require_facility
from ..services import alerts, cohorts
from ..services.audit import audit
from ..services.enrollments import check_path_changes, client_path
from ..services.push import push
from ..services.reports import scope_of
from ..services.unit import unit_of_work

blp = Blueprint("program", __name__, url_prefix="/api/v1", description="Cohorts and alerts")


@blp.get("/cohorts")
@login_required("supervisor", "admin")
@blp.arguments(CohortArgs, location="query", unknown=RAISE)
@blp.response(200, CohortListOut)
def list_cohorts(args: dict[str, Any]) -> dict[str, Any]:
    """Cohorts of the caller's facilities (or one of them), newest start first."""
    facility_id = str(args["facility_id"]) if args["facility_id"] else None
    items = cohorts.list_cohorts(scope_of(current_caller(), facility_id))
    return {"items": [record_to_wire(c) for c in items]}


@blp.post("/cohorts")
@login_required("supervisor", "admin")
@blp.arguments(CohortIn)
@blp.response(201, CohortOut)
def create_cohort(body: dict[str, Any]) -> dict[str, Any]:
    """A new cohort in one of the caller's facilities; its devices pull it."""
    require_facility(str(body["facility_id"]))
    with unit_of_work():
        return record_to_wire(cohorts.add_cohort(body, user_id=current_caller().user.id))


@blp.patch("/cohorts/<uuid:cohort_id>")
@login_required("supervisor", "admin")
@blp.arguments(CohortPatchIn)
@blp.response(200, CohortOut)
def edit_cohort(body: dict[str, Any], cohort_id: UUID) -> dict[str, Any]:
    """Edit a cohort as of the version seen; a stale version is a 409 problem."""
    with unit_of_work():
        cohort = cohorts.edit_cohort(str(cohort_id), body, user_id=current_caller().user.id)
        return record_to_wire(cohort)


@blp.post("/alerts/<uuid:alert_id>/acknowledge")
@login_required("supervisor", "admin")
@blp.response(200, AlertOut)
def acknowledge_alert(alert_id: UUID) -> dict[str, Any]:
    """Acknowledge a risk alert of one of the caller's facilities: who and when are kept."""
    with unit_of_work():
        return record_to_wire(alerts.acknowledge(current_caller(), str(alert_id)))


@blp.get("/clients/<uuid:client_id>/path")
@login_required("supervisor", "admin")
@blp.response(200, ClientPathOut)
def get_client_path(client_id: UUID) -> dict[str, Any]:
    """A client of the caller's facilities with their screening, enrollments, phases and
    assessments, for the staff views (audited)."""
    with unit_of_work():
        return client_path(str(client_id))


@blp.post("/clients/<uuid:client_id>/path")
@login_required("supervisor", "admin")
@blp.arguments(PathChangesIn)
@blp.response(200, PushOut)
def record_path(body: dict[str, Any], client_id: UUID) -> dict[str, Any]:
    """A supervisor records a client's enrollment, phase change or exit: the changes go through
    the push pipeline (steps P1-P10) from the supervisor's device, one result per change."""
    with unit_of_work():
        client_path(str(client_id))  # the client is in scope (404 otherwise); audited as read
        check_path_changes(str(client_id), body["changes"])
        caller = current_caller()
        device = db.session.get(Device, caller.device_id)
        assert device is not None
        results = push(caller, device, body["changes"])
        counts: dict[str, int] = {}
        for result in results:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        audit("push", counts=counts, view="path")
        return {"results": results}


@blp.get("/transfer-destinations")
@login_required("counselor", "supervisor", "admin")
@blp.response(200, FacilityDirectoryOut)
def transfer_destinations() -> dict[str, Any]:
    """Every facility a client may be transferred to, by code: names only, never its records
    (a counselor's device pulls only its own facilities, so it keeps this list for offline)."""
    with unit_of_work():
        facilities = db.session.scalars(
            select(Facility).where(Facility.deleted.is_(False)).order_by(Facility.code)
        )
        return {"items": list(facilities)}


@blp.get("/checklists")
@login_required()
@blp.response(200, ChecklistsOut)
def checklists() -> dict[str, Any]:
    """The deployment's checklist per alarming risk flag; empty: the app's own words stand."""
    return {"checklists": current_app.config["RISK_CHECKLISTS"]}
