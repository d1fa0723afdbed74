"""`pulih run` serves with gunicorn by default, and its access log holds no query strings."""

from __future__ import annotations

import os
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
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def _wait_until_serving(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Poll the health route until it answers, the server exits, or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            time.sleep(0.05)  # not listening yet: poll again
    raise AssertionError(f"{url} did not answer within {seconds} s")


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
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*PULIH, "run", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_serving(f"{base}/healthz", server)
            status, headers = _get(f"{base}/api/v1/sync/pull?cursor=NIK1671012345678901")
            assert status == 401
            assert headers["Cache-Control"] == "no-store"
            assert "Werkzeug" not in headers.get("Server", "")
        finally:
            server.terminate()
            server.wait(timeout=10)
    text = log.read_text()
    assert "gunicorn" in text.lower()
    assert '"GET /api/v1/sync/pull" 401' in text
    assert "NIK1671012345678901" not in text
