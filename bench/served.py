"""The server users run: `pulih run` (gunicorn, migrated, the demo province loaded) on a scratch
database, started as its own process and driven over HTTP like a device drives it.

Used by the served benchmark (bench/served_bench.py) and the many-devices load run.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from server.demo_data import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def served(
    database_url: str,
    workers: int = 0,
    log_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[str]:
    """`pulih run` on database_url (the demo loads itself when empty); yields its base URL."""
    port = _free_port()
    env = dict(
        os.environ,
        PULIH_DATABASE_URL=database_url,
        PULIH_SECRET_KEY="bench-" + uuid.uuid4().hex,
        PULIH_LOGIN_MAX_FAILURES="1000",
        PYTHONUNBUFFERED="1",
    ) | (extra_env or {})
    command = [sys.executable, "-c", "from server.cli import main; main()", "run"]
    command += ["--port", str(port), "--workers", str(workers)]
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 600  # migrating and loading the demo takes a while
        while not _listening(port):
            if process.poll() is not None:
                raise RuntimeError(f"pulih run exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("pulih run did not listen within 10 minutes")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@dataclass
class Answer:
    """An HTTP answer: its JSON, its size on the wire, and how long until its last byte came."""

    status: int
    body: Any
    wire_bytes: int
    seconds: float = 0.0


def call(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
    gzip_ok: bool = False,
) -> Answer:
    """One HTTP request as a device makes it; the answer's JSON and its size on the wire."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if gzip_ok:
        request.add_header("Accept-Encoding", "gzip")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            raw = response.read()
            seconds = time.perf_counter() - started  # parsing is the device's work, not the link's
            size = len(raw)
            if response.headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            return Answer(response.status, json.loads(raw) if raw else None, size, seconds)
    except urllib.error.HTTPError as error:
        raw = error.read()
        return Answer(error.code, json.loads(raw) if raw else None, len(raw))


@dataclass
class Device:
    """A logged-in device of a demo user."""

    base: str
    device_id: str
    token: str
    facility_ids: list[str]

    @classmethod
    def log_in(cls, base: str, username: str) -> Device:
        device_id = str(uuid.uuid4())
        body = {"username": username, "password": DEMO_PASSWORD, "device_id": device_id}
        answer = call(base, "POST", "/api/v1/auth/login", body)
        if answer.status != 200:
            raise RuntimeError(f"login {username}: {answer.status} {answer.body}")
        facilities = list(answer.body["user"]["facility_ids"])
        return cls(base, device_id, answer.body["access_token"], facilities)

    def push(self, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = {"device_id": self.device_id, "changes": changes, "pending_count": 0}
        answer = call(self.base, "POST", "/api/v1/sync/push", body, self.token)
        if answer.status != 200:
            raise RuntimeError(f"push: {answer.status} {answer.body}")
        results: list[dict[str, Any]] = answer.body["results"]
        return results

    def pull_page(self, cursor: str | None, limit: int = 1000, gzip_ok: bool = False) -> Answer:
        answer = call(self.base, "GET", _pull_path(cursor, limit), None, self.token, gzip_ok)
        if answer.status != 200:
            raise RuntimeError(f"pull: {answer.status} {answer.body}")
        return answer

    def pull_all(self, cursor: str | None = None) -> tuple[list[dict[str, Any]], str]:
        """Every page until has_more is false, as the app's first sync fetches them: the next
        page is asked for as soon as this answer's headers name its cursor (Pulih-Cursor), so
        it is served while this one downloads and is parsed."""
        changes: list[dict[str, Any]] = []
        with ThreadPoolExecutor(max_workers=2) as pool:
            current = pool.submit(self._pull_started, cursor)
            while True:
                ahead, body = current.result()
                if ahead is not None:
                    current = pool.submit(self._pull_started, ahead)
                page = body()
                changes += page["changes"]
                if not page["has_more"]:
                    return changes, page["cursor"] or ""
                if ahead != page["cursor"]:  # no headers, or not the body's: the body decides
                    current = pool.submit(self._pull_started, page["cursor"])

    def _pull_started(self, cursor: str | None) -> tuple[str | None, Callable[[], Any]]:
        """A pull page's next cursor from its headers (None when the last), and its body."""
        request = urllib.request.Request(self.base + _pull_path(cursor))
        request.add_header("Authorization", f"Bearer {self.token}")
        response = urllib.request.urlopen(request, timeout=120)
        more = response.headers.get("Pulih-Has-More") == "true"
        ahead = response.headers.get("Pulih-Cursor") if more else None

        def body() -> Any:
            with response:
                return json.loads(response.read())

        return ahead, body


def _pull_path(cursor: str | None, limit: int = 1000) -> str:
    return f"/api/v1/sync/pull?limit={limit}&pending_count=0" + (
        f"&cursor={cursor}" if cursor else ""
    )


def session_change(facility_id: str, client_id: str, n: int) -> dict[str, Any]:
    """A new individual session as a counselor's phone pushes it (yesterday, written up)."""
    day = (date.today() - timedelta(days=1 + n % 30)).isoformat()
    fields = {
        "facility_id": facility_id,
        "client_id": client_id,
        "occurred_at": f"{day}T09:00:00+07:00",
        "duration_minutes": 45,
        "kind": "individual",
        "attendance": "attended",
        "note_data": f"Klien hadir tepat waktu, sesi ke-{n}.\n",
        "note_assessment": "Motivasi baik, mulai terbuka soal pemicu.\n",
        "note_plan": "Lanjutkan sesi mingguan.\n",
        "risk_flags": [],
        "status": "draft",
    }
    return {
        "change_id": str(uuid.uuid4()),
        "entity": "session",
        "id": str(uuid.uuid4()),
        "op": "upsert",
        "base_version": None,
        "fields": fields,
        "hlc": None,
    }
