"""A supervisor reviews submitted sessions in the browser: approve with a countersign, return with
a comment that reaches the counselor's device, and nothing typed is lost when the network drops."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import E2EWorld, LiveServer
from tests.e2e.staff_support import ApiDevice, browser_device_id, submitted_session, ui_login


def open_in_queue(page: Page, session_id: str) -> None:
    page.get_by_test_id("nav-supervisor").click()
    row = page.locator(f'[data-testid="review-row"][data-id="{session_id}"]')
    expect(row).to_be_visible()
    row.get_by_test_id("review-open").click()
    expect(page.get_by_test_id("review-session")).to_be_visible()


def test_supervisor_approves_a_submitted_session_and_the_countersign_shows(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    _, session_id = submitted_session(tablet, e2e_world.facility_id)
    tablet.pull()

    ui_login(page, e2e_world.supervisor)
    open_in_queue(page, session_id)
    expect(page.get_by_test_id("rs-note_plan")).to_have_text(
        "Lanjutkan sesi mingguan; latihan menolak tawaran."
    )
    expect(page.get_by_test_id("rs-risk-flags")).to_contain_text("Kambuh")
    page.get_by_test_id("review-approve").click()

    countersign = page.get_by_test_id("review-countersign")
    expect(countersign).to_contain_text(f"Disetujui oleh Supervisor {e2e_world.supervisor[-6:]}")
    expect(page.get_by_test_id("rs-status")).to_have_text("Disetujui")
    expect(page.get_by_test_id("review-approve")).to_have_count(0)

    pulled = tablet.pull()[("session", session_id)]["record"]
    assert pulled["status"] == "approved"
    assert pulled["reviewed_by_name"] == f"Supervisor {e2e_world.supervisor[-6:]}"
    assert pulled["reviewed_at"]
    page.get_by_test_id("review-back").click()
    expect(page.locator(f'[data-testid="review-row"][data-id="{session_id}"]')).to_have_count(0)


def test_returned_session_reaches_the_counselor_app_with_its_comment(
    browser: Browser, live_server: LiveServer, e2e_world: E2EWorld, base_url: str
) -> None:
    # The counselor's own tablet: the app in a browser, and its session pushed with its device id.
    counselor_ctx = browser.new_context(base_url=base_url)
    counselor = counselor_ctx.new_page()
    ui_login(counselor, e2e_world.counselor)
    tablet = ApiDevice(live_server, e2e_world.counselor, device_id=browser_device_id(counselor))
    _, session_id = submitted_session(tablet, e2e_world.facility_id)

    supervisor_ctx = browser.new_context(base_url=base_url)
    page = supervisor_ctx.new_page()
    ui_login(page, e2e_world.supervisor)
    open_in_queue(page, session_id)

    # A comment is required to return: nothing is sent without one.
    page.get_by_test_id("review-return").click()
    expect(page.get_by_test_id("review-comment-error")).to_be_visible()
    expect(page.get_by_test_id("review-comment")).to_be_focused()
    status, record = tablet.call("GET", f"/api/v1/sessions/{session_id}")
    assert (status, record["status"]) == (200, "submitted")

    comment = "Rencana (P) belum jelas: tulis langkah dan tanggal sesi berikutnya."
    page.get_by_test_id("review-comment").fill(comment)
    page.get_by_test_id("review-return").click()
    expect(page.get_by_test_id("review-returned")).to_contain_text(comment)

    # The counselor's app pulls it: the returned badge and the comment in the task list.
    counselor.get_by_test_id("sync-now").click()
    counselor.get_by_test_id("nav-tasks").click()
    task = counselor.get_by_test_id("task-row")
    expect(task).to_have_count(1)
    expect(task.get_by_test_id("returned-badge")).to_be_visible()
    expect(task).to_contain_text(comment)
    supervisor_ctx.close()
    counselor_ctx.close()


def test_a_dropped_connection_loses_no_review_comment(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    _, session_id = submitted_session(tablet, e2e_world.facility_id)
    ui_login(page, e2e_world.supervisor)
    open_in_queue(page, session_id)
    comment = "Tambahkan hasil tes urine dan rencana pencegahan kekambuhan."
    page.get_by_test_id("review-comment").fill(comment)

    page.context.set_offline(True)
    page.get_by_test_id("review-return").click()
    expect(page.get_by_test_id("review-error")).to_contain_text("Server tidak dapat dihubungi")
    expect(page.get_by_test_id("review-comment")).to_have_value(comment)

    # Even a reload keeps the comment: it is an IndexedDB draft until the server took it.
    page.context.set_offline(False)
    page.reload()
    ui_login(page, e2e_world.supervisor, here=True)
    expect(page.get_by_test_id("review-comment")).to_have_value(comment)
    expect(page.get_by_test_id("review-draft-restored")).to_be_visible()

    page.context.set_offline(True)
    page.get_by_test_id("review-return").click()
    expect(page.get_by_test_id("review-error-retry")).to_be_visible()
    page.context.set_offline(False)
    page.get_by_test_id("review-error-retry").click()
    expect(page.get_by_test_id("review-returned")).to_contain_text(comment)
    status, record = tablet.call("GET", f"/api/v1/sessions/{session_id}")
    assert (status, record["status"], record["review_comment"]) == (200, "returned", comment)
