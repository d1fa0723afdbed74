"""Log in, token expiry, refresh rotation and reuse, revocation, and the login limit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from server.extensions import db
from server.models import Device, Token
from server.models.common import utcnow
from tests.helpers import PASSWORD, DeviceSession, login, new_id


def test_login_returns_tokens_and_user(client, world):
    body = login(client, "konselor.a")
    assert body["expires_in"] == 900
    assert body["lock_after_seconds"] == 900  # PULIH_DEVICE_LOCK_MINUTES, 15 by default
    assert body["pin_window_seconds"] == 12 * 3600  # PULIH_DEVICE_PIN_HOURS
    assert body["keep_answered_seconds"] == 30 * 86400  # PULIH_DEVICE_KEEP_DAYS
    assert body["user"]["role"] == "counselor"
    assert body["user"]["facility_ids"] == [world.facility_a]
    assert "password" not in body["user"]


def test_a_deployment_sets_the_pin_window_and_how_long_devices_keep_answers(app, client, world):
    app.config.update(DEVICE_PIN_SECONDS=4 * 3600, DEVICE_KEEP_SECONDS=7 * 86400)
    body = login(client, "konselor.a")
    assert (body["pin_window_seconds"], body["keep_answered_seconds"]) == (4 * 3600, 7 * 86400)
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert refreshed.get_json()["pin_window_seconds"] == 4 * 3600


def test_login_with_wrong_password_is_401_problem(client, world):
    response = client.post(
        "/api/v1/auth/login",
        json={"username": "konselor.a", "password": "nope", "device_id": new_id()},
    )
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.get_json()["type"].endswith("/invalid-credentials")


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, world):
    response = client.post(
        "/api/v1/auth/login", json={"username": "nobody", "password": "nope", "device_id": new_id()}
    )
    assert response.status_code == 401
    assert response.get_json()["type"].endswith("/invalid-credentials")


def test_access_token_works_until_it_expires(client, world):
    device = DeviceSession(client, "konselor.a")
    assert device.get("/api/v1/auth/me").status_code == 200
    db.session.execute(update(Token).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = device.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert "expired" in response.get_json()["detail"]


def test_refresh_rotates_and_old_access_token_dies(client, world):
    device = DeviceSession(client, "konselor.a")
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": device.refresh_token})
    assert response.status_code == 200
    pair = response.get_json()
    assert pair["refresh_token"] != device.refresh_token
    assert device.get("/api/v1/auth/me").status_code == 401
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200


def test_reusing_an_old_refresh_token_ends_the_whole_session(client, world):
    device = DeviceSession(client, "konselor.a")
    first = client.post("/api/v1/auth/refresh", json={"refresh_token": device.refresh_token})
    new_pair = first.get_json()
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": device.refresh_token})
    assert reuse.status_code == 401
    assert reuse.get_json()["type"].endswith("/refresh-reused")
    headers = {"Authorization": f"Bearer {new_pair['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": new_pair["refresh_token"]})
    assert again.status_code == 401


def test_revoked_device_is_refused_on_its_next_request(client, world):
    device = DeviceSession(client, "konselor.a")
    db.session.execute(
        update(Device).where(Device.id == device.device_id).values(revoked_at=utcnow())
    )
    db.session.commit()
    response = device.get("/api/v1/sync/pull")
    assert response.status_code == 401
    assert response.get_json()["type"].endswith("/device-revoked")
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": device.refresh_token})
    assert refresh.get_json()["type"].endswith("/device-revoked")
    relogin = client.post(
        "/api/v1/auth/login",
        json={"username": "konselor.a", "password": PASSWORD, "device_id": device.device_id},
    )
    assert relogin.status_code == 401
    assert relogin.get_json()["type"].endswith("/device-revoked")


def test_logout_revokes_the_session(client, world):
    device = DeviceSession(client, "konselor.a")
    assert device.post("/api/v1/auth/logout").status_code == 204
    assert device.get("/api/v1/auth/me").status_code == 401
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": device.refresh_token})
    assert refresh.status_code == 401


def test_login_limit_locks_the_account_after_five_failures(client, world):
    for _ in range(5):
        response = client.post(
            "/api/v1/auth/login",
            json={"username": "konselor.a", "password": "wrong", "device_id": new_id()},
        )
        assert response.status_code == 401
    locked = client.post(
        "/api/v1/auth/login",
        json={"username": "konselor.a", "password": PASSWORD, "device_id": new_id()},
    )
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    other = client.post(
        "/api/v1/auth/login",
        json={"username": "konselor.b", "password": PASSWORD, "device_id": new_id()},
    )
    assert other.status_code == 200


def test_deactivated_user_cannot_use_tokens(client, world):
    from server.models import User

    device = DeviceSession(client, "konselor.a")
    db.session.execute(update(User).where(User.username == "konselor.a").values(active=False))
    db.session.commit()
    assert device.get("/api/v1/auth/me").status_code == 401


def test_tokens_are_stored_only_as_hashes(client, world):
    body = login(client, "konselor.a")
    stored = {t.token_hash for t in db.session.query(Token)}
    assert body["access_token"] not in stored
    assert body["refresh_token"] not in stored


def test_rotation_never_extends_a_login_past_its_absolute_lifetime(app, client, world):
    app.config["LOGIN_LIFETIME_SECONDS"] = 3600
    try:
        device = DeviceSession(client, "konselor.a")
        # The login happened 59 minutes ago: one rotation still works, and ends with the login.
        started = utcnow() - timedelta(minutes=59)
        db.session.execute(update(Token).values(created_at=started))
        db.session.commit()
        response = client.post("/api/v1/auth/refresh", json={"refresh_token": device.refresh_token})
        assert response.status_code == 200
        rotated = db.session.scalars(
            select(Token).where(Token.kind == "refresh", Token.used_at.is_(None))
        ).one()
        assert rotated.expires_at <= started + timedelta(seconds=3600)
    finally:
        app.config["LOGIN_LIFETIME_SECONDS"] = 30 * 86400


def test_a_login_ends_at_its_lifetime_even_with_a_longer_refresh_lifetime(app, client, world):
    app.config["LOGIN_LIFETIME_SECONDS"] = 600
    try:
        DeviceSession(client, "konselor.a")
        refresh = db.session.scalars(select(Token).where(Token.kind == "refresh")).one()
        assert refresh.expires_at <= utcnow() + timedelta(seconds=600)
    finally:
        app.config["LOGIN_LIFETIME_SECONDS"] = 30 * 86400
