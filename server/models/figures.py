"""Summary tables the figures read instead of the records (docs/design.md "Figures at scale")."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .common import UUID


class SessionCount(db.Model):  # type: ignore[name-defined,misc]
    """How many live sessions there are per figure facility, WIB month, kind, status and
    attendance ('' for none). Kept by database triggers on `sessions` (migration 0015), so every
    writer (push, review, transfer, delete, a restore) keeps it right in the same transaction;
    never written by the application. A row may hold 0 after its sessions went away."""

    __tablename__ = "session_counts"

    facility_id: Mapped[str] = mapped_column(UUID, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    attendance: Mapped[str] = mapped_column(String(20), primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer, default=0)


def _session_indexes() -> None:
    """Partial indexes for the few figures still read from the sessions themselves: each holds
    only the sessions its query can count (made in migration 0015)."""
    from sqlalchemy import Index, text

    from .records import CounselingSession as S

    for name, columns, where in (
        (
            "ix_sessions_submitted_waiting",
            (S.occurred_utc,),
            "status = 'submitted' AND submitted_at IS NOT NULL",
        ),
        ("ix_sessions_reviewed", (S.reviewed_at,), "reviewed_at IS NOT NULL"),
        ("ix_sessions_urine_test", (S.occurred_utc,), "urine_test IS NOT NULL"),
    ):
        Index(name, *columns, postgresql_where=text(where), sqlite_where=text(where))


_session_indexes()
