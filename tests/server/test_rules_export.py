"""The PWA's copy of the shared rules is exactly what the server's schemas/rules.py exports."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from server.cli import RULES_FILE, export_rules
from server.schemas import records
from server.schemas.rules import EXPORTED, render_typescript

ROOT = Path(__file__).parents[2]


def test_pwa_rules_file_is_what_the_server_exports() -> None:
    committed = (ROOT / RULES_FILE).read_text(encoding="utf-8")
    assert committed == render_typescript(), "run `pulih export-rules` and commit the file"


def test_export_rules_command_writes_the_module(tmp_path: Path) -> None:
    out = tmp_path / "rules.ts"
    result = CliRunner().invoke(export_rules, ["--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_typescript()


def test_record_schemas_validate_with_the_exported_vocabulary() -> None:
    session = records.SessionFields().fields
    assert tuple(session["kind"].validate.choices) == EXPORTED["SESSION_KINDS"]  # type: ignore[union-attr]
    client = records.ClientFields().fields
    assert tuple(client["case_type"].validate.choices) == EXPORTED["CASE_TYPES"]  # type: ignore[union-attr]
