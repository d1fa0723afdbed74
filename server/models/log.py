"""The change log, conflicts, the sequence counter and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .common import UUID, JSONType, UTCDateTime, new_id, utcnow


class SyncCounter(db.Model):  # type: ignore[name-defined,misc]
    """One row: the last allocated feed sequence number, taken under a row lock (README step P1)."""

    __tablename__ = "sync_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The feed's epoch: new on every restore, so a cursor of the lost timeline is recognised.
    epoch: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # The last change-log row the restored database held: versions up to it are shared history.
    epoch_log_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class ChangeLog(db.Model):  # type: ignore[name-defined,misc]
    """Every change offered to the server, with its outcome and the record after it."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    # Unique per device (uq_change_log_change_device): idempotency never crosses devices.
    change_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    facility_id: Mapped[str | None] = mapped_column(UUID, nullable=True, index=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    op: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    source: Mapped[str] = mapped_column(
        String(20), default="device"
    )  # device|review|resolution|server
    device_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    hlc: Mapped[str | None] = mapped_column(String(80), nullable=True)
    fields: Mapped[Any] = mapped_column(JSONType, nullable=True)
    changed_fields: Mapped[list[str] | None] = mapped_column(JSONType, nullable=True)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    errors: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    conflict_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        db.Index("ix_change_log_record_version", "entity", "record_id", "version"),
        # The change id first: the push looks up a batch's ids with `change_id IN (...)`.
        db.Index("uq_change_log_change_device", "change_id", "device_id", unique=True),
    )


class Conflict(db.Model):  # type: ignore[name-defined,misc]
    """A change, or part of one, that the server did not take; kept for an admin."""

    __tablename__ = "conflicts"
    id: Mapped[str] = mapped_column(UUID, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))  # field | delete | locked | duplicate
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(UUID, index=True)
    other_record_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    facility_id: Mapped[str] = mapped_column(UUID, index=True)
    fields: Mapped[list[str]] = mapped_column(JSONType, default=list)
    base: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    server: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    client: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    change_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    device_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    resolution: Mapped[str | None] = mapped_column(String(20), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(UUID, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    """Who read, changed, exported or resolved what, when, from which device."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(UUID, nullable=True, index=True)
    device_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(30), index=True)
    entity: Mapped[str | None] = mapped_column(String(30), nullable=True)
    record_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    facility_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class DeviceAuditEntry(db.Model):  # type: ignore[name-defined,misc]
    """One verified entry of a device's audit chain: its number and hash, so an entry sent again
    is recognised (the same hash) and a rewritten one caught (another hash for the same number).
    What the entry says is in the audit trail (`audit_event_id`)."""

    __tablename__ = "device_audit_entries"
    device_id: Mapped[str] = mapped_column(UUID, primary_key=True)
    user_id: Mapped[str] = mapped_column(UUID, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))
    audit_event_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
