"""The login form against the real server: nothing typed is lost, and every answer keeps its
meaning (only a request that got no answer says the server cannot be reached)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.e2e.conftest import (
    api_login,
    api_post,
    finish_login,
    ui_log_in,
    wait_for_controller,
    wait_for_sync,
)
from tests.e2e.staff_support import browser_device_id


def ui_log_in_at_home(page: Page, username: str) -> None:
    page.goto("/")
    ui_log_in(page, username)


UNREACHABLE = "tidak dapat dihubungi"


def test_text_typed_while_the_app_starts_is_kept(page: Page, e2e_world: Any) -> None:
    page.goto("/")
    # Typed at once, while the service worker installs and claims the page.
    page.get_by_test_id("login-username").fill(e2e_world.counselor)
    page.get_by_test_id("login-password").fill(e2e_world.password)
    wait_for_controller(page)
    expect(page.get_by_test_id("login-username")).to_have_value(e2e_world.counselor)
    expect(page.get_by_test_id("login-password")).to_have_value(e2e_world.password)
    page.get_by_test_id("login-submit").click()
    finish_login(page)
    expect(page.get_by_test_id("client-search")).to_be_visible()


def test_a_wrong_password_says_so(page: Page, e2e_world: Any) -> None:
    page.goto("/")
    page.get_by_test_id("login-username").fill(e2e_world.counselor2)
    page.get_by_test_id("login-password").fill("bukan-kata-sandinya")
    with page.expect_response("**/api/v1/auth/login") as answer:
        page.get_by_test_id("login-submit").click()
    assert answer.value.status == 401
    expect(page.get_by_test_id("login-error")).to_have_text("Nama pengguna atau kata sandi salah.")
    expect(page.get_by_test_id("login-username")).to_have_value(e2e_world.counselor2)


def test_input_the_server_refuses_shows_its_field_errors(page: Page) -> None:
    page.goto("/")
    page.get_by_test_id("login-username").fill("u" * 61)
    page.get_by_test_id("login-password").fill("apa-saja")
    with page.expect_response("**/api/v1/auth/login") as answer:
        page.get_by_test_id("login-submit").click()
    assert answer.value.status == 422
    expect(page.get_by_test_id("login-error")).to_have_text("Periksa isian yang ditandai.")
    expect(page.get_by_test_id("login-username-error")).to_contain_text("60")
    expect(page.get_by_test_id("login-username")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text(UNREACHABLE)).to_have_count(0)


def test_empty_fields_are_marked_without_asking_the_server(page: Page) -> None:
    page.goto("/")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/" in r.url else None)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-username-error")).to_have_text("Wajib diisi.")
    expect(page.get_by_test_id("login-password-error")).to_have_text("Wajib diisi.")
    assert requests == []


def test_a_first_login_without_signal_says_what_to_do(
    page: Page, context: BrowserContext, e2e_world: Any
) -> None:
    page.goto("/")
    wait_for_controller(page)
    context.set_offline(True)
    page.get_by_test_id("login-username").fill(e2e_world.counselor)
    page.get_by_test_id("login-password").fill(e2e_world.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text(
        "belum pernah masuk di perangkat ini"
    )


def test_a_fresh_login_never_opens_on_the_expired_login_page(page: Page, e2e_world: Any) -> None:
    # The tab was closed on "Masuk lagi"; the counselor opens it again and logs in.
    page.goto("/#/relogin")
    ui_log_in(page, e2e_world.counselor)
    expect(page.get_by_test_id("client-search")).to_be_visible()
    expect(page.get_by_text("Sesi habis")).to_have_count(0)
    expect(page.get_by_test_id("relogin-password")).to_have_count(0)


def test_a_revoked_phone_offers_no_offline_login(
    page: Page, live_server: Any, e2e_world: Any
) -> None:
    ui_log_in_at_home(page, e2e_world.counselor)
    device_id = browser_device_id(page)
    # The first sync starts by itself after login: revoked while it ran, the phone would learn
    # it there and not from the click below (the next test covers that).
    wait_for_sync(page)
    admin = api_login(live_server, e2e_world.admin)
    api_post(live_server, f"/api/v1/admin/devices/{device_id}/revoke", {"reason": None}, admin)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("revoked-message")).to_be_visible()
    expect(page.get_by_text("Anda tetap bisa masuk")).to_have_count(0)


def test_a_phone_revoked_during_its_first_sync_shows_why(
    page: Page, live_server: Any, e2e_world: Any
) -> None:
    admin = api_login(live_server, e2e_world.admin)
    device: dict[str, str] = {}
    page.on(
        "request",
        lambda r: (
            device.setdefault("id", r.post_data_json["device_id"])
            if r.url.endswith("/api/v1/auth/login")
            else None
        ),
    )
    revoked: list[bool] = []

    def revoke_then_pull(route: Route) -> None:
        # The first sync's pull is on its way when the admin revokes the phone.
        if not revoked:
            path = f"/api/v1/admin/devices/{device['id']}/revoke"
            api_post(live_server, path, {"reason": "Hilang"}, admin)
            revoked.append(True)
        route.continue_()

    page.route("**/api/v1/sync/pull*", revoke_then_pull)
    ui_log_in_at_home(page, e2e_world.counselor)
    expect(page.get_by_test_id("revoked-message")).to_be_visible()
    expect(page.get_by_test_id("revoked-message")).to_contain_text("Hilang")
    expect(page.get_by_text("Anda tetap bisa masuk")).to_have_count(0)


def test_the_first_sync_asks_for_the_next_page_by_the_answers_headers(
    page: Page, e2e_world: Any
) -> None:
    """Pulling ahead in the browser (docs/protocol.md): the app reads the headers of a pull answer
    through the real fetch, asks for the page they name, and when the body says otherwise (here
    it is the last page) drops that request, its failure included, and the sync ends well."""
    asked: list[str] = []

    def promise_one_more(route: Route) -> None:
        asked.append(route.request.url)
        if "cursor=" in route.request.url:
            route.continue_()
            return
        answer = route.fetch()
        headers = {**answer.headers, "pulih-cursor": "ahead-marker", "pulih-has-more": "true"}
        route.fulfill(response=answer, headers=headers)

    page.route("**/api/v1/sync/pull*", promise_one_more)
    ui_log_in_at_home(page, e2e_world.counselor)
    wait_for_sync(page)
    assert any("cursor=ahead-marker" in url for url in asked), asked
