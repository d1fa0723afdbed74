"""The demo province: exact yearly figures, determinism, scope, feed and change log."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from server import create_app
from server.cli import upgrade_database
from server.demo import DEMO_PASSWORD, FACILITIES, load_demo
from server.extensions import db
from server.instruments.assist import score_assist
from server.models import (
    ENTITY_MODELS,
    Assessment,
    ChangeLog,
    CounselingSession,
    Facility,
    User,
)
from server.models.wire import record_to_wire
from server.security import verify_password
from tests.helpers import stale_pull_entries

SYNCED_TABLES = (
    "facilities",
    "clients",
    "enrollments",
    "assessments",
    "sessions",
    "attendance",
    "cohorts",
    "phase_changes",
    "alerts",
    "releases",
    "transfers",
)
# Written in bulk by the demo loader; the rest the way the field makes them (server/demo_path.py).
BULK = ("facility", "client", "assessment", "session", "attendance")
PUSHED = ("enrollment", "phase_change", "transfer")


def make_app(path: Path) -> Flask:
    """The app over a new SQLite database, migrated as `pulih init-db` migrates it (the schema,
    the counter row and the triggers)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "demo"})
    with app.app_context():
        upgrade_database()
    return app


def load(path: Path, seed: int = 1) -> tuple[Flask, dict[str, Any]]:
    app = make_app(path)
    with app.app_context():
        started = time.perf_counter()
        summary = load_demo(seed=seed)
        elapsed = time.perf_counter() - started
        print(f"\ndemo loaded into SQLite in {elapsed:.1f} s: {summary['counts']}")
    return app, summary


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, Any]]]:
    app, summary = load(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    with app.app_context():
        yield app, summary
        db.session.remove()


def scalar(sql: str, **params: Any) -> Any:
    return db.session.execute(text(sql), params).scalar_one()


ACTIVE_IN_YEAR = """
    FROM enrollments
    WHERE start_date <= :last AND (end_date IS NULL OR end_date >= :first) AND deleted = 0
"""


@pytest.mark.parametrize(("year", "total"), [(2021, 870), (2022, 800), (2023, 520)])
def test_distinct_clients_in_rehabilitation_per_year(loaded: Any, year: int, total: int) -> None:
    bounds = {"first": f"{year}-01-01", "last": f"{year}-12-31"}
    assert scalar(f"SELECT COUNT(DISTINCT client_id) {ACTIVE_IN_YEAR}", **bounds) == total
    assert loaded[1]["clients_per_year"][year]["total"] == total


@pytest.mark.parametrize(
    ("program", "total"), [("rehab_medis", 60), ("rehab_sosial", 460), ("pasca_rehab", 0)]
)
def test_2023_splits_into_60_medis_and_460_sosial(loaded: Any, program: str, total: int) -> None:
    bounds = {"first": "2023-01-01", "last": "2023-12-31", "program": program}
    sql = f"SELECT COUNT(DISTINCT client_id) {ACTIVE_IN_YEAR} AND program = :program"
    assert scalar(sql, **bounds) == total


def test_2023_clients_are_in_one_program_only(loaded: Any) -> None:
    sql = f"""SELECT COUNT(*) FROM (SELECT client_id {ACTIVE_IN_YEAR}
              GROUP BY client_id HAVING COUNT(DISTINCT program) > 1) AS t"""
    assert scalar(sql, first="2023-01-01", last="2023-12-31") == 0


def test_some_clients_continue_into_the_next_year(loaded: Any) -> None:
    sql = """SELECT COUNT(DISTINCT a.client_id) FROM enrollments a JOIN enrollments b
             ON a.client_id = b.client_id AND a.cohort = :before AND b.cohort = :after"""
    assert scalar(sql, before="2021 tahap II", after="2022 tahap I") > 0
    assert scalar(sql, before="2022 tahap II", after="2023 tahap I") > 0


def test_enrollments_stay_inside_their_cohort(loaded: Any) -> None:
    rows = db.session.execute(text("SELECT cohort, start_date, end_date FROM enrollments")).all()
    for cohort, start, end in rows:
        year, half = cohort.split(" tahap ")
        first, last = (
            (f"{year}-01-01", f"{year}-06-30")
            if half == "I"
            else (f"{year}-07-01", f"{year}-12-31")
        )
        assert first <= str(start) <= str(end) <= last, (cohort, start, end)


@pytest.mark.parametrize("table", ["sessions", "enrollments", "assessments", "attendance"])
def test_every_client_reference_stays_in_its_facility(loaded: Any, table: str) -> None:
    sql = f"""SELECT COUNT(*) FROM {table} r JOIN clients c ON c.id = r.client_id
              WHERE c.facility_id != r.facility_id"""
    assert scalar(sql) == 0
    dangling = f"""SELECT COUNT(*) FROM {table} r LEFT JOIN clients c ON c.id = r.client_id
                   WHERE r.client_id IS NOT NULL AND c.id IS NULL"""
    assert scalar(dangling) == 0


def test_group_sessions_have_no_client_and_their_attendance_stays_in_facility(loaded: Any) -> None:
    assert (
        scalar(
            "SELECT COUNT(*) FROM sessions WHERE kind IN ('group', 'morning_meeting', 'seminar') "
            "AND client_id IS NOT NULL"
        )
        == 0
    )
    assert (
        scalar(
            # where it was held: a transfer moves a participant's attendance, not the group session
            "SELECT COUNT(*) FROM attendance a JOIN sessions s ON s.id = a.session_id "
            "WHERE s.facility_id != COALESCE(a.origin_facility_id, a.facility_id) "
            "OR s.client_id IS NOT NULL"
        )
        == 0
    )
    assert scalar("SELECT COUNT(*) FROM attendance") > 0


def test_counselors_work_only_where_they_are_assigned(loaded: Any) -> None:
    sql = """SELECT COUNT(*) FROM sessions s WHERE NOT EXISTS (
               SELECT 1 FROM user_facilities uf
               WHERE uf.user_id = s.counselor_id
               AND uf.facility_id = COALESCE(s.origin_facility_id, s.facility_id))"""
    assert scalar(sql) == 0


def test_a_few_clients_were_transferred_with_their_history(loaded: Any) -> None:
    assert loaded[1]["counts"]["transfer"] == scalar("SELECT COUNT(*) FROM transfers") > 0
    moved = """SELECT COUNT(*) FROM transfers t JOIN clients c ON c.id = t.client_id
               WHERE c.facility_id = t.to_facility_id AND c.origin_facility_id = t.from_facility_id
               AND t.facility_id = t.to_facility_id"""
    assert scalar(moved) == scalar("SELECT COUNT(*) FROM transfers")
    for table in ("enrollments", "sessions", "assessments"):
        left_behind = f"""SELECT COUNT(*) FROM {table} r
                          JOIN transfers t ON t.client_id = r.client_id
                          WHERE r.facility_id != t.to_facility_id"""
        assert scalar(left_behind) == 0
    # Their sessions count where they were held.
    held = """SELECT COUNT(*) FROM sessions s JOIN transfers t ON t.client_id = s.client_id
              WHERE s.origin_facility_id = t.from_facility_id"""
    assert scalar(held) > 0
    exits = "SELECT COUNT(*) FROM scope_exits e JOIN transfers t ON t.id = e.transfer_id"
    assert scalar(exits) > scalar("SELECT COUNT(*) FROM transfers")


def test_every_record_has_a_unique_seq_within_the_allocated_block(loaded: Any) -> None:
    union = " UNION ALL ".join(f"SELECT seq FROM {t}" for t in (*SYNCED_TABLES, "scope_exits"))
    total = scalar(f"SELECT COUNT(*) FROM ({union}) AS s")
    assert scalar(f"SELECT COUNT(DISTINCT seq) FROM ({union}) AS s") == total
    assert scalar(f"SELECT MIN(seq) FROM ({union}) AS s") == 1
    # Pushed exits are second versions, so seqs run past the number of records.
    assert scalar(f"SELECT MAX(seq) FROM ({union}) AS s") == scalar(
        "SELECT seq FROM sync_counter WHERE id = 1"
    )
    assert scalar("SELECT MAX(seq) FROM facilities") == len(FACILITIES)


TABLES = dict(zip(ENTITY_MODELS, SYNCED_TABLES, strict=True))


def test_every_record_of_the_demo_has_its_stored_pull_entry(loaded: Any) -> None:
    # Loaded in bulk and pushed through the pipeline: the triggers wrote every entry.
    assert stale_pull_entries() == {}


@pytest.mark.parametrize(("entity", "table"), [(e, TABLES[e]) for e in (*BULK, "cohort")])
def test_every_record_has_one_applied_change_with_its_snapshot(
    loaded: Any, entity: str, table: str
) -> None:
    missing = f"""SELECT COUNT(*) FROM {table} r WHERE NOT EXISTS (
                    SELECT 1 FROM change_log l WHERE l.entity = :entity AND l.record_id = r.id
                    AND l.version = 1 AND l.status = 'applied' AND l.snapshot IS NOT NULL)"""
    assert scalar(missing, entity=entity) == 0
    logged = "SELECT COUNT(*) FROM change_log WHERE entity = :entity AND version = 1"
    assert scalar(logged, entity=entity) == scalar(f"SELECT COUNT(*) FROM {table}")
    # A transfer's move is the only later version of a record written in bulk.
    later = "SELECT COUNT(*) FROM change_log WHERE entity = :entity AND version > 1"
    moved = f"SELECT COUNT(*) FROM {table} WHERE origin_facility_id IS NOT NULL"
    assert scalar(later, entity=entity) == scalar(moved)
    model = ENTITY_MODELS[entity]
    for record in db.session.scalars(select(model).order_by(model.seq).limit(50)):
        change = db.session.scalars(
            select(ChangeLog).where(
                ChangeLog.entity == entity,
                ChangeLog.record_id == record.id,
                ChangeLog.version == record.version,
            )
        ).one()
        assert change.snapshot == record_to_wire(record)
        assert change.changed_fields == list(model.fields)
        assert change.facility_id == record.facility_id
        assert (change.source, change.op, change.change_id) == ("server", "upsert", None)


@pytest.mark.parametrize("entity", PUSHED)
def test_the_path_was_pushed_by_counselors_and_every_push_applied(loaded: Any, entity: str) -> None:
    table = TABLES[entity]
    created = f"""SELECT COUNT(*) FROM {table} r WHERE EXISTS (
                    SELECT 1 FROM change_log l WHERE l.entity = :entity AND l.record_id = r.id
                    AND l.version = 1 AND l.status = 'applied' AND l.source = 'device'
                    AND l.change_id IS NOT NULL AND l.device_id IS NOT NULL)"""
    assert scalar(created, entity=entity) == scalar(f"SELECT COUNT(*) FROM {table}") > 0
    assert scalar("SELECT COUNT(*) FROM change_log WHERE status <> 'applied'") == 0
    model = ENTITY_MODELS[entity]
    for record in db.session.scalars(select(model).order_by(model.seq).limit(50)):
        latest = db.session.scalars(
            select(ChangeLog)
            .where(ChangeLog.entity == entity, ChangeLog.record_id == record.id)
            .order_by(ChangeLog.version.desc())
            .limit(1)
        ).one()
        wire = record_to_wire(record)
        assert latest.version == record.version
        assert {k: latest.snapshot[k] for k in model.fields} == {k: wire[k] for k in model.fields}


def test_enrollments_name_their_cohort_screening_and_counselor(loaded: Any) -> None:
    orphans = """SELECT COUNT(*) FROM enrollments e
                 LEFT JOIN cohorts c ON c.id = e.cohort_id AND c.program = e.program
                 LEFT JOIN assessments a ON a.id = e.screening_id AND a.instrument = 'assist'
                 WHERE c.id IS NULL OR a.id IS NULL OR e.primary_counselor_id IS NULL"""
    assert scalar(orphans) == 0
    over = """SELECT COUNT(*) FROM cohorts c WHERE c.intake_target <
                (SELECT COUNT(*) FROM enrollments e WHERE e.cohort_id = c.id)"""
    assert scalar(over) == 0
    graded = "SELECT COUNT(*) FROM enrollments WHERE tc_grade IS NOT NULL AND status <> 'completed'"
    assert scalar(graded) == 0
    assert scalar("SELECT COUNT(*) FROM enrollments WHERE tc_grade IS NOT NULL") > 0
    assert scalar("SELECT COUNT(*) FROM phase_changes WHERE phase = 're-entry'") > 0


def test_facilities_are_the_twenty_of_south_sumatra(loaded: Any) -> None:
    facilities = db.session.scalars(select(Facility)).all()
    assert len(facilities) == 20
    assert len({f.name for f in facilities}) == 20
    assert all(f.facility_id == f.id and f.region == "Sumatera Selatan" for f in facilities)
    kinds = {f.code: f.kind for f in facilities}
    assert kinds["LPN-MBL"] == "lapas_narkotika"
    assert kinds["LPKA-PLG"] == "lpka"
    assert kinds["RUT-PLG"] == "rutan"


def test_women_at_the_womens_lapas_and_juveniles_at_lpka(loaded: Any) -> None:
    sexes = db.session.execute(
        text(
            "SELECT DISTINCT f.code = 'LPP-PLG', c.sex FROM clients c "
            "JOIN facilities f ON f.id = c.facility_id"
        )
    ).all()
    assert sorted(sexes) == [(0, "M"), (1, "F")]
    ages = db.session.execute(
        text(
            "SELECT c.birth_date, e.start_date FROM enrollments e "
            "JOIN clients c ON c.id = e.client_id "
            "JOIN facilities f ON f.id = e.facility_id WHERE f.code = 'LPKA-PLG'"
        )
    ).all()
    assert ages
    for born, start in ages:
        born, start = str(born), str(start)
        years = int(start[:4]) - int(born[:4]) - (start[5:] < born[5:])
        assert 14 <= years <= 17


def test_registration_numbers_are_unique_per_facility(loaded: Any) -> None:
    assert (
        scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM clients GROUP BY facility_id, registration_number "
            "HAVING COUNT(*) > 1) AS d"
        )
        == 0
    )


def test_assist_scores_are_computed_from_answers(loaded: Any) -> None:
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.instrument == "assist").limit(300)
    ).all()
    assert assessments
    for assessment in assessments:
        assert assessment.scores == score_assist(assessment.answers)
    assert scalar("SELECT COUNT(*) FROM assessments WHERE instrument = 'urica'") > 0


def test_review_states_end_in_a_queue_at_the_end_of_2023(loaded: Any) -> None:
    sessions = CounselingSession
    states = dict(
        db.session.execute(select(sessions.status, db.func.count()).group_by(sessions.status)).all()
    )
    assert states["approved"] > 0.95 * sum(states.values())
    assert 0 < states["submitted"] < 200
    assert 0 < states["draft"] < 100
    waiting = scalar(
        "SELECT COUNT(*) FROM sessions WHERE status = 'submitted' "
        "AND submitted_at < '2023-12-26 03:00:00'"
    )
    assert waiting > 0
    assert (
        scalar(
            "SELECT COUNT(*) FROM sessions WHERE status = 'approved' AND (reviewed_by IS NULL "
            "OR reviewed_at IS NULL OR submitted_at IS NULL OR reviewed_at < submitted_at)"
        )
        == 0
    )
    assert scalar("SELECT COUNT(*) FROM sessions WHERE occurred_at NOT LIKE '%+07:00'") == 0
    assert scalar("SELECT MAX(occurred_utc) FROM sessions") < "2023-12-28 03:00:00"


def test_demo_users_log_in_with_the_demo_password(loaded: Any) -> None:
    logins = {login["username"]: login for login in loaded[1]["logins"]}
    assert logins["admin"]["role"] == "admin"
    assert len(logins["supervisor"]["facilities"]) == len(FACILITIES)
    supervisor = db.session.scalars(select(User).where(User.username == "supervisor")).one()
    assert len(supervisor.facilities) == len(FACILITIES)
    assert verify_password(supervisor.password_hash, DEMO_PASSWORD)
    counselor = db.session.scalars(select(User).where(User.username == "konselor.mbl1")).one()
    assert [f.code for f in counselor.facilities] == ["LPN-MBL"]


def test_refuses_to_load_twice(loaded: Any) -> None:
    with pytest.raises(RuntimeError, match="already holds facilities"):
        load_demo(seed=1)
    assert scalar("SELECT COUNT(*) FROM facilities") == len(FACILITIES)


def test_same_seed_gives_the_same_rows(loaded: Any, tmp_path: Path) -> None:
    """A second load into another database holds the same ids, seqs and counts."""

    def fingerprint() -> dict[str, Any]:
        return {
            table: db.session.execute(
                text(f"SELECT id, seq, facility_id FROM {table} ORDER BY seq")
            ).all()
            for table in SYNCED_TABLES
        } | {"users": db.session.execute(text("SELECT id, username FROM users ORDER BY id")).all()}

    first, summary = fingerprint(), loaded[1]
    app, again = load(tmp_path / "again.sqlite3")
    with app.app_context():
        second = fingerprint()
        db.session.remove()
    assert second == first
    assert again["counts"] == summary["counts"]
    assert again["clients_per_year"] == summary["clients_per_year"]
