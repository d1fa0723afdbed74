"""Sync health per facility for supervisors and admins (docs/protocol.md "Sync health")."""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import RAISE

from ..extensions import db
from ..json_body import Blueprint
from ..schemas.sync_health import HealthArgs, HealthOut
from ..security import current_caller, login_required, require_facility
from ..services.audit import audit
from ..services.sync_health import sync_health

blp = Blueprint(
    "sync_health", __name__, url_prefix="/api/v1/sync-health", description="Sync health"
)


@blp.get("")
@login_required("supervisor", "admin")
@blp.arguments(HealthArgs, location="query", unknown=RAISE)
@blp.response(200, HealthOut)
def show_sync_health(args: dict[str, Any]) -> dict[str, Any]:
    """Devices of the caller's facilities (or one), silent ones first; conflicts and refusals."""
    caller = current_caller()
    if args["facility_id"] is not None:
        require_facility(str(args["facility_id"]))
        scope = [str(args["facility_id"])]
    else:
        scope = sorted(caller.facility_ids)
    health = sync_health(scope, current_app.config["SILENT_DAYS"])
    audit("read_sync_health", facility_id=scope[0] if len(scope) == 1 else None)
    db.session.commit()
    return health
