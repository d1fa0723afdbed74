"""Issue #4, the other devices and people: two tablets editing one note offline, two users on one
tablet, and a tab killed while the counselor types."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import Browser, Page, expect

from server.services.facilities import add_facility
from server.services.unit import unit_of_work
from server.services.users import add_user
from tests.e2e.conftest import (
    PASSWORD,
    api_get,
    api_login,
    last_sync_ms,
    open_tablet,
    ui_log_in,
    ui_log_out,
    ui_log_session,
    ui_register_client,
    ui_send_session,
    ui_unlock_with_pin,
    wait_for_sync,
    wait_for_sync_after,
)


def edit_note_plan(page: Page, session_id: str, text: str) -> None:
    """Open a session's form, replace its plan note and submit it."""
    page.goto(f"/#/sessions/{session_id}")
    page.get_by_test_id("session-note-plan").fill(text)
    ui_send_session(page)
    expect(page.get_by_test_id("client-page")).to_be_visible()


def test_one_note_edited_offline_on_two_tablets_becomes_a_conflict(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    ctx_a, page_a, pushes_a = open_tablet(browser, base_url, e2e_world.counselor)
    ui_register_client(page_a, "REG-2024-077", "Siti Aminah")
    before = last_sync_ms(page_a)
    ui_log_session(page_a, ("Hadir.", "Stabil.", "Rencana: konseling mingguan."))
    wait_for_sync_after(page_a, before)
    session_id = page_a.get_by_test_id("session-row").get_attribute("data-id")
    assert session_id

    # Another counselor's tablet pulls the same session.
    ctx_b, page_b, pushes_b = open_tablet(browser, base_url, e2e_world.counselor2)
    page_b.goto(f"/#/sessions/{session_id}")
    expect(page_b.get_by_test_id("session-note-plan")).to_have_value("Rencana: konseling mingguan.")

    ctx_a.set_offline(True)
    ctx_b.set_offline(True)
    edit_note_plan(page_a, session_id, "Rencana: rujuk ke psikolog lapas.")
    edit_note_plan(page_b, session_id, "Rencana: libatkan keluarga pada sesi berikutnya.")
    expect(page_a.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")
    expect(page_b.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")

    ctx_a.set_offline(False)
    expect(page_a.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    ctx_b.set_offline(False)
    expect(page_b.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    assert [r["status"] for r in pushes_b.results][-1] == "conflict"
    assert pushes_a.rejected() == [] and pushes_b.rejected() == []

    # Both tablets show it: B from its push answer, A after its next pull.
    row_b = page_b.locator(f"[data-testid=session-row][data-id='{session_id}']")
    expect(row_b.get_by_test_id("conflict-badge")).to_be_visible()
    page_a.get_by_test_id("sync-now").click()
    row_a = page_a.locator(f"[data-testid=session-row][data-id='{session_id}']")
    expect(row_a.get_by_test_id("conflict-badge")).to_be_visible()
    ctx_a.close()
    ctx_b.close()

    # The admin sees it, side by side, with both texts.
    headers = api_login(live_server, e2e_world.admin)
    url = f"/api/v1/conflicts?status=open&facility_id={e2e_world.facility_id}"
    conflicts = api_get(live_server, url, headers)["items"]
    assert [(c["record_id"], c["kind"], c["fields"]) for c in conflicts] == [
        (session_id, "field", ["note_plan"])
    ]
    assert conflicts[0]["server"]["note_plan"] == "Rencana: rujuk ke psikolog lapas."
    assert conflicts[0]["client"]["note_plan"] == "Rencana: libatkan keluarga pada sesi berikutnya."


def test_a_second_user_on_the_same_tablet_sees_nothing_of_the_first(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context(), unit_of_work():
        add_facility(
            code=f"E2E-B-{tag}", name=f"Rutan Uji {tag}", kind="rutan", region="X", timezone="WITA"
        )
        other = f"konselor.lain.{tag}"
        add_user(
            username=other,
            role="counselor",
            password=PASSWORD,
            display_name="Konselor Lain",
            facility_codes=[f"E2E-B-{tag}"],
        )
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    before = last_sync_ms(page)
    ui_register_client(page, "REG-2024-100", "Ahmad Rahasia")
    wait_for_sync_after(page, before)
    context.set_offline(True)
    ui_register_client(page, "REG-2024-101", "Dewi Belum Terkirim")  # still in the outbox
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")
    ui_log_out(page)
    page.get_by_test_id("logout-confirm").click()  # "Keluar" with a change waiting warns first
    context.set_offline(False)

    ui_log_in(page, other)
    wait_for_sync(page)
    expect(page.get_by_test_id("client-empty")).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    page.get_by_test_id("client-search").fill("a")
    expect(page.get_by_test_id("client-row")).to_have_count(0)
    page.goto("/#/clients/new")
    expect(page.get_by_test_id("client-facility_id")).not_to_contain_text("Lapas Uji")
    ui_log_out(page)

    # The first user's records and unsent change are still on the tablet, for her alone.
    ui_log_in(page, e2e_world.counselor)
    expect(page.get_by_test_id("client-row")).to_have_count(2)
    context.close()


def test_a_killed_tab_keeps_what_was_typed(browser: Browser, base_url: str, e2e_world: Any) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    ui_register_client(page, "REG-2024-200", "Rudi Hartono")
    client_url = page.url
    page.get_by_test_id("session-new").click()
    typed = "Klien bercerita tentang keluarganya dan keinginan untuk"
    page.get_by_test_id("session-note-data").press_sequentially(typed)
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-state", "saved")
    page.close()  # no beforeunload, no chance to save anything more

    page = context.new_page()
    page.goto(client_url)
    ui_unlock_with_pin(page)  # the vault reopens with the PIN, on the same page
    page.get_by_test_id("session-new").click()
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_test_id("session-note-data")).to_have_value(typed)
    context.close()
