"""The sync core loads no web framework, ORM or schema library."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import sync

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlalchemy", "marshmallow")


def test_every_sync_module_imports_without_io_libraries() -> None:
    modules = ["sync"] + [f"sync.{m.name}" for m in pkgutil.iter_modules(sync.__path__)]
    assert len(modules) >= 7
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
