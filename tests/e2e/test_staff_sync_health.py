"""Sync health in the browser: a supervisor sees which tablet has gone silent with work on it."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from server.extensions import db
from server.models import Device
from server.models.common import utcnow
from tests.e2e.conftest import E2EWorld, LiveServer
from tests.e2e.staff_support import ApiDevice, ui_login


def test_a_supervisor_sees_a_silent_tablet_first_with_its_waiting_work(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    quiet = ApiDevice(live_server, e2e_world.counselor)
    quiet.call(
        "POST",
        "/api/v1/sync/push",
        {
            "device_id": quiet.device_id,
            "changes": [],
            "pending_count": 7,
            "oldest_pending_at": (utcnow() - timedelta(days=6)).isoformat(),
            "storage_persisted": False,
            "clock": f"{int((utcnow() + timedelta(hours=2)).timestamp() * 1000)}-0000-x",
        },
    )
    ApiDevice(live_server, e2e_world.counselor2)
    with live_server.app.app_context():
        db.session.get(Device, quiet.device_id).last_seen_at = utcnow() - timedelta(days=5)
        db.session.commit()

    ui_login(page, e2e_world.supervisor)
    page.goto("/#/supervisor/sync")
    facility = page.locator(
        f'[data-testid="health-facility"][data-code="{e2e_world.facility_code}"]'
    )
    first = facility.get_by_test_id("health-device").first
    expect(first).to_have_attribute("data-id", quiet.device_id)
    expect(first.get_by_test_id("health-silent")).to_be_visible()
    expect(first).to_contain_text("7, yang tertua 6 hari lalu")
    expect(first).to_contain_text("Lebih cepat 2 jam")
    expect(first).to_contain_text("Bisa dihapus browser")
    expect(page.get_by_test_id("health-totals")).to_contain_text("7 perubahan menunggu")


def test_the_devices_page_flags_a_tablet_whose_clock_is_off(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    fast = ApiDevice(live_server, e2e_world.counselor)
    clock = int((utcnow() + timedelta(hours=3)).timestamp() * 1000)
    fast.call(
        "POST",
        "/api/v1/sync/push",
        {"device_id": fast.device_id, "changes": [], "clock": f"{clock}-0000-x"},
    )
    right = ApiDevice(live_server, e2e_world.counselor2)
    clock = int(utcnow().timestamp() * 1000)
    right.call(
        "POST",
        "/api/v1/sync/push",
        {"device_id": right.device_id, "changes": [], "clock": f"{clock}-0000-y"},
    )
    ui_login(page, e2e_world.admin)
    page.goto("/#/admin/devices")
    row = page.locator(f'[data-testid="device-row"][data-id="{fast.device_id}"]')
    expect(row.get_by_test_id("device-clock")).to_contain_text("Lebih cepat 3 jam")
    other = page.locator(f'[data-testid="device-row"][data-id="{right.device_id}"]')
    expect(other).to_be_visible()
    expect(other.get_by_test_id("device-clock")).to_have_count(0)
