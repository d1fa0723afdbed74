"""axe-core finds no accessibility violations on the screens people use every day.

axe-core comes from npm (pwa/node_modules, a devDependency) and is loaded into the page by the
test; the context bypasses the app's CSP only so that this test script can be injected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import E2EWorld, LiveServer, ui_log_in, wait_for_sync
from tests.e2e.staff_support import ApiDevice, new_id, submitted_session, ui_login
from tests.helpers import change, client_fields

AXE = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  }));
}"""


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return found


def assert_clean(page: Page, screen: str) -> None:
    found = violations(page)
    assert found == [], f"{screen}: {json.dumps(found, indent=1)}"


@pytest.mark.parametrize(
    "viewport", [{"width": 360, "height": 640}, {"width": 1280, "height": 800}]
)
def test_counselor_screens_have_no_axe_violations(
    browser: Browser,
    base_url: str,
    live_server: LiveServer,
    e2e_world: E2EWorld,
    viewport: dict[str, int],
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: cd pwa && npm ci")
    tablet = ApiDevice(live_server, e2e_world.counselor)
    client_id = new_id()
    tablet.push(change("client", client_id, client_fields(e2e_world.facility_id, full_name="Siti")))
    context = browser.new_context(base_url=base_url, viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_test_id("login-username")).to_be_visible()
    assert_clean(page, "login")
    ui_log_in(page, e2e_world.counselor)
    wait_for_sync(page)
    expect(page.get_by_test_id("client-row")).to_have_count(1)
    assert_clean(page, "client list")
    page.get_by_test_id("status-details-toggle").click()
    assert_clean(page, "status details")
    page.goto(f"/#/clients/{client_id}")
    expect(page.get_by_test_id("client-page")).to_be_visible()
    assert_clean(page, "client page")
    page.get_by_test_id("session-new").click()
    expect(page.get_by_test_id("session-note-data")).to_be_visible()
    assert_clean(page, "session form")
    page.get_by_test_id("nav-group").click()
    page.get_by_test_id("participant-search").fill("Siti")
    expect(page.get_by_test_id("participant-match")).to_have_count(1)
    assert_clean(page, "group session")
    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("device-label")).to_be_visible()
    assert_clean(page, "settings")
    context.close()


def test_staff_screens_have_no_axe_violations(
    browser: Browser, base_url: str, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    _, session_id = submitted_session(tablet, e2e_world.facility_id)
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    page = context.new_page()
    ui_login(page, e2e_world.supervisor)
    expect(page.get_by_test_id("review-row")).to_have_count(1)
    assert_clean(page, "review queue")
    page.get_by_test_id("review-open").click()
    expect(page.get_by_test_id("rs-note_data")).to_be_visible()
    assert_clean(page, "review page")
    page.goto("/#/supervisor/figures")
    expect(page.get_by_test_id("key-sessions")).to_be_visible()
    assert_clean(page, "figures")
    context.close()
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    page = context.new_page()
    ui_login(page, e2e_world.admin)
    expect(
        page.get_by_test_id("conflict-list").or_(page.get_by_test_id("conflict-empty"))
    ).to_be_visible()
    assert_clean(page, "conflict inbox")
    page.goto("/#/admin/devices")
    expect(page.get_by_test_id("device-row").first).to_be_visible()
    assert_clean(page, "devices")
    page.goto("/#/admin/users")
    expect(page.get_by_test_id("user-row").first).to_be_visible()
    assert_clean(page, "users")
    context.close()
