"""Push and pull through the server `make run` starts (gunicorn, the demo province loaded).

Beside the in-process figures of bench/sync_bench.py, this is what a counselor's phone gets:
- one device pushing 20,000 sessions in batches of 500 (goal >= 8,000 sessions/s), against the
  same push through an in-process server on the same data (the ratio says what serving costs);
- a fresh device pulling them, pages of 1,000 (goal >= 50,000 records/s);
- a 1,000-change page over HTTP, p50 (goal <= 10 ms), and its size plain and gzipped: a sync's
  next page (its cursor carries what is left), and its first page (which counts it) beside it.

Run: `python -m bench.served_bench [--backend sqlite|postgresql] [--sessions 20000]`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import as_autovacuum_would, figure, median, percentile, scratch_database
from bench.served import Device, served, session_change

BATCH = 500
PHONE_LINK_BITS = 2_000_000  # a fair 3G/4G link at the edge of a cell block
COUNSELOR = "konselor.plg1"  # Lapas Kelas I Palembang, the demo's largest facility


def _clients(device: Device) -> tuple[str, list[str]]:
    changes, _ = device.pull_all()
    clients = [
        c["id"] for c in changes if c["entity"] == "client" and "record" in c and not c["deleted"]
    ]
    return device.facility_ids[0], clients


def bench_served(url: str, sessions: int, log: Path) -> None:
    with served(url, log_path=log) as base:
        pusher = Device.log_in(base, COUNSELOR)
        started = time.perf_counter()
        _, demo_cursor = pusher.pull_all()
        demo_seconds = time.perf_counter() - started
        facility, clients = _clients(pusher)
        changes = [session_change(facility, clients[i % len(clients)], i) for i in range(sessions)]
        started = time.perf_counter()
        for start in range(0, sessions, BATCH):
            results = pusher.push(changes[start : start + BATCH])
            bad = [r for r in results if r["status"] != "applied"]
            assert not bad, bad[:1]
        push_rate = sessions / (time.perf_counter() - started)
        figure("push through `make run`'s server, one device", push_rate, "sessions/s", ">= 8,000")

        fresh = Device.log_in(base, COUNSELOR)
        # A sync's pages after its first carry in their cursor the estimate of what is left
        # (`remaining`); the first page of a sync counts it. Most pages of a first sync are the
        # former (49 of 50 for 50,000 records), so they are the page figure; the first beside it.
        first = fresh.pull_page(demo_cursor)
        next_cursor = first.body["cursor"]
        as_autovacuum_would(
            url, lambda: median([fresh.pull_page(next_cursor).seconds for _ in range(30)]) * 1000
        )
        started = time.perf_counter()
        pulled, _ = fresh.pull_all()
        pull_seconds = time.perf_counter() - started
        figure(
            f"first sync of a fresh device ({len(pulled):,} records, asking ahead)",
            len(pulled) / pull_seconds,
            "records/s",
            ">= 50,000",
        )
        figure("first sync of the demo facility before the push", demo_seconds, "s")

        # One page of 1,000 sessions, as the server sends it plain and gzipped: the time to its
        # last byte on localhost, and what its size means on a phone's link.
        for label, gzip_ok in (("plain", False), ("gzip", True)):
            answers = [fresh.pull_page(next_cursor, gzip_ok=gzip_ok) for _ in range(30)]
            assert all(len(a.body["changes"]) == 1000 for a in answers)
            samples = [a.seconds for a in answers]
            size = answers[0].wire_bytes
            figure(
                f"pull page of 1,000 sessions over HTTP, {label}, p50",
                median(samples) * 1000,
                "ms",
                "<= 10",
            )
            figure(
                f"pull page of 1,000 sessions over HTTP, {label}, p95",
                percentile(samples, 95) * 1000,
                "ms",
            )
            figure(f"  its size on the wire, {label}", size / 1024, "KiB")
            link = median(samples) + size * 8 / PHONE_LINK_BITS
            figure(
                f"  the same page on a {PHONE_LINK_BITS // 1_000_000} Mbit/s phone link, {label}",
                link,
                "s",
            )
        firsts = [fresh.pull_page(demo_cursor).seconds for _ in range(30)]
        figure(
            f"a sync's first page, counting what is left ({first.body['remaining'] + 1000:,}), p50",
            median(firsts) * 1000,
            "ms",
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--sessions", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backend or ["sqlite", "postgresql"]:
            print(f"\n== through `make run`'s server on {backend}, demo province loaded ==")
            with scratch_database(backend, tmp) as url:
                bench_served(url, args.sessions, Path(tmp) / f"served-{backend}.log")


if __name__ == "__main__":
    main()
