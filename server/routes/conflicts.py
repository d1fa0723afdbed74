"""The conflict queue and its resolutions (DESIGN.md "Conflicts"); admins only."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..errors import ApiProblem
from ..extensions import db
from ..models import Conflict
from ..security import current_caller, login_required
from ..services.audit import audit
from ..services.resolve import RESOLVERS, describe, resolve
from .admin import PageArgs, PageOut, PersonOut, paginate

blp = Blueprint(
    "conflicts",
    __name__,
    url_prefix="/api/v1/conflicts",
    description="Conflicts kept for an admin, side by side, and their resolution",
)

CHOICES = ("server", "client", "merge")


class ConflictArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(("open", "resolved")))
    kind = fields.String(validate=validate.OneOf(tuple(RESOLVERS)))
    facility_id = fields.UUID()


class DeviceRefOut(Schema):
    id = fields.String()
    name = fields.String()


class ConflictOut(Schema):
    id = fields.String()
    kind = fields.String()
    entity = fields.String()
    record_id = fields.String()
    other_record_id = fields.String(allow_none=True)
    facility_id = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    base = fields.Dict()
    server = fields.Dict()
    client = fields.Dict()
    user = fields.Nested(PersonOut, allow_none=True)
    device = fields.Nested(DeviceRefOut, allow_none=True)
    created_at = fields.DateTime()
    status = fields.String()
    resolution = fields.String(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)


class ConflictDetailOut(ConflictOut):
    current = fields.Dict(allow_none=True, metadata={"description": "The record as it is now."})
    other_current = fields.Dict(
        allow_none=True, metadata={"description": "Duplicates: the other client as it is now."}
    )


class ConflictPageOut(PageOut):
    items = fields.List(fields.Nested(ConflictOut))


class ResolveIn(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(CHOICES))
    fields_ = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=60)),
        data_key="fields",
        attribute="fields",
        load_default=dict,
        metadata={"description": "merge: the values to write, by field name (wire form)."},
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
        raise ApiProblem(404, "not-found", "No such conflict.")
    return conflict


@blp.get("/<uuid:conflict_id>")
@login_required("admin")
@blp.response(200, ConflictDetailOut)
def show_conflict(conflict_id: UUID) -> dict[str, Any]:
    """One conflict side by side with the record as it is now."""
    conflict = _get(conflict_id)
    [detail] = describe([conflict], with_current=True)
    audit(
        "read",
        entity=conflict.entity,
        record_id=conflict.record_id,
        facility_id=conflict.facility_id,
        conflict_id=conflict.id,
    )
    db.session.commit()
    return detail


@blp.post("/<uuid:conflict_id>/resolve")
@login_required("admin")
@blp.arguments(ResolveIn)
@blp.response(200, ConflictDetailOut)
def resolve_conflict(body: dict[str, Any], conflict_id: UUID) -> dict[str, Any]:
    """Resolve an open conflict: keep the server's side, take the device's, or merge."""
    conflict = resolve(current_caller(), str(conflict_id), body["choice"], body["fields"])
    [detail] = describe([conflict], with_current=True)
    return detail
