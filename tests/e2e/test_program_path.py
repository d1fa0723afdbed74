"""The program's path on a phone, offline: enroll a screened client into a cohort, log a session
with suicidal ideation (the checklist shows), then online the supervisor sees the alert above the
review queue and acknowledges it, and the figures count the enrollment."""

from __future__ import annotations

from datetime import date
from typing import Any

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import (
    go_offline,
    last_sync_ms,
    synced_phone,
    ui_send_session,
    wait_for_sync_after,
)
from tests.e2e.staff_support import ApiDevice, new_id, ui_login
from tests.helpers import change, client_fields

PHONE = {"width": 360, "height": 640}


def _screened_client(tablet: ApiDevice, facility_id: str, name: str) -> str:
    client_id = new_id()
    answers = {"amphetamine": {"q2": 4, "q3": 3, "q4": 0, "q5": 0, "q6": 0, "q7": 0}}
    screening = {
        "facility_id": facility_id,
        "client_id": client_id,
        "instrument": "assist",
        "taken_on": date.today().isoformat(),
        "answers": answers,
    }
    results = tablet.push(
        change("client", client_id, client_fields(facility_id, full_name=name)),
        change("assessment", new_id(), screening),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return client_id


def test_enroll_offline_and_the_risk_alert_reaches_the_supervisor(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    year = date.today().year
    fid = e2e_world.facility_id
    supervisor_api = ApiDevice(live_server, e2e_world.supervisor)
    status, cohort = supervisor_api.call(
        "POST",
        "/api/v1/cohorts",
        {
            "facility_id": fid,
            "program": "rehab_sosial",
            "name": f"{year} tahap I",
            "start_date": f"{year}-01-01",
            "end_date": f"{year}-12-31",
            "intake_target": 25,
            "phases": [
                {"name": "orientation", "order": 1, "planned_weeks": 4},
                {"name": "primary", "order": 2, "planned_weeks": 16},
                {"name": "re-entry", "order": 3, "planned_weeks": 6},
            ],
        },
    )
    assert status == 201, cohort
    client_id = _screened_client(ApiDevice(live_server, e2e_world.counselor2), fid, "Yusuf Rahman")

    phone, page, pushes = synced_phone(browser, base_url, e2e_world.counselor, viewport=PHONE)
    go_offline(phone, page)
    page.goto(f"/#/clients/{client_id}")
    expect(page.get_by_test_id("path-screening")).to_contain_text("Risiko tertinggi: Sedang")
    page.get_by_test_id("enroll-new").click()
    expect(page.get_by_test_id("enroll-cohort")).to_have_value(cohort["id"])
    expect(page.get_by_test_id("enroll-phase")).to_have_value("orientation")
    page.get_by_test_id("enroll-save").click()
    row = page.get_by_test_id("enrollment-row")
    expect(row).to_contain_text(f"{year} tahap I")
    expect(row.get_by_test_id("enrollment-phase")).to_have_text("Orientasi")
    expect(row.get_by_test_id("phase-row")).to_have_count(1)

    # The same client cannot be enrolled twice in the program: a clear error on the device.
    page.get_by_test_id("enroll-new").click()
    page.get_by_test_id("enroll-save").click()
    expect(page.get_by_test_id("enroll-cohort-error")).to_contain_text(
        "sudah punya pendaftaran aktif"
    )
    page.go_back()

    page.get_by_test_id("session-new").click()
    expect(page.get_by_test_id("checklist-suicidal_ideation")).to_have_count(0)
    page.get_by_test_id("risk-suicidal_ideation").check()
    checklist = page.get_by_test_id("checklist-suicidal_ideation")
    expect(checklist).to_be_visible()
    expect(checklist).to_contain_text("Tetap bersama klien")
    page.get_by_test_id("session-note-data").fill("Klien mengatakan ingin mengakhiri hidup.")
    page.get_by_test_id("session-note-assessment").fill("Risiko bunuh diri; perlu pengawasan.")
    page.get_by_test_id("session-note-plan").fill("Rujuk ke klinik; wali diberi tahu.")
    ui_send_session(page)
    expect(page.get_by_test_id("client-page")).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "3")

    before = last_sync_ms(page)
    phone.set_offline(False)
    wait_for_sync_after(page, before)
    assert pushes.statuses() == {"applied": 3}, pushes.results
    # The server raised the alert; the next pull brings it to the counselor's tasks.
    page.get_by_test_id("nav-tasks").click()
    expect(page.get_by_test_id("task-alert")).to_contain_text("Yusuf Rahman")

    office = browser.new_context(base_url=base_url)
    desk = office.new_page()
    ui_login(desk, e2e_world.supervisor)
    desk.goto("/#/supervisor")
    alert = desk.get_by_test_id("alert-row")
    expect(alert).to_contain_text("Yusuf Rahman")
    expect(alert).to_contain_text("Ide bunuh diri")
    panel_y = desk.get_by_test_id("alerts-panel").bounding_box()
    queue_y = desk.locator("#review-h").bounding_box()
    assert panel_y and queue_y and panel_y["y"] < queue_y["y"]
    # The supervisor sees the client's path as the counselor does.
    alert.get_by_test_id("alert-client").click()
    path = desk.get_by_test_id("staff-client-path")
    expect(path.get_by_test_id("enrollment-row")).to_contain_text(f"{year} tahap I")
    expect(path.get_by_test_id("path-screening")).to_contain_text("Sedang")
    # ...and records the next phase there, under the same rules as a phone's push.
    expect(desk.get_by_test_id("staff-phase-phase")).to_have_value("primary")
    desk.get_by_test_id("staff-phase-by").fill("Sidang TC")
    desk.get_by_test_id("staff-phase-save").click()
    expect(path.get_by_test_id("enrollment-phase")).to_have_text("Primer")
    expect(path.get_by_test_id("phase-row")).to_have_count(2)
    desk.go_back()
    alert = desk.get_by_test_id("alert-row")
    alert.get_by_test_id("alert-acknowledge").click()
    expect(desk.get_by_test_id("alerts-panel")).to_have_count(0)
    status, queue = supervisor_api.call("GET", f"/api/v1/review/queue?facility_id={fid}")
    assert status == 200 and queue["alerts"] == []

    desk.goto(f"/#/supervisor/figures?year={year}&facility={fid}")
    expect(desk.get_by_test_id("key-rehabilitated")).to_have_text("1")
    cohort_row = desk.get_by_test_id("table-cohorts").get_by_test_id("fig-row").first
    expect(cohort_row).to_contain_text(f"{year} tahap I")
    expect(cohort_row.locator("td[data-col=enrolled]")).to_have_attribute("data-value", "1")
    office.close()
    phone.close()
