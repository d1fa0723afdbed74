"""Sync health: silent devices first, what devices report, conflicts and refusals per facility."""

from __future__ import annotations

from datetime import timedelta

from server.extensions import db
from server.models import Device
from server.models.common import utcnow
from tests.helpers import DeviceSession, change, client_fields, new_id


def _health(caller: DeviceSession, query: str = "") -> dict:
    response = caller.get("/api/v1/sync-health" + query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_silent_device_with_waiting_work_is_highlighted(client, world):
    quiet, busy = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    quiet.push(pending_count=12, oldest_pending_at=(utcnow() - timedelta(days=5)).isoformat())
    busy.push(pending_count=0, storage_persisted=True)
    db.session.get(Device, quiet.device_id).last_seen_at = utcnow() - timedelta(days=4)
    db.session.commit()

    health = _health(DeviceSession(client, "supervisor.a"))
    [facility] = health["facilities"]
    assert facility["code"] == "LP-A"
    first, *rest = facility["devices"]
    assert first["id"] == quiet.device_id and first["silent"] is True
    assert first["pending_count"] == 12 and first["oldest_pending_hours"] >= 5 * 24
    assert first["user"]["username"] == "konselor.a"
    assert all(not d["silent"] for d in rest)
    assert health["pending_changes"] == 12 and health["silent_devices"] == 1
    assert facility["pending_changes"] == 12


def test_conflicts_and_refusals_are_counted_per_facility(client, world):
    a, a2 = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id = new_id()
    a.push(change("client", client_id, client_fields(world.facility_a)))
    a.push(change("client", client_id, {"full_name": "Satu"}, base=1))
    a2.push(change("client", client_id, {"full_name": "Dua"}, base=1))
    a.push(change("client", new_id(), {**client_fields(world.facility_a), "sex": "X"}))
    health = _health(DeviceSession(client, "admin"))
    by_code = {f["code"]: f for f in health["facilities"]}
    assert by_code["LP-A"]["open_conflicts"] == 1
    assert by_code["LP-A"]["rejected_30_days"] == 1
    assert by_code["LP-B"]["open_conflicts"] == 0


def test_sync_health_stays_inside_the_callers_facilities(client, world):
    DeviceSession(client, "konselor.b").push(pending_count=3)
    supervisor = DeviceSession(client, "supervisor.a")
    health = _health(supervisor)
    assert [f["code"] for f in health["facilities"]] == ["LP-A"]
    assert health["pending_changes"] == 0
    other = supervisor.get(f"/api/v1/sync-health?facility_id={world.facility_b}")
    assert other.status_code == 404
    assert DeviceSession(client, "konselor.a").get("/api/v1/sync-health").status_code == 403
    assert DeviceSession(client, "pejabat.a").get("/api/v1/sync-health").status_code == 403
