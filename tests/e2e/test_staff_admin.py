"""An admin manages devices and users: a revoked tablet wipes itself, a new user can log in, a
deactivated one cannot, and the audit trail filters by action."""

from __future__ import annotations

import uuid

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PASSWORD, E2EWorld, LiveServer
from tests.e2e.staff_support import admin_device_row, browser_device_id, log_in, ui_login

USER_DB_NAMES = "async () => (await indexedDB.databases()).map((d) => d.name)"


def test_revoked_device_wipes_itself_at_its_next_sync(
    browser: Browser, live_server: LiveServer, e2e_world: E2EWorld, base_url: str
) -> None:
    counselor_ctx = browser.new_context(base_url=base_url)
    counselor = counselor_ctx.new_page()
    ui_login(counselor, e2e_world.counselor)
    expect(counselor.get_by_test_id("last-sync")).not_to_have_attribute("data-ms", "")
    device_id = browser_device_id(counselor)
    user_db = f"pulih-{_user_id(live_server, e2e_world.counselor)}"
    assert user_db in counselor.evaluate(USER_DB_NAMES)

    admin_ctx, row = admin_device_row(browser, base_url, e2e_world.admin, device_id)
    expect(row.get_by_test_id("device-user")).to_contain_text(e2e_world.counselor)
    row.get_by_test_id("device-revoke").click()
    # Nothing happens before the confirmation; cancelling leaves the device alone.
    row.get_by_test_id("revoke-cancel").click()
    expect(row.get_by_test_id("revoke-form")).to_have_count(0)
    row.get_by_test_id("device-revoke").click()
    expect(row.get_by_test_id("revoke-reason")).to_be_focused()
    row.get_by_test_id("revoke-reason").fill("Tablet hilang di blok C")
    row.get_by_test_id("revoke-confirm").click()
    expect(row.get_by_test_id("device-revoked")).to_contain_text("Tablet hilang di blok C")

    counselor.get_by_test_id("sync-now").click()
    expect(counselor.get_by_test_id("revoked-message")).to_be_visible()
    counselor.wait_for_function(
        f"async () => !(await indexedDB.databases()).some((d) => d.name === '{user_db}')"
    )
    admin_ctx.close()
    counselor_ctx.close()


def _user_id(live_server: LiveServer, username: str) -> str:
    status, body = log_in(live_server, username, PASSWORD, str(uuid.uuid4()), "id lookup")
    assert status == 200, body
    return str(body["user"]["id"])


def _can_log_in(live_server: LiveServer, username: str, password: str) -> int:
    status, _ = log_in(live_server, username, password, str(uuid.uuid4()), "login check")
    return status


def test_admin_creates_a_counselor_and_deactivates_them(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    username = f"konselor.{uuid.uuid4().hex[:6]}"
    ui_login(page, e2e_world.admin)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("tab-users").click()
    page.get_by_test_id("user-new").click()
    form = page.get_by_test_id("user-new-form")
    form.get_by_test_id("user-username").fill(username)
    form.get_by_test_id("user-display-name").fill("Rina Konselor")
    form.get_by_test_id("user-password").fill("pendek")
    form.get_by_test_id("user-facilities").get_by_label(
        f"{e2e_world.facility_code} — ", exact=False
    ).check()
    form.get_by_test_id("user-save").click()
    expect(form.get_by_test_id("user-new-password-error")).to_be_visible()
    form.get_by_test_id("user-password").fill("kata-sandi-baru-77")
    form.get_by_test_id("user-save").click()

    row = page.locator(f'[data-testid="user-row"][data-username="{username}"]')
    expect(row).to_contain_text(e2e_world.facility_code)
    assert _can_log_in(live_server, username, "kata-sandi-baru-77") == 200

    row.get_by_test_id("user-deactivate").click()
    expect(row.get_by_test_id("user-active")).to_have_text("Nonaktif")
    # "Sesi" is a counseling session in Pulih: a login that ends is said otherwise.
    expect(page.get_by_test_id("notice")).to_have_text(
        f"Pengguna {username} dinonaktifkan dan dikeluarkan dari semua perangkat."
    )
    assert _can_log_in(live_server, username, "kata-sandi-baru-77") == 401


def test_audit_trail_filters_by_action(page: Page, e2e_world: E2EWorld) -> None:
    ui_login(page, e2e_world.admin)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("tab-audit").click()
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    with page.expect_response(
        lambda r: "/api/v1/admin/audit?" in r.url and "action=login" in r.url
    ):
        page.get_by_test_id("audit-action").select_option("login")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#/admin/audit?action=login")
    expect(page.locator('[data-testid="audit-row"]:not([data-action="login"])')).to_have_count(0)
    expect(page.locator('[data-testid="audit-row"][data-action="login"]').first).to_be_visible()


def test_an_admin_revoking_their_own_device_is_asked_to_confirm(
    page: Page, e2e_world: E2EWorld
) -> None:
    ui_login(page, e2e_world.admin)
    own = browser_device_id(page)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("tab-devices").click()
    row = page.locator(f'[data-testid="device-row"][data-id="{own}"]')
    row.get_by_test_id("device-revoke").click()
    expect(row.get_by_test_id("revoke-own")).to_be_visible()
    expect(row.get_by_test_id("revoke-confirm")).to_be_disabled()
    row.get_by_test_id("revoke-own-ack").check()
    expect(row.get_by_test_id("revoke-confirm")).to_be_enabled()
    row.get_by_test_id("revoke-cancel").click()
    expect(row.get_by_test_id("revoke-form")).to_have_count(0)
