"""`make bench`: every benchmark, each printing its figures beside a same-run baseline."""

from __future__ import annotations

import importlib
import sys

from bench.common import figure, machine_speed

BENCHMARKS = (
    "bench.sync_bench",
    "bench.served_bench",
    "bench.load_bench",
    "bench.pwa_bench",
    "bench.instruments_bench",
)


def main() -> None:
    """Run each benchmark module's main() in turn."""
    for name in BENCHMARKS:
        print(f"\n### {name}", flush=True)
        figure("machine speed: 5,000,000 Python additions, best of 3", machine_speed(), "ms")
        module = importlib.import_module(name)
        sys.argv = [name]
        module.main()
    print("\n### after the benchmarks", flush=True)
    figure("machine speed: 5,000,000 Python additions, best of 3", machine_speed(), "ms")


if __name__ == "__main__":
    main()
