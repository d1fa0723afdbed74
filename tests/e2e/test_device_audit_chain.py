"""Issue #9, point 8, in the browser: the tablet's audit chain reaches the server with its sync,
admins see who opened which record offline (with the device), and a chain altered on its way —
an entry changed, its hash kept — is flagged on the admin's devices page.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from playwright.sync_api import Browser, Route, expect
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Device
from tests.e2e.conftest import last_sync_ms, open_tablet, ui_register_client, wait_for_sync_after
from tests.e2e.staff_support import admin_device_row, browser_device_id


def chain_events(live_server: Any, device_id: str) -> list[tuple[str, str | None, str]]:
    with live_server.app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.device_id == device_id, AuditEvent.action.like("device_%"))
            .order_by(AuditEvent.id)
        ).all()
        out = [(e.action, e.record_id, e.detail.get("chain")) for e in rows]
        db.session.remove()
    return out


def chain_flag(live_server: Any, device_id: str) -> str | None:
    with live_server.app.app_context():
        device = db.session.get(Device, device_id)
        flag = device.audit_chain if device else None
        db.session.remove()
    return flag


def test_a_tampered_audit_chain_is_flagged_on_the_devices_page(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor)
    before = last_sync_ms(page)
    client_id = ui_register_client(page, "REG-AUDIT-01", "Bayu Dibaca")
    wait_for_sync_after(page, before)
    device_id = browser_device_id(page)

    # The chain so far goes intact: the unlock, the edit and each opening of the record.
    def sends_read(response: Any) -> bool:
        if not response.url.endswith("/api/v1/sync/audit"):
            return False
        entries = response.request.post_data_json["entries"]
        return any(e["action"] == "read" and e["record_id"] == client_id for e in entries)

    with page.expect_response(sends_read) as answered:
        page.get_by_test_id("nav-clients").click()
        page.get_by_role("link", name="Bayu Dibaca").click()
        expect(page.get_by_test_id("client-name")).to_have_text("Bayu Dibaca")
        page.get_by_test_id("sync-now").click()
    assert answered.value.ok
    events = chain_events(live_server, device_id)
    assert ("device_unlock", None, "ok") in events
    assert ("device_edit", client_id, "ok") in events
    assert ("device_read", client_id, "ok") in events
    assert chain_flag(live_server, device_id) is None

    # Someone alters the chain: the next opening of the record is sent as one of another
    # record, its hash left as it was.
    decoy = str(uuid.uuid4())
    tampered: list[int] = []

    def tamper(route: Route) -> None:
        body = route.request.post_data_json
        for entry in body["entries"]:
            if entry["action"] == "read":
                entry["record_id"] = decoy
                tampered.append(entry["n"])
        route.continue_(post_data=json.dumps(body))

    page.route("**/api/v1/sync/audit", tamper)
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/sync/audit") and bool(tampered)
    ) as answered:
        page.get_by_test_id("nav-clients").click()
        page.get_by_role("link", name="Bayu Dibaca").click()
        expect(page.get_by_test_id("client-name")).to_have_text("Bayu Dibaca")
        page.get_by_test_id("sync-now").click()
    assert answered.value.json()["flag"] == "broken"
    assert chain_flag(live_server, device_id) == "broken"
    assert ("device_read", decoy, "broken") in chain_events(live_server, device_id)
    context.close()

    # The admin's devices page says so, in words.
    admin, row = admin_device_row(browser, base_url, e2e_world.admin, device_id)
    flag = row.get_by_test_id("device-audit-chain")
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("Rantai catatan rusak")
    # And the audit page lists who opened the record offline, from which device.
    page = admin.pages[0]
    page.get_by_test_id("tab-audit").click()
    page.locator("select").filter(has=page.locator('option[value="device_read"]')).select_option(
        "device_read"
    )
    rows = page.get_by_test_id("audit-row").filter(has=page.get_by_test_id("audit-device"))
    expect(rows.first).to_be_visible()
    expect(rows.first).to_contain_text(device_id[:8])
    expect(rows.first).to_contain_text(e2e_world.counselor)
    admin.close()
