"""Guarantee 4: bad input of any shape gets a 4xx problem, never a 500, and changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import ChangeLog, Client
from tests.helpers import DeviceSession, change, client_fields, new_id

PUSH = "/api/v1/sync/push"


def _counts():
    return (
        db.session.scalar(select(func.count()).select_from(Client)),
        db.session.scalar(
            select(func.count()).select_from(ChangeLog).where(ChangeLog.status != "rejected")
        ),
    )


def _assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return body


# (name, method, path, raw body or json, expected status, field expected in errors)
REQUEST_CASES = [
    ("malformed json", "post", PUSH, b"{not json", 400, None),
    ("json is an array", "post", PUSH, [], 422, None),
    ("json is a string", "post", PUSH, "hello", 422, None),
    ("json is null", "post", PUSH, None, 422, None),
    ("missing changes", "post", PUSH, {"device_id": "DEVICE"}, 422, "changes"),
    ("changes not a list", "post", PUSH, {"device_id": "DEVICE", "changes": {}}, 422, "changes"),
    ("device_id not a uuid", "post", PUSH, {"device_id": "abc", "changes": []}, 422, "device_id"),
    ("device_id a number", "post", PUSH, {"device_id": 5, "changes": []}, 422, "device_id"),
    (
        "unknown top-level field",
        "post",
        PUSH,
        {"device_id": "DEVICE", "changes": [], "extra": 1},
        422,
        "extra",
    ),
    (
        "pending_count negative",
        "post",
        PUSH,
        {"device_id": "DEVICE", "changes": [], "pending_count": -1},
        422,
        "pending_count",
    ),
    (
        "pending_count a string",
        "post",
        PUSH,
        {"device_id": "DEVICE", "changes": [], "pending_count": "3"},
        422,
        "pending_count",
    ),
    (
        "app_version with NUL",
        "post",
        PUSH,
        {"device_id": "DEVICE", "changes": [], "app_version": "1\u0000"},
        422,
        "app_version",
    ),
    ("pull limit zero", "get", "/api/v1/sync/pull?limit=0", None, 422, "limit"),
    ("pull limit not a number", "get", "/api/v1/sync/pull?limit=abc", None, 422, "limit"),
    ("pull unknown query arg", "get", "/api/v1/sync/pull?foo=1", None, 422, "foo"),
    ("pull cursor not ours", "get", "/api/v1/sync/pull?cursor=bm9wZQ", None, 400, "cursor"),
    ("wrong method on push", "get", PUSH, None, 405, None),
    ("unknown api route", "get", "/api/v1/nothing-here", None, 404, None),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "status", "field"),
    REQUEST_CASES,
    ids=[c[0] for c in REQUEST_CASES],
)
def test_bad_request_is_a_problem_and_changes_nothing(
    client, world, name, method, path, body, status, field
):
    device = DeviceSession(client, "konselor.a")
    before = _counts()
    kwargs = {}
    if isinstance(body, bytes):
        kwargs = {"data": body, "content_type": "application/json"}
    elif body is not None or method == "post":
        text = json.dumps(body).replace('"DEVICE"', json.dumps(device.device_id))
        kwargs = {"data": text, "content_type": "application/json"}
    response = getattr(client, method)(path, headers=device.headers, **kwargs)
    problem = _assert_problem(response, status)
    if field:
        assert field in problem.get("errors", {}), problem
    assert _counts() == before


def test_405_keeps_the_allow_header(client, world):
    response = client.get(PUSH)
    _assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_oversize_body_is_413(client, world):
    device = DeviceSession(client, "konselor.a")
    huge = b'{"device_id": "x", "changes": ["' + b"a" * (5 * 1024 * 1024) + b'"]}'
    response = client.post(PUSH, data=huge, content_type="application/json", headers=device.headers)
    _assert_problem(response, 413)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
    ],
)
def test_missing_or_bad_token_is_401(client, world, headers):
    _assert_problem(client.get("/api/v1/sync/pull", headers=headers), 401)


def test_login_with_missing_fields_is_422_per_field(client, world):
    body = _assert_problem(client.post("/api/v1/auth/login", json={}), 422)
    assert {"username", "password", "device_id"} <= set(body["errors"])


def test_login_with_wrong_types_is_422(client, world):
    body = _assert_problem(
        client.post(
            "/api/v1/auth/login", json={"username": 1, "password": ["x"], "device_id": "zzz"}
        ),
        422,
    )
    assert {"username", "password", "device_id"} <= set(body["errors"])


# Bad changes inside a valid push: rejected per change with per-field errors, nothing written.
def _bad_changes(facility_id):
    good = client_fields(facility_id)
    return [
        ("change not an object", "nope", "_schema"),
        (
            "change without change_id",
            {k: v for k, v in change("client", new_id(), good).items() if k != "change_id"},
            "change_id",
        ),
        ("unknown entity", change("prisoner", new_id(), good), "entity"),
        ("bad op", change("client", new_id(), good, op="merge"), "op"),
        (
            "base_version a string",
            change("client", new_id(), good) | {"base_version": "1"},
            "base_version",
        ),
        ("fields not an object", change("client", new_id(), good) | {"fields": [1]}, "fields"),
        (
            "missing required field",
            change("client", new_id(), {"facility_id": facility_id}),
            "full_name",
        ),
        ("unknown field", change("client", new_id(), good | {"shoe_size": 42}), "shoe_size"),
        ("wrong type", change("client", new_id(), good | {"full_name": 7}), "full_name"),
        ("bad enum", change("client", new_id(), good | {"case_type": "smuggler"}), "case_type"),
        ("bad date", change("client", new_id(), good | {"birth_date": "1990-13-45"}), "birth_date"),
        (
            "future birth date",
            change("client", new_id(), good | {"birth_date": "2999-01-01"}),
            "birth_date",
        ),
        ("nik not 16 digits", change("client", new_id(), good | {"nik": "12345"}), "nik"),
        (
            "NUL in text",
            change("client", new_id(), good | {"full_name": "Bu\u0000di"}),
            "full_name",
        ),
        ("too long", change("client", new_id(), good | {"full_name": "x" * 121}), "full_name"),
        (
            "release before admission",
            change(
                "client",
                new_id(),
                good | {"admission_date": "2023-05-01", "release_date": "2023-01-01"},
            ),
            "release_date",
        ),
        (
            "facility not a uuid",
            change("client", new_id(), good | {"facility_id": "LP-A"}),
            "facility_id",
        ),
        (
            "session duration zero",
            change(
                "session",
                new_id(),
                {
                    "facility_id": facility_id,
                    "occurred_at": "2023-01-01T09:00:00+07:00",
                    "duration_minutes": 0,
                    "kind": "group",
                },
            ),
            "duration_minutes",
        ),
        (
            "session time without offset",
            change(
                "session",
                new_id(),
                {
                    "facility_id": facility_id,
                    "occurred_at": "2023-01-01T09:00:00",
                    "duration_minutes": 30,
                    "kind": "group",
                },
            ),
            "occurred_at",
        ),
        (
            "session far in the future",
            change(
                "session",
                new_id(),
                {
                    "facility_id": facility_id,
                    "occurred_at": "2999-01-01T09:00:00+07:00",
                    "duration_minutes": 30,
                    "kind": "group",
                },
            ),
            "occurred_at",
        ),
        (
            "unknown risk flag",
            change(
                "session",
                new_id(),
                {
                    "facility_id": facility_id,
                    "occurred_at": "2023-01-01T09:00:00+07:00",
                    "duration_minutes": 30,
                    "kind": "group",
                    "risk_flags": ["bored"],
                },
            ),
            "risk_flags",
        ),
        (
            "urine test missing",
            change(
                "session",
                new_id(),
                {
                    "facility_id": facility_id,
                    "occurred_at": "2023-01-01T09:00:00+07:00",
                    "duration_minutes": 30,
                    "kind": "urine_test",
                    "attendance": "attended",
                    "client_id": None,
                },
            ),
            "urine_test",
        ),
        (
            "duration a float",
            change(
                "session",
                new_id(),
                {
                    "facility_id": facility_id,
                    "occurred_at": "2023-01-01T09:00:00+07:00",
                    "duration_minutes": 30.5,
                    "kind": "group",
                },
            ),
            "duration_minutes",
        ),
        ("delete of unknown record", change("client", new_id(), {}, op="delete"), "id"),
        ("hlc garbage", change("client", new_id(), good) | {"hlc": "yesterday"}, "hlc"),
    ]


def test_each_bad_change_is_rejected_with_its_field_and_nothing_is_written(client, world):
    device = DeviceSession(client, "konselor.a")
    cases = _bad_changes(world.facility_a)
    assert len(cases) >= 25
    before = _counts()
    results = device.push(*[c for _, c, _ in cases])
    for (name, _raw, field), result in zip(cases, results, strict=True):
        assert result["status"] == "rejected", (name, result)
        assert field in (result["errors"] or {}), (name, result["errors"])
    assert _counts() == before
    rejected = db.session.scalar(
        select(func.count()).select_from(ChangeLog).where(ChangeLog.status == "rejected")
    )
    assert rejected == len(cases)


def test_unexpected_error_is_a_500_problem_without_a_stack_trace(app, client, world, monkeypatch):
    import server.routes.sync as sync_routes

    def explode(*args, **kwargs):
        raise RuntimeError("secret detail of a patient")

    monkeypatch.setattr(sync_routes, "pull_page_json", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    device = DeviceSession(client, "konselor.a")
    try:
        response = device.get("/api/v1/sync/pull")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    body = _assert_problem(response, 500)
    assert "secret" not in json.dumps(body)


def test_authentication_comes_before_body_validation(client, world):
    response = client.post("/api/v1/admin/users", json={"nonsense": True})
    _assert_problem(response, 401)
    counselor = DeviceSession(client, "konselor.a")
    response = client.post(
        "/api/v1/admin/users", json={"nonsense": True}, headers=counselor.headers
    )
    _assert_problem(response, 403)
