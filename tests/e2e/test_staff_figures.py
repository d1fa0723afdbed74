"""Program figures in the browser: the charts draw, and the XLSX a supervisor downloads holds the
same numbers as the tables on the screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from server.services import report_labels
from tests.e2e.conftest import E2EWorld, LiveServer
from tests.e2e.staff_support import (
    ApiDevice,
    change,
    client_fields,
    new_id,
    session_fields,
    ui_login,
)

SCREEN_TABLE = """(table) => {
  const codes = [...table.querySelectorAll('thead th')].map((th) => th.dataset.code);
  return [...table.querySelectorAll('tbody tr')].map((tr) =>
    Object.fromEntries([...tr.children].map((cell, i) => [codes[i], cell.dataset.value])),
  );
}"""


def seed_year(tablet: ApiDevice, facility_id: str) -> None:
    """Three clients in programs this year, and sessions of two kinds in this month."""
    year = date.today().year
    changes: list[dict[str, Any]] = []
    for program, status in (
        ("rehab_sosial", "active"),
        ("rehab_sosial", "completed"),
        ("rehab_medis", "active"),
    ):
        client_id = new_id()
        changes.append(change("client", client_id, client_fields(facility_id)))
        changes.append(
            change(
                "enrollment",
                new_id(),
                {
                    "facility_id": facility_id,
                    "client_id": client_id,
                    "program": program,
                    "cohort": f"{year} tahap I",
                    "start_date": f"{year}-01-02",
                    "status": status,
                },
            )
        )
        changes.append(
            change("session", new_id(), session_fields(facility_id, client_id, status="draft"))
        )
        changes.append(
            change(
                "session",
                new_id(),
                session_fields(facility_id, client_id, kind="family", attendance="absent"),
            )
        )
    results = tablet.push(*changes)
    assert {r["status"] for r in results} == {"applied"}, results


def download_xlsx(page: Page, table: str, tmp_path: Path) -> list[list[Any]]:
    """Click the table's XLSX button; the downloaded sheet's rows, the header first."""
    with page.expect_download() as info:
        page.get_by_test_id(f"export-{table}-xlsx").click()
    download = info.value
    assert download.suggested_filename == f"pulih-{table}-{date.today().year}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path).active
    assert sheet["A1"].font.bold and sheet.freeze_panes == "B2"
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def test_xlsx_export_holds_the_numbers_on_the_screen(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld, tmp_path: Path
) -> None:
    seed_year(ApiDevice(live_server, e2e_world.counselor), e2e_world.facility_id)
    ui_login(page, e2e_world.supervisor)
    page.get_by_test_id("nav-supervisor").click()
    page.get_by_test_id("tab-figures").click()
    expect(page.get_by_test_id("fig-year")).to_have_value(str(date.today().year))
    expect(page.get_by_test_id("key-rehabilitated")).to_have_text("3")
    expect(page.get_by_test_id("key-sessions")).to_have_text("6")
    for chart in ("rehabilitated", "sessions_by_kind_month", "assist_risk_at_intake"):
        expect(page.get_by_test_id(f"chart-{chart}").locator("xpath=..")).to_have_attribute(
            "data-state", "ready"
        )

    # Waiting times read in whole units, as in the review queue (the file keeps the hours).
    oldest = page.get_by_test_id("table-pipeline").locator("tr", has_text="Menunggu paling lama")
    expect(oldest).to_contain_text("kurang dari 1 jam")

    for table in ("rehabilitated", "sessions_by_kind_month", "attendance", "pipeline"):
        screen = page.get_by_test_id(f"table-{table}").evaluate(SCREEN_TABLE)
        header, *sheet = download_xlsx(page, table, tmp_path)
        # The file says in words what the screen keeps as codes (report_labels), same numbers.
        codes = list(screen[0])
        words, expected = report_labels.localize(table, codes, [list(r.values()) for r in screen])
        assert [h for h in header if h != "Nama fasilitas"] == words, table
        names = header.index("Nama fasilitas") if "Nama fasilitas" in header else None
        for want, in_file in zip(expected, sheet, strict=True):
            got = [as_text(v) for i, v in enumerate(in_file) if i != names]
            assert got == want, (table, want, in_file)

    rehabilitated = page.get_by_test_id("table-rehabilitated").evaluate(SCREEN_TABLE)
    assert rehabilitated[-1] | {"facility_code": "TOTAL"} == {
        "facility_code": "TOTAL",
        "total": "3",
        "rehab_medis": "1",
        "rehab_sosial": "2",
        "pasca_rehab": "0",
    }
    sessions = page.get_by_test_id("table-sessions_by_kind_month").evaluate(SCREEN_TABLE)
    by_kind = {row["kind"]: row["total"] for row in sessions}
    assert (by_kind["individual"], by_kind["family"], by_kind["TOTAL"]) == ("3", "3", "6")
