"""Security headers on the app shell and the API; API answers are never cached."""

from __future__ import annotations

import pytest

from server import create_app
from server.extensions import db
from tests.helpers import PASSWORD, new_id


@pytest.mark.parametrize("path", ["/", "/api/v1/openapi.json", "/healthz"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path, buffered=True)
    response.close()
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP on a laptop


def test_api_answers_and_the_token_answer_are_not_cached(client, world):
    response = client.post(
        "/api/v1/auth/login",
        json={"username": "konselor.a", "password": PASSWORD, "device_id": new_id()},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    problem = client.get("/api/v1/sync/pull")
    assert problem.status_code == 401
    assert problem.headers["Cache-Control"] == "no-store"


def test_hsts_over_https_and_behind_a_trusted_proxy(app):
    direct = app.test_client().get("/healthz", base_url="https://pulih.example")
    assert direct.headers["Strict-Transport-Security"].startswith("max-age=")
    # X-Forwarded-Proto is believed only from the proxies the configuration names.
    untrusted = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in untrusted.headers
    proxied_app = create_app({**app.config, "PROXY_COUNT": 1})
    try:
        proxied = proxied_app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
        assert proxied.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        with proxied_app.app_context():
            db.engine.dispose()  # its own connection pool: closed, not left to the collector
