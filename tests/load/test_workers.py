"""Two app servers on one PostgreSQL: concurrent devices push and pull through real HTTP.

Two separate gunicorn processes (2 workers each, on their own ports: two machines behind a
proxy, docs/deploy.md) serve devices spread across both. Proves what docs/design.md promises on
several workers: every change lands exactly once even when a device re-sends a batch, every
device's pulls see every record (no skip), and a revoked device is refused on its very next
request whichever server answers.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import ChangeLog, Client
from tests.helpers import PASSWORD, change, client_fields

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

SERVERS, DEVICES, BATCHES, PER_BATCH = 2, 4, 5, 40


def _call(base: str, method: str, path: str, body: Any = None, token: str | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _start_server(app: Any) -> tuple[str, subprocess.Popen[bytes], socket.socket]:
    # The test binds the listening socket and hands it to gunicorn: requests made before a worker
    # is ready wait in the socket's queue, so there is nothing to poll for.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    env = dict(
        os.environ,
        PULIH_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        PULIH_SECRET_KEY="load",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "--threads",
            "2",
            "-b",
            f"fd://{listener.fileno()}",
            "tests.load.wsgi_fast_hash:app",
        ],
        env=env,
        pass_fds=(listener.fileno(),),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return f"http://127.0.0.1:{port}", process, listener


@pytest.fixture
def servers(app):
    started = [_start_server(app) for _ in range(SERVERS)]
    try:
        for base, _, _ in started:
            status, _ = _call(base, "GET", "/healthz")  # waits (up to 30 s) for a worker
            assert status == 200
        yield [base for base, _, _ in started]
    finally:
        for _, process, listener in started:
            process.terminate()
            process.wait(timeout=10)
            listener.close()


def _device(
    base: str, facility_id: str, seen: dict[str, set[str]], errors: list[str], finals: list[Any]
) -> None:
    device_id = str(uuid.uuid4())
    status, body = _call(
        base,
        "POST",
        "/api/v1/auth/login",
        {"username": "konselor.a", "password": PASSWORD, "device_id": device_id},
    )
    assert status == 200, body
    token, cursor, mine = body["access_token"], None, seen.setdefault(device_id, set())
    rng = random.Random(device_id)

    def pull() -> None:
        nonlocal cursor
        while True:
            query = (
                "?limit=" + str(rng.choice([7, 50, 1000])) + (f"&cursor={cursor}" if cursor else "")
            )
            status, page = _call(base, "GET", "/api/v1/sync/pull" + query, token=token)
            assert status == 200, page
            mine.update(c["id"] for c in page["changes"] if c["entity"] == "client")
            cursor = page["cursor"]
            if not page["has_more"]:
                return

    try:
        for _ in range(BATCHES):
            changes = [
                change("client", str(uuid.uuid4()), client_fields(facility_id))
                for _ in range(PER_BATCH)
            ]
            body = {"device_id": device_id, "changes": changes}
            for _attempt in range(rng.choice([1, 2])):  # a lost answer: the batch goes again
                status, answer = _call(base, "POST", "/api/v1/sync/push", body, token)
                assert status == 200, answer
                assert {r["status"] for r in answer["results"]} == {"applied"}
            pull()
        pull()
        finals.append(pull)  # the last pull, once every device has pushed
    except AssertionError as error:  # surfaced by the test thread
        errors.append(repr(error))


def test_concurrent_devices_on_two_app_servers(app, world, servers):
    seen: dict[str, set[str]] = {}
    errors: list[str] = []
    finals: list[Any] = []
    threads = [
        threading.Thread(
            target=_device, args=(servers[i % SERVERS], world.facility_a, seen, errors, finals)
        )
        for i in range(DEVICES)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - started
    assert errors == []
    for final_pull in finals:
        final_pull()
    db.session.rollback()
    stored = set(db.session.scalars(select(Client.id)))
    assert len(stored) == DEVICES * BATCHES * PER_BATCH
    for device_seen in seen.values():
        assert device_seen >= stored  # every device saw every record: no pull skipped one
    logged = db.session.scalar(
        select(func.count()).select_from(ChangeLog).where(ChangeLog.source == "device")
    )
    assert logged == DEVICES * BATCHES * PER_BATCH  # re-sent batches were never applied twice
    print(
        f"load: {DEVICES} devices on {SERVERS} app servers pushed {len(stored)} clients in"
        f" {elapsed:.1f} s ({len(stored) / elapsed:,.0f}/s with pulls between batches);"
        " 0 skipped, 0 applied twice"
    )


def test_revoked_device_is_refused_by_every_server(app, world, servers):
    first, second = servers
    device_id = str(uuid.uuid4())
    _, body = _call(
        first,
        "POST",
        "/api/v1/auth/login",
        {"username": "konselor.a", "password": PASSWORD, "device_id": device_id},
    )
    token = body["access_token"]
    _, admin = _call(
        second,
        "POST",
        "/api/v1/auth/login",
        {"username": "admin", "password": PASSWORD, "device_id": str(uuid.uuid4())},
    )
    for base in (first, second, first, second):
        assert _call(base, "GET", "/api/v1/sync/pull", token=token)[0] == 200
    status, _ = _call(
        second,
        "POST",
        f"/api/v1/admin/devices/{device_id}/revoke",
        {"reason": "hilang"},
        admin["access_token"],
    )
    assert status == 200
    for base in (first, second) * 6:
        status, problem = _call(base, "GET", "/api/v1/sync/pull", token=token)
        assert status == 401
        assert problem["type"].endswith("/device-revoked")
