"""Conflicts API: the queue, each kind made by real pushes, each resolution, what devices pull."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import (
    AuditEvent,
    ChangeLog,
    Client,
    Conflict,
    CounselingSession,
    Enrollment,
)
from server.models.common import utcnow
from tests.helpers import DeviceSession, change, client_fields, new_id, session_fields


def _create_client(device, facility_id, **overrides):
    client_id = new_id()
    [result] = device.push(change("client", client_id, client_fields(facility_id, **overrides)))
    assert result["status"] == "applied", result
    return client_id


def _create_session(device, facility_id, client_id, **overrides):
    session_id = new_id()
    fields = session_fields(facility_id, client_id, **overrides)
    [result] = device.push(change("session", session_id, fields))
    assert result["status"] == "applied", result
    return session_id


def _resolve(admin, conflict_id, choice, fields=None):
    body = {"choice": choice} | ({"fields": fields} if fields is not None else {})
    return admin.post(f"/api/v1/conflicts/{conflict_id}/resolve", json=body)


@pytest.fixture
def devices(client, world):
    """Two counselors' tablets in facility A and the admin's browser."""
    return (
        DeviceSession(client, "konselor.a"),
        DeviceSession(client, "konselor.a2"),
        DeviceSession(client, "admin"),
    )


def _field_conflict(devices, world):
    a, b, _admin = devices
    client_id = _create_client(a, world.facility_a)
    a.push(change("client", client_id, {"full_name": "Budi A"}, base=1))
    [result] = b.push(change("client", client_id, {"full_name": "Budi B", "sex": "F"}, base=1))
    assert result["status"] == "conflict"
    return client_id, result["conflict_id"]


def _delete_conflict(devices, world):
    """Device b deletes a client that device a edited meanwhile."""
    a, b, _admin = devices
    client_id = _create_client(a, world.facility_a)
    a.push(change("client", client_id, {"full_name": "Budi A"}, base=1))
    [result] = b.push(change("client", client_id, {}, base=1, op="delete"))
    assert result["status"] == "conflict"
    return client_id, result["conflict_id"]


def _edit_of_deleted_conflict(devices, world):
    """Device b edits a client that device a deleted meanwhile."""
    a, b, _admin = devices
    client_id = _create_client(a, world.facility_a)
    a.push(change("client", client_id, {}, base=1, op="delete"))
    [result] = b.push(change("client", client_id, {"full_name": "Budi B"}, base=1))
    assert result["status"] == "conflict"
    return client_id, result["conflict_id"]


def _locked_conflict(devices, world):
    """Device a amends a session a supervisor approved."""
    a, _b, _admin = devices
    client_id = _create_client(a, world.facility_a)
    session_id = _create_session(a, world.facility_a, client_id, status="submitted")
    record = db.session.get(CounselingSession, session_id)
    record.status, record.reviewed_by, record.reviewed_at = "approved", new_id(), utcnow()
    db.session.commit()
    [result] = a.push(change("session", session_id, {"note_plan": "Tambahan.\n"}, base=1))
    assert result["status"] == "conflict"
    return session_id, result["conflict_id"]


def _duplicate_conflict(devices, world):
    """Two tablets register the same number offline; each logs a session for its client."""
    a, b, _admin = devices
    existing = _create_client(a, world.facility_a, registration_number="B.I-77/2023")
    newcomer = new_id()
    [result] = b.push(
        change(
            "client",
            newcomer,
            client_fields(
                world.facility_a, registration_number="B.I-77/2023", full_name="Budi Santosa"
            ),
        )
    )
    assert result["status"] == "conflict"
    sessions = {
        existing: _create_session(a, world.facility_a, existing),
        newcomer: _create_session(b, world.facility_a, newcomer),
    }
    return existing, newcomer, sessions, result["conflict_id"]


def _pulled(device, cursor):
    changes, _ = device.pull_all(cursor)
    return {c["id"]: c for c in changes}


# Who may use the queue

ROUTES = [
    ("get", "/api/v1/conflicts"),
    ("get", "/api/v1/conflicts/{id}"),
    ("post", "/api/v1/conflicts/{id}/resolve"),
]


@pytest.mark.parametrize("username", ["konselor.a", "supervisor.a"])
@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_only_admins_use_the_conflict_routes(client, world, devices, username, method, url):
    _client_id, conflict_id = _field_conflict(devices, world)
    caller = DeviceSession(client, username)
    send = caller.get if method == "get" else caller.post
    kwargs = {"json": {"choice": "server"}} if method == "post" else {}
    response = send(url.format(id=conflict_id), **kwargs)
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert db.session.get(Conflict, conflict_id).status == "open"


def test_conflict_routes_need_a_token(client, world):
    assert client.get("/api/v1/conflicts").status_code == 401


# The queue


def test_list_shows_conflicts_newest_first_with_author_and_device(world, devices):
    a, b, admin = devices
    client_id, first = _field_conflict(devices, world)
    _session_id, second = _locked_conflict(devices, world)
    body = admin.get("/api/v1/conflicts?status=open").get_json()
    assert [c["id"] for c in body["items"]] == [second, first]
    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 50)
    item = body["items"][1]
    assert (item["kind"], item["entity"], item["record_id"], item["fields"]) == (
        "field",
        "client",
        client_id,
        ["full_name"],
    )
    assert item["user"] == {
        "id": b.user_id,
        "username": "konselor.a2",
        "display_name": "Konselor A2",
    }
    assert item["device"] == {
        "id": b.device_id,
        "name": "test tablet",
        "label": None,
        "model": None,
        "browser": None,
        "os": None,
        "short_id": b.device_id[:8],
    }
    assert (item["status"], item["resolution"], item["resolved_by"]) == ("open", None, None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=field", ["field"]),
        ("kind=locked", ["locked"]),
        ("status=resolved", []),
        ("per_page=1", ["locked"]),
        ("per_page=1&page=2", ["field"]),
    ],
)
def test_list_filters_and_pages(world, devices, query, expected):
    _field_conflict(devices, world)
    _locked_conflict(devices, world)
    body = devices[2].get(f"/api/v1/conflicts?{query}").get_json()
    assert [c["kind"] for c in body["items"]] == expected


def test_list_filters_by_facility(world, devices):
    _field_conflict(devices, world)
    admin = devices[2]
    assert admin.get(f"/api/v1/conflicts?facility_id={world.facility_b}").get_json()["total"] == 0
    assert admin.get(f"/api/v1/conflicts?facility_id={world.facility_a}").get_json()["total"] == 1


@pytest.mark.parametrize(
    "query", ["per_page=201", "page=0", "status=maybe", "kind=nope", "facility_id=not-a-uuid"]
)
def test_bad_list_arguments_are_422(world, devices, query):
    response = devices[2].get(f"/api/v1/conflicts?{query}")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"


def test_show_gives_both_sides_the_record_now_and_audits_the_read(world, devices):
    admin = devices[2]
    client_id, conflict_id = _field_conflict(devices, world)
    response = admin.get(f"/api/v1/conflicts/{conflict_id}")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["base"], body["server"], body["client"]) == (
        {"full_name": "Budi Santoso"},
        {"full_name": "Budi A"},
        {"full_name": "Budi B"},
    )
    assert body["current"]["full_name"] == "Budi A"
    assert body["current"]["sex"] == "F"
    assert body["current"]["conflict_open"] is True
    assert body["facility_id"] == world.facility_a
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "read"))
    assert (event.entity, event.record_id, event.detail) == (
        "client",
        client_id,
        {"conflict_id": conflict_id},
    )


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("conflict_id", ["6f1c2a7e-0000-4000-8000-000000000000", "%00", "x" * 300])
def test_unknown_conflict_is_404(world, devices, method, conflict_id):
    admin = devices[2]
    url = f"/api/v1/conflicts/{conflict_id}" + ("/resolve" if method == "post" else "")
    response = admin.post(url, json={"choice": "server"}) if method == "post" else admin.get(url)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


# Field conflicts


@pytest.mark.parametrize(
    ("choice", "fields", "full_name"),
    [
        ("server", None, "Budi A"),
        ("client", None, "Budi B"),
        ("merge", {"full_name": "Budi Admin"}, "Budi Admin"),
    ],
)
def test_field_resolution_writes_a_version_every_device_pulls(
    world, devices, choice, fields, full_name
):
    a, b, admin = devices
    client_id, conflict_id = _field_conflict(devices, world)
    cursors = {d.device_id: d.pull_all()[1] for d in (a, b)}
    version = db.session.get(Client, client_id).version
    response = _resolve(admin, conflict_id, choice, fields)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["resolution"], body["resolved_by"]) == (
        "resolved",
        choice,
        admin.user_id,
    )
    assert body["current"]["full_name"] == full_name
    record = db.session.get(Client, client_id)
    assert (record.full_name, record.sex, record.version, record.conflict_open) == (
        full_name,
        "F",
        version + 1,
        False,
    )
    for device in (a, b):
        pulled = _pulled(device, cursors[device.device_id])[client_id]
        assert (pulled["version"], pulled["record"]["full_name"]) == (version + 1, full_name)
        assert pulled["record"]["conflict_open"] is False
    log = db.session.scalar(select(ChangeLog).where(ChangeLog.source == "resolution"))
    assert (log.record_id, log.version, log.conflict_id, log.user_id) == (
        client_id,
        version + 1,
        conflict_id,
        admin.user_id,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resolve"))
    assert (event.record_id, event.detail["choice"], event.detail["kind"]) == (
        client_id,
        choice,
        "field",
    )


def test_resolving_twice_is_a_409_problem(world, devices):
    admin = devices[2]
    _client_id, conflict_id = _field_conflict(devices, world)
    assert _resolve(admin, conflict_id, "server").status_code == 200
    again = _resolve(admin, conflict_id, "client")
    assert again.status_code == 409
    assert again.get_json()["type"].endswith("/already-resolved")
    assert db.session.get(Conflict, conflict_id).resolution == "server"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"sex": "F"}, {"fields": {"sex": ["Not a field of this conflict."]}}),
        ({"full_name": ""}, {"fields": {"full_name": ["Length must be between 1 and 120."]}}),
        ({}, {"fields": {"_schema": ["Give at least one field to merge."]}}),
        (
            {"full_name": "Bu\x00di"},
            {"fields": {"full_name": ["Must be text without NUL or invalid characters."]}},
        ),
    ],
)
def test_invalid_merge_is_422_and_changes_nothing(world, devices, fields, errors):
    admin = devices[2]
    client_id, conflict_id = _field_conflict(devices, world)
    version = db.session.get(Client, client_id).version
    response = _resolve(admin, conflict_id, "merge", fields)
    assert response.status_code == 422
    assert response.get_json()["errors"] == errors
    db.session.expire_all()
    assert db.session.get(Client, client_id).version == version
    assert db.session.get(Conflict, conflict_id).status == "open"


def test_merge_is_checked_against_the_whole_record(world, devices):
    a, b, admin = devices
    client_id = _create_client(a, world.facility_a)
    a.push(change("client", client_id, {"release_date": "2024-01-01"}, base=1))
    [result] = b.push(change("client", client_id, {"release_date": "2025-01-01"}, base=1))
    response = _resolve(admin, result["conflict_id"], "merge", {"release_date": "2020-01-01"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "fields": {"release_date": ["Must not be before admission_date."]}
    }


@pytest.mark.parametrize(
    "body",
    [{"choice": "both"}, {}, {"choice": "server", "extra": 1}, {"choice": "merge", "fields": []}],
)
def test_malformed_resolution_body_is_422(world, devices, body):
    _client_id, conflict_id = _field_conflict(devices, world)
    response = devices[2].post(f"/api/v1/conflicts/{conflict_id}/resolve", json=body)
    assert response.status_code == 422


def test_record_stays_flagged_while_another_conflict_is_open(client, world, devices):
    a, b, admin = devices
    client_id, first = _field_conflict(devices, world)
    c = DeviceSession(client, "konselor.a2")
    [result] = c.push(change("client", client_id, {"full_name": "Budi C"}, base=1))
    second = result["conflict_id"]
    assert _resolve(admin, first, "server").status_code == 200
    assert db.session.get(Client, client_id).conflict_open is True
    assert _resolve(admin, second, "client").status_code == 200
    record = db.session.get(Client, client_id)
    assert (record.full_name, record.conflict_open) == ("Budi C", False)


# Delete conflicts


@pytest.mark.parametrize(("choice", "deleted"), [("server", False), ("client", True)])
def test_resolving_a_deletion_keeps_or_deletes_the_record(world, devices, choice, deleted):
    a, b, admin = devices
    client_id, conflict_id = _delete_conflict(devices, world)
    cursor = b.pull_all()[1]
    assert _resolve(admin, conflict_id, choice).status_code == 200
    record = db.session.get(Client, client_id)
    assert (record.deleted, record.full_name, record.conflict_open) == (deleted, "Budi A", False)
    pulled = _pulled(b, cursor)[client_id]
    assert (pulled["deleted"], pulled["version"]) == (deleted, record.version)


def test_a_deletion_cannot_be_merged(world, devices):
    _client_id, conflict_id = _delete_conflict(devices, world)
    assert _resolve(devices[2], conflict_id, "merge", {"full_name": "X"}).status_code == 422


@pytest.mark.parametrize(
    ("choice", "fields", "expected"),
    [
        ("server", None, (True, "Budi Santoso")),
        ("client", None, (False, "Budi B")),
        ("merge", {"full_name": "Budi M"}, (False, "Budi M")),
    ],
)
def test_resolving_an_edit_of_a_deleted_record(world, devices, choice, fields, expected):
    a, _b, admin = devices
    client_id, conflict_id = _edit_of_deleted_conflict(devices, world)
    cursor = a.pull_all()[1]
    assert _resolve(admin, conflict_id, choice, fields).status_code == 200
    record = db.session.get(Client, client_id)
    assert (record.deleted, record.full_name) == expected
    assert _pulled(a, cursor)[client_id]["deleted"] is expected[0]


def test_undelete_refused_when_the_number_is_taken_again(world, devices):
    a, _b, admin = devices
    client_id, conflict_id = _edit_of_deleted_conflict(devices, world)
    number = db.session.get(Client, client_id).registration_number
    _create_client(a, world.facility_a, registration_number=number)
    response = _resolve(admin, conflict_id, "client")
    assert response.status_code == 422
    assert "registration_number" in response.get_json()["errors"]["fields"]
    db.session.expire_all()
    assert db.session.get(Client, client_id).deleted is True


# Locked sessions (amendment requests)


def test_accepting_an_amendment_sends_the_session_back_to_review(world, devices):
    a, b, admin = devices
    session_id, conflict_id = _locked_conflict(devices, world)
    cursor = b.pull_all()[1]
    assert _resolve(admin, conflict_id, "client").status_code == 200
    record = db.session.get(CounselingSession, session_id)
    assert (record.note_plan, record.status, record.reviewed_by, record.reviewed_at) == (
        "Tambahan.\n",
        "submitted",
        None,
        None,
    )
    assert record.conflict_open is False
    pulled = _pulled(b, cursor)[session_id]["record"]
    assert (pulled["note_plan"], pulled["status"]) == ("Tambahan.\n", "submitted")


def test_refusing_an_amendment_keeps_the_approved_session(world, devices):
    _a, _b, admin = devices
    session_id, conflict_id = _locked_conflict(devices, world)
    assert _resolve(admin, conflict_id, "server").status_code == 200
    record = db.session.get(CounselingSession, session_id)
    assert (record.note_plan, record.status, record.conflict_open) == (
        "Lanjutkan sesi mingguan.\n",
        "approved",
        False,
    )
    assert record.reviewed_by is not None


# Duplicates: the two clients become one


@pytest.mark.parametrize("choice", ["server", "client"])
def test_duplicate_resolution_merges_the_clients(world, devices, choice):
    a, b, admin = devices
    existing, newcomer, sessions, conflict_id = _duplicate_conflict(devices, world)
    enrollment = new_id()
    b.push(
        change(
            "enrollment",
            enrollment,
            {
                "facility_id": world.facility_a,
                "client_id": newcomer,
                "program": "rehab_sosial",
                "start_date": "2023-01-02",
            },
        )
    )
    cursors = {d.device_id: d.pull_all()[1] for d in (a, b)}
    response = _resolve(admin, conflict_id, choice)
    assert response.status_code == 200, response.get_json()
    kept, other = (existing, newcomer) if choice == "server" else (newcomer, existing)
    kept_record, other_record = db.session.get(Client, kept), db.session.get(Client, other)
    assert (kept_record.deleted, kept_record.duplicate_of, kept_record.merged_into) == (
        False,
        None,
        None,
    )
    assert (other_record.deleted, other_record.merged_into) == (True, kept)
    assert kept_record.conflict_open is False
    for session_id in sessions.values():
        assert db.session.get(CounselingSession, session_id).client_id == kept
    if choice == "server":
        assert db.session.get(Enrollment, enrollment).client_id == kept
    moved = sessions[other]
    for device in (a, b):
        pulled = _pulled(device, cursors[device.device_id])
        assert pulled[moved]["record"]["client_id"] == kept
        assert pulled[other]["deleted"] is True
        assert pulled[other]["record"]["merged_into"] == kept
        assert pulled[kept]["record"]["duplicate_of"] is None
    logs = db.session.scalars(
        select(ChangeLog).where(
            ChangeLog.conflict_id == conflict_id, ChangeLog.source == "resolution"
        )
    ).all()
    assert {log.record_id for log in logs} >= {kept, other, moved}


def test_duplicate_merge_keeps_the_existing_client_with_the_admins_fields(world, devices):
    _a, _b, admin = devices
    existing, newcomer, sessions, conflict_id = _duplicate_conflict(devices, world)
    response = _resolve(admin, conflict_id, "merge", {"full_name": "Budi Santosa", "sex": "M"})
    assert response.status_code == 200, response.get_json()
    kept = db.session.get(Client, existing)
    assert (kept.full_name, kept.deleted, kept.duplicate_of) == ("Budi Santosa", False, None)
    assert db.session.get(Client, newcomer).merged_into == existing
    assert db.session.get(CounselingSession, sessions[newcomer]).client_id == existing


def test_duplicate_detail_shows_both_clients(world, devices):
    existing, newcomer, _sessions, conflict_id = _duplicate_conflict(devices, world)
    body = devices[2].get(f"/api/v1/conflicts/{conflict_id}").get_json()
    assert (body["kind"], body["record_id"], body["other_record_id"]) == (
        "duplicate",
        newcomer,
        existing,
    )
    assert body["current"]["duplicate_of"] == existing
    assert body["other_current"]["id"] == existing


def test_a_third_duplicate_follows_the_merge_to_the_kept_client(client, world, devices):
    _a, _b, admin = devices
    existing, newcomer, _sessions, first = _duplicate_conflict(devices, world)
    c = DeviceSession(client, "konselor.a")
    third = new_id()
    [result] = c.push(
        change("client", third, client_fields(world.facility_a, registration_number="B.I-77/2023"))
    )
    assert _resolve(admin, first, "client").status_code == 200
    assert _resolve(admin, result["conflict_id"], "server").status_code == 200
    assert db.session.get(Client, third).merged_into == newcomer
    assert db.session.get(Client, newcomer).deleted is False
