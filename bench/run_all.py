"""`make bench`: every benchmark, each printing its figures beside a same-run baseline."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "bench.sync_bench",
    "bench.served_bench",
    "bench.pwa_bench",
    "bench.instruments_bench",
)


def main() -> None:
    """Run each benchmark module's main() in turn."""
    for name in BENCHMARKS:
        print(f"\n### {name}", flush=True)
        module = importlib.import_module(name)
        sys.argv = [name]
        module.main()


if __name__ == "__main__":
    main()
