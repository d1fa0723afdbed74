"""Conflicts in plain words on the counselor's record: a possible duplicate, a field conflict
with the counselor's own value beside the server's, and a merged client leading to the kept one."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import (
    E2EWorld,
    LiveServer,
    api_get,
    api_login,
    api_post,
    last_sync_ms,
    open_tablet,
    ui_register_client,
    wait_for_sync_after,
)
from tests.e2e.staff_support import ApiDevice, new_id
from tests.helpers import change, client_fields


def test_conflicts_read_in_plain_words_and_a_merged_client_leads_to_the_kept_one(
    browser: Browser, base_url: str, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    other = ApiDevice(live_server, e2e_world.counselor2)
    rudi = new_id()
    other.push(
        change("client", rudi, client_fields(e2e_world.facility_id, full_name="Rudi Hartono"))
    )
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)

    # Offline, the phone renames Rudi and registers a client under a number that is taken meanwhile.
    context.set_offline(True)
    page.goto(f"/#/clients/{rudi}/edit")
    page.get_by_test_id("client-full_name").fill("Rudi Hartanto")
    page.get_by_test_id("client-save").click()
    expect(page.get_by_test_id("client-name")).to_have_text("Rudi Hartanto")
    mine = ui_register_client(page, "REG-2026-088", "Siti Aminah")
    other.push(change("client", rudi, {"full_name": "Rudi Hartono Saputra"}, base=1))
    kept = new_id()
    other.push(
        change(
            "client",
            kept,
            client_fields(
                e2e_world.facility_id, registration_number="REG-2026-088", full_name="Siti Aminah"
            ),
        )
    )
    before = last_sync_ms(page)
    context.set_offline(False)
    wait_for_sync_after(page, before)

    expect(page.get_by_test_id("conflict-duplicate")).to_contain_text("Mungkin orang yang sama")
    expect(page.get_by_test_id("conflict-duplicate")).to_contain_text("admin akan memutuskan")
    expect(page.get_by_test_id("conflict-badge")).to_have_text("Mungkin klien ganda")

    page.goto(f"/#/clients/{rudi}")
    row = page.locator('[data-testid="conflict-field"][data-field="full_name"]')
    expect(row).to_contain_text("Nama lengkap")
    expect(row.get_by_test_id("conflict-mine")).to_have_text("Rudi Hartanto")
    expect(row.get_by_test_id("conflict-server")).to_have_text("Rudi Hartono Saputra")

    # The admin keeps the client the server had first; the phone's link leads to it.
    admin = api_login(live_server, e2e_world.admin)
    conflicts = api_get(live_server, "/api/v1/conflicts", admin)
    items = conflicts["items"] if isinstance(conflicts, dict) else conflicts
    [duplicate] = [c for c in items if c["record_id"] == mine]
    api_post(
        live_server, f"/api/v1/conflicts/{duplicate['id']}/resolve", {"choice": "server"}, admin
    )
    before = last_sync_ms(page)
    page.get_by_test_id("sync-now").click()
    wait_for_sync_after(page, before)
    page.goto(f"/#/clients/{mine}")
    expect(page).to_have_url(f"{base_url}/#/clients/{kept}")
    expect(page.get_by_test_id("client-name")).to_have_text("Siti Aminah")
    expect(page.get_by_test_id("conflict-duplicate")).to_have_count(0)
    context.close()
