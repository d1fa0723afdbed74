"""The demo's urine tests use the app's panel codes, so they read in words like a counselor's."""

from __future__ import annotations

import re
from pathlib import Path

from server.demo_data import URINE_PANEL

SESSION_FORM = Path(__file__).resolve().parents[2] / "pwa" / "src" / "client" / "session-form.ts"


def test_demo_urine_analytes_are_the_apps_panel_codes():
    source = SESSION_FORM.read_text()
    block = re.search(r"export const URINE_PANEL = \[(.*?)\] as const", source, re.S)
    assert block is not None
    assert tuple(re.findall(r"'([a-z_]+)'", block.group(1))) == URINE_PANEL
