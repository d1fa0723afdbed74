"""Clocks that lie: a device's offset is measured and shown; typed times ahead of the server's
clock are refused per field (docs/protocol.md, "Push")."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from sync import Hlc
from tests.helpers import DeviceSession, change, client_fields, new_id, session_fields


def _clock(offset_s: float, device_id: str) -> str:
    return str(Hlc(int((time.time() + offset_s) * 1000), 0, device_id))


def _devices(admin: DeviceSession) -> dict[str, dict]:
    return {d["id"]: d for d in admin.get("/api/v1/admin/devices?per_page=100").get_json()["items"]}


@pytest.mark.parametrize(
    ("offset_s", "skewed"), [(0, False), (120, False), (2 * 3600, True), (-9 * 3600, True)]
)
def test_a_push_measures_the_device_clock_and_flags_one_far_off(client, world, offset_s, skewed):
    device = DeviceSession(client, "konselor.a")
    device.push(clock=_clock(offset_s, device.device_id))
    shown = _devices(DeviceSession(client, "admin"))[device.device_id]
    assert abs(shown["clock_offset_ms"] - offset_s * 1000) < 5_000
    assert shown["clock_skewed"] is skewed


def test_a_push_reports_the_outbox_and_storage(client, world):
    device = DeviceSession(client, "konselor.a")
    oldest = (datetime.now(UTC) - timedelta(days=4)).isoformat()
    device.push(pending_count=7, oldest_pending_at=oldest, storage_persisted=True)
    shown = _devices(DeviceSession(client, "admin"))[device.device_id]
    assert shown["pending_count"] == 7 and shown["storage_persisted"] is True
    assert shown["oldest_pending_at"].startswith(oldest[:19])
    device.push(pending_count=0)
    assert _devices(DeviceSession(client, "admin"))[device.device_id]["oldest_pending_at"] is None


@pytest.mark.parametrize(
    "report",
    [{"clock": "tomorrow"}, {"oldest_pending_at": "2024-01-01T00:00:00"}, {"storage_persisted": 1}],
)
def test_a_bad_report_is_a_problem_per_field(client, world, report):
    device = DeviceSession(client, "konselor.a")
    body = {"device_id": device.device_id, "changes": [], **report}
    response = device.post("/api/v1/sync/push", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == set(report)


def _session_at(client, world, occurred: datetime, **overrides):
    device = DeviceSession(client, "konselor.a")
    facility = world.facility_a
    client_id = new_id()
    fields = session_fields(facility, client_id, occurred_at=occurred.isoformat(), **overrides)
    return device.push(
        change("client", client_id, client_fields(facility)), change("session", new_id(), fields)
    )[1]


def test_a_session_time_ahead_of_the_server_clock_is_refused(client, world):
    soon = datetime.now(UTC) + timedelta(minutes=2)
    assert _session_at(client, world, soon)["status"] == "applied"
    later = datetime.now(UTC) + timedelta(minutes=20)
    result = _session_at(client, world, later)
    assert result["status"] == "rejected"
    assert "server's clock" in result["errors"]["occurred_at"][0]


def test_a_next_session_years_ahead_is_refused(client, world):
    yesterday = datetime.now(UTC) - timedelta(days=1)
    far = (date.today() + timedelta(days=800)).isoformat()
    result = _session_at(client, world, yesterday, next_session_on=far)
    assert result["status"] == "rejected" and "next_session_on" in result["errors"]
