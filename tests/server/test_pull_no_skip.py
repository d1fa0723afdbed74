"""No pull skips a change on PostgreSQL, with writers committing in random order.

Writers on their own connections each take a feed seq, insert a record, and hold the transaction
open; the test releases them in a random order while a reader pulls after every release. With the
serialized feed (server.services.feed) the reader must see every record. The same test with a naive
feed (a plain SEQUENCE, no lock) must catch a skip: that is the negative control.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from server.extensions import db
from server.services import feed
from server.services.facilities import add_facility
from server.services.pull import pull_page

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

WRITERS = 6
ROUNDS = 3


def _serialized(conn: Connection) -> int:
    return int(
        conn.execute(
            text("UPDATE sync_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq")
        ).scalar_one()
    )


def _naive(conn: Connection) -> int:
    return int(conn.execute(text("SELECT nextval('naive_feed_seq')")).scalar_one())


def _insert_client(conn: Connection, facility_id: str, seq: int) -> str:
    record_id = str(uuid.uuid4())
    conn.execute(
        text(
            "INSERT INTO clients (id, version, facility_id, seq, created_at, updated_at, deleted, "
            "conflict_open, registration_number, full_name, sex, case_type) "
            "VALUES (:id, 1, :f, :seq, now(), now(), false, false, :reg, 'Uji', 'M', 'user')"
        ),
        {"id": record_id, "f": facility_id, "seq": seq, "reg": record_id[:12]},
    )
    return record_id


def _run_round(
    allocate: Callable[[Connection], int], facility_id: str, rng: random.Random, cursor: int
) -> tuple[set[str], set[str], int]:
    """One round: returns (written ids, ids the reader saw, cursor after the round)."""
    written: set[str] = set()
    lock = threading.Lock()
    release = [threading.Event() for _ in range(WRITERS)]
    committed = [threading.Event() for _ in range(WRITERS)]
    holding = [threading.Event() for _ in range(WRITERS)]
    errors: list[BaseException] = []
    engine = db.engine

    def writer(i: int) -> None:
        try:
            with engine.connect() as conn:
                with conn.begin():
                    seq = allocate(conn)
                    record_id = _insert_client(conn, facility_id, seq)
                    holding[i].set()
                    release[i].wait(timeout=30)
                with lock:
                    written.add(record_id)
                committed[i].set()
        except BaseException as error:  # noqa: BLE001 - surfaced by the main thread
            errors.append(error)
            committed[i].set()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for event in holding:
        # Naive writers all hold a seq now; serialized ones queue behind the feed lock.
        event.wait(timeout=0.2)
    seen: set[str] = set()

    def pull_everything() -> None:
        nonlocal cursor
        while True:
            db.session.rollback()  # a fresh snapshot for each pull, as each HTTP request has
            page = pull_page([facility_id], cursor, 1000)
            seen.update(c["id"] for c in page["changes"] if c["entity"] == "client")
            cursor = feed_cursor(page)
            if not page["has_more"]:
                return

    for i in rng.sample(range(WRITERS), WRITERS):
        release[i].set()
        committed[i].wait(timeout=0.3)  # a serialized writer may still wait for the feed lock
        pull_everything()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    pull_everything()  # the last pull, when every writer has committed
    return written, seen, cursor


def feed_cursor(page: dict) -> int:
    from server.services.pull import decode_cursor

    return decode_cursor(page["cursor"]).seq


def _missed_after_rounds(allocate: Callable[[Connection], int]) -> tuple[int, int]:
    facility = add_facility(
        code=f"F{uuid.uuid4().hex[:6]}", name="Uji", kind="lapas", region="Sumsel", timezone="WIB"
    )
    db.session.execute(text("DROP SEQUENCE IF EXISTS naive_feed_seq"))
    start = feed.current_seq(db.session) + 1
    db.session.execute(text(f"CREATE SEQUENCE naive_feed_seq START {start}"))
    db.session.commit()
    rng = random.Random(20231)
    cursor, missed, total = 0, 0, 0
    for _ in range(ROUNDS):
        written, seen, cursor = _run_round(allocate, facility.id, rng, cursor)
        missed += len(written - seen)
        total += len(written)
    db.session.rollback()
    return missed, total


def test_serialized_feed_never_skips_a_change(app):
    missed, total = _missed_after_rounds(_serialized)
    assert total == WRITERS * ROUNDS
    assert missed == 0


def test_naive_feed_skips_changes_negative_control(app, monkeypatch):
    # The naive feed's last seq is its sequence's, read without any lock.
    def naive_state(session):
        state = feed.feed_state(session)
        last = session.execute(text("SELECT last_value FROM naive_feed_seq")).scalar_one()
        return state._replace(seq=int(last))

    monkeypatch.setattr("server.services.pull.feed_state", naive_state)
    missed, total = _missed_after_rounds(_naive)
    assert total == WRITERS * ROUNDS
    assert missed > 0, "the naive feed should have lost changes; the test has no teeth"
