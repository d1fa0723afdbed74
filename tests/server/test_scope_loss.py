"""Scope loss: every pull page names the facilities the caller may hold now, and a deactivated
account's tokens answer a problem that tells the device to erase that user's data."""

from __future__ import annotations

from tests.helpers import DeviceSession


def test_every_pull_page_names_the_callers_facilities(client, world):
    device = DeviceSession(client, "supervisor.a")
    body = device.get("/api/v1/sync/pull?limit=1").get_json()
    assert body["facility_ids"] == [world.facility_a]
    assert set(body) == {"changes", "cursor", "has_more", "remaining", "facility_ids"}


def test_a_facility_taken_away_is_gone_from_the_next_pull_scope(client, world):
    device = DeviceSession(client, "konselor.a")
    admin = DeviceSession(client, "admin")
    response = client.patch(
        f"/api/v1/admin/users/{device.user_id}",
        json={"facility_ids": [world.facility_b]},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.get_json()
    body = device.get("/api/v1/sync/pull").get_json()
    assert body["facility_ids"] == [world.facility_b]


def test_a_deactivated_account_is_told_to_erase_on_any_request_and_on_refresh(client, world):
    device = DeviceSession(client, "konselor.a")
    admin = DeviceSession(client, "admin")
    response = client.patch(
        f"/api/v1/admin/users/{device.user_id}", json={"active": False}, headers=admin.headers
    )
    assert response.status_code == 200, response.get_json()
    pull = device.get("/api/v1/sync/pull")
    assert pull.status_code == 401
    assert pull.get_json()["type"].endswith("/account-deactivated")
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": device.refresh_token})
    assert refresh.status_code == 401
    assert refresh.get_json()["type"].endswith("/account-deactivated")
