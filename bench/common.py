"""Shared pieces of the benchmarks: a scratch database per backend, timing, figure printing."""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text

# Debian's Chromium, never a downloaded browser; these flags keep it off the closed network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PG_ADMIN_URL = os.environ.get(
    "PULIH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def scratch_database(backend: str, tmp_dir: str) -> Iterator[str]:
    """A new empty database URL for one benchmark; dropped afterwards."""
    if backend == "sqlite":
        path = os.path.join(tmp_dir, f"bench-{uuid.uuid4().hex[:8]}.sqlite3")
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    name = f"pulih_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # As docs/deploy.md tells an operator on SSD storage: random reads are cheap.
        conn.execute(text(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def as_autovacuum_would(url: str, page_ms: Callable[[], float]) -> None:
    """PostgreSQL, after a benchmark's burst of writes: print `page_ms()` (a pull page's p50)
    as it is right after the burst, then VACUUM (ANALYZE) the database, as autovacuum does within
    a minute of it (migration 0017 sets when), saying whether this server runs autovacuum (this
    machine's CI configuration turns it off). Until then the new rows' pages are not marked
    all-visible and the pull's index-only scans read each of them from the heap. SQLite: nothing.
    """
    if not url.startswith("postgresql"):
        return
    figure("pull page of 1,000, plain, p50, right after the push", page_ms(), "ms")
    from server.services.bulk import vacuum_analyze

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            setting = conn.execute(text("SHOW autovacuum")).scalar_one()
        vacuum_analyze(engine)
    finally:
        engine.dispose()
    print(f"  (then VACUUM (ANALYZE), as autovacuum would; here autovacuum = {setting})")


def synced_row(facility_id: str, seq: int, now: Any, **fields: Any) -> dict[str, Any]:
    """A version-1 synced record for a bulk insert: the columns every entity has, then `fields`."""
    row = {
        "id": str(uuid.uuid4()),
        "version": 1,
        "facility_id": facility_id,
        "seq": seq,
        "created_at": now,
        "updated_at": now,
        "deleted": False,
        "conflict_open": False,
    }
    return row | fields


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call of fn takes."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def machine_speed() -> float:
    """Milliseconds this machine takes for a fixed piece of pure Python (5,000,000 additions, the
    best of three): printed beside each benchmark's figures, so runs on a shared machine whose
    speed drifts can be told apart from changes in the code."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for step in range(5_000_000):
            total += step
        best = min(best, time.perf_counter() - started)
    return best * 1000


def print_machine_speed() -> None:
    """The machine's speed as a figure line (machine_speed)."""
    figure("machine speed: 5,000,000 Python additions, best of 3", machine_speed(), "ms")


def cpu_times() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks (Linux /proc/stat).

    Two readings around a run give how busy all cores were: busy / total of the differences.
    """
    with open("/proc/stat") as stat:
        ticks = [float(value) for value in stat.readline().split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def busy_since(start: tuple[float, float]) -> float:
    """The share of the machine's CPU time that was busy since `start` (from cpu_times)."""
    busy, total = cpu_times()
    return (busy - start[0]) / max(total - start[1], 1.0)


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0–100) of samples."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(samples: list[float]) -> float:
    """The median of samples."""
    return statistics.median(samples)


def figure(name: str, value: float, unit: str, goal: str = "") -> None:
    """Print one measured figure, aligned, with its goal."""
    suffix = f"   (goal {goal})" if goal else ""
    print(f"  {name:<58} {value:>12,.3f} {unit}{suffix}", flush=True)
