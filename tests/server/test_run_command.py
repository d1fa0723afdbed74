"""`pulih run` serves with gunicorn by default, and its access log holds no query strings."""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PULIH = [sys.executable, "-c", "from server.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def _wait_until_listening(server: subprocess.Popen[bytes], seconds: float = 60) -> list[bytes]:
    """Read the server's output until gunicorn says it listens (the socket is bound: requests
    wait in its queue from then on), the server exits, or the deadline passes; the lines read."""
    assert server.stdout is not None
    lines: list[bytes] = []
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(server.stdout, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0:
            if not selector.select(timeout=left):
                break
            line = server.stdout.readline()
            assert line, "the server exited"
            lines.append(line)
            if b"Listening at" in line:
                return lines
    raise AssertionError(f"the server did not listen within {seconds} s")


def test_pulih_run_serves_with_gunicorn_and_logs_paths_without_queries(tmp_path: Path) -> None:
    env = os.environ | {"PULIH_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"}
    # A facility first, so `run` finds the database in use and loads no demo province.
    subprocess.run([*PULIH, "init-db"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*PULIH, "create-facility", "LP-RUN", "Lapas Uji", "--kind", "lapas"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [*PULIH, "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        output = _wait_until_listening(server)
        base = f"http://127.0.0.1:{port}"
        assert _get(f"{base}/healthz")[0] == 200
        status, headers = _get(f"{base}/api/v1/sync/pull?cursor=NIK1671012345678901")
        assert status == 401
        assert headers["Cache-Control"] == "no-store"
        assert "Werkzeug" not in headers.get("Server", "")
    finally:
        server.terminate()
        rest, _ = server.communicate(timeout=10)
    text = b"".join([*output, rest]).decode()
    assert "gunicorn" in text.lower()
    assert '"GET /api/v1/sync/pull" 401' in text
    assert "NIK1671012345678901" not in text
