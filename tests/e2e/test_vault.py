"""The device vault on a real Chromium profile on disk: nothing readable is left in the profile's
files, a reload reopens with the PIN, and wrong PINs and passwords destroy what they protect."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserType, expect

from server.services.facilities import add_facility
from server.services.unit import unit_of_work
from tests.e2e.conftest import (
    PIN,
    PushLog,
    api_get,
    api_login,
    api_post,
    first_page,
    last_sync_ms,
    log_in_synced,
    open_profile,
    open_tablet,
    server_setting,
    ui_log_in,
    ui_log_out,
    ui_register_client,
    ui_unlock_with_pin,
    wait_for_sync,
    wait_for_sync_after,
)

CANARY = "KANARI-7f3e-catatan-rahasia"
NAME = "Siti Kanariyah"
NUMBER = "REG-2026-7319"
UNSENT_NAME = "Dewi Tersegel"
UNSENT_NUMBER = "REG-2026-8861"


def readable_in(profile: Path, needles: list[str]) -> dict[str, list[str]]:
    """Which needles appear in which files of the profile directory (like `grep -rl -a`)."""
    found: dict[str, list[str]] = {}
    for path in profile.rglob("*"):
        if not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for needle in needles:
            # Chromium keeps ASCII strings as Latin-1 bytes, others as UTF-16.
            if needle.encode() in data or needle.encode("utf-16-le") in data:
                found.setdefault(needle, []).append(str(path.relative_to(profile)))
    return found


class TokenLog:
    """The refresh tokens the server handed this browser (login and refresh answers); read
    `tokens()` before the page navigates away, as with PushLog."""

    def __init__(self, context: Any) -> None:
        self.responses: list[Any] = []
        self.seen: list[str] = []
        context.on("response", self._on)

    def _on(self, response: Any) -> None:
        if response.url.endswith(("/api/v1/auth/login", "/api/v1/auth/refresh")):
            self.responses.append(response)

    def tokens(self) -> list[str]:
        for r in self.responses[len(self.seen) :]:
            self.seen.append(r.json()["refresh_token"] if r.status == 200 else "")
        return [t for t in self.seen if t]


@dataclass
class Tablet:
    """A counselor's tablet: a browser profile on disk, logged in and synced."""

    profile: Path
    context: Any
    page: Any


@pytest.fixture
def tablet(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    base_url: str,
    e2e_world: Any,
    tmp_path: Path,
) -> Tablet:
    profile = tmp_path / "tablet"
    context = open_profile(browser_type, browser_type_launch_args, profile, base_url)
    page = first_page(context)
    log_in_synced(page, e2e_world.counselor)
    return Tablet(profile, context, page)


def type_note_draft(page: Any, text: str) -> None:
    page.get_by_test_id("session-new").click()
    page.get_by_test_id("session-note-data").press_sequentially(text)
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-state", "saved")


def test_a_synced_tablet_keeps_nothing_readable_and_a_reload_offline_asks_for_the_pin(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    base_url: str,
    e2e_world: Any,
    tmp_path: Path,
) -> None:
    profile = tmp_path / "tablet"
    context = open_profile(browser_type, browser_type_launch_args, profile, base_url)
    tokens = TokenLog(context)
    page = first_page(context)
    log_in_synced(page, e2e_world.counselor)
    before = last_sync_ms(page)
    ui_register_client(page, NUMBER, NAME)
    wait_for_sync_after(page, before)
    type_note_draft(page, CANARY)
    draft_url = page.url
    assert tokens.tokens()

    # Offline, the app reloads from the service worker and asks for the PIN, not the password.
    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.get_by_test_id("login-username")).to_have_count(0)
    ui_unlock_with_pin(page)
    assert page.url == draft_url
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_test_id("session-note-data")).to_have_value(CANARY)

    # Search by name and by registration number works offline, from the in-memory index.
    page.get_by_test_id("nav-clients").click()
    page.get_by_test_id("client-search").fill("kanariyah")
    expect(page.get_by_test_id("client-row")).to_have_count(1)
    page.get_by_test_id("client-search").fill("2026-7319")
    expect(page.get_by_test_id("client-row")).to_have_count(1)
    refresh_tokens = tokens.tokens()
    context.close()

    found = readable_in(profile, [CANARY, NAME, "Kanariyah", NUMBER, *refresh_tokens])
    assert found == {}


def test_wrong_pins_and_passwords_destroy_the_vault_and_the_sealed_outbox_lands_once(
    tablet: Tablet,
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    base_url: str,
    live_server: Any,
    e2e_world: Any,
) -> None:
    profile, context, page = tablet.profile, tablet.context, tablet.page
    before = last_sync_ms(page)
    ui_register_client(page, NUMBER, NAME)
    wait_for_sync_after(page, before)

    # Typed without a signal: only in the outbox (and its sealed copy) when the vault goes.
    context.set_offline(True)
    ui_register_client(page, UNSENT_NUMBER, UNSENT_NAME)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")
    page.reload()
    wrong = "000000" if PIN != "000000" else "111111"
    for left in (4, 3, 2, 1):
        page.get_by_test_id("pin-unlock-input").fill(wrong)
        page.get_by_test_id("pin-unlock-submit").click()
        expect(page.get_by_test_id("pin-error")).to_contain_text(f"Sisa percobaan: {left}")
    # A reload does not reset the count: the fifth wrong PIN still erases the PIN.
    page.reload()
    page.get_by_test_id("pin-unlock-input").fill(wrong)
    page.get_by_test_id("pin-unlock-submit").click()
    expect(page.get_by_test_id("login-username")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("login-username")).to_be_visible()

    page.get_by_test_id("login-username").fill(e2e_world.counselor)
    for left in range(9, 0, -1):
        page.get_by_test_id("login-password").fill("bukan-kata-sandinya")
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("login-error")).to_contain_text(
            f"Sisa percobaan tanpa sinyal: {left};"
        )
    page.get_by_test_id("login-password").fill("bukan-kata-sandinya")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("data Pulih di perangkat ini")
    # Now even the right password finds nothing to open offline.
    page.get_by_test_id("login-password").fill(e2e_world.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("belum pernah masuk")
    context.close()
    assert readable_in(profile, [NAME, "Kanariyah", NUMBER, UNSENT_NAME, UNSENT_NUMBER]) == {}

    # The next online login sends the sealed copy: the client reaches the server once.
    context = open_profile(browser_type, browser_type_launch_args, profile, base_url)
    pushes = PushLog(context)
    page = first_page(context)
    log_in_synced(page, e2e_world.counselor)
    page.get_by_test_id("nav-clients").click()
    page.get_by_test_id("client-search").fill("tersegel")
    expect(page.get_by_test_id("client-row")).to_have_count(1)
    assert pushes.statuses() == {"applied": 1}
    page.get_by_test_id("sync-now").click()
    wait_for_sync(page)
    context.close()
    supervisor = api_login(live_server, e2e_world.supervisor)
    pulled = api_get(live_server, "/api/v1/sync/pull?limit=1000", supervisor)["changes"]
    numbers = [c["record"]["registration_number"] for c in pulled if c["entity"] == "client"]
    assert sorted(numbers) == sorted([NUMBER, UNSENT_NUMBER])


def user_id(live_server: Any, username: str) -> str:
    from sqlalchemy import select

    from server.extensions import db
    from server.models import User

    with live_server.app.app_context():
        return str(db.session.scalar(select(User.id).where(User.username == username)))


def api_patch(live_server: Any, path: str, body: Any, headers: dict[str, str]) -> Any:
    """PATCH JSON to an API path and return the JSON answer."""
    import json
    import urllib.request

    request = urllib.request.Request(
        live_server.url + path,
        data=json.dumps(body).encode(),
        headers={**headers, "Content-Type": "application/json"},
        method="PATCH",
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def test_a_facility_taken_away_leaves_the_tablet_at_its_next_contact(
    browser: Any, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    before = last_sync_ms(page)
    ui_register_client(page, NUMBER, NAME)
    wait_for_sync_after(page, before)
    with live_server.app.app_context(), unit_of_work():
        other = add_facility(
            code=f"E2E-V-{uuid.uuid4().hex[:6]}",
            name="Lapas Lain",
            kind="lapas",
            region="Sumatera Selatan",
            timezone="WIB",
        )
        other_id = other.id
    admin = api_login(live_server, e2e_world.admin)
    api_patch(
        live_server,
        f"/api/v1/admin/users/{user_id(live_server, e2e_world.counselor)}",
        {"facility_ids": [other_id]},
        admin,
    )

    page.get_by_test_id("nav-clients").click()
    expect(page.get_by_test_id("client-row")).to_have_count(1)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("client-row")).to_have_count(0)
    page.get_by_test_id("client-search").fill("kanariyah")
    expect(page.get_by_test_id("client-row")).to_have_count(0)
    context.close()


def test_a_deactivated_account_is_erased_from_the_tablet_at_its_next_contact(
    browser: Any, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    before = last_sync_ms(page)
    ui_register_client(page, NUMBER, NAME)
    wait_for_sync_after(page, before)
    admin = api_login(live_server, e2e_world.admin)
    api_patch(
        live_server,
        f"/api/v1/admin/users/{user_id(live_server, e2e_world.counselor)}",
        {"active": False},
        admin,
    )

    page.get_by_test_id("sync-now").click()
    # Said as it is: the account, not the tablet, was switched off.
    expect(page.get_by_test_id("revoked-message")).to_contain_text("Akun Anda dinonaktifkan")
    context.set_offline(True)
    page.get_by_test_id("login-username").fill(e2e_world.counselor)
    page.get_by_test_id("login-password").fill(e2e_world.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("belum pernah masuk")
    context.close()


def test_a_revoked_tablet_keeps_only_its_sealed_outbox_and_its_backup_lands_once(
    tablet: Tablet, browser: Any, base_url: str, live_server: Any, e2e_world: Any, tmp_path: Path
) -> None:
    profile, context, page = tablet.profile, tablet.context, tablet.page
    context.set_offline(True)
    ui_register_client(page, UNSENT_NUMBER, UNSENT_NAME)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")
    page.get_by_test_id("nav-settings").click()
    device_id = page.get_by_test_id("device-id").inner_text().rsplit(" ", 1)[-1].strip()
    admin = api_login(live_server, e2e_world.admin)
    api_post(live_server, f"/api/v1/admin/devices/{device_id}/revoke", {"reason": None}, admin)
    context.set_offline(False)  # back online, the app syncs by itself and learns it
    expect(page.get_by_test_id("revoked-message")).to_be_visible()
    # Wiped, but the sealed copy of the unsent client is there to back up from the login screen.
    with page.expect_download() as download:
        page.get_by_test_id("backup-save").click()
    backup = tmp_path / "cadangan.json"
    download.value.save_as(backup)
    context.close()
    assert readable_in(profile, [UNSENT_NAME, UNSENT_NUMBER]) == {}
    assert UNSENT_NAME not in backup.read_text()

    # An admin uploads the file twice: the client lands once.
    staff = browser.new_context(base_url=base_url)
    page = staff.new_page()
    page.goto("/")
    ui_log_in(page, e2e_world.admin)
    page.get_by_test_id("nav-vault-import").click()
    for _ in range(2):
        page.get_by_test_id("vault-import-file").set_input_files(str(backup))
        expect(page.get_by_test_id("vault-import-result")).to_have_text(
            "1 perubahan diproses: 1 diterima, 0 ditolak."
        )
        page.get_by_test_id("vault-import-file").set_input_files([])
    staff.close()
    supervisor = api_login(live_server, e2e_world.supervisor)
    pulled = api_get(live_server, "/api/v1/sync/pull?limit=1000", supervisor)["changes"]
    numbers = [c["record"]["registration_number"] for c in pulled if c["entity"] == "client"]
    assert numbers == [UNSENT_NUMBER]


def test_keluar_with_a_pending_change_keeps_it_and_the_next_login_sends_it_once(
    tablet: Tablet, live_server: Any, e2e_world: Any
) -> None:
    context, page = tablet.context, tablet.page
    pushes = PushLog(context)
    context.set_offline(True)
    ui_register_client(page, UNSENT_NUMBER, UNSENT_NAME)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")
    # "Keluar" warns first; "Batal" goes back to the app as it was.
    ui_log_out(page)
    expect(page.get_by_test_id("logout-warning")).to_contain_text("1 perubahan belum sampai")
    page.get_by_test_id("logout-cancel").click()
    expect(page.get_by_test_id("client-name")).to_have_text(UNSENT_NAME)
    ui_log_out(page)
    page.get_by_test_id("logout-confirm").click()
    expect(page.get_by_test_id("login-username")).to_be_visible()
    # Logged out, the PIN no longer opens anything: a reload asks for the password.
    page.reload()
    expect(page.get_by_test_id("login-username")).to_be_visible()
    context.set_offline(False)
    ui_log_in(page, e2e_world.counselor)
    wait_for_sync(page)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    assert pushes.statuses() == {"applied": 1}
    context.close()
    supervisor = api_login(live_server, e2e_world.supervisor)
    pulled = api_get(live_server, "/api/v1/sync/pull?limit=1000", supervisor)["changes"]
    numbers = [c["record"]["registration_number"] for c in pulled if c["entity"] == "client"]
    assert numbers == [UNSENT_NUMBER]


def test_keluar_forgets_the_pin_before_the_login_screen_even_when_the_server_never_answers(
    tablet: Tablet,
) -> None:
    """CI caught it: the login screen showed while the logout call still hung on a slow link,
    and a reload in that moment reopened the vault with the PIN."""
    context, page = tablet.context, tablet.page
    held: list[Any] = []
    context.route("**/api/v1/auth/logout", lambda route: held.append(route))
    ui_log_out(page)
    expect(page.get_by_test_id("login-username")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("login-username")).to_be_visible()
    expect(page.get_by_test_id("pin-unlock-input")).to_have_count(0)


def test_the_app_locks_itself_after_the_servers_window_without_a_touch(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    base_url: str,
    live_server: Any,
    e2e_world: Any,
    tmp_path: Path,
) -> None:
    """PULIH_DEVICE_LOCK_MINUTES without a tap or a key: the vault closes and the PIN reopens
    it; a touch starts the window again. The window is the server's (here 2 minutes, not the
    app's own 15), kept in the vault for unlocks offline."""
    with server_setting(live_server, "DEVICE_LOCK_SECONDS", 120):
        context = open_profile(browser_type, browser_type_launch_args, tmp_path / "t", base_url)
        page = first_page(context)
        log_in_synced(page, e2e_world.counselor)
    page.clock.install()
    page.reload()  # the app's timers now run on the test's clock
    ui_unlock_with_pin(page)
    page.clock.fast_forward("01:30")
    page.keyboard.press("Shift")  # a touch: the window starts again
    page.clock.fast_forward("01:30")
    expect(page.get_by_test_id("menu-open")).to_be_visible()
    page.clock.fast_forward("01:00")
    expect(page.get_by_test_id("pin-unlock-input")).to_be_visible()
    ui_unlock_with_pin(page)
    context.close()


def test_the_pin_reopens_the_app_only_for_the_servers_window_after_the_password(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    base_url: str,
    live_server: Any,
    e2e_world: Any,
    tmp_path: Path,
) -> None:
    """PULIH_DEVICE_PIN_HOURS (here 1 hour, not the app's own 12): a reload within it asks for
    the PIN, a reload after it asks for the password, also offline."""
    with server_setting(live_server, "DEVICE_PIN_SECONDS", 3600):
        context = open_profile(browser_type, browser_type_launch_args, tmp_path / "w", base_url)
        page = first_page(context)
        page.clock.install()
        log_in_synced(page, e2e_world.counselor)
    context.set_offline(True)
    page.clock.fast_forward("50:00")
    page.reload()
    ui_unlock_with_pin(page)
    page.clock.fast_forward("11:00")
    page.reload()
    expect(page.get_by_test_id("login-username")).to_be_visible()
    expect(page.get_by_test_id("pin-unlock-input")).to_have_count(0)
    context.close()
