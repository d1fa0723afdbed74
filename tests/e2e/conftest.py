"""Browser tests: the real server on a free port, Debian's Chromium driven by pytest-playwright.

The server runs in a thread with its own SQLite database (or PostgreSQL when
PULIH_E2E_BACKEND=postgresql) and serves the built PWA from pwa/dist (`make test` builds it).
Each test makes its own facility and users through `e2e_world`, so tests never share records.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

import server.security
from bench.common import CHROMIUM, CHROMIUM_ARGS
from server import create_app
from server.extensions import db
from server.services.facilities import add_facility
from server.services.unit import unit_of_work
from server.services.users import add_user

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "kata-sandi-uji-42"
PIN = "135790"

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test runs in one xdist worker: one live server, one Chromium at a time."""
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("e2e"))
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is required: apt-get install -y chromium (make test does it)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@dataclass
class LiveServer:
    """The running server: its URL and its Flask app (for checks through the database)."""

    url: str
    app: Any


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Pulih on 127.0.0.1 and a free port, serving the built PWA."""
    dist = ROOT / "pwa" / "dist"
    if not (dist / "index.html").exists():
        pytest.fail("pwa/dist is missing: run `make test` (it builds the PWA first)")
    server.security._hasher = server.security.PasswordHasher(
        time_cost=1, memory_cost=1024, parallelism=1
    )
    backend = os.environ.get("PULIH_E2E_BACKEND", "sqlite")
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'pulih.sqlite3'}"
        created = None
    else:
        from tests.conftest import _create_pg_database

        created, url = _create_pg_database()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "e2e", "PWA_DIST": dist})
    with app.app_context():
        from server.cli import upgrade_database

        upgrade_database()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{httpd.server_port}", app=app)
    httpd.shutdown()
    with app.app_context():
        db.engine.dispose()
    if created:
        from tests.conftest import _drop_pg_database

        _drop_pg_database(created)


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-playwright's base URL: page.goto('/') opens the app."""
    return live_server.url


@dataclass
class E2EWorld:
    """A fresh facility with two counselors, a supervisor and an admin of it."""

    facility_id: str
    facility_code: str
    counselor: str
    counselor2: str
    supervisor: str
    admin: str
    password: str = PASSWORD


@pytest.fixture
def e2e_world(live_server: LiveServer) -> E2EWorld:
    """Users and a facility that belong to this test alone."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context(), unit_of_work():
        facility = add_facility(
            code=f"E2E-{tag}",
            name=f"Lapas Uji {tag}",
            kind="lapas",
            region="Sumatera Selatan",
            timezone="WIB",
        )
        names = {}
        for role, key in (
            ("counselor", "counselor"),
            ("counselor", "counselor2"),
            ("supervisor", "supervisor"),
            ("admin", "admin"),
        ):
            username = f"{key}.{tag}"
            add_user(
                username=username,
                role=role,
                password=PASSWORD,
                display_name=f"{key.title()} {tag}",
                facility_codes=[] if role == "admin" else [facility.code],
            )
            names[key] = username
        return E2EWorld(facility_id=facility.id, facility_code=facility.code, **names)


def api_login(live_server: LiveServer, username: str) -> dict[str, str]:
    """Log in through the API (a device of the test itself) and return auth headers."""
    import json
    import urllib.request

    body = json.dumps(
        {
            "username": username,
            "password": PASSWORD,
            "device_id": str(uuid.uuid4()),
            "device_name": "e2e checker",
        }
    ).encode()
    request = urllib.request.Request(
        live_server.url + "/api/v1/auth/login",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        token = json.loads(response.read())["access_token"]
    return {"Authorization": f"Bearer {token}"}


def api_get(live_server: LiveServer, path: str, headers: dict[str, str]) -> Any:
    """GET an API path as JSON."""
    import json
    import urllib.request

    request = urllib.request.Request(live_server.url + path, headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


# --- Counselor PWA helpers (tests/e2e/test_counselor_*.py) ---------------------------------------


class PushLog:
    """Every push answer a browser context received, so a test can prove none was rejected."""

    def __init__(self, context: Any) -> None:
        self.responses: list[Any] = []
        self._read: list[list[dict[str, Any]]] = []
        context.on("response", self._on_response)

    def _on_response(self, response: Any) -> None:
        # Only kept here: reading the body from inside an event handler is not reliable.
        if response.url.endswith("/api/v1/sync/push"):
            self.responses.append(response)

    @property
    def results(self) -> list[dict[str, Any]]:
        """Every result of every push answered so far, in order (read them before closing)."""
        for response in self.responses[len(self._read) :]:
            self._read.append(response.json()["results"])
        return [r for results in self._read for r in results]

    def statuses(self) -> dict[str, int]:
        """How many results of each status (applied, merged, conflict, rejected)."""
        counts: dict[str, int] = {}
        for result in self.results:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        return counts

    def rejected(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] == "rejected"]


@contextmanager
def server_setting(live_server: LiveServer, key: str, value: Any) -> Iterator[None]:
    """The live server runs with one setting changed (a deployment's own window, say) until the
    block ends; the shared server then gets its value back for the next test."""
    config = live_server.app.config
    saved = config[key]
    config[key] = value
    try:
        yield
    finally:
        config[key] = saved


def open_profile(
    browser_type: Any,
    launch_args: dict[str, Any],
    profile: Path,
    base_url: str,
    *,
    offline: bool = False,
) -> Any:
    """A browser with a profile on disk: IndexedDB and the service worker survive a restart."""
    return browser_type.launch_persistent_context(
        str(profile), **launch_args, base_url=base_url, offline=offline
    )


def first_page(context: Any) -> Any:
    """The page a persistent context opens with, or a new one."""
    return context.pages[0] if context.pages else context.new_page()


def log_in_synced(page: Any, username: str) -> None:
    """Open the app, log in online, wait for a full sync and for the service worker."""
    page.goto("/")
    ui_log_in(page, username)
    wait_for_sync(page)
    wait_for_controller(page)


def ui_log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Type the credentials into the login form and wait for the logged-in shell."""
    from playwright.sync_api import expect

    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    finish_login(page)
    expect(page.get_by_test_id("sync-status")).to_be_visible()


def ui_log_out(page: Any) -> None:
    """Log out through the menu (it is out of the main bar)."""
    page.get_by_test_id("menu-open").click()
    page.get_by_test_id("logout").click()


def ui_unlock_with_pin(page: Any, pin: str = PIN) -> None:
    """After a reload or a restart: the app asks for the PIN; type it and wait for the shell."""
    from playwright.sync_api import expect

    page.get_by_test_id("pin-unlock-input").fill(pin)
    page.get_by_test_id("pin-unlock-submit").click()
    expect(page.get_by_test_id("menu-open")).to_be_visible()


def finish_login(page: Any, pin: str = PIN) -> None:
    """After "Masuk": an online login without a PIN asks for one first; set it (the vault)."""
    from playwright.sync_api import expect

    setup = page.get_by_test_id("pin-setup")
    expect(setup.or_(page.get_by_test_id("menu-open"))).to_be_visible()
    if setup.is_visible():
        page.get_by_test_id("pin-setup-input").fill(pin)
        page.get_by_test_id("pin-setup-again").fill(pin)
        page.get_by_test_id("pin-setup-submit").click()
        expect(page.get_by_test_id("menu-open")).to_be_visible()


def wait_for_sync(page: Any) -> None:
    """Wait until a sync run finished well and the status bar shows its time."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("last-sync")).not_to_have_attribute("data-ms", "")
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-phase", "ok")


def last_sync_ms(page: Any) -> str:
    """The status bar's last-sync time (epoch ms as text; empty before the first sync)."""
    return page.get_by_test_id("last-sync").get_attribute("data-ms") or ""


def wait_for_sync_after(page: Any, before_ms: str) -> None:
    """Wait until a sync finished after `before_ms` and nothing is left to push.

    The pending count alone can read 0 before a fresh edit is even counted; a new last-sync
    time with an empty outbox cannot.
    """
    from playwright.sync_api import expect

    expect(page.get_by_test_id("last-sync")).not_to_have_attribute("data-ms", before_ms)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")


def wait_for_controller(page: Any) -> None:
    """The service worker controls the page (clients.claim), so an offline reload works."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def go_offline(context: Any, page: Any) -> None:
    """Cut the device's network and wait until the app says it has no signal."""
    from playwright.sync_api import expect

    context.set_offline(True)
    expect(page.get_by_test_id("online-status")).to_have_attribute("data-online", "0")


def synced_phone(browser: Any, base_url: str, username: str, **context_args: Any) -> Any:
    """A counselor's phone logged in, synced, and controlled by its service worker (so it works
    offline): (its context, its page, the log of its pushes)."""
    phone = browser.new_context(base_url=base_url, **context_args)
    pushes = PushLog(phone)
    page = phone.new_page()
    page.goto("/")
    ui_log_in(page, username)
    wait_for_sync(page)
    wait_for_controller(page)
    return phone, page, pushes


def api_post(live_server: LiveServer, path: str, body: Any, headers: dict[str, str]) -> Any:
    """POST JSON to an API path and return the JSON answer."""
    import json
    import urllib.request

    request = urllib.request.Request(
        live_server.url + path,
        data=json.dumps(body).encode(),
        headers={**headers, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def ui_register_client(page: Any, number: str, name: str) -> str:
    """Fill the new-client form; returns the new client's id from the URL."""
    from playwright.sync_api import expect

    page.get_by_test_id("nav-clients").click()
    page.get_by_test_id("new-client").click()
    page.get_by_test_id("client-registration_number").fill(number)
    page.get_by_test_id("client-full_name").fill(name)
    page.get_by_test_id("client-sex").select_option("M")
    page.get_by_test_id("client-case_type").select_option("user")
    page.get_by_test_id("client-birth_date").fill("1990-05-17")
    page.get_by_test_id("client-save").click()
    expect(page.get_by_test_id("client-name")).to_have_text(name)
    return str(page.url.rsplit("/", 1)[-1])


def ui_log_session(page: Any, notes: tuple[str, str, str]) -> None:
    """From a client's page, log one individual session with a DAP note and submit it."""
    from playwright.sync_api import expect

    page.get_by_test_id("session-new").click()
    page.get_by_test_id("session-note-data").fill(notes[0])
    page.get_by_test_id("session-note-assessment").fill(notes[1])
    page.get_by_test_id("session-note-plan").fill(notes[2])
    ui_send_session(page)
    expect(page.get_by_test_id("client-page")).to_be_visible()


def ui_send_session(page: Any) -> None:
    """Send the open session form to the supervisor: "Kirim", then "Ya, kirim"."""
    page.get_by_test_id("session-submit").click()
    page.get_by_test_id("session-submit-confirm").click()


def open_tablet(
    browser: Any, base_url: str, username: str, **context_args: Any
) -> tuple[Any, Any, PushLog]:
    """A fresh browser context (one device), logged in online and fully synced.

    `context_args` go to the context (a phone: viewport, is_mobile, has_touch)."""
    context = browser.new_context(base_url=base_url, **context_args)
    pushes = PushLog(context)
    page = context.new_page()
    page.goto("/")
    ui_log_in(page, username)
    wait_for_sync(page)
    return context, page, pushes
