"""Users, their devices and tokens, and the login limit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .common import UUID, JSONType, UTCDateTime, new_id, utcnow
from .records import Facility

user_facilities = Table(
    "user_facilities",
    db.metadata,
    Column("user_id", UUID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("facility_id", UUID, ForeignKey("facilities.id"), primary_key=True),
)


class User(db.Model):  # type: ignore[name-defined,misc]
    """A person who logs in: counselor, supervisor or admin."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(UUID, primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    facilities: Mapped[list[Facility]] = relationship(
        secondary=user_facilities, lazy="selectin", order_by=Facility.code
    )

    @property
    def facility_ids(self) -> list[str]:
        """Ids of the facilities assigned to this user."""
        return [f.id for f in self.facilities]


class Device(db.Model):  # type: ignore[name-defined,misc]
    """A phone or tablet, known by the UUID it made for itself."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(UUID, primary_key=True)
    # what the device said it is at login (its browser's user agent)
    name: Mapped[str] = mapped_column(String(120), default="")
    # what its user calls it ("Tablet Blok A")
    label: Mapped[str | None] = mapped_column(String(60), nullable=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_user_id: Mapped[str | None] = mapped_column(UUID, ForeignKey("users.id"), nullable=True)
    app_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    pending_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(UUID, ForeignKey("users.id"), nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Reported with each push: the device clock's offset from the server's (device − server),
    # when its oldest unsent change was made, and whether the browser keeps its storage.
    clock_offset_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    oldest_pending_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    storage_persisted: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # The device's audit chains (services/device_audit.py): per user of the device, the last
    # verified entry {"n", "hash"}; and whether a chain came back broken or rewound, and when.
    audit_heads: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default="{}")
    audit_chain: Mapped[str | None] = mapped_column(String(10), nullable=True)
    audit_chain_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def clock_skewed(self) -> bool:
        """Whether the device's clock is further off than the server tolerates."""
        from ..schemas.rules import clock_tolerance

        if self.clock_offset_ms is None:
            return False
        return abs(self.clock_offset_ms) > clock_tolerance().total_seconds() * 1000


class Token(db.Model):  # type: ignore[name-defined,misc]
    """An access or refresh token, stored only as a SHA-256 hash."""

    __tablename__ = "tokens"
    id: Mapped[str] = mapped_column(UUID, primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # access | refresh
    user_id: Mapped[str] = mapped_column(
        UUID, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    device_id: Mapped[str] = mapped_column(UUID, ForeignKey("devices.id"), index=True)
    family_id: Mapped[str] = mapped_column(UUID, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginThrottle(db.Model):  # type: ignore[name-defined,misc]
    """Failed logins per account name, shared by every worker through the database."""

    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SealKey(db.Model):  # type: ignore[name-defined,misc]
    """A key pair devices seal their outbox to; the newest is current, older ones still open."""

    __tablename__ = "seal_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the key id (kid)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
