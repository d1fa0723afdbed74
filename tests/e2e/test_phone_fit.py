"""A counselor's phone (360×640): the screen belongs to the work, and the status tells the truth.

The on-screen keyboard is emulated by shrinking the viewport to 360×360: Android resizes the
visual viewport by about that much when the keyboard opens.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import E2EWorld, LiveServer, ui_log_in, ui_log_out, wait_for_sync
from tests.e2e.staff_support import ApiDevice, new_id
from tests.helpers import change, client_fields

PHONE = {"width": 360, "height": 640}
KEYBOARD_OPEN = {"width": 360, "height": 360}


def seed_clients(live_server: LiveServer, world: E2EWorld, names: list[str]) -> None:
    """Clients of the world's facility, pushed by a tablet of its counselor."""
    tablet = ApiDevice(live_server, world.counselor)
    changes = [
        change("client", new_id(), client_fields(world.facility_id, full_name=n)) for n in names
    ]
    for start in range(0, len(changes), 500):
        results = tablet.push(*changes[start : start + 500])
        assert {r["status"] for r in results} == {"applied"}


def phone(browser: Browser, base_url: str) -> tuple[Any, Page]:
    """A phone-sized browser context and its page."""
    context = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True)
    return context, context.new_page()


def test_phone_search_result_sits_in_the_top_half_with_the_keyboard_open(
    browser: Browser, base_url: str, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    seed_clients(
        live_server, e2e_world, [f"Klien Uji {i:02d}" for i in range(30)] + ["Siti Aminah"]
    )
    context, page = phone(browser, base_url)
    page.goto("/")
    ui_log_in(page, e2e_world.counselor)
    wait_for_sync(page)
    # One line at the top: status, pending count, a sync button; logging out is in the menu.
    expect(page.get_by_test_id("client-row").first).to_be_visible()
    top = page.locator("header.top").bounding_box()
    assert top is not None and top["height"] <= 56, top
    expect(page.get_by_test_id("sync-now")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Navigasi utama").bounding_box()
    assert nav is not None and nav["y"] + nav["height"] == PHONE["height"], nav

    page.set_viewport_size(KEYBOARD_OPEN)
    page.get_by_test_id("client-search").fill("siti")
    first = page.get_by_test_id("client-row").first
    expect(first).to_contain_text("Siti Aminah")
    box = first.bounding_box()
    # In the top half, whole (the old screen put it at y ≈ 550 of 640, under the keyboard).
    assert box is not None and box["y"] < KEYBOARD_OPEN["height"] / 2, box
    assert box["y"] + box["height"] <= KEYBOARD_OPEN["height"], box

    # The details open on a tap; logging out still works, from the menu.
    page.get_by_test_id("status-details-toggle").click()
    expect(page.get_by_test_id("last-sync")).to_be_visible()
    expect(page.get_by_test_id("last-sync")).to_contain_text("Sinkron terakhir:")
    ui_log_out(page)
    expect(page.get_by_test_id("login-username")).to_be_visible()
    context.close()


def test_status_says_the_server_is_unreachable_while_the_phone_has_signal(
    browser: Browser, base_url: str, e2e_world: E2EWorld
) -> None:
    context, page = phone(browser, base_url)
    page.goto("/")
    ui_log_in(page, e2e_world.counselor)
    wait_for_sync(page)
    expect(page.get_by_test_id("online-status")).to_have_attribute("data-online", "1")
    # Signal but no data: every API call fails while navigator.onLine stays true.
    page.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))
    assert page.evaluate("() => navigator.onLine") is True
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("online-status")).to_have_attribute("data-online", "0")
    expect(page.get_by_test_id("online-status")).to_have_text("Tidak terhubung")
    expect(page.get_by_test_id("sync-status")).to_have_text("Server tidak terjangkau")
    expect(page.get_by_test_id("notice")).to_contain_text("Server tidak dapat dihubungi")
    page.unroute("**/api/v1/**")
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("online-status")).to_have_attribute("data-online", "1")
    expect(page.get_by_test_id("sync-status")).to_contain_text("Tersinkron")
    context.close()


def test_first_sync_shows_progress_with_a_total_and_thousands_separators(
    browser: Browser, base_url: str, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    seed_clients(live_server, e2e_world, [f"Klien {i:04d}" for i in range(1200)])
    context, page = phone(browser, base_url)
    # Hold the second page until the bar was read: the first page says what remains.
    held: list[Any] = []

    def hold_second_page(route: Any) -> None:
        if "cursor=" in route.request.url and not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/sync/pull*", hold_second_page)
    page.goto("/")
    ui_log_in(page, e2e_world.counselor)
    bar = page.get_by_test_id("first-sync-progress")
    expect(bar).to_have_attribute("data-total", "1201")  # 1,200 clients and the facility
    expect(bar).to_have_attribute("value", "83")
    expect(page.get_by_test_id("sync-status")).to_have_text("Sinkron pertama 83%")
    page.get_by_test_id("status-details-toggle").click()
    expect(page.get_by_test_id("sync-detail")).to_have_text(
        "Sinkron pertama: 1.000 dari sekitar 1.201 data (83%)"
    )
    held[0].continue_()
    wait_for_sync(page)
    expect(bar).to_have_count(0)
    context.close()
