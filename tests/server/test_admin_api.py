"""Admin API: users, devices, facilities, the audit trail and rejected changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Device, Token, User
from server.models.common import utcnow
from tests.helpers import PASSWORD, DeviceSession, change, client_fields, login, new_id

NEW_PASSWORD = "a much longer secret 7"
FACILITY = {
    "code": "LPN-PLG",
    "name": "Lapas Narkotika Palembang",
    "kind": "lapas_narkotika",
    "region": "Sumsel",
    "timezone": "WIB",
}


@pytest.fixture
def admin(client, world):
    return DeviceSession(client, "admin")


def _user_id(username):
    return db.session.scalar(select(User.id).where(User.username == username))


def _new_user(world, **overrides):
    return {
        "username": "konselor.c",
        "display_name": "Konselor C",
        "role": "counselor",
        "password": NEW_PASSWORD,
        "facility_ids": [world.facility_b],
    } | overrides


# Who may use the admin routes

ROUTES = [
    ("get", "/api/v1/admin/users", None),
    ("post", "/api/v1/admin/users", "new user"),
    ("patch", "/api/v1/admin/users/{user}", {"display_name": "X"}),
    ("post", "/api/v1/admin/users/{user}/password", {"password": NEW_PASSWORD}),
    ("get", "/api/v1/admin/devices", None),
    ("post", "/api/v1/admin/devices/{device}/revoke", {}),
    ("get", "/api/v1/admin/audit", None),
    ("get", "/api/v1/admin/rejected", None),
    ("get", "/api/v1/admin/facilities", None),
    ("post", "/api/v1/admin/facilities", "new facility"),
]


@pytest.mark.parametrize("username", ["konselor.a", "supervisor.a"])
@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_only_admins_use_the_admin_routes(client, world, admin, username, method, url, body):
    caller = DeviceSession(client, username)
    target = url.format(user=_user_id("konselor.b"), device=admin.device_id)
    # Valid bodies: a body is validated before the caller's role is checked.
    if isinstance(body, str):
        body = {"new user": _new_user(world), "new facility": FACILITY}[body]
    kwargs = {"json": body} if body is not None else {}
    response = getattr(client, method)(target, headers=caller.headers, **kwargs)
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert db.session.get(Device, admin.device_id).revoked_at is None
    assert _user_id("konselor.c") is None


@pytest.mark.parametrize(("method", "url", "body"), [r for r in ROUTES if r[0] == "get"])
def test_admin_reads_every_admin_list(admin, method, url, body):
    response = admin.get(url)
    assert response.status_code == 200
    assert {"items", "page", "per_page", "total"} <= set(response.get_json())


# Users


def test_user_list_never_shows_password_hashes(admin):
    body = admin.get("/api/v1/admin/users?per_page=200").get_json()
    assert [u["username"] for u in body["items"]] == [
        "admin",
        "konselor.a",
        "konselor.a2",
        "konselor.b",
        "pejabat.a",
        "supervisor.a",
    ]
    assert all("password" not in key for u in body["items"] for key in u)


def test_created_user_can_log_in_with_its_facilities(client, world, admin):
    response = admin.post("/api/v1/admin/users", json=_new_user(world))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["username"], body["role"], body["facility_ids"], body["active"]) == (
        "konselor.c",
        "counselor",
        [world.facility_b],
        True,
    )
    assert "password" not in body and "password_hash" not in body
    assert login(client, "konselor.c", password=NEW_PASSWORD)["user"]["id"] == body["id"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create_user"))


def test_taken_username_is_a_409_problem(admin, world):
    response = admin.post("/api/v1/admin/users", json=_new_user(world, username="Konselor.A"))
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"username": ["Already exists."]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "short pw"}, "password"),
        ({"role": "root"}, "role"),
        ({"username": "a b"}, "username"),
        ({"username": "abc\n"}, "username"),
        ({"display_name": "x\x00y"}, "display_name"),
        ({"facility_ids": ["not-a-uuid"]}, "facility_ids"),
        ({"facility_ids": ["6f1c2a7e-0000-4000-8000-000000000000"]}, "facility_ids"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_invalid_new_user_is_422_per_field(admin, world, overrides, field):
    response = admin.post("/api/v1/admin/users", json=_new_user(world, **overrides))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert _user_id("konselor.c") is None


def test_patch_changes_name_role_and_facilities(admin, world):
    user_id = _user_id("konselor.b")
    response = admin.client.patch(
        f"/api/v1/admin/users/{user_id}",
        headers=admin.headers,
        json={
            "display_name": "Bu B",
            "role": "supervisor",
            "facility_ids": [world.facility_a, world.facility_b],
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["display_name"], body["role"], sorted(body["facility_ids"])) == (
        "Bu B",
        "supervisor",
        sorted([world.facility_a, world.facility_b]),
    )


@pytest.mark.parametrize("body", [{}, {"password": NEW_PASSWORD}, {"active": "perhaps"}])
def test_invalid_patch_is_422(admin, body):
    response = admin.client.patch(
        f"/api/v1/admin/users/{_user_id('konselor.b')}", headers=admin.headers, json=body
    )
    assert response.status_code == 422


def test_patch_of_an_unknown_user_is_404(admin):
    response = admin.client.patch(
        f"/api/v1/admin/users/{new_id()}", headers=admin.headers, json={"display_name": "X"}
    )
    assert response.status_code == 404


def test_deactivating_a_user_ends_its_sessions_at_once(client, admin):
    device = DeviceSession(client, "konselor.a")
    response = admin.client.patch(
        f"/api/v1/admin/users/{device.user_id}", headers=admin.headers, json={"active": False}
    )
    assert (response.status_code, response.get_json()["active"]) == (200, False)
    assert device.get("/api/v1/sync/pull").status_code == 401
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": device.refresh_token})
    assert refresh.status_code == 401
    assert (
        db.session.scalar(
            select(Token).where(Token.user_id == device.user_id, Token.revoked_at.is_(None))
        )
        is None
    )


@pytest.mark.parametrize("body", [{"active": False}, {"role": "counselor"}])
def test_an_admin_cannot_lock_itself_out(admin, body):
    response = admin.client.patch(
        f"/api/v1/admin/users/{admin.user_id}", headers=admin.headers, json=body
    )
    assert response.status_code == 409
    assert db.session.get(User, admin.user_id).active is True


def test_password_reset_ends_sessions_and_the_new_password_works(client, admin):
    device = DeviceSession(client, "konselor.a")
    response = admin.post(
        f"/api/v1/admin/users/{device.user_id}/password", json={"password": NEW_PASSWORD}
    )
    assert response.status_code == 204
    assert device.get("/api/v1/sync/pull").status_code == 401
    login(client, "konselor.a", password=NEW_PASSWORD)
    old = client.post(
        "/api/v1/auth/login",
        json={"username": "konselor.a", "password": PASSWORD, "device_id": new_id()},
    )
    assert old.status_code == 401


def test_password_reset_needs_ten_characters(admin):
    response = admin.post(
        f"/api/v1/admin/users/{_user_id('konselor.a')}/password", json={"password": "123456789"}
    )
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]


def test_a_long_passphrase_is_scored_not_a_server_error(admin):
    # zxcvbn raises on more than 72 characters; a longer passphrase is scored on its start.
    phrase = "gajah biru melompat pagar kayu di tepi sungai musi pada pagi yang dingin " * 2
    for password, status in ((phrase[:90], 204), ("a" * 95, 422)):
        response = admin.post(
            f"/api/v1/admin/users/{_user_id('konselor.a')}/password", json={"password": password}
        )
        assert response.status_code == status, response.get_json()


# Devices


def test_device_list_shows_last_user_and_what_it_reported(client, world, admin):
    device = DeviceSession(client, "konselor.a")
    device.report(app_version="1.2.3", pending_count=4)
    body = admin.get("/api/v1/admin/devices").get_json()
    [row] = [d for d in body["items"] if d["id"] == device.device_id]
    assert row["last_user"] == {
        "id": device.user_id,
        "username": "konselor.a",
        "display_name": "Konselor A",
    }
    assert (row["app_version"], row["pending_count"], row["revoked_at"]) == ("1.2.3", 4, None)
    assert row["last_sync_at"] is not None and row["first_seen_at"] is not None


def test_revoked_device_is_told_to_wipe_on_its_next_pull(client, world, admin):
    device = DeviceSession(client, "konselor.a")
    response = admin.post(
        f"/api/v1/admin/devices/{device.device_id}/revoke", json={"reason": "lost in blok C"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["revoked_reason"], body["revoked_by"]) == ("lost in blok C", admin.user_id)
    pull = device.get("/api/v1/sync/pull")
    assert pull.status_code == 401
    assert pull.get_json()["type"].endswith("/device-revoked")
    assert (
        db.session.scalar(
            select(Token).where(Token.device_id == device.device_id, Token.revoked_at.is_(None))
        )
        is None
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "revoke_device"))
    assert (event.record_id, event.user_id) == (device.device_id, admin.user_id)
    # The same user on another tablet keeps working.
    assert DeviceSession(client, "konselor.a").get("/api/v1/sync/pull").status_code == 200


ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 11; SM-T505) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def test_devices_read_as_model_browser_system_label_and_short_id(client, world, admin):
    device_id = new_id()
    response = client.post(
        "/api/v1/auth/login",
        json={
            "username": "konselor.a",
            "password": PASSWORD,
            "device_id": device_id,
            "device_name": ANDROID_TABLET,
        },
    )
    token = response.get_json()["access_token"]
    named = client.put(
        "/api/v1/auth/device",
        json={"label": "  Tablet Blok A "},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert named.status_code == 200
    assert named.get_json() == {"id": device_id, "label": "Tablet Blok A"}
    [row] = [
        d for d in admin.get("/api/v1/admin/devices").get_json()["items"] if d["id"] == device_id
    ]
    assert {k: row[k] for k in ("label", "model", "browser", "os", "short_id")} == {
        "label": "Tablet Blok A",
        "model": "SM-T505",
        "browser": "Chrome 120",
        "os": "Android 11",
        "short_id": device_id[:8],
    }


@pytest.mark.parametrize("body", [{}, {"label": "x" * 61}, {"label": 5}, {"label": "a\u0000b"}])
def test_a_bad_device_label_is_422(client, world, body):
    device = DeviceSession(client, "konselor.a")
    response = device.put("/api/v1/auth/device", json=body)
    assert response.status_code == 422
    assert "label" in response.get_json()["errors"]


def test_the_pull_that_ends_a_sync_reports_what_the_device_still_holds(client, world, admin):
    device = DeviceSession(client, "konselor.a")
    device.report(app_version="1.2.3", pending_count=1)  # counted before its push went out
    assert device.get("/api/v1/sync/pull?pending_count=0").status_code == 200
    [row] = [
        d
        for d in admin.get("/api/v1/admin/devices").get_json()["items"]
        if d["id"] == device.device_id
    ]
    assert row["pending_count"] == 0
    assert device.get("/api/v1/sync/pull?pending_count=-1").status_code == 422


def test_the_revoked_device_hears_the_admins_reason(client, world, admin):
    device = DeviceSession(client, "konselor.a")
    admin.post(
        f"/api/v1/admin/devices/{device.device_id}/revoke", json={"reason": "Hilang di blok C"}
    )
    body = device.get("/api/v1/sync/pull").get_json()
    assert (body["type"].rsplit("/", 1)[-1], body["reason"]) == (
        "device-revoked",
        "Hilang di blok C",
    )


def test_revoking_twice_is_409_and_unknown_device_404(client, admin):
    device = DeviceSession(client, "konselor.a")
    url = f"/api/v1/admin/devices/{device.device_id}/revoke"
    assert admin.post(url, json={}).status_code == 200
    assert admin.post(url, json={}).status_code == 409
    assert admin.post(f"/api/v1/admin/devices/{new_id()}/revoke", json={}).status_code == 404


# Facilities


def test_new_facility_is_listed_and_pulled_by_admins(admin):
    cursor = admin.pull_all()[1]
    response = admin.post("/api/v1/admin/facilities", json=FACILITY)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["code"], body["kind"], body["version"]) == ("LPN-PLG", "lapas_narkotika", 1)
    codes = [f["code"] for f in admin.get("/api/v1/admin/facilities").get_json()["items"]]
    assert codes == ["LP-A", "LP-B", "LPN-PLG"]
    changes, _ = admin.pull_all(cursor)
    assert [(c["entity"], c["id"]) for c in changes] == [("facility", body["id"])]


def test_taken_facility_code_is_409(admin):
    response = admin.post("/api/v1/admin/facilities", json=FACILITY | {"code": "LP-A"})
    assert response.status_code == 409


@pytest.mark.parametrize(
    "overrides", [{"kind": "jail"}, {"timezone": "UTC"}, {"code": ""}, {"extra": "x"}]
)
def test_invalid_facility_is_422(admin, overrides):
    assert admin.post("/api/v1/admin/facilities", json=FACILITY | overrides).status_code == 422


# The audit trail


def test_audit_is_newest_first_with_usernames_and_filters(client, admin):
    DeviceSession(client, "konselor.a")
    body = admin.get("/api/v1/admin/audit?action=login").get_json()
    assert [e["username"] for e in body["items"]] == ["konselor.a", "admin"]
    only = admin.get(f"/api/v1/admin/audit?user_id={admin.user_id}&action=login").get_json()
    assert [e["username"] for e in only["items"]] == ["admin"]


def test_audit_filters_by_time(admin):
    future = (utcnow() + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert admin.get(f"/api/v1/admin/audit?since={future}").get_json()["total"] == 0
    assert admin.get(f"/api/v1/admin/audit?until={future}").get_json()["total"] >= 1
    assert admin.get("/api/v1/admin/audit?since=yesterday").status_code == 422


# Rejected changes


def test_rejected_changes_are_shown_as_sent_with_their_errors(client, world, admin):
    device = DeviceSession(client, "konselor.a")
    bad = change("client", new_id(), client_fields(world.facility_a, sex="X"))
    [result] = device.push(bad)
    assert result["status"] == "rejected"
    [row] = admin.get("/api/v1/admin/rejected").get_json()["items"]
    assert (row["change_id"], row["entity"], row["record_id"]) == (
        bad["change_id"],
        "client",
        bad["id"],
    )
    assert (row["device_id"], row["user_id"], row["username"]) == (
        device.device_id,
        device.user_id,
        "konselor.a",
    )
    assert row["fields"] == bad
    assert "sex" in row["errors"]
