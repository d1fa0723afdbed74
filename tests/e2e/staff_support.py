"""Helpers of the supervisor and admin browser tests (tests/e2e/test_staff_*.py).

`ApiDevice` plays a counselor's tablet through the API (log in with a device id, push, pull from
its own cursor), so the staff tests never depend on the counselor UI to make their records.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from playwright.sync_api import Page, expect

from tests import helpers
from tests.e2e.conftest import PASSWORD, LiveServer, finish_login
from tests.helpers import change, client_fields


def new_id() -> str:
    """A fresh UUID string."""
    return str(uuid.uuid4())


def _request(
    live_server: LiveServer,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        live_server.url + path,
        data=data,
        method=method,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def log_in(
    live_server: LiveServer, username: str, password: str, device_id: str, device_name: str
) -> tuple[int, Any]:
    """POST /auth/login; the status and the body."""
    body = {
        "username": username,
        "password": password,
        "device_id": device_id,
        "device_name": device_name,
    }
    return _request(live_server, "POST", "/api/v1/auth/login", body)


class ApiDevice:
    """A device of one user, speaking the sync protocol like a tablet would."""

    def __init__(self, live_server: LiveServer, username: str, device_id: str | None = None):
        self.live_server = live_server
        self.device_id = device_id or new_id()
        status, body = log_in(live_server, username, PASSWORD, self.device_id, f"tablet {username}")
        assert status == 200, body
        self.token: str = body["access_token"]
        self.user: dict[str, Any] = body["user"]
        self.cursor: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Any API call with this device's token: (status, JSON body)."""
        return _request(self.live_server, method, path, body, self.headers)

    def push(self, *changes: dict[str, Any]) -> list[dict[str, Any]]:
        """Push changes; the results, in order."""
        status, body = self.call(
            "POST", "/api/v1/sync/push", {"device_id": self.device_id, "changes": list(changes)}
        )
        assert status == 200, body
        return list(body["results"])

    def pull(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Everything new since this device's last pull, by (entity, id)."""
        got: dict[tuple[str, str], dict[str, Any]] = {}
        while True:
            query = "?limit=1000" + (f"&cursor={self.cursor}" if self.cursor else "")
            status, body = self.call("GET", "/api/v1/sync/pull" + query)
            assert status == 200, body
            for item in body["changes"]:
                got[(item["entity"], item["id"])] = item
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return got


def session_fields(facility_id: str, client_id: str, **overrides: Any) -> dict[str, Any]:
    """Every field of a valid individual session, submitted for review."""
    return (
        helpers.session_fields(
            facility_id,
            client_id,
            note_data="Klien hadir tepat waktu dan terbuka bercerita.",
            note_assessment="Motivasi berubah baik; keinginan memakai menurun.",
            note_plan="Lanjutkan sesi mingguan; latihan menolak tawaran.",
            risk_flags=["relapse"],
            status="submitted",
        )
        | overrides
    )


def submitted_session(device: ApiDevice, facility_id: str, **overrides: Any) -> tuple[str, str]:
    """A client and a submitted session of it, pushed by `device`: (client_id, session_id)."""
    client_id, session_id = new_id(), new_id()
    results = device.push(
        change("client", client_id, client_fields(facility_id)),
        change("session", session_id, session_fields(facility_id, client_id, **overrides)),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return client_id, session_id


def ui_login(page: Page, username: str, *, here: bool = False) -> None:
    """Log in through the form and wait for the logged-in shell (`here`: at the current address)."""
    if not here:
        page.goto("/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    finish_login(page)
    expect(page.get_by_test_id("menu-open")).to_be_visible()


def admin_device_row(browser: Any, base_url: str, admin: str, device_id: str) -> tuple[Any, Any]:
    """An admin's own browser on the devices list: (its context, the row of `device_id`)."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    ui_login(page, admin)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("tab-devices").click()
    return context, page.locator(f'[data-testid="device-row"][data-id="{device_id}"]')


def browser_device_id(page: Page) -> str:
    """The device id a logged-in app shows on its settings page."""
    page.get_by_test_id("nav-settings").click()
    text = page.get_by_test_id("device-id").inner_text()
    return text.rsplit(" ", 1)[-1].strip()
