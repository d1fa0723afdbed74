"""The session and client forms guard a counselor's work on a cheap phone: the keyboard's Go key
never sends a session, sending asks first, the usual choices are made for them, a time in the
future is pointed out, and nothing typed is lost."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests import helpers
from tests.e2e.conftest import (
    api_get,
    api_login,
    last_sync_ms,
    open_tablet,
    ui_register_client,
    ui_unlock_with_pin,
    wait_for_sync,
    wait_for_sync_after,
)
from tests.e2e.staff_support import ApiDevice, new_id
from tests.helpers import change, client_fields

WIB = timezone(timedelta(hours=7))


def pulled_sessions(live_server: Any, username: str) -> list[dict[str, Any]]:
    """Every session the server holds in the test's facility, as a supervisor pulls them."""
    headers = api_login(live_server, username)
    pulled = api_get(live_server, "/api/v1/sync/pull?limit=1000", headers)["changes"]
    return [c["record"] for c in pulled if c["entity"] == "session"]


def fill_note(page: Page) -> None:
    page.get_by_test_id("session-note-data").fill("Klien hadir, tenang.")
    page.get_by_test_id("session-note-assessment").fill("Motivasi baik.")
    page.get_by_test_id("session-note-plan").fill("Sesi minggu depan.")


def test_the_go_key_never_sends_and_sending_asks_first(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    ui_register_client(page, "REG-2024-500", "Eko Prasetyo")
    page.get_by_test_id("session-new").click()
    fill_note(page)
    for field in ("session-duration", "session-date", "session-time", "session-next"):
        page.get_by_test_id(field).press("Enter")
    # A keystroke after the Enters, and its draft on disk: the app has handled every key before it.
    page.get_by_test_id("session-note-plan").press("End")
    page.get_by_test_id("session-note-plan").press_sequentially(".")
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-state", "saved")
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    expect(page.get_by_test_id("session-form")).to_be_visible()
    expect(page.get_by_test_id("session-submit-confirm")).to_have_count(0)

    # Sending asks once; "Batal" keeps the form as it is.
    page.get_by_test_id("session-submit").click()
    expect(page.get_by_test_id("session-confirm")).to_contain_text("supervisor")
    page.get_by_test_id("session-submit-cancel").click()
    expect(page.get_by_test_id("session-confirm")).to_have_count(0)
    expect(page.get_by_test_id("session-note-plan")).to_have_value("Sesi minggu depan..")
    before = last_sync_ms(page)
    page.get_by_test_id("session-submit").click()
    page.get_by_test_id("session-submit-confirm").click()
    expect(page.get_by_test_id("client-page")).to_be_visible()
    wait_for_sync_after(page, before)
    context.close()
    sessions = pulled_sessions(live_server, e2e_world.supervisor)
    assert [s["status"] for s in sessions] == ["submitted"]


def test_the_one_active_program_of_a_client_is_preselected(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor2)
    client_id, active, ended = new_id(), new_id(), new_id()
    client = client_fields(e2e_world.facility_id, full_name="Fajar Nugroho")
    enrollment = {"facility_id": e2e_world.facility_id, "client_id": client_id, "cohort": "2024"}
    ended_fields = {"program": "rehab_medis", "start_date": "2024-01-02", "status": "completed"}
    active_fields = {"program": "rehab_sosial", "start_date": "2024-03-01", "phase": "primary"}
    results = tablet.push(
        change("client", client_id, client),
        change("enrollment", ended, enrollment | ended_fields),
        change("enrollment", active, enrollment | active_fields),
    )
    assert {r["status"] for r in results} == {"applied"}, results
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    page.goto(f"/#/clients/{client_id}/sessions/new")
    expect(page.get_by_test_id("session-enrollment")).to_have_value(active)
    context.close()


def test_a_session_time_later_than_now_is_pointed_out_and_refused_beyond_the_clock_tolerance(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    ui_register_client(page, "REG-2024-501", "Gilang Ramadhan")
    page.get_by_test_id("session-new").click()
    expect(page.get_by_test_id("session-future")).to_have_count(0)
    # Hours ahead: not a real session time (or the tablet's clock lies); the form refuses it.
    later = datetime.now(WIB) + timedelta(hours=3)
    page.get_by_test_id("session-date").fill(later.strftime("%Y-%m-%d"))
    page.get_by_test_id("session-time").fill(later.strftime("%H:%M"))
    expect(page.get_by_test_id("session-future")).to_contain_text("lebih lambat dari sekarang")
    page.get_by_test_id("session-save-draft").click()
    expect(page.get_by_test_id("session-date-error")).to_contain_text("belum terjadi")
    # A minute or two ahead (a clock a little off) is pointed out, and kept.
    soon = datetime.now(WIB) + timedelta(minutes=2)
    page.get_by_test_id("session-date").fill(soon.strftime("%Y-%m-%d"))
    page.get_by_test_id("session-time").fill(soon.strftime("%H:%M"))
    before = last_sync_ms(page)
    page.get_by_test_id("session-save-draft").click()
    expect(page.get_by_test_id("session-row")).to_have_count(1)
    wait_for_sync_after(page, before)
    context.close()
    [session] = pulled_sessions(live_server, e2e_world.supervisor)
    assert session["occurred_at"] == soon.strftime("%Y-%m-%dT%H:%M:00+07:00")


def test_sending_says_what_is_true_online_and_offline(
    browser: Browser, base_url: str, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    client_id = ui_register_client(page, "REG-2024-502", "Hadi Susanto")
    for offline, words, absent in (
        (False, "sedang dikirim", "saat ada sinyal"),
        (True, "saat ada sinyal", "sedang dikirim"),
    ):
        context.set_offline(offline)
        page.goto(f"/#/clients/{client_id}/sessions/new")
        fill_note(page)
        page.get_by_test_id("session-submit").click()
        page.get_by_test_id("session-submit-confirm").click()
        expect(page.get_by_test_id("notice")).to_contain_text(words)
        expect(page.get_by_test_id("notice")).not_to_contain_text(absent)
    context.close()


def test_the_client_form_keeps_a_draft_through_a_reload(
    browser: Browser, base_url: str, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    page.goto("/#/clients/new")
    page.get_by_test_id("client-registration_number").fill("REG-2024-503")
    page.get_by_test_id("client-full_name").press_sequentially("Irfan Hakim")
    page.get_by_test_id("client-case_type").select_option("courier")
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-state", "saved")
    page.reload()
    ui_unlock_with_pin(page)
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_test_id("client-full_name")).to_have_value("Irfan Hakim")
    expect(page.get_by_test_id("client-registration_number")).to_have_value("REG-2024-503")
    expect(page.get_by_test_id("client-case_type")).to_have_value("courier")

    # Saved, the draft is gone: the next new client starts empty.
    page.get_by_test_id("client-sex").select_option("M")
    page.get_by_test_id("client-save").click()
    expect(page.get_by_test_id("client-name")).to_have_text("Irfan Hakim")
    page.goto("/#/clients/new")
    expect(page.get_by_test_id("client-full_name")).to_have_value("")
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)
    context.close()


def test_a_urine_test_offers_the_usual_panel_and_stores_codes(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    ui_register_client(page, "REG-2024-504", "Joko Santoso")
    page.get_by_test_id("session-new").click()
    page.get_by_test_id("session-kind").select_option("urine_test")
    page.get_by_test_id("urine-panel").fill("6 parameter")
    page.get_by_test_id("urine-add").click()
    analyte = page.get_by_test_id("urine-analyte").nth(0)
    expect(analyte.locator("option")).to_contain_text(
        ["Amfetamin", "Metamfetamin", "THC (ganja)", "Morfin/opiat", "Benzodiazepin", "Kokain"]
    )
    analyte.select_option("thc")
    page.get_by_test_id("urine-result").nth(0).select_option("positive")
    page.get_by_test_id("urine-add").click()
    page.get_by_test_id("urine-analyte").nth(1).select_option("other")
    page.get_by_test_id("urine-other").nth(0).fill("Ganja sintetis")
    before = last_sync_ms(page)
    page.get_by_test_id("session-save-draft").click()
    expect(page.get_by_test_id("session-row")).to_have_count(1)
    wait_for_sync_after(page, before)

    page.get_by_test_id("session-row").get_by_role("link").click()
    expect(page.get_by_test_id("urine-analyte").nth(0)).to_have_value("thc")
    expect(page.get_by_test_id("urine-other").nth(0)).to_have_value("Ganja sintetis")
    context.close()
    [session] = pulled_sessions(live_server, e2e_world.supervisor)
    assert session["urine_test"] == {
        "panel": "6 parameter",
        "results": {"thc": "positive", "Ganja sintetis": "negative"},
    }


def test_sending_an_incomplete_session_marks_the_field_and_asks_nothing(
    browser: Browser, base_url: str, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    ui_register_client(page, "REG-2024-505", "Kurnia Sari")
    wait_for_sync(page)
    page.get_by_test_id("session-new").click()
    fill_note(page)
    page.get_by_test_id("session-duration").fill("")
    page.get_by_test_id("session-submit").click()
    expect(page.get_by_test_id("session-duration-error")).to_have_text("Wajib diisi.")
    expect(page.get_by_test_id("session-duration")).to_be_focused()
    expect(page.get_by_test_id("session-confirm")).to_have_count(0)
    expect(page.get_by_test_id("session-form")).to_be_visible()
    context.close()


def test_an_older_urine_record_keeps_its_analyte_names_without_doubles(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor2)
    client_id, session_id = new_id(), new_id()
    urine = {"panel": "2 parameter", "results": {"cannabis": "positive", "K2": "negative"}}
    fields = helpers.session_fields(
        e2e_world.facility_id, client_id, kind="urine_test", urine_test=urine
    )
    results = tablet.push(
        change("client", client_id, client_fields(e2e_world.facility_id)),
        change("session", session_id, fields),
    )
    assert {r["status"] for r in results} == {"applied"}, results
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    page.goto(f"/#/sessions/{session_id}")
    first = page.get_by_test_id("urine-analyte").nth(0)
    expect(first).to_have_value("cannabis")
    expect(first.locator("option:checked")).to_have_text("THC (ganja)")
    expect(first.locator("option", has_text="THC (ganja)")).to_have_count(1)
    expect(page.get_by_test_id("urine-analyte").nth(1)).to_have_value("other")
    expect(page.get_by_test_id("urine-other")).to_have_value("K2")
    context.close()
