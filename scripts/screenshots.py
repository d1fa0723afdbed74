"""Screenshots of the counselor app on a small phone (360×740), from the demo province.

Starts Pulih on a free port with the demo data in a temporary SQLite database, logs in as a demo
counselor in Debian's Chromium, and saves PNGs of the main screens into docs/screenshots/.

Run: `.venv/bin/python scripts/screenshots.py` (needs a built PWA: `cd pwa && npm run build`).
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from bench.common import CHROMIUM
from bench.common import CHROMIUM_ARGS as BROWSER_ARGS
from server import create_app
from server.demo import load_demo
from server.demo_data import COUNSELORS, DEMO_PASSWORD
from server.extensions import db

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "pwa" / "dist"
OUT = ROOT / "docs" / "screenshots"
# Date and time inputs as an Indonesian phone shows them.
CHROMIUM_ARGS = [*BROWSER_ARGS, "--lang=id"]
COUNSELOR = COUNSELORS[0][0]


def shoot(page: Page, name: str) -> None:
    """Save what the phone's screen shows, once fonts are ready."""
    page.evaluate("document.fonts.ready")
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", caret="initial")
    print(f"  {path.relative_to(ROOT)}", flush=True)


PIN = "135790"


def set_pin(page: Page) -> None:
    """The PIN a first online login asks for, so that a reload reopens the vault."""
    page.get_by_test_id("pin-setup-input").fill(PIN)
    page.get_by_test_id("pin-setup-again").fill(PIN)
    page.get_by_test_id("pin-setup-submit").click()


def take_screens(page: Page) -> None:
    """Walk a counselor's main screens and save each."""
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.get_by_test_id("login-username").fill(COUNSELOR)
    shoot(page, "01-login")

    page.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    set_pin(page)
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-phase", "ok", timeout=60_000)
    expect(page.get_by_test_id("client-row").first).to_be_visible()
    shoot(page, "02-client-list")

    page.get_by_test_id("client-row").first.get_by_role("link").click()
    expect(page.get_by_test_id("client-page")).to_be_visible()
    expect(page.get_by_test_id("session-row").first).to_be_visible()
    shoot(page, "03-client-page")

    page.context.set_offline(True)
    page.get_by_test_id("session-new").click()
    page.get_by_test_id("session-note-data").fill(
        "Klien datang tepat waktu, tampak tenang. Bercerita tentang kunjungan keluarga minggu lalu."
    )
    page.get_by_test_id("session-note-assessment").fill(
        "Motivasi berhenti meningkat (tahap persiapan). Risiko kambuh sedang."
    )
    page.get_by_test_id("session-note-plan").fill(
        "Latihan menolak tawaran di blok hunian; sesi berikutnya minggu depan."
    )
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-state", "saved")
    page.get_by_test_id("session-attendance").scroll_into_view_if_needed()
    shoot(page, "04-session-form")

    page.get_by_test_id("session-submit").click()
    page.get_by_test_id("session-submit-confirm").click()  # sending asks once
    expect(page.get_by_test_id("client-page")).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")
    # The status bar stays on top (sticky) while the new, unsynced session scrolls into view.
    row = page.get_by_test_id("session-row").filter(has=page.get_by_test_id("pending-badge"))
    row.scroll_into_view_if_needed()
    expect(row).to_be_visible()
    expect(page.locator(".toast")).to_have_count(0, timeout=10_000)
    shoot(page, "05-status-pending")
    page.context.set_offline(False)


def staff_log_in(page: Page, username: str) -> None:
    """Log a supervisor or an admin in on a desktop-sized window."""
    page.goto("/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    set_pin(page)


def take_staff_screens(supervisor: Page, admin: Page) -> dict[int, str]:
    """The review queue, the figures of each demo year, and the admin's device list.

    Returns the rehabilitated total the figures page shows for each year.
    """
    staff_log_in(supervisor, "supervisor")
    expect(supervisor.get_by_test_id("review-total")).to_be_visible(timeout=60_000)
    shoot(supervisor, "06-review-queue")
    supervisor.goto("/#/supervisor/figures")
    totals = {}
    for year in (2021, 2022, 2023):
        supervisor.get_by_test_id("fig-year").select_option(str(year))
        expect(supervisor.get_by_test_id("figures")).to_have_attribute("data-year", str(year))
        totals[year] = supervisor.get_by_test_id("key-rehabilitated").inner_text()
    expect(supervisor.get_by_test_id("chart-rehabilitated")).to_be_visible()
    shoot(supervisor, "07-figures-2023")
    staff_log_in(admin, "admin")
    admin.goto("/#/admin/devices")
    expect(admin.get_by_test_id("device-row").first).to_be_visible(timeout=60_000)
    shoot(admin, "08-admin-devices")
    return totals


def main() -> None:
    """Serve the demo province and take the screenshots."""
    if not (DIST / "index.html").exists():
        raise SystemExit("pwa/dist is missing: run `cd pwa && npm run build` first")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite3'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "shots", "PWA_DIST": DIST})
        with app.app_context():
            from server.cli import upgrade_database

            upgrade_database()
            load_demo()
        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    base_url=f"http://127.0.0.1:{httpd.server_port}",
                    viewport={"width": 360, "height": 740},
                    device_scale_factor=2,
                    is_mobile=True,
                    has_touch=True,
                    locale="id-ID",
                    timezone_id="Asia/Jakarta",
                )
                take_screens(context.new_page())
                context.close()
                desktop = {
                    "viewport": {"width": 1280, "height": 860},
                    "locale": "id-ID",
                    "timezone_id": "Asia/Jakarta",
                    "base_url": f"http://127.0.0.1:{httpd.server_port}",
                }
                supervisor_context = browser.new_context(**desktop)
                admin_context = browser.new_context(**desktop)
                totals = take_staff_screens(supervisor_context.new_page(), admin_context.new_page())
                print("figures page, WBP in rehabilitation:", totals, flush=True)
                supervisor_context.close()
                admin_context.close()
                browser.close()
        finally:
            httpd.shutdown()
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
