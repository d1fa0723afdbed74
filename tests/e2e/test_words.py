"""Every screen in the words an IKAI counselor or a Kanwil program coordinator uses: Bahasa
Indonesia with no English left over, no raw codes, no JSON, and times written like the lists."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import E2EWorld, LiveServer, api_login, api_post
from tests.e2e.staff_support import ApiDevice, new_id, submitted_session, ui_login
from tests.helpers import change, client_fields

# "2 Des 2026, 01.46 WIB", as the lists write an instant.
LIST_TIME = r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}\.\d{2} WIB"


def test_audit_details_read_in_words(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    tablet.push(change("client", new_id(), client_fields(e2e_world.facility_id)))
    ui_login(page, e2e_world.admin)
    page.goto(f"/#/admin/audit?action=push&user={tablet.user['id']}")
    expect(page.get_by_test_id("audit-row").locator("td").last).to_have_text("Diterima: 1")


def test_reviews_in_the_audit_trail_read_in_words(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    _, session_id = submitted_session(tablet, e2e_world.facility_id)
    supervisor: Any = api_login(live_server, e2e_world.supervisor)
    body = {"decision": "return", "comment": "Lengkapi rencana."}
    api_post(live_server, f"/api/v1/sessions/{session_id}/review", body, supervisor)
    ui_login(page, e2e_world.admin)
    page.goto("/#/admin/audit?action=review")
    row = page.locator('[data-testid="audit-row"]', has_text=session_id[:8])
    expect(row.locator("td").last).to_have_text("Keputusan: dikembalikan")
    expect(row).to_contain_text("Pemeriksaan sesi")
