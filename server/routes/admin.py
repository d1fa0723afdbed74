"""Admin API: users, devices, facilities, the audit trail and rejected changes (admins only)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..extensions import db
from ..json_body import Blueprint
from ..models import Facility, User
from ..models.wire import record_to_wire
from ..schemas.admin import (
    DEVICE_WORDS,
    AdminUserOut,
    AuditArgs,
    AuditPageOut,
    DeviceOut,
    DevicePageOut,
    FacilityIn,
    FacilityOut,
    FacilityPageOut,
    PasswordIn,
    ReassignIn,
    RejectedPageOut,
    RevokeIn,
    UserIn,
    UserPageOut,
    UserPatchIn,
)
from ..schemas.common import PageArgs
from ..schemas.review import SessionOut
from ..schemas.sync import PushOut, SealedBackupIn
from ..security import current_caller, login_required
from ..services import listings, sealed, users
from ..services.facilities import add_facility
from ..services.sessions import reassign_session
from ..services.unit import unit_of_work

blp = Blueprint(
    "admin",
    __name__,
    url_prefix="/api/v1/admin",
    description="Users, devices, facilities, audit trail, rejected changes",
)


# Users


@blp.get("/users")
@login_required("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, UserPageOut)
def list_users(args: dict[str, Any]) -> dict[str, Any]:
    """Every account, by username."""
    return listings.users_page(args)


@blp.post("/users")
@login_required("admin")
@blp.arguments(UserIn)
@blp.response(201, AdminUserOut)
def create_user(body: dict[str, Any]) -> User:
    """Create an account; a taken username is a 409 problem."""
    with unit_of_work():
        return users.create_user_with_ids(body)


@blp.patch("/users/<uuid:user_id>")
@login_required("admin")
@blp.arguments(UserPatchIn)
@blp.response(200, AdminUserOut)
def update_user(body: dict[str, Any], user_id: UUID) -> User:
    """Change a user's name, role, facilities or active flag; deactivating ends its sessions."""
    with unit_of_work():
        return users.update_user(current_caller(), str(user_id), body)


@blp.post("/users/<uuid:user_id>/password")
@login_required("admin")
@blp.arguments(PasswordIn)
@blp.response(204)
def reset_password(body: dict[str, Any], user_id: UUID) -> None:
    """Set a new password; the user's sessions end."""
    with unit_of_work():
        users.reset_password(str(user_id), body["password"])


# Devices


DEVICE_FIELDS = [
    name for name in DeviceOut().fields if name != "last_user" and name not in DEVICE_WORDS
]


@blp.get("/devices")
@login_required("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, DevicePageOut)
def list_devices(args: dict[str, Any]) -> dict[str, Any]:
    """Every device, last seen first, with its last user and what it reported at its last sync."""
    return listings.devices_page(args, DEVICE_FIELDS)


@blp.post("/devices/<uuid:device_id>/revoke")
@login_required("admin")
@blp.arguments(RevokeIn)
@blp.response(200, DeviceOut)
def revoke_device(body: dict[str, Any], device_id: UUID) -> dict[str, Any]:
    """Revoke a lost device: its tokens die at once and it is told to wipe itself."""
    with unit_of_work():
        device = users.revoke_device(current_caller(), str(device_id), body["reason"])
    last_user = db.session.get(User, device.last_user_id or "")
    return listings.device_view(device, last_user, DEVICE_FIELDS)


# Sessions


@blp.post("/sessions/<uuid:session_id>/counselor")
@login_required("admin")
@blp.arguments(ReassignIn)
@blp.response(200, SessionOut)
def reassign(body: dict[str, Any], session_id: UUID) -> dict[str, Any]:
    """Make another counselor of its facility a session's author (devices never can)."""
    with unit_of_work():
        session = reassign_session(current_caller(), str(session_id), str(body["counselor_id"]))
        return record_to_wire(session)


# Facilities


@blp.get("/facilities")
@login_required("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, FacilityPageOut)
def list_facilities(args: dict[str, Any]) -> dict[str, Any]:
    """Every facility, by code."""
    return listings.facilities_page(args)


@blp.post("/facilities")
@login_required("admin")
@blp.arguments(FacilityIn)
@blp.response(201, FacilityOut)
def create_facility(body: dict[str, Any]) -> Facility:
    """Add a facility; every admin device pulls it."""
    with unit_of_work():
        return add_facility(**body, user_id=current_caller().user.id)


# The audit trail and rejected changes


@blp.get("/audit")
@login_required("admin")
@blp.arguments(AuditArgs, location="query")
@blp.response(200, AuditPageOut)
def list_audit(args: dict[str, Any]) -> dict[str, Any]:
    """Audit events, newest first, filtered by who, what and when."""
    return listings.audit_page(args)


@blp.get("/rejected")
@login_required("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, RejectedPageOut)
def list_rejected(args: dict[str, Any]) -> dict[str, Any]:
    """Changes the server refused, newest first, as the device sent them and why."""
    return listings.rejected_page(args)


@blp.post("/sealed-import")
@login_required("admin")
@blp.arguments(SealedBackupIn)
@blp.response(200, PushOut)
def import_sealed_backup(body: dict[str, Any]) -> dict[str, Any]:
    """Take a device's "Cadangkan ke file" backup: processed like a push from that device."""
    items = [{**i, "user_id": str(i["user_id"])} for i in body["sealed"]]
    with unit_of_work():
        results = sealed.import_backup(str(body["device_id"]), items)
    return {"results": results}
