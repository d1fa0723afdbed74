"""services/bulk.insert_rows stores a row exactly as `insert(table)` does, on both backends (COPY on
PostgreSQL): every type, the columns a row leaves out (their defaults), the triggers, the errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import DataError, IntegrityError

from server.extensions import db
from server.models import ChangeLog, CounselingSession, SessionCount
from server.services.bulk import after_bulk_load, insert_rows
from tests.helpers import new_id, pull_count_plan, stale_pull_entries

# Text as a counselor's note may hold it: any printable character, tabs, newlines, backslashes
# and quotes (COPY's own escapes), never NUL or a lone surrogate (the schemas refuse both).
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _session_row(world: Any, seq: int, **fields: Any) -> dict[str, Any]:
    now = datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    return {
        "id": new_id(),
        "version": 1,
        "seq": seq,
        "facility_id": world.facility_a if world else None,
        "created_at": now,
        "updated_at": now,
        "deleted": False,
        "conflict_open": False,
        "occurred_at": "2024-01-02T09:00:00+07:00",
        "occurred_utc": now,
        "duration_minutes": 45,
        "kind": "individual",
        "attendance": "attended",
        "note_data": "Klien hadir.",
        "note_assessment": "",
        "note_plan": "",
        "risk_flags": [],
        "status": "draft",
    } | fields


def _stored(model: Any, record_id: Any) -> dict[str, Any]:
    row = db.session.execute(select(model.__table__).where(model.__table__.c.id == record_id)).one()
    return dict(row._mapping)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(note=TEXT, flags=st.lists(TEXT, max_size=3), urine=JSON, hlc=st.none() | TEXT)
def test_a_session_is_stored_as_an_insert_stores_it(app, world, note, flags, urine, hlc):
    table = CounselingSession.__table__
    fields = {"note_data": note, "risk_flags": flags, "urine_test": urine, "hlc": hlc}
    copied, inserted = _session_row(world, 1, **fields), _session_row(world, 2, **fields)
    insert_rows(table, [copied])
    db.session.execute(insert(table), [inserted])
    one = _stored(CounselingSession, copied["id"])
    other = _stored(CounselingSession, inserted["id"])
    assert one["note_data"] == note and one["risk_flags"] == flags
    # The same but for id and seq, the pull entry too (the row trigger ran for both).
    assert {k: v for k, v in one.items() if k not in ("id", "seq", "pull_entry")} == {
        k: v for k, v in other.items() if k not in ("id", "seq", "pull_entry")
    }
    entry = one["pull_entry"].replace(copied["id"], "ID").replace('1, "', '2, "')
    assert entry == other["pull_entry"].replace(inserted["id"], "ID").replace('1, "', '2, "')
    assert stale_pull_entries() == {}
    db.session.execute(delete(table))
    db.session.execute(delete(SessionCount.__table__))
    db.session.commit()


def test_left_out_columns_get_their_defaults_and_the_statement_trigger_counts(app, world):
    rows = [
        {"entity": "session", "record_id": new_id(), "op": "upsert", "status": "applied"}
        for _ in range(3)
    ]
    before = datetime.now(UTC)
    insert_rows(ChangeLog.__table__, rows)
    logged = db.session.scalars(
        select(ChangeLog).where(ChangeLog.entity == "session").order_by(ChangeLog.id)
    ).all()
    assert [r.record_id for r in logged] == [r["record_id"] for r in rows]
    assert all(r.created_at >= before.replace(microsecond=0) for r in logged)  # Python default
    assert all(r.source == "device" for r in logged)  # a scalar default
    assert len({r.id for r in logged}) == 3  # the database's own ids
    sessions = [_session_row(world, 10 + i, kind="family") for i in range(4)]
    insert_rows(CounselingSession.__table__, sessions)
    assert sum(db.session.scalars(select(SessionCount.sessions))) == 4


def test_a_refused_row_raises_what_an_insert_raises(app, world, backend):
    row = _session_row(world, 1)
    insert_rows(CounselingSession.__table__, [row])
    with pytest.raises(IntegrityError), db.session.begin_nested():
        insert_rows(CounselingSession.__table__, [_session_row(world, 2), row])
    if backend == "postgresql":  # SQLite stores NUL in text; PostgreSQL refuses it
        with pytest.raises(DataError), db.session.begin_nested():
            insert_rows(CounselingSession.__table__, [_session_row(world, 3, note_plan="a\x00b")])
    # The transaction goes on after the refusals: only the first row is there.
    assert db.session.scalars(select(CounselingSession.id)).all() == [row["id"]]


POSTGRESQL = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _fill(world: Any, n: int) -> None:
    insert_rows(CounselingSession.__table__, [_session_row(world, 100 + i) for i in range(n)])
    db.session.commit()


@POSTGRESQL
def test_after_a_bulk_load_the_pull_counts_from_the_index_alone(app, world):
    _fill(world, 400)
    kinds, fetches = pull_count_plan([world.facility_a], "sessions")
    assert "Seq Scan" in kinds or fetches > 0  # no statistics, no page marked all-visible
    after_bulk_load()
    kinds, fetches = pull_count_plan([world.facility_a], "sessions")
    assert kinds == {"Index Only Scan"} and fetches == 0


def test_after_bulk_load_changes_nothing_on_sqlite_and_nothing_of_the_data(app, world, backend):
    _fill(world, 3)
    before = db.session.execute(select(CounselingSession.__table__)).all()
    db.session.rollback()
    after_bulk_load()
    assert db.session.execute(select(CounselingSession.__table__)).all() == before


@POSTGRESQL
def test_seed_demo_vacuums_and_analyzes_what_it_loaded(app, monkeypatch):
    import server.demo
    from server.services.facilities import add_facility

    loaded: list[Any] = []

    def small_demo(seed: int) -> dict[str, Any]:  # the real one takes a minute
        facility = add_facility(
            code="LP-D", name="Lapas Demo", kind="lapas", region="Demo", timezone="WIB"
        )
        loaded.append(facility.id)
        rows = [_session_row(None, 100 + i, facility_id=facility.id) for i in range(400)]
        insert_rows(CounselingSession.__table__, rows)
        db.session.commit()
        return {"counts": {}, "logins": []}

    monkeypatch.setattr(server.demo, "load_demo", small_demo)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    kinds, fetches = pull_count_plan(loaded, "sessions")
    assert kinds == {"Index Only Scan"} and fetches == 0
