"""Every screen in the words an IKAI counselor or a Kanwil program coordinator uses: Bahasa
Indonesia with no English left over, no raw codes, no JSON, and times written like the lists."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import E2EWorld, LiveServer, api_login, api_post, open_tablet
from tests.e2e.staff_support import ApiDevice, new_id, session_fields, submitted_session, ui_login
from tests.helpers import change, client_fields

# "2 Des 2026, 01.46 WIB", as the lists write an instant.
LIST_TIME = r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}\.\d{2} WIB"


def test_the_counselor_app_speaks_plain_bahasa_indonesia(
    browser: Browser, base_url: str, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    fid = e2e_world.facility_id
    tablet = ApiDevice(live_server, e2e_world.counselor2)
    client_id, enrollment_id, approved_id = new_id(), new_id(), new_id()
    urine = {"panel": "6 parameter", "results": {"thc": "invalid"}}
    results = tablet.push(
        change("client", client_id, client_fields(fid, full_name="Lukman Hakim")),
        change(
            "enrollment",
            enrollment_id,
            {
                "facility_id": fid,
                "client_id": client_id,
                "program": "rehab_sosial",
                "phase": "primary",
                "start_date": "2024-03-01",
            },
        ),
        change(
            "session",
            approved_id,
            session_fields(fid, client_id, kind="urine_test", urine_test=urine, risk_flags=[]),
        ),
    )
    assert {r["status"] for r in results} == {"applied"}, results
    supervisor = api_login(live_server, e2e_world.supervisor)
    api_post(
        live_server,
        f"/api/v1/sessions/{approved_id}/review",
        {"decision": "approve", "comment": None},
        supervisor,
    )

    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    expect(page.get_by_test_id("online-status")).to_have_text("Terhubung")
    expect(page.get_by_test_id("last-sync")).to_have_text(
        re.compile(rf"^Sinkron terakhir: {LIST_TIME}$")
    )

    page.goto(f"/#/clients/{client_id}")
    expect(page.get_by_test_id("client-page")).to_contain_text("Penyalah guna")
    row = page.get_by_test_id("enrollment-row")
    expect(row).to_contain_text("Primer")
    expect(row).not_to_contain_text("primary")

    # An approved session is read, not edited.
    page.goto(f"/#/sessions/{approved_id}")
    expect(page.get_by_test_id("session-status")).to_have_text("Disetujui")
    expect(page.locator("#session-h")).to_have_text("Lihat sesi")
    expect(page.get_by_test_id("urine-row")).to_contain_text("Parameter")
    expect(page.get_by_test_id("urine-result").locator("option:checked")).to_have_text(
        "Tidak valid"
    )

    page.goto(f"/#/clients/{client_id}/sessions/new")
    expect(page.get_by_test_id("session-submit")).to_have_text("Kirim ke supervisor")
    expect(page.locator("label.check", has=page.get_by_test_id("risk-use_inside"))).to_have_text(
        "Memakai narkoba di dalam lapas/rutan"
    )
    page.get_by_test_id("session-kind").select_option("urine_test")
    expect(page.get_by_test_id("urine-add")).to_have_text("Tambah parameter")

    page.get_by_test_id("nav-group").click()
    kinds = page.get_by_test_id("session-kind")
    expect(kinds).to_contain_text("Pertemuan pagi")
    expect(kinds).not_to_contain_text("Morning meeting")
    expect(kinds).not_to_contain_text("Seminar")

    page.goto(f"/#/clients/{client_id}")
    page.get_by_test_id("session-new").click()
    page.get_by_test_id("draft-discard").click()  # the urine test tried above
    expect(page.get_by_test_id("session-kind")).to_have_value("individual")
    page.get_by_test_id("session-note-data").fill("Klien hadir.")
    page.get_by_test_id("session-note-assessment").fill("Tenang.")
    page.get_by_test_id("session-note-plan").fill("Sesi minggu depan.")
    page.get_by_test_id("session-submit").click()
    page.get_by_test_id("session-submit-confirm").click()
    expect(page.get_by_test_id("client-page")).to_contain_text("Menunggu pemeriksaan")
    expect(page.get_by_test_id("client-page")).not_to_contain_text("review")

    page.get_by_test_id("nav-settings").click()
    expect(page.locator("main")).to_contain_text(
        "PIN (6–12 angka) membuka kembali Pulih di perangkat ini setelah dimuat ulang atau terkunci"
    )

    context.set_offline(True)
    expect(page.get_by_test_id("online-status")).to_have_text("Tanpa sinyal")
    context.close()


def test_the_supervisor_pages_speak_plain_bahasa_indonesia(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    submitted_session(tablet, e2e_world.facility_id)
    ui_login(page, e2e_world.supervisor)
    page.get_by_test_id("nav-supervisor").click()
    expect(page.locator("h1")).to_have_text("Antrean pemeriksaan")
    expect(page.get_by_test_id("review-total")).to_have_text(
        "1 sesi menunggu pemeriksaan, yang terlama di atas."
    )
    page.get_by_test_id("review-open").click()
    expect(page.locator("h1")).to_have_text("Pemeriksaan sesi")
    expect(page.get_by_test_id("rs-status")).to_have_text("Menunggu pemeriksaan")
    expect(page.get_by_test_id("review-back")).to_have_text("← Kembali ke antrean")
    expect(page.locator("main")).not_to_contain_text("review")


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
