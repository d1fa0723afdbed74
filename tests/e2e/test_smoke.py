"""The app shell loads from the real server and a counselor logs in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import finish_login


def test_counselor_logs_in_and_sees_the_client_list(page: Page, e2e_world) -> None:
    page.goto("/")
    page.get_by_test_id("login-username").fill(e2e_world.counselor)
    page.get_by_test_id("login-password").fill(e2e_world.password)
    page.get_by_test_id("login-submit").click()
    finish_login(page)
    expect(page.get_by_test_id("client-search")).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
