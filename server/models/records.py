"""The synced records (docs/design.md "Domain model"): each has the columns of SyncedMixin."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..extensions import db
from .common import UUID, JSONType, UTCDateTime, any_of, utcnow

SYNC_COLUMNS = (
    "id",
    "version",
    "facility_id",
    "created_at",
    "updated_at",
    "deleted",
    "conflict_open",
)


class SyncedMixin:
    """Columns every synced record carries; `seq` orders the pull feed."""

    entity: ClassVar[str]
    # Fields a device may send; the rest are the server's.
    fields: ClassVar[tuple[str, ...]]
    # Free-text fields merged line by line.
    text_fields: ClassVar[frozenset[str]] = frozenset()

    id: Mapped[str] = mapped_column(UUID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    conflict_open: Mapped[bool] = mapped_column(Boolean, default=False)
    hlc: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # Where the record was made (a session: where it was held), kept once a transfer moved its
    # client's records to another facility; null while it never moved. Figures count a record
    # at its origin (`figure_facility`), scope follows `facility_id` (docs/design.md "Transfers").
    origin_facility_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    # The record's pull entry as JSON text, kept by the database's own triggers at every write
    # (services/pull_entries.py): the ORM never writes it and never loads it with the record.
    pull_entry: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)

    @declared_attr
    def seq(cls) -> Mapped[int]:
        return mapped_column(BigInteger, index=True)

    @declared_attr
    def facility_id(cls) -> Mapped[str]:
        # Indexed together with seq (see FEED_INDEXES): the pull reads (facility_id, seq > cursor).
        return mapped_column(UUID, ForeignKey("facilities.id"))

    @classmethod
    def figure_facility(cls) -> Any:
        """The facility figures count the record at: where it was made, even after a transfer."""
        return func.coalesce(cls.origin_facility_id, cls.facility_id)

    def field_values(self) -> dict[str, Any]:
        """The device-writable fields as Python values."""
        return {name: getattr(self, name) for name in self.fields}


class Facility(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """A lapas, rutan or LPKA; read-only to devices."""

    __tablename__ = "facilities"
    entity = "facility"
    fields = ("code", "name", "kind", "region", "timezone")

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(4), default="WIB")

    @declared_attr
    def facility_id(cls) -> Mapped[str]:
        # A facility is its own scope; no foreign key to itself is needed.
        return mapped_column(UUID)


class Client(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """An inmate (WBP) in a rehabilitation program."""

    __tablename__ = "clients"
    entity = "client"
    fields = (
        "registration_number",
        "full_name",
        "sex",
        "birth_date",
        "case_type",
        "admission_date",
        "release_date",
        "nik",
    )

    registration_number: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    case_type: Mapped[str] = mapped_column(String(20))
    admission_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    release_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    nik: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Set while a duplicate conflict is open: the live client with the same number.
    duplicate_of: Mapped[str | None] = mapped_column(UUID, nullable=True)
    # Set on the tombstone of a client merged into another.
    merged_into: Mapped[str | None] = mapped_column(UUID, nullable=True)
    # --- register history (aftercare) ---
    # The numbers the client held before: [{number, facility_id, from, until}], oldest first.
    # Written only by the server when registration_number changes (services/registrations.py).
    registration_history: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, default=list, server_default="[]"
    )

    __table_args__ = (
        Index(
            "uq_clients_live_registration",
            "facility_id",
            "registration_number",
            unique=True,
            sqlite_where=text("deleted = 0 AND duplicate_of IS NULL"),
            postgresql_where=text("deleted = false AND duplicate_of IS NULL"),
        ),
    )


class Cohort(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """A program's intake in one facility ("2024 tahap I"); read-only to devices."""

    __tablename__ = "cohorts"
    entity = "cohort"
    fields = ("program", "name", "start_date", "end_date", "intake_target", "phases")

    program: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    intake_target: Mapped[int] = mapped_column(Integer, default=0)
    # [{"name": "orientation", "order": 1, "planned_weeks": 4}, ...] in order.
    phases: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)


class Enrollment(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """A client's place in a program cohort."""

    __tablename__ = "enrollments"
    entity = "enrollment"
    fields = (
        "client_id",
        "program",
        "cohort",
        "phase",
        "start_date",
        "end_date",
        "status",
        "cohort_id",
        "primary_counselor_id",
        "screening_id",
        "exit_reason",
        "tc_grade",
    )

    client_id: Mapped[str] = mapped_column(UUID, index=True)
    program: Mapped[str] = mapped_column(String(20))
    cohort: Mapped[str] = mapped_column(String(60), default="")
    phase: Mapped[str] = mapped_column(String(40), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    cohort_id: Mapped[str | None] = mapped_column(UUID, nullable=True, index=True)
    primary_counselor_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    # The ASSIST screening that admitted the client.
    screening_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    exit_reason: Mapped[str] = mapped_column(Text, default="")
    tc_grade: Mapped[str | None] = mapped_column(String(20), nullable=True)


class PhaseChange(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """An enrollment entering a phase on a day, and who decided it."""

    __tablename__ = "phase_changes"
    entity = "phase_change"
    fields = ("enrollment_id", "client_id", "phase", "changed_on", "decided_by")

    enrollment_id: Mapped[str] = mapped_column(UUID, index=True)
    client_id: Mapped[str] = mapped_column(UUID, index=True)
    phase: Mapped[str] = mapped_column(String(40))
    changed_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(120))


class Assessment(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """An instrument taken by a client; scores are computed by the server."""

    __tablename__ = "assessments"
    entity = "assessment"
    fields = ("client_id", "instrument", "taken_on", "answers", "scores")

    client_id: Mapped[str] = mapped_column(UUID, index=True)
    instrument: Mapped[str] = mapped_column(String(20))
    taken_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    scores: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class CounselingSession(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """A counseling session with its DAP note and review state."""

    __tablename__ = "sessions"
    entity = "session"
    fields = (
        "client_id",
        "enrollment_id",
        "counselor_id",
        "occurred_at",
        "duration_minutes",
        "kind",
        "attendance",
        "note_data",
        "note_assessment",
        "note_plan",
        "risk_flags",
        "urine_test",
        "next_session_on",
        "status",
        "amends_id",
    )
    text_fields = frozenset({"note_data", "note_assessment", "note_plan"})

    client_id: Mapped[str | None] = mapped_column(UUID, nullable=True, index=True)
    enrollment_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    counselor_id: Mapped[str | None] = mapped_column(UUID, nullable=True, index=True)
    # Kept as the ISO text the device sent (with its offset), plus the UTC instant for queries.
    occurred_at: Mapped[str] = mapped_column(String(40))
    occurred_utc: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    attendance: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note_data: Mapped[str] = mapped_column(Text, default="")
    note_assessment: Mapped[str] = mapped_column(Text, default="")
    note_plan: Mapped[str] = mapped_column(Text, default="")
    risk_flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    urine_test: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    next_session_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    amends_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(UUID, nullable=True)
    reviewed_by_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def locked(self) -> bool:
        """An approved session takes no more edits, only amendment requests."""
        return self.status == "approved"


class Alert(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """A session's risk flag that waits for a supervisor: made by the server at push."""

    __tablename__ = "alerts"
    entity = "alert"
    fields = (
        "session_id",
        "client_id",
        "counselor_id",
        "flags",
        "raised_at",
        "status",
        "acknowledged_by",
        "acknowledged_by_name",
        "acknowledged_at",
    )

    session_id: Mapped[str] = mapped_column(UUID, index=True)
    client_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    counselor_id: Mapped[str | None] = mapped_column(UUID, nullable=True)
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    acknowledged_by: Mapped[str | None] = mapped_column(UUID, nullable=True)
    acknowledged_by_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Attendance(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """One participant of a group session."""

    __tablename__ = "attendance"
    entity = "attendance"
    fields = ("session_id", "client_id", "status")

    session_id: Mapped[str] = mapped_column(UUID, index=True)
    client_id: Mapped[str] = mapped_column(UUID, index=True)
    status: Mapped[str] = mapped_column(String(20))


# --- release and aftercare ---
class Release(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """A client's release (bebas, PB, CB, CMB) with the referral to aftercare and its consent."""

    __tablename__ = "releases"
    entity = "release"
    fields = (
        "client_id",
        "released_on",
        "kind",
        "recipient_kind",
        "recipient_name",
        "consent_recipient",
        "note",
    )

    client_id: Mapped[str] = mapped_column(UUID, index=True)
    released_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    recipient_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    recipient_name: Mapped[str] = mapped_column(String(160), default="")
    # The recipient the client consented to share the discharge summary with; empty: no consent.
    consent_recipient: Mapped[str] = mapped_column(String(160), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Set by the server when consent_recipient is recorded: who recorded it, and when.
    consent_recorded_by: Mapped[str | None] = mapped_column(UUID, nullable=True)
    consent_recorded_by_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


# --- end release and aftercare ---
class Transfer(SyncedMixin, db.Model):  # type: ignore[name-defined,misc]
    """A client moved to another facility (mutasi): applied at push, it moves the client's scope."""

    __tablename__ = "transfers"
    entity = "transfer"
    fields = ("client_id", "to_facility_id", "transferred_on", "reason")

    client_id: Mapped[str] = mapped_column(UUID, index=True)
    to_facility_id: Mapped[str] = mapped_column(UUID)
    transferred_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The facility the client left (the transfer itself moves with the client's records).
    from_facility_id: Mapped[str] = mapped_column(UUID)


class ScopeExit(db.Model):  # type: ignore[name-defined,misc]
    """A record that left a facility's scope (a transfer moved it): pulled once as "left".

    Not a synced record: it has a feed `seq` so the pull of `facility_id`'s readers finds it,
    and it lets a device of that facility still push its offline edits of the record (P4).
    """

    __tablename__ = "scope_exits"
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    seq: Mapped[int] = mapped_column(BigInteger)
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(UUID)
    version: Mapped[int] = mapped_column(Integer)
    facility_id: Mapped[str] = mapped_column(UUID)
    to_facility_id: Mapped[str] = mapped_column(UUID)
    transfer_id: Mapped[str] = mapped_column(UUID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_scope_exits_facility_seq", "facility_id", "seq"),
        Index("ix_scope_exits_record", "entity", "record_id"),
    )


def holding_numbers(
    facility_ids: Collection[str], numbers: Collection[str], *, except_ids: Collection[str] = ()
) -> Select[Client]:
    """The clients that hold these registration numbers in these facilities (sync.holds_number).

    The one query of the duplicate rule; uq_clients_live_registration is its index.
    """
    statement = select(Client).where(
        any_of(Client.facility_id, facility_ids),
        any_of(Client.registration_number, numbers),
        Client.deleted.is_(False),
        Client.duplicate_of.is_(None),
    )
    if except_ids:
        statement = statement.where(Client.id.not_in(list(except_ids)))
    return statement


ENTITY_MODELS: dict[str, type[SyncedMixin]] = {
    m.entity: m
    for m in (
        Facility,
        Client,
        Enrollment,
        Assessment,
        CounselingSession,
        Attendance,
        Cohort,
        PhaseChange,
        Alert,
        Release,
        Transfer,
    )
}
# Made only by the server (admins, supervisors, the push itself): devices read them.
SERVER_ENTITIES = frozenset({"facility", "cohort", "alert"})
WRITABLE_ENTITIES = frozenset(ENTITY_MODELS) - SERVER_ENTITIES

# The pull's access path: a range of seq inside each facility of the caller's scope, so an empty
# pull costs a few index probes however many records are stored.
FEED_INDEXES = [
    Index(f"ix_{model.__tablename__}_facility_seq", model.facility_id, model.seq)  # type: ignore[attr-defined]
    for model in ENTITY_MODELS.values()
]
