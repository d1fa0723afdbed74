"""The conflict queue and its resolutions (docs/protocol.md "Conflicts"); admins only."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from ..extensions import db
from ..json_body import Blueprint
from ..models import Conflict
from ..schemas.conflicts import ConflictArgs, ConflictDetailOut, ConflictPageOut, ResolveIn
from ..security import current_caller, login_required
from ..services.errors import NotFound
from ..services.listings import paginate
from ..services.resolve import audit_conflict, describe, resolve
from ..services.unit import unit_of_work

blp = Blueprint(
    "conflicts",
    __name__,
    url_prefix="/api/v1/conflicts",
    description="Conflicts kept for an admin, side by side, and their resolution",
)


@blp.get("")
@login_required("admin")
@blp.arguments(ConflictArgs, location="query")
@blp.response(200, ConflictPageOut)
def list_conflicts(args: dict[str, Any]) -> dict[str, Any]:
    """Conflicts, newest first, filtered by status, kind and facility."""
    statement = select(Conflict).order_by(Conflict.created_at.desc(), Conflict.id)
    for name in ("status", "kind", "facility_id"):
        if args.get(name) is not None:
            statement = statement.where(getattr(Conflict, name) == str(args[name]))
    page = paginate(statement, args)
    page["items"] = describe(page["items"])
    return page


def _get(conflict_id: UUID) -> Conflict:
    conflict = db.session.get(Conflict, str(conflict_id))
    if conflict is None:
        raise NotFound("not-found", "No such conflict.")
    return conflict


@blp.get("/<uuid:conflict_id>")
@login_required("admin")
@blp.response(200, ConflictDetailOut)
def show_conflict(conflict_id: UUID) -> dict[str, Any]:
    """One conflict side by side with the record as it is now."""
    conflict = _get(conflict_id)
    [detail] = describe([conflict], with_current=True)
    audit_conflict("read", conflict)
    db.session.commit()
    return detail


@blp.post("/<uuid:conflict_id>/resolve")
@login_required("admin")
@blp.arguments(ResolveIn)
@blp.response(200, ConflictDetailOut)
def resolve_conflict(body: dict[str, Any], conflict_id: UUID) -> dict[str, Any]:
    """Resolve an open conflict: keep the server's side, take the device's, or merge."""
    with unit_of_work():
        conflict = resolve(current_caller(), str(conflict_id), body["choice"], body["fields"])
    [detail] = describe([conflict], with_current=True)
    return detail
