"""Admin API: users, devices, facilities, the audit trail and rejected changes (admins only)."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from uuid import UUID

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import Select, func, select

from ..cli import KINDS, ZONES
from ..extensions import db
from ..models import AuditEvent, ChangeLog, Device, Facility, User
from ..models.auth import ROLES
from ..schemas import Text, UserOut
from ..security import current_caller, login_required
from ..services import users
from ..services.admin import add_facility
from ..services.audit import audit
from ..services.feed import lock_feed

blp = Blueprint(
    "admin",
    __name__,
    url_prefix="/api/v1/admin",
    description="Users, devices, facilities, audit trail, rejected changes",
)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PageOut(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


def paginate(
    statement: Select[Any], args: dict[str, Any], *, scalars: bool = True
) -> dict[str, Any]:
    """One page of a query, newest-first order given by the caller, with the total count."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page = statement.limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])
    result = db.session.scalars(page) if scalars else db.session.execute(page)
    return {
        "items": list(result),
        "page": args["page"],
        "per_page": args["per_page"],
        "total": total or 0,
    }


class PersonOut(Schema):
    id = fields.String()
    username = fields.String()
    display_name = fields.String()


# Users


class UserIn(Schema):
    username = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9._-]{3,60}\Z", error="3-60 letters, digits, dots, dashes or underscores."
        ),
    )
    display_name = Text(required=True, min_len=1, max_len=120)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = Text(required=True, min_len=10, max_len=200, load_only=True)
    facility_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=1000))


class UserPatchIn(Schema):
    display_name = Text(min_len=1, max_len=120)
    role = fields.String(validate=validate.OneOf(ROLES))
    facility_ids = fields.List(fields.UUID(), validate=validate.Length(max=1000))
    active = fields.Boolean()

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Give at least one field to change.")


class PasswordIn(Schema):
    password = Text(required=True, min_len=10, max_len=200, load_only=True)


class AdminUserOut(UserOut):
    created_at = fields.DateTime()


class UserPageOut(PageOut):
    items = fields.List(fields.Nested(AdminUserOut))


@blp.get("/users")
@login_required("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, UserPageOut)
def list_users(args: dict[str, Any]) -> dict[str, Any]:
    """Every account, by username."""
    return paginate(select(User).order_by(User.username), args)


@blp.post("/users")
@login_required("admin")
@blp.arguments(UserIn)
@blp.response(201, AdminUserOut)
def create_user(body: dict[str, Any]) -> User:
    """Create an account; a taken username is a 409 problem."""
    return users.create_user(body)


@blp.patch("/users/<uuid:user_id>")
@login_required("admin")
@blp.arguments(UserPatchIn)
@blp.response(200, AdminUserOut)
def update_user(body: dict[str, Any], user_id: UUID) -> User:
    """Change a user's name, role, facilities or active flag; deactivating ends its sessions."""
    return users.update_user(current_caller(), str(user_id), body)


@blp.post("/users/<uuid:user_id>/password")
@login_required("admin")
@blp.arguments(PasswordIn)
@blp.response(204)
def reset_password(body: dict[str, Any], user_id: UUID) -> None:
    """Set a new password; the user's sessions end."""
    users.reset_password(str(user_id), body["password"])


# Devices


class DeviceOut(Schema):
    id = fields.String()
    name = fields.String()
    last_user = fields.Nested(PersonOut, allow_none=True)
    first_seen_at = fields.DateTime()
    last_seen_at = fields.DateTime()
    last_sync_at = fields.DateTime(allow_none=True)
    app_version = fields.String(allow_none=True)
    pending_count = fields.Integer(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoked_by = fields.String(allow_none=True)
    revoked_reason = fields.String(allow_none=True)


class DevicePageOut(PageOut):
    items = fields.List(fields.Nested(DeviceOut))


class RevokeIn(Schema):
    reason = Text(load_default=None, allow_none=True, max_len=200)


def _device_out(device: Device, user: User | None) -> dict[str, Any]:
    out = {name: getattr(device, name) for name in DeviceOut().fields if name != "last_user"}
    return out | {"last_user": user}


@blp.get("/devices")
@login_required("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, DevicePageOut)
def list_devices(args: dict[str, Any]) -> dict[str, Any]:
    """Every device, last seen first, with its last user and what it reported at its last sync."""
    statement = (
        select(Device, User)
        .outerjoin(User, User.id == Device.last_user_id)
        .order_by(Device.last_seen_at.desc(), Device.id)
    )
    page = paginate(statement, args, scalars=False)
    page["items"] = [_device_out(device, user) for device, user in page["items"]]
    return page


@blp.post("/devices/<uuid:device_id>/revoke")
@login_required("admin")
@blp.arguments(RevokeIn)
@blp.response(200, DeviceOut)
def revoke_device(body: dict[str, Any], device_id: UUID) -> dict[str, Any]:
    """Revoke a lost device: its tokens die at once and it is told to wipe itself."""
    device = users.revoke_device(current_caller(), str(device_id), body["reason"])
    return _device_out(device, db.session.get(User, device.last_user_id or ""))


# Facilities


class FacilityIn(Schema):
    code = Text(required=True, min_len=1, max_len=20)
    name = Text(required=True, min_len=1, max_len=160)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    region = Text(required=True, min_len=1, max_len=80)
    timezone = fields.String(required=True, validate=validate.OneOf(ZONES))


class FacilityOut(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    region = fields.String()
    timezone = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class FacilityPageOut(PageOut):
    items = fields.List(fields.Nested(FacilityOut))


@blp.get("/facilities")
@login_required("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, FacilityPageOut)
def list_facilities(args: dict[str, Any]) -> dict[str, Any]:
    """Every facility, by code."""
    return paginate(select(Facility).order_by(Facility.code), args)


@blp.post("/facilities")
@login_required("admin")
@blp.arguments(FacilityIn)
@blp.response(201, FacilityOut)
def create_facility(body: dict[str, Any]) -> Facility:
    """Add a facility; every admin device pulls it."""
    lock_feed(db.session)
    facility = add_facility(**body)
    audit("create_facility", entity="facility", record_id=facility.id, facility_id=facility.id)
    db.session.commit()
    return facility


# The audit trail and rejected changes


class AuditArgs(PageArgs):
    user_id = fields.UUID()
    action = Text(max_len=30)
    entity = Text(max_len=30)
    record_id = Text(max_len=64)
    since = fields.AwareDateTime(default_timezone=UTC)
    until = fields.AwareDateTime(default_timezone=UTC)


class AuditOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    user_id = fields.String(allow_none=True)
    username = fields.String(allow_none=True)
    device_id = fields.String(allow_none=True)
    action = fields.String()
    entity = fields.String(allow_none=True)
    record_id = fields.String(allow_none=True)
    facility_id = fields.String(allow_none=True)
    detail = fields.Dict()


class AuditPageOut(PageOut):
    items = fields.List(fields.Nested(AuditOut))


@blp.get("/audit")
@login_required("admin")
@blp.arguments(AuditArgs, location="query")
@blp.response(200, AuditPageOut)
def list_audit(args: dict[str, Any]) -> dict[str, Any]:
    """Audit events, newest first, filtered by who, what and when."""
    statement = (
        select(AuditEvent, User.username)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    column = {
        "user_id": AuditEvent.user_id,
        "action": AuditEvent.action,
        "entity": AuditEvent.entity,
        "record_id": AuditEvent.record_id,
    }
    for name, col in column.items():
        if args.get(name) is not None:
            statement = statement.where(col == str(args[name]))
    if args.get("since"):
        statement = statement.where(AuditEvent.at >= args["since"])
    if args.get("until"):
        statement = statement.where(AuditEvent.at < args["until"])
    page = paginate(statement, args, scalars=False)
    page["items"] = [_with_username(event, name) for event, name in page["items"]]
    return page


class RejectedOut(Schema):
    change_id = fields.String(allow_none=True)
    entity = fields.String()
    record_id = fields.String(allow_none=True)
    device_id = fields.String(allow_none=True)
    user_id = fields.String(allow_none=True)
    username = fields.String(allow_none=True)
    created_at = fields.DateTime()
    fields_ = fields.Raw(data_key="fields", attribute="fields", allow_none=True)
    errors = fields.Dict(allow_none=True)


class RejectedPageOut(PageOut):
    items = fields.List(fields.Nested(RejectedOut))


@blp.get("/rejected")
@login_required("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, RejectedPageOut)
def list_rejected(args: dict[str, Any]) -> dict[str, Any]:
    """Changes the server refused, newest first, as the device sent them and why."""
    statement = (
        select(ChangeLog, User.username)
        .outerjoin(User, User.id == ChangeLog.user_id)
        .where(ChangeLog.status == "rejected")
        .order_by(ChangeLog.id.desc())
    )
    page = paginate(statement, args, scalars=False)
    page["items"] = [_with_username(row, name) for row, name in page["items"]]
    return page


def _with_username(row: Any, username: str | None) -> dict[str, Any]:
    columns = {c.key: getattr(row, c.key) for c in row.__table__.columns}
    return columns | {"username": username}
