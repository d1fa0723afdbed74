"""A push applied ahead of the feed lock (PostgreSQL) decides what the lock would have decided.

The batch reads and decides before it takes the lock; under it, anything committed meanwhile in
a facility it read, of a record it looked up, or an answer to one of its change_ids, makes it
apply again under the lock. Each test commits another push exactly in that window: after the
ahead batch has decided, before it takes the lock (`_interleaved` runs it there, in a thread of
its own with its own connection, as another gunicorn worker would).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from server.extensions import db
from server.models import ENTITY_MODELS, ChangeLog, Client, Conflict, ScopeExit
from server.services.push import pipeline
from tests.helpers import (
    DeviceSession,
    change,
    client_fields,
    new_id,
    release_fields,
    session_fields,
)

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

AGAIN = "push applied again under the feed lock"


class Meanwhile:
    """Pushes to commit while the next ahead batch stands between deciding and the feed lock."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.pending: list[tuple[Callable[[], Any], bool]] = []
        self.threads: list[threading.Thread] = []
        self.answers: list[Any] = []
        self.failures: list[BaseException] = []

    def __call__(self, push: Callable[[], Any], *, waits: bool = False) -> None:
        """`push` runs in another thread and connection, as another worker's would; `waits`: it
        is expected to wait on the ahead batch, so only until it does, not until it is done."""
        self.pending.append((push, waits))

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The pending pushes run when the next push takes the feed lock."""
        real = pipeline.lock_feed

        def lock_feed(session: Any) -> None:
            if self.pending:
                self.run_pending()
            real(session)

        monkeypatch.setattr(pipeline, "lock_feed", lock_feed)

    def run_pending(self) -> None:
        push, waits = self.pending.pop()

        def run() -> None:
            try:
                with self.app.app_context():
                    self.answers.append(push())
                    db.session.remove()
            except BaseException as error:  # noqa: BLE001 - reported by join()
                self.failures.append(error)

        thread = threading.Thread(target=run)
        thread.start()
        self.threads.append(thread)
        if waits:
            _until_a_backend_waits_on_a_lock()
        else:
            self.join()

    def join(self) -> list[Any]:
        for thread in self.threads:
            thread.join(timeout=60)
            assert not thread.is_alive(), "the push meanwhile waited on the ahead batch"
        assert not self.failures, self.failures
        return self.answers


def _until_a_backend_waits_on_a_lock() -> None:
    """Poll PostgreSQL until another connection waits on a row lock (no fixed sleep)."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    engine = db.engine
    deadline = time.monotonic() + 30
    with engine.connect() as connection:
        while connection.execute(waiting).scalar_one() == 0:
            assert time.monotonic() < deadline, "the push meanwhile never waited"
            connection.rollback()


@pytest.fixture
def interleave(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Meanwhile]:
    """interleave(push): the next push that takes the feed lock first lets `push` commit (or,
    with waits=True, start and wait on it). Later lock takings are left alone."""
    meanwhile = Meanwhile(app)
    meanwhile.install(monkeypatch)
    yield meanwhile
    meanwhile.join()
    assert not meanwhile.pending, "no push took the feed lock"


def _new_client(device: DeviceSession, facility_id: str, **fields: Any) -> str:
    client_id = new_id()
    [result] = device.push(change("client", client_id, client_fields(facility_id, **fields)))
    assert result["status"] == "applied", result
    return client_id


def _again(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(AGAIN)]


def test_a_number_taken_meanwhile_in_the_same_facility_makes_the_new_client_a_duplicate(
    client, world, interleave, caplog
):
    a, a2 = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    number = "B.I-2024-0007"
    first = new_id()
    fields = client_fields(world.facility_a, registration_number=number)
    interleave(lambda: a2.push(change("client", first, fields)))
    caplog.set_level(logging.INFO, logger=pipeline.__name__)
    second = new_id()
    [result] = a.push(
        change("client", second, client_fields(world.facility_a, registration_number=number))
    )
    # Serially: the client committed first holds the number, the second is its duplicate.
    assert result["status"] == "conflict", result
    assert db.session.get(Client, second).duplicate_of == first
    assert db.session.scalar(select(func.count()).select_from(Conflict)) == 1
    assert _again(caplog) == [f"{AGAIN}: its facilities changed meanwhile (1 records)"]


def test_an_edit_committed_meanwhile_is_merged_not_overwritten(client, world, interleave, caplog):
    a, a2 = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id = _new_client(a, world.facility_a)
    interleave(lambda: a2.push(change("client", client_id, {"case_type": "courier"}, base=1)))
    caplog.set_level(logging.INFO, logger=pipeline.__name__)
    [result] = a.push(change("client", client_id, {"full_name": "Budi S."}, base=1))
    assert (result["status"], result["version"]) == ("merged", 3)
    db.session.expire_all()
    record = db.session.get(Client, client_id)
    assert (record.full_name, record.case_type, record.version) == ("Budi S.", "courier", 3)
    assert _again(caplog) == [f"{AGAIN}: its facilities changed meanwhile (1 records)"]


def test_the_same_changes_sent_twice_at_once_are_applied_once(client, world, interleave, caplog):
    """The device sent its batch again before the first was answered: the second push waits for
    the first, then answers what the first did."""
    a = DeviceSession(client, "konselor.a")
    refused = change("session", new_id(), {}, op="delete")  # nothing to delete: rejected
    created = change("client", new_id(), client_fields(world.facility_a))
    interleave(lambda: a.push(refused, created), waits=True)
    caplog.set_level(logging.INFO, logger=pipeline.__name__)
    first = a.push(refused, created)
    [again] = interleave.join()
    assert [r["status"] for r in first] == ["rejected", "applied"], first
    assert again == first
    for sent in (refused, created):
        logged = select(func.count()).where(ChangeLog.change_id == sent["change_id"])
        assert db.session.scalar(logged) == 1
    assert _again(caplog) == []


def test_another_facility_committing_meanwhile_leaves_the_batch_as_decided(
    client, world, interleave, caplog
):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.b")
    client_a = _new_client(a, world.facility_a)
    client_b = _new_client(b, world.facility_b)
    interleave(
        lambda: b.push(change("session", new_id(), session_fields(world.facility_b, client_b)))
    )
    caplog.set_level(logging.INFO, logger=pipeline.__name__)
    ids = [new_id() for _ in range(3)]
    results = a.push(
        *(change("session", i, session_fields(world.facility_a, client_a)) for i in ids)
    )
    assert [r["status"] for r in results] == ["applied"] * 3
    assert _again(caplog) == []
    # Its seqs come after the push that committed meanwhile, in the order it made its versions,
    # and nothing is left with a provisional seq.
    session_model = ENTITY_MODELS["session"]
    seqs = {
        row.id: row.seq for row in db.session.execute(select(session_model.id, session_model.seq))
    }
    other = next(seq for key, seq in seqs.items() if key not in ids)
    assert other < seqs[ids[0]] < seqs[ids[1]] < seqs[ids[2]]
    for model in (*ENTITY_MODELS.values(), ScopeExit):
        assert db.session.scalar(select(func.count()).where(model.seq < 1)) == 0
    changes, _ = a.pull_all()
    assert {c["id"] for c in changes} >= set(ids)


def test_a_transfer_is_applied_under_the_lock(client, world, caplog):
    a = DeviceSession(client, "konselor.a")
    client_id = _new_client(a, world.facility_a)
    caplog.set_level(logging.INFO, logger=pipeline.__name__)
    transfer = {
        "facility_id": world.facility_a,
        "client_id": client_id,
        "to_facility_id": world.facility_b,
        "transferred_on": "2024-01-02",
        "reason": "Pindah lapas",
    }
    [result] = a.push(change("transfer", new_id(), transfer))
    assert result["status"] == "applied", result
    assert db.session.get(Client, client_id).facility_id == world.facility_b
    assert _again(caplog) == [f"{AGAIN}: it met a transfer (it queries what the batch wrote)"]


# --- The property: deciding ahead decides what the lock decides ------------------------------

# Kept between a property's examples: who logs in and where (logging in again per example would
# hash passwords); everything else is emptied.
KEPT_TABLES = {
    "facilities", "users", "user_facilities", "devices", "tokens", "seal_keys", "sync_counter",
    "login_throttle", "audit_events", "device_audit_entries",
}  # fmt: skip
NUMBERS = ("B.I-1", "B.I-2", "B.I-3")
OPS = st.one_of(
    st.tuples(st.just("new_client"), st.sampled_from(NUMBERS)),
    st.tuples(
        st.just("edit_client"), st.integers(0, 1), st.sampled_from(["full_name", "case_type"])
    ),
    st.tuples(st.just("number"), st.integers(0, 1), st.sampled_from(NUMBERS)),
    st.tuples(st.just("new_session"), st.integers(0, 1)),
    st.tuples(st.just("edit_session"), st.sampled_from(["note_data", "kind", "attendance"])),
    st.tuples(st.just("delete_session"), st.just(0)),
    st.tuples(st.just("release"), st.integers(0, 1)),
)
BATCH = st.lists(OPS, min_size=1, max_size=4)


class Scenario:
    """Fixed ids for both runs: clients 0 and 1 of facility A, session 0 of client 0, and the
    ids and change_ids the batches' operations use."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.clients = [new_id(), new_id()]
        self.session = new_id()
        self.fresh = [new_id() for _ in range(16)]
        self.change_ids = [new_id() for _ in range(16)]

    def base(self, device: DeviceSession) -> None:
        a = self.world.facility_a
        device.push(
            _fixed(
                change("client", self.clients[0], client_fields(a, registration_number="A-0")), 0
            ),
            _fixed(
                change("client", self.clients[1], client_fields(a, registration_number="A-1")), 1
            ),
            _fixed(change("session", self.session, session_fields(a, self.clients[0])), 2),
        )

    def batch(self, ops: list[Any], offset: int) -> list[dict[str, Any]]:
        a = self.world.facility_a
        changes = []
        for k, op in enumerate(ops):
            fresh, n = self.fresh[offset + k], 3 + offset + k
            kind = op[0]
            if kind == "new_client":
                made = change("client", fresh, client_fields(a, registration_number=op[1]))
            elif kind == "edit_client":
                value = {"full_name": f"Nama {n}", "case_type": "courier"}[op[2]]
                made = change("client", self.clients[op[1]], {op[2]: value}, base=1)
            elif kind == "number":
                made = change("client", self.clients[op[1]], {"registration_number": op[2]}, base=1)
            elif kind == "new_session":
                made = change("session", fresh, session_fields(a, self.clients[op[1]]))
            elif kind == "edit_session":
                value = {"note_data": f"Catatan {n}.\n", "kind": "family", "attendance": "sick"}
                made = change("session", self.session, {op[1]: value[op[1]]}, base=1)
            elif kind == "delete_session":
                made = change("session", self.session, {}, base=1, op="delete")
            else:
                made = change(
                    "release",
                    fresh,
                    release_fields(a, self.clients[op[1]], released_on="2024-01-05"),
                )
            changes.append(_fixed(made, n))
        return changes


def _fixed(made: dict[str, Any], n: int) -> dict[str, Any]:
    """The same change_id in both runs (a change's n-th of the scenario)."""
    return made | {"change_id": f"00000000-0000-4000-8000-{n:012d}"}


def _state() -> dict[str, Any]:
    """Every record as its wire form and version, conflicts by kind and record (ids, times and
    seqs left out: they are not decisions)."""
    from server.models import Conflict
    from server.models.wire import record_to_wire

    state: dict[str, Any] = {}
    for entity, model in ENTITY_MODELS.items():
        if entity == "facility":
            continue
        for record in db.session.scalars(select(model)):
            wire = {k: v for k, v in record_to_wire(record).items() if not k.endswith("_at")}
            state[f"{entity}:{record.id}"] = (record.version, record.deleted, wire)
    state["conflicts"] = sorted(
        (c.kind, c.entity, c.record_id, tuple(c.fields))
        for c in db.session.scalars(select(Conflict))
    )
    db.session.rollback()
    return state


def _answers(results: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (r["status"], r["id"], r["version"], r["conflict_id"] is not None, r["errors"])
        for r in results
    ]


def _clear_records() -> None:
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            db.session.execute(table.delete())
    db.session.commit()


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(outer=BATCH, meanwhile=BATCH, other_facility=st.booleans())
def test_a_batch_decided_ahead_ends_as_it_would_under_the_lock(
    app, world, client, monkeypatch, outer, meanwhile, other_facility
):
    """Batch `outer` of one counselor decides ahead while batch `meanwhile` of another counselor
    (of the same facility, or of facility B writing there) commits in its window; the answers and
    every record end as when `meanwhile` ran first and `outer` then under the lock."""
    a, a2 = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    b = DeviceSession(client, "konselor.b")
    scenario = Scenario(world)
    second = scenario.batch(meanwhile, 8)
    if other_facility:  # konselor.b: new clients of facility B, with the same numbers
        b_fields = [client_fields(world.facility_b, registration_number=n) for n in NUMBERS]
        second = [
            _fixed(change("client", scenario.fresh[8 + k], b_fields[k % 3]), 11 + k)
            for k in range(len(meanwhile))
        ]
    pusher = b if other_facility else a2
    runs = []
    for ahead in (True, False):
        _clear_records()
        scenario.base(a)
        first = scenario.batch(outer, 0)
        if ahead:
            answers = _meanwhile_then(app, monkeypatch, pusher, second, a, first)
        else:
            monkeypatch.setattr(pipeline, "_apply_ahead", lambda *args: None)
            answers = (pusher.push(*second), a.push(*first))
            monkeypatch.undo()
        runs.append((tuple(_answers(x) for x in answers), _state()))
    (answers_ahead, state_ahead), (answers_lock, state_lock) = runs
    assert answers_ahead == answers_lock
    differ = {
        key: (state_ahead.get(key), state_lock.get(key))
        for key in state_ahead.keys() | state_lock.keys()
        if state_ahead.get(key) != state_lock.get(key)
    }
    assert not differ, _fields_that_differ(differ)


def _fields_that_differ(differ: dict[str, Any]) -> dict[str, Any]:
    shown = {}
    for key, (ahead, lock) in differ.items():
        if ahead is None or lock is None or key == "conflicts":
            shown[key] = (ahead, lock)
            continue
        names = ahead[2].keys() | lock[2].keys()
        shown[key] = {
            n: (ahead[2].get(n), lock[2].get(n)) for n in names if ahead[2].get(n) != lock[2].get(n)
        }
    return shown


def _meanwhile_then(
    app: Any,
    monkeypatch: pytest.MonkeyPatch,
    pusher: DeviceSession,
    second: list[Any],
    device: DeviceSession,
    first: list[Any],
) -> tuple[Any, Any]:
    """`device` pushes `first` ahead; `pusher`'s `second` commits in its window, from another
    thread and connection. Returns both answers, the one committed first first."""
    meanwhile = Meanwhile(app)
    meanwhile(lambda: pusher.push(*second))
    meanwhile.install(monkeypatch)
    answer = device.push(*first)
    monkeypatch.undo()
    [committed_first] = meanwhile.join()
    return committed_first, answer
