"""Many devices at once through `pulih run --workers 4` on PostgreSQL, the demo province loaded.

- 200 devices of the demo's counselors sync at the same moment: each pushes 20 sessions and
  pulls until it has caught up; p50 / p95 per push and per pull, errors (goal: 0), and then
  a check that nothing was skipped: every device, pulling once more, has seen every session
  pushed into its facility, each exactly once;
- aggregate push throughput of 8 devices pushing at once against one device alone, batches of
  500 (goal >= 1.5x), and how long a push holds the feed lock (from the server's own log).

Run: `python -m bench.load_bench [--devices 200]` (or `make bench`).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.common import busy_since, cpu_times, figure, median, percentile, scratch_database
from bench.served import Device, served, session_change
from server.demo_data import COUNSELORS

WORKERS = 4
PER_PUSH = 20
BIG_BATCH = 500


def _sessions_for(device: Device, clients: dict[str, list[str]], n: int, start: int) -> list[Any]:
    facility = device.facility_ids[0]
    pool = clients[facility]
    return [session_change(facility, pool[(start + i) % len(pool)], start + i) for i in range(n)]


def _prepare(
    base: str, devices: int, spread: bool = False
) -> tuple[list[Device], dict[str, list[str]], dict[str, str]]:
    """Log the devices in (not timed: a login hashes a password on purpose) and give each the
    cursor its facility's first sync ends at, as if each had synced before. `spread`: one
    counselor of each facility before a second of any (the demo's order has three facilities
    in its first eight counselors)."""
    counselors = [username for username, _, _ in COUNSELORS]
    if spread:
        seen: Counter[str] = Counter()
        ranked = []
        for username, _, facility in COUNSELORS:
            ranked.append((seen[facility], username))
            seen[facility] += 1
        counselors = [username for _, username in sorted(ranked, key=lambda r: r[0])]
    with ThreadPoolExecutor(8) as pool:
        fleet = list(
            pool.map(lambda i: Device.log_in(base, counselors[i % len(counselors)]), range(devices))
        )
    clients: dict[str, list[str]] = {}
    cursors: dict[str, str] = {}
    for device in fleet:
        facility = device.facility_ids[0]
        if facility in cursors:
            continue
        changes, cursors[facility] = device.pull_all()
        clients[facility] = [
            c["id"]
            for c in changes
            if c["entity"] == "client" and "record" in c and not c["deleted"]
        ]
    return fleet, clients, cursors


def bench_many(base: str, devices: int) -> None:
    fleet, clients, cursors = _prepare(base, devices)
    pushed: dict[str, set[str]] = {f: set() for f in cursors}
    seen: list[Counter[str]] = [Counter() for _ in fleet]
    push_times: list[float] = []
    pull_times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    gate = threading.Barrier(len(fleet))

    def sync(i: int) -> str:
        device = fleet[i]
        facility = device.facility_ids[0]
        changes = _sessions_for(device, clients, PER_PUSH, i * PER_PUSH)
        gate.wait()
        cursor = cursors[facility]
        try:
            started = time.perf_counter()
            results = device.push(changes)
            took = time.perf_counter() - started
            bad = [r for r in results if r["status"] != "applied"]
            with lock:
                push_times.append(took)
                pushed[facility].update(c["id"] for c in changes)
                if bad:
                    errors.append(f"push: {bad[0]}")
            while True:
                started = time.perf_counter()
                page = device.pull_page(cursor).body
                with lock:
                    pull_times.append(time.perf_counter() - started)
                seen[i].update(c["id"] for c in page["changes"] if c["entity"] == "session")
                cursor = page["cursor"]
                if not page["has_more"]:
                    return cursor
        except Exception as error:  # noqa: BLE001 - every failure is counted, none hidden
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
            return cursor

    started = time.perf_counter()
    with ThreadPoolExecutor(len(fleet)) as pool:
        final = list(pool.map(sync, range(len(fleet))))
    wall = time.perf_counter() - started
    # Nothing skipped: once more from where each stopped, and each device has seen every
    # session of its facility pushed in the run, each exactly once.
    skipped = duplicated = 0
    for i, device in enumerate(fleet):
        page = device.pull_page(final[i]).body
        seen[i].update(c["id"] for c in page["changes"] if c["entity"] == "session")
        expected = pushed[device.facility_ids[0]]
        skipped += len(expected - set(seen[i]))
        duplicated += sum(1 for record, n in seen[i].items() if n > 1 and record in expected)
    figure(
        f"{len(fleet)} devices at once: push of {PER_PUSH}, p50", median(push_times) * 1000, "ms"
    )
    figure(
        f"{len(fleet)} devices at once: push of {PER_PUSH}, p95",
        percentile(push_times, 95) * 1000,
        "ms",
    )
    figure(f"{len(fleet)} devices at once: pull page, p50", median(pull_times) * 1000, "ms")
    figure(f"{len(fleet)} devices at once: pull page, p95", percentile(pull_times, 95) * 1000, "ms")
    figure(f"{len(fleet)} devices at once: whole run, wall time", wall, "s")
    figure("errors", len(errors), "", "0")
    figure("sessions skipped by a device's pulls", skipped, "", "0")
    figure("sessions a device pulled twice", duplicated, "", "0")
    for error in errors[:3]:
        print("   ", error[:200])


def _push_rate(
    devices: list[Device], clients: dict[str, list[str]], batches: int
) -> tuple[float, float]:
    """Sessions/s of these devices pushing at once, and how busy the machine's cores were."""
    work = [
        [_sessions_for(d, clients, BIG_BATCH, (k * 100 + j) * BIG_BATCH) for j in range(batches)]
        for k, d in enumerate(devices)
    ]
    gate = threading.Barrier(len(devices))

    def run(k: int) -> None:
        gate.wait()
        for batch in work[k]:
            results = devices[k].push(batch)
            assert all(r["status"] == "applied" for r in results), results[:1]

    started, cpu = time.perf_counter(), cpu_times()
    with ThreadPoolExecutor(len(devices)) as pool:
        list(pool.map(run, range(len(devices))))
    rate = len(devices) * batches * BIG_BATCH / (time.perf_counter() - started)
    return rate, busy_since(cpu)


def bench_concurrency(base: str, log: Path) -> None:
    """8 devices of 7 facilities against one device (the goal), then 8 of 3 facilities: on
    PostgreSQL a push decides ahead of the feed lock and decides again under it when its
    facility changed meanwhile (server/services/push/pipeline.py), so the second shows what
    counselors of one facility pushing at the same moment cost."""
    for spread in (True, False):
        fleet, clients, _ = _prepare(base, 8, spread=spread)
        where = f"{len({d.facility_ids[0] for d in fleet})} facilities"
        mark = log.stat().st_size
        one, one_busy = _push_rate(fleet[:1], clients, 8)
        one_held = _lock_times(log, mark)
        mark = log.stat().st_size
        eight, eight_busy = _push_rate(fleet, clients, 2)
        eight_held, again = _lock_times(log, mark), _again(log, mark)
        goal = ">= 1.5" if spread else ""
        figure("push throughput, one device, batches of 500", one, "sessions/s")
        figure(f"push throughput, 8 devices of {where} at once", eight, "sessions/s")
        figure(f"ratio 8 devices of {where} / one", eight / one, "", goal)
        # The machine's cores (server, PostgreSQL and this client together): the most 8 devices
        # can gain over one is about 1 / (one device's share), whatever the feed lock does.
        figure("  CPU busy, all cores, one device pushing", one_busy * 100, "%")
        figure("  CPU busy, all cores, 8 devices pushing", eight_busy * 100, "%")
        if one_held and eight_held:
            figure("  feed lock held per push of 500, one device, p50", median(one_held), "ms")
            figure("  feed lock held per push of 500, 8 devices, p50", median(eight_held), "ms")
            figure(
                "  feed lock held per push of 500, 8 devices, p95", percentile(eight_held, 95), "ms"
            )
        figure("  pushes of the 8 decided again under the lock", again, f"of {8 * 2}")


LOCK_LINE = re.compile(r"feed lock held (\d+(?:\.\d+)?) ms for (\d+) changes")


def _lock_times(log: Path, mark: int) -> list[float]:
    """The server logs how long each push held the feed lock (server/routes/sync.py)."""
    found = LOCK_LINE.finditer(_log_since(log, mark))
    return [float(m.group(1)) for m in found if int(m.group(2)) >= BIG_BATCH]


def _again(log: Path, mark: int) -> int:
    """Pushes the server decided again under the feed lock (it logs each, with the reason)."""
    return _log_since(log, mark).count("push applied again under the feed lock")


def _log_since(log: Path, mark: int) -> str:
    with log.open("rb") as handle:
        handle.seek(mark)
        return handle.read().decode(errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_database("postgresql", tmp) as url:
        log = Path(tmp) / "served.log"
        print(f"\n== many devices through `pulih run --workers {WORKERS}` on postgresql ==")
        with served(
            url, workers=WORKERS, log_path=log, extra_env={"PULIH_SLOW_PUSH_MS": "0"}
        ) as base:
            bench_many(base, args.devices)
            bench_concurrency(base, log)


if __name__ == "__main__":
    main()
