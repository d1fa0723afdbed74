"""Sync benchmarks, each against a baseline on the same data in the same run.

- push apply rate (service level) vs a SQLAlchemy Core bulk insert of the same rows (goal >= 0.6)
- push over HTTP (a real threaded server on localhost) vs the same bulk insert (goal >= 0.45)
- 1,000-change pull page latency (goal p50 <= 10 ms)
- an empty pull at 10k and at 1M stored records (goal <= 2 ms, and flat)
- JSON encoding of a 1,000-change pull page, against the page's query time
- authenticating a request (token, user, device and scope in one statement), against a plain
  lookup of the token row

Run: `make bench` or `python -m bench.sync_bench [--backend sqlite|postgresql] [--big 1000000]`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import urllib.request
import uuid
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import insert, select, text
from werkzeug.serving import make_server

from bench.common import (
    as_autovacuum_would,
    figure,
    median,
    percentile,
    scratch_database,
    synced_row,
    timed,
)
from server import create_app
from server.extensions import db
from server.models import ChangeLog, Client, Device, Token, User
from server.security import Caller, authenticate, token_digest
from server.services.facilities import add_facility
from server.services.feed import allocate
from server.services.pull import Cursor, pull_page, pull_page_json
from server.services.push import push
from server.services.users import add_user
from server.services.versions import change_log_row
from sync import Change

N_PUSH = 2000
BATCH = 500


def _client_changes(facility_id: str, n: int) -> list[dict[str, Any]]:
    run = uuid.uuid4().hex[:6]
    fields = {
        "facility_id": facility_id,
        "sex": "M",
        "birth_date": "1990-01-01",
        "case_type": "user",
        "admission_date": "2023-01-01",
    }
    return [
        Change(
            change_id=str(uuid.uuid4()),
            entity="client",
            id=str(uuid.uuid4()),
            op="upsert",
            base_version=None,
            fields=fields | {"registration_number": f"B.I-{i}/{run}", "full_name": f"Klien {i}"},
        ).to_wire()
        for i in range(n)
    ]


def _rows_for(changes: list[dict[str, Any]], facility_id: str) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    first = allocate(db.session, len(changes)) - len(changes) + 1
    rows = []
    for i, change in enumerate(changes):
        f = change["fields"]
        rows.append(
            synced_row(
                facility_id,
                first + i,
                now,
                registration_number=f["registration_number"] + "b",
                full_name=f["full_name"],
                sex="M",
                birth_date=datetime(1990, 1, 1).date(),
                case_type="user",
                admission_date=datetime(2023, 1, 1).date(),
            )
        )
    return rows


def _log_rows_for(
    rows: list[dict[str, Any]], changes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        change_log_row(
            change_id=str(uuid.uuid4()),
            entity="client",
            record_id=row["id"],
            facility_id=row["facility_id"],
            version=1,
            source="device",
            fields=change["fields"],
            changed=list(change["fields"]),
            snapshot={k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()},
            result={"status": "applied"},
            created_at=now,
        )
        for row, change in zip(rows, changes, strict=True)
    ]


def _setup(url: str) -> tuple[Any, str]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        from server.cli import upgrade_database

        upgrade_database()
        facility = add_facility(
            code="B-1", name="Lapas Bench", kind="lapas", region="Bench", timezone="WIB"
        )
        add_user(
            username="bench",
            role="counselor",
            password="bench-password",
            display_name="Bench",
            facility_codes=["B-1"],
        )
        db.session.commit()
        return app, facility.id


def bench_push(app: Any, facility_id: str, base: str, token: str, device_id: str) -> None:
    """The push in process (service level) and over HTTP, against a Core bulk insert of the same
    rows, batch by batch in turns: this shared machine's speed drifts within a minute, and in
    turns the three meet the same drift (one after the other, a ratio could move by half)."""
    with app.app_context():
        user = db.session.query(User).filter_by(username="bench").one()
        device = Device(id=str(uuid.uuid4()), name="bench")
        db.session.add(device)
        db.session.commit()
        caller = Caller(user=user, device_id=device.id, token_id="bench")
        changes = _client_changes(facility_id, N_PUSH)
        over_http = _client_changes(facility_id, N_PUSH)
        rows = _rows_for(changes, facility_id)
        log_rows = _log_rows_for(rows, changes)
        db.session.commit()

        def service(batch: slice) -> None:
            results = push(caller, device, changes[batch])
            assert all(r["status"] == "applied" for r in results), results[:1]
            db.session.commit()

        def http(batch: slice) -> None:
            body = {"device_id": device_id, "changes": over_http[batch]}
            results = _post(base + "/api/v1/sync/push", body, token)["results"]
            assert all(r["status"] == "applied" for r in results), results[:1]

        def bulk(batch: slice) -> None:
            # The same rows a push writes: each record and its change-log row with its snapshot.
            db.session.execute(insert(Client), rows[batch])
            db.session.execute(insert(ChangeLog), log_rows[batch])
            db.session.commit()

        seconds = {"service": 0.0, "http": 0.0, "bulk": 0.0}
        for start in range(0, N_PUSH, BATCH):
            for name, step in (("service", service), ("http", http), ("bulk", bulk)):
                seconds[name] += timed(partial(step, slice(start, start + BATCH)))
    rate = {name: N_PUSH / spent for name, spent in seconds.items()}
    figure("push apply rate (service)", rate["service"], "changes/s")
    figure("baseline: Core bulk insert of the same rows (record + log)", rate["bulk"], "changes/s")
    figure("ratio push / bulk insert", rate["service"] / rate["bulk"], "", ">= 0.6")
    figure("push over HTTP", rate["http"], "changes/s")
    figure("ratio HTTP push / bulk insert", rate["http"] / rate["bulk"], "", ">= 0.45")


def _serve(app: Any) -> tuple[Any, str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _post(url: str, body: Any, token: str | None = None) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def _get_bytes(url: str, token: str) -> bytes:
    """An answer's body up to its last byte: what the server and the link cost, not the
    device's JSON parsing (the served benchmark measures the same way)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as response:
        body: bytes = response.read()
        return body


def _log_in(base: str) -> tuple[str, str]:
    """A device of the bench counselor logged in over HTTP: (token, device id)."""
    device_id = str(uuid.uuid4())
    login = _post(
        base + "/api/v1/auth/login",
        {"username": "bench", "password": "bench-password", "device_id": device_id},
    )
    return login["access_token"], device_id


def bench_http(app: Any, facility_id: str) -> None:
    """The push (bench_push), pull page latency over HTTP, authentication, JSON encoding."""
    server, base = _serve(app)
    try:
        token, device_id = _log_in(base)
        bench_push(app, facility_id, base, token, device_id)
        # A sync's next page (its cursor carries the estimate of what is left) is the page
        # figure; the first page of a sync, which counts it, beside it.
        first_url = base + "/api/v1/sync/pull?limit=1000"
        first = json.loads(_get_bytes(first_url, token))
        page_url = first_url + "&cursor=" + first["cursor"]
        assert len(first["changes"]) == 1000
        assert len(json.loads(_get_bytes(page_url, token))["changes"]) == 1000

        def page_ms() -> float:
            return median([timed(lambda: _get_bytes(page_url, token)) for _ in range(30)]) * 1000

        as_autovacuum_would(app.config["SQLALCHEMY_DATABASE_URI"], page_ms)
        samples = [timed(lambda: _get_bytes(page_url, token)) for _ in range(30)]
        figure(
            "pull page of 1,000 changes over HTTP, p50",
            median(samples) * 1000,
            "ms",
            "p50 <= 10 ms",
        )
        figure("pull page of 1,000 changes over HTTP, p95", percentile(samples, 95) * 1000, "ms")
        firsts = [timed(lambda: _get_bytes(first_url, token)) for _ in range(30)]
        figure(
            f"a sync's first page, counting what is left ({first['remaining'] + 1000:,}), p50",
            median(firsts) * 1000,
            "ms",
        )
    finally:
        server.shutdown()
    bench_authenticate(app, token)
    with app.app_context():
        scope = [facility_id]
        page_text = [timed(lambda: pull_page_json(scope, Cursor(0, None), 1000)) for _ in range(30)]
        page = pull_page(scope, 0, 1000)
        encode = [timed(lambda: app.json.dumps(page)) for _ in range(30)]
        figure(
            "pull page of 1,000 in process: statement (stored entries) + page text, p50",
            median(page_text) * 1000,
            "ms",
            "p50 <= 10 ms",
        )
        figure(
            "baseline: encoding the same page in Python (Flask JSON), p50",
            median(encode) * 1000,
            "ms",
        )
        figure("ratio whole page / Python encoding alone", median(page_text) / median(encode), "")
        db.session.rollback()


def bench_authenticate(app: Any, token: str) -> None:
    """What every request starts with: its token, user, device and scope in one statement,
    beside a plain lookup of the token row by its digest."""
    headers = {"Authorization": f"Bearer {token}"}
    with app.test_request_context("/", headers=headers):
        digest = token_digest(token)

        def lookup() -> None:
            db.session.scalars(select(Token).where(Token.token_hash == digest)).one()
            db.session.rollback()

        def whole() -> None:
            authenticate()
            db.session.rollback()

        for _ in range(50):
            lookup()
            whole()
        plain = median([timed(lookup) for _ in range(300)])
        auth = median([timed(whole) for _ in range(300)])
    figure("authenticating a request (token, user, device, scope), p50", auth * 1000, "ms")
    figure("baseline: the token row alone by its digest, p50", plain * 1000, "ms")
    figure("ratio authentication / token row alone", auth / plain, "")


def _fill(facility_id: str, n: int) -> None:
    """Insert n client rows with feed seqs, in bulk (the data of the empty-pull benchmark)."""
    now = datetime.now(UTC)
    chunk = 20_000
    done = 0
    while done < n:
        size = min(chunk, n - done)
        first = allocate(db.session, size) - size + 1
        db.session.execute(
            insert(Client),
            [
                synced_row(
                    facility_id,
                    first + i,
                    now,
                    registration_number=f"F-{first + i}",
                    full_name="Isi",
                    sex="M",
                    case_type="user",
                )
                for i in range(size)
            ],
        )
        db.session.commit()
        done += size


def _empty_pull_p50(facility_id: str, cursor: int) -> float:
    """Each sample ends as the pull route does, with a commit. (A rollback would make psycopg
    forget every statement it prepared on the connection, so each would be planned anew.)"""
    pull_page([facility_id], cursor, 1000)  # warm the statement cache
    samples = []
    for _ in range(200):
        samples.append(timed(lambda: pull_page([facility_id], cursor, 1000)))
        db.session.commit()
    return median(samples) * 1000


def bench_empty_pull(url: str, sizes: list[int]) -> None:
    """The latency of a pull that finds nothing new, as the table grows.

    Two cases: nothing changed anywhere (answered from the feed counter), and nothing changed in
    the caller's facility while another facility wrote after it (the index path).
    """
    app, facility_id = _setup(url)
    with app.app_context():
        other = add_facility(
            code="B-2", name="Lapas Lain", kind="lapas", region="Bench", timezone="WIB"
        ).id
        db.session.commit()
        stored = 0
        for size in sizes:
            _fill(facility_id, size - stored)
            stored = size
            own_head = int(db.session.execute(text("SELECT seq FROM sync_counter")).scalar_one())
            _fill(other, 1)  # another facility wrote after our last record
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))
            db.session.commit()
            head = int(db.session.execute(text("SELECT seq FROM sync_counter")).scalar_one())
            figure(
                f"empty pull at {size:,} records, nothing new anywhere, p50",
                _empty_pull_p50(facility_id, head),
                "ms",
                "<= 2 ms, flat",
            )
            figure(
                f"empty pull at {size:,} records, others wrote since, p50",
                _empty_pull_p50(facility_id, own_head),
                "ms",
                "<= 2 ms, flat",
            )


def main() -> None:
    """Run every sync benchmark on the chosen backends."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--big", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backend or ["sqlite", "postgresql"]:
            print(f"\n== sync benchmarks on {backend} ==", flush=True)
            with scratch_database(backend, tmp) as url:
                app, facility_id = _setup(url)
                bench_http(app, facility_id)
                with app.app_context():
                    db.engine.dispose()
            with scratch_database(backend, tmp) as url:
                bench_empty_pull(url, [10_000, args.big])


if __name__ == "__main__":
    main()
