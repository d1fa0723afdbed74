"""The admins' lists: pages of users, devices, facilities, audit events and rejected changes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db
from ..models import AuditEvent, ChangeLog, Device, Facility, User
from .device_names import device_words

Page = dict[str, Any]
AnySelect = Select[*tuple[Any, ...]]


def paginate(statement: AnySelect, args: dict[str, Any], *, scalars: bool = True) -> Page:
    """One page of a query, in the order the caller gave, with the total count."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page = statement.limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])
    result = db.session.scalars(page) if scalars else db.session.execute(page)
    return {
        "items": list(result),
        "page": args["page"],
        "per_page": args["per_page"],
        "total": total or 0,
    }


def users_page(args: dict[str, Any]) -> Page:
    """Every account, by username."""
    return paginate(select(User).order_by(User.username), args)


def devices_page(args: dict[str, Any], fields: list[str]) -> Page:
    """Every device, last seen first, with its last user; `fields` are the device's columns."""
    statement = (
        select(Device, User)
        .outerjoin(User, User.id == Device.last_user_id)
        .order_by(Device.last_seen_at.desc(), Device.id)
    )
    page = paginate(statement, args, scalars=False)
    page["items"] = [device_view(device, user, fields) for device, user in page["items"]]
    return page


def device_view(device: Device, user: User | None, fields: list[str]) -> dict[str, Any]:
    """A device's columns with its last user, and the device in words."""
    columns = {name: getattr(device, name) for name in fields}
    return columns | device_words(device) | {"last_user": user}


def facilities_page(args: dict[str, Any], scope: Iterable[str] | None = None) -> Page:
    """Every facility (or those of `scope`), by code."""
    statement = select(Facility).order_by(Facility.code)
    if scope is not None:
        statement = statement.where(Facility.id.in_(list(scope)))
    return paginate(statement, args)


_AUDIT_FILTERS = {
    "user_id": AuditEvent.user_id,
    "action": AuditEvent.action,
    "entity": AuditEvent.entity,
    "record_id": AuditEvent.record_id,
}


def audit_page(args: dict[str, Any]) -> Page:
    """Audit events, newest first, filtered by who, what and when."""
    statement = (
        select(AuditEvent, User.username)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    for name, column in _AUDIT_FILTERS.items():
        if args.get(name) is not None:
            statement = statement.where(column == str(args[name]))
    if args.get("since"):
        statement = statement.where(AuditEvent.at >= args["since"])
    if args.get("until"):
        statement = statement.where(AuditEvent.at < args["until"])
    page = paginate(statement, args, scalars=False)
    page["items"] = [_with_username(event, name) for event, name in page["items"]]
    return page


def rejected_page(args: dict[str, Any]) -> Page:
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
