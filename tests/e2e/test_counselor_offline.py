"""Issue #4: a counselor's offline day, end to end, against the real server.

Log in online; lose the signal; reload (the shell comes from the service worker); register a
client and log 20 sessions through the forms; close the browser and open it again, still
offline; get the signal back: every change reaches the server exactly once.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserType, expect
from sqlalchemy import select

from server.extensions import db
from server.models import ChangeLog
from tests.e2e.conftest import (
    PushLog,
    api_get,
    api_login,
    first_page,
    go_offline,
    log_in_synced,
    open_profile,
    ui_log_session,
    ui_register_client,
    ui_unlock_with_pin,
)

SESSIONS = 20


def dap(i: int) -> tuple[str, str, str]:
    return (
        f"Sesi {i}: klien hadir tepat waktu, kooperatif.",
        f"Sesi {i}: motivasi berhenti meningkat; risiko kambuh sedang.",
        f"Sesi {i}: latihan menolak tawaran; temui lagi minggu depan.",
    )


def test_offline_day_reaches_the_server_exactly_once(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    base_url: str,
    live_server: Any,
    e2e_world: Any,
    tmp_path: Path,
) -> None:
    profile = tmp_path / "tablet"
    context = open_profile(browser_type, browser_type_launch_args, profile, base_url)
    pushes = PushLog(context)
    page = first_page(context)
    log_in_synced(page, e2e_world.counselor)

    go_offline(context, page)
    response = page.reload()
    assert response is not None and response.from_service_worker
    ui_unlock_with_pin(page)  # offline: the PIN set after the first login reopens the vault

    client_id = ui_register_client(page, "REG-2024-001", "Budi Santoso")
    for i in range(1, SESSIONS + 1):
        ui_log_session(page, dap(i))
        expect(page.get_by_test_id("session-row")).to_have_count(i)
    pending = page.get_by_test_id("pending-count")
    expect(pending).to_have_attribute("data-count", str(1 + SESSIONS))
    expect(pending).to_have_text(f"{1 + SESSIONS} belum tersinkron")
    expect(page.get_by_test_id("last-sync")).to_contain_text("Sinkron terakhir:")
    expect(page.get_by_test_id("sync-status")).to_contain_text("Tidak ada sinyal")
    context.close()

    # The next morning: the browser starts again, still without a signal.
    context = open_profile(browser_type, browser_type_launch_args, profile, base_url, offline=True)
    pushes = PushLog(context)
    page = first_page(context)
    response = page.goto("/")
    assert response is not None and response.from_service_worker
    ui_unlock_with_pin(page)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", str(1 + SESSIONS))
    page.get_by_role("link", name="Budi Santoso").click()
    expect(page.get_by_test_id("session-row")).to_have_count(SESSIONS)
    before = page.get_by_test_id("last-sync").get_attribute("data-ms")

    context.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    expect(page.get_by_test_id("pending-badge")).to_have_count(0)
    expect(page.get_by_test_id("last-sync")).not_to_have_attribute("data-ms", before or "")
    assert pushes.rejected() == []
    assert pushes.statuses() == {"applied": 1 + SESSIONS}
    context.close()

    # The server holds the client once and its 20 sessions once, with their notes.
    headers = api_login(live_server, e2e_world.supervisor)
    pulled = api_get(live_server, "/api/v1/sync/pull?limit=1000", headers)["changes"]
    clients = [c for c in pulled if c["entity"] == "client"]
    sessions = [c for c in pulled if c["entity"] == "session"]
    assert [c["id"] for c in clients] == [client_id]
    assert len(sessions) == SESSIONS
    assert {s["record"]["client_id"] for s in sessions} == {client_id}
    assert sorted(s["record"]["note_plan"] for s in sessions) == sorted(
        dap(i)[2] for i in range(1, SESSIONS + 1)
    )
    assert {s["record"]["status"] for s in sessions} == {"submitted"}
    # Each change the tablet made is in the change log once, with the record it made.
    with live_server.app.app_context():
        rows = db.session.execute(
            select(ChangeLog.change_id, ChangeLog.entity, ChangeLog.record_id).where(
                ChangeLog.facility_id == e2e_world.facility_id, ChangeLog.source == "device"
            )
        ).all()
    assert Counter(r.change_id for r in rows).most_common(1)[0][1] == 1
    assert {r.change_id for r in rows} == {r["change_id"] for r in pushes.results}
    assert Counter(r.entity for r in rows) == Counter(client=1, session=SESSIONS)
    assert {r.record_id for r in rows} == {client_id} | {s["id"] for s in sessions}


# The screens a counselor opens, each a chunk loaded on first use (pwa/src/client/routes.ts).
LAZY_SCREENS = ("ClientPage", "ClientForm", "SessionForm", "Tasks", "Settings", "TakeInstrument")


def test_every_counselor_screen_opens_offline_after_a_restart(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    base_url: str,
    e2e_world: Any,
    tmp_path: Path,
) -> None:
    profile = tmp_path / "tablet"
    context = open_profile(browser_type, browser_type_launch_args, profile, base_url)
    page = first_page(context)
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # Installed, before any screen was opened: the lazily loaded screens are precached already.
    cached = page.evaluate(
        """async () => {
          const names = (await caches.keys()).filter((n) => n.startsWith('pulih-shell-'));
          const cache = await caches.open(names[0]);
          return (await cache.keys()).map((r) => new URL(r.url).pathname);
        }"""
    )
    for screen in LAZY_SCREENS:
        assert any(p.startswith(f"/assets/{screen}-") for p in cached), (screen, cached)
    log_in_synced(page, e2e_world.counselor)
    context.close()

    # The browser starts again without a signal: no module is in memory, every chunk comes from
    # the service worker's cache.
    context = open_profile(browser_type, browser_type_launch_args, profile, base_url, offline=True)
    page = first_page(context)
    response = page.goto("/")
    assert response is not None and response.from_service_worker
    ui_unlock_with_pin(page)
    client_id = ui_register_client(page, "REG-2024-077", "Siti Aminah")
    expect(page.get_by_test_id("instruments")).to_be_visible()
    page.locator("[data-testid^=instr-start-]").first.click()
    expect(page.get_by_test_id("instrument")).to_be_visible()
    for path, shown in (
        (f"/clients/{client_id}/sessions/new", "[data-testid=session-note-plan]"),
        (f"/clients/{client_id}/enroll", "#enroll-h"),
        ("/group/new", "[data-testid=participants]"),
        ("/tasks", "#tasks-h"),
        ("/settings", "[data-testid=settings-user]"),
    ):
        page.evaluate("(path) => { location.hash = '#' + path; }", path)
        expect(page.locator(shown)).to_be_visible()
    expect(page.get_by_test_id("staff-error")).to_have_count(0)
    context.close()
