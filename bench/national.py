"""A national dataset on PostgreSQL, deterministic by seed: 530 facilities in 33 regions, about
100,000 WBP, 5,000,000 sessions, enrollments over four years, each record with its change-log
row (the snapshot a push merges against), as the feed would hold them after years of field work.

Written by the database itself (INSERT ... SELECT over generate_series, ids and values drawn
from md5 of the seed), so the full set loads in minutes; Python makes only the facilities and
the users through the services, like an admin would.

Run: `python -m bench.national --url postgresql+psycopg://... [--scale 1.0] [--seed 1] [--reuse]`
(bench/national_bench.py generates into a scratch database and measures on it, or measures on a
kept one with `--url`). With `--reuse`, a database that already holds the national facilities is
only migrated to head (a new migration's backfill included), not generated again: generating
takes about ten minutes.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from sqlalchemy import Integer, String, cast, func, insert, literal, literal_column, select, text
from sqlalchemy.dialects.postgresql import JSONB

from server import create_app
from server.extensions import db
from server.models import ENTITY_MODELS, ChangeLog
from server.services.bulk import after_bulk_load
from server.services.facilities import add_facility
from server.services.record_json import record_json
from server.services.users import add_user

FACILITIES = 530
REGIONS = 33
CLIENTS = 100_000
SESSIONS = 5_000_000
PASSWORD = "kata-sandi-nasional-1"
COUNSELOR = "nasional.konselor"  # a counselor of facility N-0001, the one measured
ADMIN = "nasional.admin"
# A counselor's day of sessions, pushed at once: what lands side by side in the feed and on disk.
PUSH_RUN = 20
KINDS = ("individual", "group", "family", "relapse_prevention", "morning_meeting")


def _step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label:<52} {now - started:8.1f} s", flush=True)
    return now


def _facilities(count: int) -> list[str]:
    ids = []
    for n in range(1, count + 1):
        kind = ("lapas", "rutan", "lpka")[n % 3]
        region = f"Kanwil {n % REGIONS + 1:02d}"
        facility = add_facility(
            code=f"N-{n:04d}",
            name=f"{kind.title()} Nasional {n}",
            kind=kind,
            region=region,
            timezone=("WIB", "WITA", "WIT")[n % 7 // 3],
        )
        ids.append(facility.id)
    add_user(
        username=COUNSELOR,
        role="counselor",
        password=PASSWORD,
        display_name="Konselor Nasional",
        facility_codes=["N-0001"],
    )
    add_user(
        username=ADMIN,
        role="admin",
        password=PASSWORD,
        display_name="Admin Nasional",
        facility_codes=[],
    )
    db.session.commit()
    return ids


def _uuid(seed: int, kind: str, n: str) -> str:
    """SQL for a deterministic UUID of the n-th record of a kind."""
    return f"md5('{seed}-{kind}-' || ({n})::text)::uuid::text"


def _fill(seed: int, facility_ids: list[str], clients: int, sessions: int) -> None:
    """Clients, enrollments and sessions with feed seqs after everything there is."""
    conn = db.session.connection()
    params = {"facilities": facility_ids, "nf": len(facility_ids)}
    head = int(conn.execute(text("SELECT seq FROM sync_counter WHERE id = 1")).scalar_one())
    client_id = _uuid(seed, "client", "n")
    # Client n lives in facility (n % nf) + 1; its seq is head + n.
    conn.execute(
        text(
            f"""
            INSERT INTO clients (id, version, created_at, updated_at, deleted, conflict_open,
                seq, facility_id, registration_number, full_name, sex, birth_date, case_type,
                admission_date)
            SELECT {client_id}, 1, now(), now(), false, false, {head} + n,
                (CAST(:facilities AS text[]))[(n % :nf) + 1],
                'N.' || n::text || '/' || (2019 + n % 5)::text,
                'WBP ' || substr(md5('{seed}-name-' || n::text), 1, 10),
                CASE WHEN n % 12 = 0 THEN 'F' ELSE 'M' END,
                date '1975-01-01' + (n * 37 % 12000),
                (ARRAY['user', 'dealer', 'courier'])[n % 3 + 1],
                date '2019-01-01' + (n * 13 % 1800)
            FROM generate_series(1, {clients}) AS n
            """
        ),
        params,
    )
    head += clients
    # Enrollment of client n (two in five clients), a year from 2021 to 2024.
    enrolled = clients * 2 // 5
    conn.execute(
        text(
            f"""
            INSERT INTO enrollments (id, version, created_at, updated_at, deleted,
                conflict_open, seq, facility_id, client_id, program, cohort, phase, start_date,
                end_date, status, exit_reason)
            SELECT {_uuid(seed, "enrollment", "n")}, 1, now(), now(), false, false,
                {head} + n, (CAST(:facilities AS text[]))[(c % :nf) + 1],
                {_uuid(seed, "client", "c")},
                (ARRAY['rehab_sosial', 'rehab_medis'])[n % 2 + 1],
                (2021 + n % 4)::text || ' tahap I',
                '', make_date(2021 + n % 4, 1 + n % 12, 1),
                CASE WHEN n % 3 = 0 THEN NULL
                     ELSE make_date(2021 + n % 4, 1 + n % 12, 1) + 180 END,
                CASE WHEN n % 3 = 0 THEN 'active' ELSE 'completed' END, ''
            FROM (SELECT n, (n * 5 / 2) AS c FROM generate_series(1, {enrolled}) AS n) AS e
            """
        ),
        params,
    )
    head += enrolled
    # Sessions come as the feed gets them, in pushes: runs of PUSH_RUN consecutive sessions (and
    # seqs) of one facility, the facilities taking turns; within its facility, run after run
    # goes through the clients there. Session n: facility b % nf of its run b = n / PUSH_RUN,
    # client nf * (1 + j % per) + that facility's index, spread over four years, a DAP note of a
    # real length.
    per = clients // len(facility_ids) - 1  # clients of a facility its sessions go through
    if per < 1:
        raise ValueError("too small a scale: every facility needs two clients or more")
    conn.execute(
        text(
            f"""
            INSERT INTO sessions (id, version, created_at, updated_at, deleted, conflict_open,
                seq, facility_id, client_id, occurred_at, occurred_utc, duration_minutes, kind,
                attendance, note_data, note_assessment, note_plan, risk_flags, status)
            SELECT {_uuid(seed, "session", "n")}, 1, now(), now(), false, false,
                {head} + n, (CAST(:facilities AS text[]))[(c % :nf) + 1],
                {_uuid(seed, "client", "c")},
                to_char(t AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD"T"HH24:MI:SS') || '+07:00',
                t, 45 + n % 4 * 15, (ARRAY{list(KINDS)})[n % 5 + 1], 'attended',
                'Klien hadir tepat waktu. Sesi ke-' || n::text || ' membahas pemicu.' || chr(10),
                'Motivasi baik; mulai terbuka soal keluarga.' || chr(10),
                'Lanjutkan sesi mingguan.' || chr(10), '[]'::jsonb,
                (ARRAY['approved', 'approved', 'submitted', 'draft'])[n % 4 + 1]
            FROM (
                SELECT n, :nf * (1 + ((n / {PUSH_RUN}) / :nf * {PUSH_RUN} + n % {PUSH_RUN})
                        % {per}) + (n / {PUSH_RUN}) % :nf AS c,
                    timestamptz '2021-01-04 02:00:00+00'
                        + (n * 7919 % 126000000) * interval '1 second' AS t
                FROM generate_series(1::bigint, {sessions}) AS n
            ) AS s
            """
        ),
        params,
    )
    head += sessions
    conn.execute(text("UPDATE sync_counter SET seq = :seq WHERE id = 1"), {"seq": head})


def _log(entity: str) -> None:
    """Each record's change-log row: version 1, its snapshot as the pull builds it."""
    model: Any = ENTITY_MODELS[entity]
    snapshot = cast(cast(record_json(entity, "postgresql"), String), JSONB)
    columns = [
        "entity",
        "record_id",
        "facility_id",
        "version",
        "op",
        "status",
        "source",
        "changed_fields",
        "snapshot",
        "result",
        "created_at",
    ]
    rows = select(
        literal(entity),
        model.id,
        model.facility_id,
        cast(literal(1), Integer),
        literal("upsert"),
        literal("applied"),
        literal("device"),
        cast(literal_column("'[]'"), JSONB),
        snapshot,
        cast(literal_column("""'{"status": "applied"}'"""), JSONB),
        func.now(),
    )
    db.session.execute(insert(ChangeLog).from_select(columns, rows))


def generated(url: str) -> bool:
    """Whether the database at url already holds the national dataset's facilities."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "national"})
    with app.app_context():
        from sqlalchemy import inspect

        from server.models import Facility

        found = "facilities" in inspect(db.engine).get_table_names() and (
            db.session.scalar(select(Facility.id).where(Facility.code == "N-0001")) is not None
        )
        db.engine.dispose()
    return found


def generate(url: str, seed: int = 1, scale: float = 1.0, reuse: bool = False) -> None:
    """The national dataset into the (migrated or empty) database at url; with reuse, a database
    that holds it already is only migrated to head."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "national"})
    if reuse and generated(url):
        with app.app_context():
            from server.cli import upgrade_database

            started = time.perf_counter()
            upgrade_database()
            after_bulk_load()  # what autovacuum has done since the last run's pushes
            _step("kept national dataset, migrated to head, VACUUM (ANALYZE)", started)
            db.engine.dispose()
        return
    with app.app_context():
        from server.cli import upgrade_database

        upgrade_database()
        started = time.perf_counter()
        facility_ids = _facilities(FACILITIES)
        started = _step(f"{FACILITIES} facilities and their users", started)
        clients, sessions = max(1, int(CLIENTS * scale)), max(1, int(SESSIONS * scale))
        _fill(seed, facility_ids, clients, sessions)
        db.session.commit()
        started = _step(f"{clients:,} clients, their enrollments, {sessions:,} sessions", started)
        for entity in ("client", "enrollment", "session"):
            _log(entity)
            db.session.commit()
        started = _step("their change-log rows, with snapshots", started)
        after_bulk_load()  # what pulih restore does after a bulk load, and autovacuum in time
        _step("VACUUM (ANALYZE)", started)
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reuse", action="store_true", help="keep a dataset already there")
    args = parser.parse_args()
    generate(args.url, args.seed, args.scale, args.reuse)


if __name__ == "__main__":
    main()
