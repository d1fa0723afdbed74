"""Aftercare in Chromium: a facility's WBP list through its dry run and its import; a release with
a referral recorded offline on a phone, synced, and its discharge summary fetched (phone and
staff), the PDF opened and its numbers checked."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.e2e.conftest import (
    go_offline,
    last_sync_ms,
    synced_phone,
    wait_for_sync_after,
)
from tests.e2e.staff_support import ApiDevice, new_id, ui_login
from tests.e2e.test_axe import assert_clean
from tests.helpers import amphetamine_screening, change, client_fields, session_fields

PHONE = {"width": 360, "height": 640}
WBP_LIST = (
    "No;Nama;No. Registrasi;Jenis Kelamin;Tanggal Lahir;Tanggal Masuk;Perkara\n"
    "1;Andi Wijaya;B.I-101/2024;L;12-03-1990;01/02/2024;Narkotika - Pengguna\n"
    "2;Siti Aminah;B.I-900/2023;P;03-02-1988;2023-05-05;Pengguna\n"
    "3;Siti Aminnah;B.I-555/2024;P;1988-02-03;;Kurir\n"
    "4;Rudi;B.I-102/2024;X;31-02-1990;;Pengedar\n"
    "5;Eko Prasetyo;B.I-103/2024;Laki-laki;5 Agustus 1985;;Bandar\n"
)


def test_a_supervisor_checks_then_imports_a_facility_list(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any, tmp_path: Path
) -> None:
    fid = e2e_world.facility_id
    tablet = ApiDevice(live_server, e2e_world.counselor)
    known = client_fields(
        fid, registration_number="B.I-900/2023", full_name="Siti Aminah", sex="F"
    ) | {"birth_date": "1988-02-03"}
    assert tablet.push(change("client", new_id(), known))[0]["status"] == "applied"
    tablet.pull()
    wbp = tmp_path / "daftar-wbp.csv"
    wbp.write_text(WBP_LIST, encoding="utf-8")

    office = browser.new_context(base_url=base_url, bypass_csp=True)  # axe is injected
    desk = office.new_page()
    ui_login(desk, e2e_world.supervisor)
    desk.goto("/#/supervisor")
    desk.get_by_test_id("tab-import").click()
    expect(desk.get_by_test_id("import-facility")).to_have_value(fid)
    desk.get_by_test_id("import-file").set_input_files(str(wbp))
    desk.get_by_test_id("import-check").click()
    counts = desk.get_by_test_id("import-counts")
    expect(counts).to_have_text("Baru: 2 · Sudah ada: 1 · Kemungkinan ganda: 1 · Bermasalah: 1")
    rows = desk.get_by_test_id("import-row")
    expect(rows).to_have_count(5)
    expect(rows.nth(2)).to_have_attribute("data-status", "duplicate")
    expect(rows.nth(2)).to_contain_text("mirip Siti Aminah (B.I-900/2023)")
    expect(rows.nth(3)).to_have_attribute("data-status", "error")
    expect(rows.nth(3)).to_contain_text("Jenis kelamin: Tulis L atau P.")
    expect(rows.nth(3)).to_contain_text("Tanggal lahir: Tanggal tidak terbaca")
    assert tablet.pull() == {}  # a dry run writes nothing
    assert_clean(desk, "import dry run")

    desk.get_by_test_id("import-run").click()
    expect(desk.get_by_test_id("import-done")).to_contain_text("2 WBP baru diimpor")
    expect(desk.locator('[data-testid="import-row"][data-status="imported"]')).to_have_count(2)
    pulled = tablet.pull()
    names = sorted(item["record"]["full_name"] for item in pulled.values())
    assert names == ["Andi Wijaya", "Eko Prasetyo"]

    # The same file again adds nothing.
    desk.get_by_test_id("import-check").click()
    expect(counts).to_have_text("Baru: 0 · Sudah ada: 3 · Kemungkinan ganda: 1 · Bermasalah: 1")
    expect(desk.get_by_test_id("import-run")).to_have_count(0)
    assert tablet.pull() == {}
    office.close()


def _client_with_history(tablet: ApiDevice, fid: str) -> str:
    """A client in a program, screened twice, with two attended individual sessions."""
    client_id = new_id()
    day = date.today() - timedelta(days=6)

    sessions = [
        change(
            "session",
            new_id(),
            session_fields(
                fid,
                client_id,
                occurred_at=f"{(day + timedelta(days=i)).isoformat()}T09:00:00+07:00",
                note_plan=f"Rencana tindak lanjut {i}",
            ),
        )
        for i in range(2)
    ]
    enrollment = {
        "facility_id": fid,
        "client_id": client_id,
        "program": "rehab_sosial",
        "cohort": "Angkatan uji",
        "start_date": (day - timedelta(days=30)).isoformat(),
    }
    results = tablet.push(
        change(
            "client",
            client_id,
            client_fields(fid, full_name="Yusuf Rahman", registration_number="A.I-77/2024"),
        ),
        change("enrollment", new_id(), enrollment),
        amphetamine_screening(fid, client_id, (day - timedelta(days=30)).isoformat(), 6),
        amphetamine_screening(fid, client_id, day.isoformat(), 2),
        *sessions,
    )
    assert {r["status"] for r in results} == {"applied"}, results
    # Convicted: the detainee's number (A) becomes a convict's (B); the server keeps the old one.
    number = {"registration_number": f"B.I-{client_id[:6]}/2024"}
    assert tablet.push(change("client", client_id, number, base=1))[0]["status"] == "applied"
    return client_id


def _pdf_text(path: str) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _check_summary(text: str) -> None:
    assert "Yusuf Rahman" in text
    assert "Pembebasan bersyarat (PB)" in text
    assert "Bapas: Bapas Kelas I Palembang" in text
    assert "Konseling individu 2" in text and "Jumlah 2" in text
    assert "Stimulan jenis amfetamin 9 (Risiko sedang)" in text  # intake
    assert "Stimulan jenis amfetamin 5 (Risiko sedang)" in text  # last
    assert "Rencana tindak lanjut 1" in text
    assert "Bebas" in text  # the program closed by the release


def test_a_release_recorded_offline_with_a_referral_and_its_discharge_summary(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    fid = e2e_world.facility_id
    client_id = _client_with_history(ApiDevice(live_server, e2e_world.counselor2), fid)

    phone, page, pushes = synced_phone(
        browser, base_url, e2e_world.counselor, viewport=PHONE, bypass_csp=True
    )
    go_offline(phone, page)
    # Offline, the counselor finds the client by the number they had before.
    page.goto("/#/clients")
    page.get_by_test_id("client-search").fill("A.I-77")
    row = page.get_by_test_id("client-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Yusuf Rahman")
    expect(row.get_by_test_id("client-former-number")).to_contain_text("A.I-77/2024")
    row.locator("a").click()
    expect(page.get_by_test_id("register-history-entry")).to_contain_text("A.I-77/2024")
    expect(page.get_by_test_id("client-releases")).to_contain_text("Belum ada pembebasan")
    page.get_by_test_id("release-new").click()
    page.get_by_test_id("release-kind").select_option("pb")
    expect(page.get_by_test_id("release-recipient-kind")).to_have_value("bapas")
    page.get_by_test_id("release-recipient-name").fill("Bapas Kelas I Palembang")
    page.get_by_test_id("release-consent").check()
    assert_clean(page, "release form")
    page.get_by_test_id("release-save").click()
    item = page.get_by_test_id("release-item")
    expect(item).to_contain_text("Pembebasan bersyarat (PB)")
    expect(item).to_contain_text("Belum terkirim ke server")
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")

    before = last_sync_ms(page)
    phone.set_offline(False)
    wait_for_sync_after(page, before)
    assert pushes.statuses() == {"applied": 1}, pushes.results
    # The server closed the running program as released; the phone pulled it.
    expect(page.get_by_test_id("enrollment-row")).to_contain_text("Bebas")
    expect(item.get_by_test_id("release-consent-shown")).to_contain_text("Counselor")
    assert_clean(page, "client page with a release")
    with page.expect_download() as phone_download:
        item.get_by_test_id("release-summary").click()
    _check_summary(_pdf_text(str(phone_download.value.path())))

    # The supervisor sees the release on the client's path and fetches the summary too.
    office = browser.new_context(base_url=base_url, bypass_csp=True)
    desk = office.new_page()
    ui_login(desk, e2e_world.supervisor)
    desk.goto(f"/#/supervisor/clients/{client_id}")
    aftercare = desk.get_by_test_id("staff-aftercare")
    expect(aftercare.get_by_test_id("register-history-entry")).to_contain_text("A.I-77/2024")
    expect(aftercare.get_by_test_id("register-history-entry")).to_contain_text(
        f"Lapas Uji {e2e_world.facility_code[4:]}"
    )
    staff_item = aftercare.get_by_test_id("release-item")
    expect(staff_item).to_contain_text("Bapas: Bapas Kelas I Palembang")
    assert_clean(desk, "staff client path with a release")
    with desk.expect_download() as desk_download:
        staff_item.get_by_test_id("release-summary").click()
    _check_summary(_pdf_text(str(desk_download.value.path())))

    # Every summary made is in the admin's accounting of disclosures.
    admin = ApiDevice(live_server, e2e_world.admin)
    status, page_body = admin.call("GET", "/api/v1/admin/audit?action=disclose&per_page=50")
    assert status == 200
    mine = [e for e in page_body["items"] if e["detail"].get("client_id") == client_id]
    assert len(mine) == 2
    office.close()
    phone.close()


def test_a_supervisor_records_a_release_without_consent_and_no_summary_is_offered(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    fid = e2e_world.facility_id
    client_id = _client_with_history(ApiDevice(live_server, e2e_world.counselor2), fid)
    office = browser.new_context(base_url=base_url)
    desk = office.new_page()
    ui_login(desk, e2e_world.supervisor)
    desk.goto(f"/#/supervisor/clients/{client_id}")
    aftercare = desk.get_by_test_id("staff-aftercare")
    expect(aftercare).to_contain_text("Belum ada pembebasan")
    aftercare.get_by_test_id("release-new").click()
    # A referral without a recipient's name is refused with the server's words.
    desk.get_by_test_id("release-save").click()
    expect(desk.get_by_test_id("release-recipient-name-error")).to_be_visible()
    desk.get_by_test_id("release-recipient-name").fill("BNNK Ogan Ilir")
    desk.get_by_test_id("release-recipient-kind").select_option("bnn")
    desk.get_by_test_id("release-save").click()
    item = aftercare.get_by_test_id("release-item")
    expect(item).to_contain_text("BNN: BNNK Ogan Ilir")
    expect(item.get_by_test_id("release-no-consent")).to_be_visible()
    expect(item.get_by_test_id("release-summary")).to_have_count(0)
    expect(desk.get_by_test_id("enrollment-row")).to_contain_text("Bebas")
    office.close()
