"""session_counts (migration 0015) is kept by triggers on sessions: after any sequence of pushes
(new sessions, edits of kind, attendance, time and status, deletes), reviews and transfers made
through the real services, it equals a GROUP BY over the live sessions, on both backends."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.models import CounselingSession, SessionCount
from tests.helpers import DeviceSession, change, client_fields, new_id, session_fields

WIB = timezone(timedelta(hours=7))
# Instants at the edges of WIB months and years (a UTC date that is the next month in WIB).
WHEN = st.sampled_from(
    [
        "2023-12-31T23:30:00+07:00",
        "2024-01-01T00:10:00+07:00",
        "2023-12-31T18:00:00+00:00",
        "2024-02-29T09:00:00+07:00",
        "2024-03-31T20:00:00+00:00",
        "2024-06-15T09:00:00+08:00",
    ]
)
INDIVIDUAL = st.sampled_from(["individual", "family", "relapse_prevention"])
ATTENDANCE = st.sampled_from(["attended", "absent", "excused", "sick"])

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("new"), WHEN, INDIVIDUAL, ATTENDANCE, st.booleans()),
        st.tuples(st.just("group"), WHEN),
        st.tuples(st.just("edit"), st.integers(0, 99), WHEN, INDIVIDUAL, ATTENDANCE),
        st.tuples(st.just("note"), st.integers(0, 99)),
        st.tuples(st.just("submit"), st.integers(0, 99)),
        st.tuples(st.just("review"), st.integers(0, 99), st.sampled_from(["approve", "return"])),
        st.tuples(st.just("delete"), st.integers(0, 99)),
        st.tuples(st.just("transfer"), st.integers(0, 99)),
    ),
    max_size=10,
)


def _expected() -> Counter[tuple[Any, ...]]:
    """The GROUP BY, done in Python over the sessions as the ORM reads them."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for s in db.session.scalars(db.select(CounselingSession).where(~CounselingSession.deleted)):
        local = s.occurred_utc.astimezone(WIB)
        facility = s.origin_facility_id or s.facility_id
        counts[(facility, local.year, local.month, s.kind, s.status, s.attendance or "")] += 1
    return counts


def _table() -> Counter[tuple[Any, ...]]:
    return Counter(
        {
            (r.facility_id, r.year, r.month, r.kind, r.status, r.attendance): r.sessions
            for r in db.session.scalars(db.select(SessionCount))
            if r.sessions
        }
    )


class Field:
    """konselor.a's device and supervisor.a, with what they made so far."""

    def __init__(self, client: Any, world: Any) -> None:
        self.world = world
        self.device = DeviceSession(client, "konselor.a")
        self.supervisor = DeviceSession(client, "supervisor.a")
        self.clients: list[str] = []
        self.sessions: dict[str, int] = {}  # id -> version

    def client_id(self) -> str:
        client_id = new_id()
        [result] = self.device.push(
            change("client", client_id, client_fields(self.world.facility_a))
        )
        assert result["status"] == "applied", result
        self.clients.append(client_id)
        return client_id

    def pick(self, n: int) -> str | None:
        return list(self.sessions)[n % len(self.sessions)] if self.sessions else None

    def push(self, session_id: str, fields: dict[str, Any], op: str = "upsert") -> None:
        base = self.sessions.get(session_id)
        [result] = self.device.push(change("session", session_id, fields, base=base, op=op))
        if result["status"] == "applied":
            self.sessions[session_id] = int(result.get("version") or (base or 0) + 1)

    def refresh(self) -> None:
        for session_id in self.sessions:
            record = db.session.get(CounselingSession, session_id)
            self.sessions[session_id] = record.version
        db.session.rollback()

    def step(self, step: tuple[Any, ...]) -> None:
        kind = step[0]
        facility = self.world.facility_a
        if kind == "new":
            _, when, session_kind, attendance, submitted = step
            fields = session_fields(
                facility,
                self.client_id(),
                occurred_at=when,
                kind=session_kind,
                attendance=attendance,
                status="submitted" if submitted else "draft",
            )
            self.push(new_id(), fields)
        elif kind == "group":
            fields = session_fields(facility, None, occurred_at=step[1], kind="group")
            self.push(new_id(), fields | {"attendance": None})
        elif (session_id := self.pick(step[1])) is None:
            return
        elif kind == "edit":
            _, _, when, session_kind, attendance = step
            self.push(
                session_id, {"occurred_at": when, "kind": session_kind, "attendance": attendance}
            )
        elif kind == "note":
            self.push(session_id, {"note_plan": f"Rencana {new_id()}\n"})
        elif kind == "submit":
            self.push(session_id, {"status": "submitted"})
        elif kind == "review":
            body = {"decision": step[2]} | ({"comment": "Lengkapi."} if step[2] == "return" else {})
            self.supervisor.post(f"/api/v1/sessions/{session_id}/review", json=body)
        elif kind == "delete":
            self.push(session_id, {}, op="delete")
        elif kind == "transfer":
            record = db.session.get(CounselingSession, session_id)
            client_id = record.client_id if record else None
            db.session.rollback()
            if client_id:
                transfer = {
                    "facility_id": facility,
                    "client_id": client_id,
                    "to_facility_id": self.world.facility_b,
                    "transferred_on": "2024-07-01",
                    "reason": "Pembinaan lanjutan",
                }
                self.device.push(change("transfer", new_id(), transfer))
        self.refresh()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_session_counts_equal_a_group_by_over_the_sessions(client, world, steps):
    # The examples share one database: each adds to what the ones before left, and the table
    # must match after every step.
    field = Field(client, world)
    for step in steps:
        field.step(step)
        assert _table() == _expected(), step
        db.session.rollback()


def test_counts_follow_a_session_through_its_life(client, world):
    field = Field(client, world)
    field.step(("new", "2023-12-31T23:30:00+07:00", "individual", "attended", True))
    [session_id] = field.sessions
    assert _table() == Counter(
        {(world.facility_a, 2023, 12, "individual", "submitted", "attended"): 1}
    )
    field.step(("review", 0, "approve"))
    assert _table() == Counter(
        {(world.facility_a, 2023, 12, "individual", "approved", "attended"): 1}
    )
    db.session.rollback()
    field.step(("new", "2024-01-01T00:10:00+07:00", "family", "absent", False))
    draft = next(i for i in field.sessions if i != session_id)
    assert _table()[(world.facility_a, 2024, 1, "family", "draft", "absent")] == 1
    field.step(("delete", list(field.sessions).index(draft)))
    assert db.session.get(CounselingSession, draft).deleted is True
    assert _table() == Counter(
        {(world.facility_a, 2023, 12, "individual", "approved", "attended"): 1}
    )
