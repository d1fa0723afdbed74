"""`make bench`: every benchmark, each printing its figures beside a same-run baseline."""

from __future__ import annotations

import importlib
import sys

from bench.common import print_machine_speed

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
        print_machine_speed()
        module = importlib.import_module(name)
        sys.argv = [name]
        module.main()
    print("\n### after the benchmarks", flush=True)
    print_machine_speed()


if __name__ == "__main__":
    main()
