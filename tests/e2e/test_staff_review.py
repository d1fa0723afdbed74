"""A supervisor reviews submitted sessions in the browser: approve with a countersign, return with
a comment that reaches the counselor's device, and nothing typed is lost when the network drops."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from server.extensions import db
from server.models import CounselingSession
from server.models.common import utcnow
from server.services.unit import unit_of_work
from tests.e2e.conftest import E2EWorld, LiveServer, ui_unlock_with_pin
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
    ui_unlock_with_pin(page)  # a supervisor's F5 asks for the PIN, not the password
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


def submitted_hours_ago(live_server: LiveServer, session_id: str, hours: float) -> None:
    """Move a session's submission back in time, as if it had waited `hours` in the queue."""
    with live_server.app.app_context(), unit_of_work():
        record = db.session.get(CounselingSession, session_id)
        assert record is not None
        record.submitted_at = utcnow() - timedelta(hours=hours)


def review_status(device: ApiDevice, session_id: str) -> str:
    status, record = device.call("GET", f"/api/v1/sessions/{session_id}")
    assert status == 200, record
    return str(record["status"])


def test_the_review_page_follows_the_address_and_decides_the_session_shown(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    _, first = submitted_session(
        tablet, e2e_world.facility_id, duration_minutes=30, note_data="Sesi pertama: cemas."
    )
    _, second = submitted_session(
        tablet, e2e_world.facility_id, duration_minutes=90, note_data="Sesi kedua: tenang."
    )
    ui_login(page, e2e_world.supervisor)
    open_in_queue(page, first)
    expect(page.get_by_test_id("rs-note_data")).to_have_text("Sesi pertama: cemas.")

    # The supervisor edits the address: the page shows the other session, nothing of the first.
    page.evaluate(f"location.hash = '#/supervisor/sessions/{second}'")
    expect(page.get_by_test_id("rs-note_data")).to_have_text("Sesi kedua: tenang.")
    expect(page.get_by_test_id("rs-duration")).to_have_text("90")
    page.get_by_test_id("review-approve").click()
    expect(page.get_by_test_id("review-countersign")).to_be_visible()
    assert review_status(tablet, second) == "approved"
    assert review_status(tablet, first) == "submitted"

    page.get_by_test_id("review-back").click()
    expect(page.locator(f'[data-testid="review-row"][data-id="{first}"]')).to_have_count(1)
    expect(page.locator(f'[data-testid="review-row"][data-id="{second}"]')).to_have_count(0)


def test_a_review_opened_by_its_link_names_the_counselor(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    _, session_id = submitted_session(tablet, e2e_world.facility_id)
    ui_login(page, e2e_world.supervisor)
    page.goto(f"/#/supervisor/sessions/{session_id}")
    details = page.get_by_test_id("review-session").locator("dl.details")
    expect(details).to_contain_text(f"Counselor {e2e_world.counselor[-6:]}")


def test_waiting_times_read_in_whole_hours_and_days(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    waits = {"3 hari": 3 * 24 + 5.4, "5 jam": 5.4, "kurang dari 1 jam": 0.1}
    ids = {}
    for text, hours in waits.items():
        _, ids[text] = submitted_session(tablet, e2e_world.facility_id)
        submitted_hours_ago(live_server, ids[text], hours)
    ui_login(page, e2e_world.supervisor)
    page.get_by_test_id("nav-supervisor").click()
    for text, session_id in ids.items():
        row = page.locator(f'[data-testid="review-row"][data-id="{session_id}"]')
        expect(row.get_by_test_id("review-age")).to_have_text(f"Menunggu {text}")


def test_next_and_previous_follow_the_queue_order(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    queue = []
    for hours in (30, 20, 10):  # oldest first, as the queue orders them
        _, session_id = submitted_session(tablet, e2e_world.facility_id, note_data=f"{hours} jam")
        submitted_hours_ago(live_server, session_id, hours)
        queue.append(session_id)
    oldest, middle, newest = queue
    ui_login(page, e2e_world.supervisor)
    page.goto(f"/#/supervisor/sessions/{middle}")
    expect(page.get_by_test_id("rs-note_data")).to_have_text("20 jam")

    page.get_by_test_id("review-next").click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#/supervisor/sessions/{newest}")
    expect(page.get_by_test_id("rs-note_data")).to_have_text("10 jam")
    expect(page.get_by_test_id("review-next")).to_have_count(0)

    page.get_by_test_id("review-prev").click()
    page.get_by_test_id("review-prev").click()
    expect(page.get_by_test_id("rs-note_data")).to_have_text("30 jam")
    expect(page.get_by_test_id("review-prev")).to_have_count(0)
    # Deciding one keeps its neighbours: approve the oldest and go on to the next.
    page.get_by_test_id("review-approve").click()
    expect(page.get_by_test_id("review-countersign")).to_be_visible()
    page.get_by_test_id("review-next").click()
    expect(page.get_by_test_id("rs-note_data")).to_have_text("20 jam")
    assert review_status(tablet, oldest) == "approved"


def test_an_address_opened_as_the_app_opens_is_kept(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    _, session_id = submitted_session(
        tablet, e2e_world.facility_id, note_data="Dibuka lewat tautan."
    )
    page.goto("/")
    # The address changes in the very moment the logged-in app first shows (before the app has
    # moved from the bare root to its home page): the address wins.
    page.evaluate(
        """(hash) => new MutationObserver((_, observer) => {
          if (!document.querySelector('[data-testid="menu-open"]')) return;
          observer.disconnect();
          location.hash = hash;
        }).observe(document.body, { childList: true, subtree: true })""",
        f"#/supervisor/sessions/{session_id}",
    )
    ui_login(page, e2e_world.supervisor, here=True)
    expect(page.get_by_test_id("rs-note_data")).to_have_text("Dibuka lewat tautan.")
    # A move to the home page would fetch the queue: once the network is quiet, it has not come.
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#/supervisor/sessions/{session_id}")
