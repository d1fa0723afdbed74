"""Review: who may approve or return, what a decision writes, how devices see it, and the queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, ChangeLog, Conflict, CounselingSession
from server.models.common import utcnow
from tests.helpers import DeviceSession, change, client_fields, new_id, session_fields


def _client(device: DeviceSession, facility_id: str, **overrides: Any) -> str:
    client_id = new_id()
    [result] = device.push(change("client", client_id, client_fields(facility_id, **overrides)))
    assert result["status"] == "applied", result
    return client_id


def _session(device: DeviceSession, facility_id: str, client_id: str, **overrides: Any) -> str:
    session_id = new_id()
    fields = session_fields(facility_id, client_id, status="submitted") | overrides
    [result] = device.push(change("session", session_id, fields))
    assert result["status"] == "applied", result
    return session_id


def _submitted_in(facility_id: str, username: str, client: Any) -> tuple[DeviceSession, str]:
    device = DeviceSession(client, username)
    return device, _session(device, facility_id, _client(device, facility_id))


def _review(device: DeviceSession, session_id: str, **body: Any) -> Any:
    return device.post(f"/api/v1/sessions/{session_id}/review", json=body)


def _set_submitted_at(session_id: str, hours_ago: float) -> None:
    db.session.get(CounselingSession, session_id).submitted_at = utcnow() - timedelta(
        hours=hours_ago
    )
    db.session.commit()


def test_counselor_may_not_review(client, world):
    counselor, session_id = _submitted_in(world.facility_a, "konselor.a", client)
    response = _review(counselor, session_id, decision="approve")
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert db.session.get(CounselingSession, session_id).status == "submitted"


def test_supervisor_of_another_facility_gets_404(client, world):
    _, session_id = _submitted_in(world.facility_b, "konselor.b", client)
    response = _review(DeviceSession(client, "supervisor.a"), session_id, decision="approve")
    assert response.status_code == 404
    assert db.session.get(CounselingSession, session_id).status == "submitted"


def test_unknown_session_is_404(client, world):
    supervisor = DeviceSession(client, "supervisor.a")
    assert _review(supervisor, new_id(), decision="approve").status_code == 404
    assert _review(supervisor, "x" * 300, decision="approve").status_code == 404


def test_supervisor_approves_a_submitted_session(client, world):
    _, session_id = _submitted_in(world.facility_a, "konselor.a", client)
    supervisor = DeviceSession(client, "supervisor.a")
    response = _review(supervisor, session_id, decision="approve", comment="Baik.")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["id"] == session_id
    assert body["version"] == 2
    assert body["status"] == "approved"
    assert body["reviewed_by"] == supervisor.user_id
    assert body["reviewed_by_name"] == "Supervisor A"
    assert body["reviewed_at"] is not None
    assert body["review_comment"] == "Baik."
    record = db.session.get(CounselingSession, session_id)
    assert (record.status, record.locked, record.version) == ("approved", True, 2)
    log = db.session.scalars(
        select(ChangeLog).where(ChangeLog.record_id == session_id, ChangeLog.version == 2)
    ).one()
    assert (log.source, log.user_id, log.snapshot["status"]) == (
        "review",
        supervisor.user_id,
        "approved",
    )
    assert "status" in log.changed_fields
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review")).one()
    assert (event.record_id, event.user_id, event.detail) == (
        session_id,
        supervisor.user_id,
        {"decision": "approve"},
    )


def test_supervisor_returns_a_session_with_a_comment(client, world):
    _, session_id = _submitted_in(world.facility_a, "konselor.a", client)
    supervisor = DeviceSession(client, "supervisor.a")
    response = _review(supervisor, session_id, decision="return", comment="Lengkapi rencana.")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["review_comment"], body["version"]) == (
        "returned",
        "Lengkapi rencana.",
        2,
    )
    assert db.session.get(CounselingSession, session_id).locked is False


def test_admin_approves_in_any_facility(client, world):
    _, session_id = _submitted_in(world.facility_b, "konselor.b", client)
    admin = DeviceSession(client, "admin")
    response = _review(admin, session_id, decision="approve")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["reviewed_by_name"], body["review_comment"]) == (
        "approved",
        "Admin",
        None,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "return"}, "comment"),
        ({"decision": "return", "comment": "   "}, "comment"),
        ({"decision": "return", "comment": None}, "comment"),
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "approve", "extra": 1}, "extra"),
        ({"decision": "approve", "comment": "a\u0000b"}, "comment"),
    ],
)
def test_invalid_review_body_is_422_per_field(client, world, body, field):
    _, session_id = _submitted_in(world.facility_a, "konselor.a", client)
    response = _review(DeviceSession(client, "supervisor.a"), session_id, **body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert db.session.get(CounselingSession, session_id).status == "submitted"


def test_reviewing_a_draft_is_409(client, world):
    counselor = DeviceSession(client, "konselor.a")
    session_id = _session(
        counselor, world.facility_a, _client(counselor, world.facility_a), status="draft"
    )
    response = _review(DeviceSession(client, "supervisor.a"), session_id, decision="approve")
    assert response.status_code == 409
    assert response.get_json()["type"].endswith("/not-submitted")
    assert db.session.get(CounselingSession, session_id).version == 1


def test_reviewing_twice_is_409(client, world):
    _, session_id = _submitted_in(world.facility_a, "konselor.a", client)
    supervisor = DeviceSession(client, "supervisor.a")
    assert _review(supervisor, session_id, decision="approve").status_code == 200
    assert _review(supervisor, session_id, decision="return", comment="x").status_code == 409


def test_approved_version_reaches_the_device_and_a_later_edit_is_a_locked_conflict(client, world):
    counselor, session_id = _submitted_in(world.facility_a, "konselor.a", client)
    _, cursor = counselor.pull_all()
    _review(DeviceSession(client, "supervisor.a"), session_id, decision="approve")
    pulled, cursor = counselor.pull_all(cursor)
    assert [(c["entity"], c["id"], c["version"]) for c in pulled] == [("session", session_id, 2)]
    assert pulled[0]["record"]["status"] == "approved"
    assert pulled[0]["record"]["reviewed_by_name"] == "Supervisor A"
    [result] = counselor.push(change("session", session_id, {"note_plan": "Diubah.\n"}, base=2))
    assert result["status"] == "conflict"
    conflict = db.session.get(Conflict, result["conflict_id"])
    assert (conflict.kind, conflict.fields) == ("locked", ["note_plan"])
    record = db.session.get(CounselingSession, session_id)
    assert (record.status, record.note_plan) == ("approved", "Lanjutkan sesi mingguan.\n")


def test_returned_session_reaches_the_device_and_can_be_resubmitted(client, world):
    counselor, session_id = _submitted_in(world.facility_a, "konselor.a", client)
    _, cursor = counselor.pull_all()
    supervisor = DeviceSession(client, "supervisor.a")
    _review(supervisor, session_id, decision="return", comment="Tambahkan rencana.")
    pulled, cursor = counselor.pull_all(cursor)
    assert [c["id"] for c in pulled] == [session_id]
    assert (pulled[0]["record"]["status"], pulled[0]["record"]["review_comment"]) == (
        "returned",
        "Tambahkan rencana.",
    )
    [result] = counselor.push(
        change(
            "session", session_id, {"note_plan": "Rencana baru.\n", "status": "submitted"}, base=2
        )
    )
    assert result["status"] == "applied", result
    queue = supervisor.get("/api/v1/review/queue").get_json()
    assert [item["record"]["id"] for item in queue["items"]] == [session_id]


def test_queue_lists_submitted_sessions_oldest_first_with_their_context(client, world):
    counselor = DeviceSession(client, "konselor.a")
    client_id = _client(
        counselor, world.facility_a, full_name="Andi Wijaya", registration_number="B.I-0042"
    )
    newer = _session(counselor, world.facility_a, client_id)
    older = _session(counselor, world.facility_a, client_id)
    _session(counselor, world.facility_a, client_id, status="draft")
    _set_submitted_at(newer, 5)
    _set_submitted_at(older, 30)
    body = DeviceSession(client, "supervisor.a").get("/api/v1/review/queue").get_json()
    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 50)
    assert [item["record"]["id"] for item in body["items"]] == [older, newer]
    first = body["items"][0]
    assert {k: v for k, v in first.items() if k != "record"} == {
        "client_name": "Andi Wijaya",
        "client_registration_number": "B.I-0042",
        "counselor_name": "Konselor A",
        "facility_code": "LP-A",
        "facility_name": "Lapas A",
        "age_hours": 30.0,
        "amends_id": None,
        "amends": None,
    }
    assert first["record"]["status"] == "submitted"


def test_queue_shows_the_approved_session_an_addendum_amends(client, world):
    counselor = DeviceSession(client, "konselor.a")
    client_id = _client(counselor, world.facility_a)
    original = _session(counselor, world.facility_a, client_id)
    supervisor = DeviceSession(client, "supervisor.a")
    _review(supervisor, original, decision="approve")
    addendum = _session(counselor, world.facility_a, client_id, amends_id=original)
    [item] = supervisor.get("/api/v1/review/queue").get_json()["items"]
    assert item["record"]["id"] == addendum
    assert item["amends_id"] == original
    assert item["amends"]["id"] == original
    assert (item["amends"]["status"], item["amends"]["reviewed_by_name"]) == (
        "approved",
        "Supervisor A",
    )


def test_queue_filters_by_facility_counselor_and_age(client, world):
    a, a2 = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_a = _client(a, world.facility_a)
    by_a = _session(a, world.facility_a, client_a)
    by_a2 = _session(a2, world.facility_a, client_a)
    _, in_b = _submitted_in(world.facility_b, "konselor.b", client)
    _set_submitted_at(by_a, 50)
    _set_submitted_at(by_a2, 2)
    _set_submitted_at(in_b, 10)

    def ids(device: DeviceSession, query: str = "") -> list[str]:
        response = device.get("/api/v1/review/queue" + query)
        assert response.status_code == 200, response.get_json()
        return [item["record"]["id"] for item in response.get_json()["items"]]

    supervisor, admin = DeviceSession(client, "supervisor.a"), DeviceSession(client, "admin")
    assert ids(supervisor) == [by_a, by_a2]
    assert ids(admin) == [by_a, in_b, by_a2]
    assert ids(admin, f"?facility_id={world.facility_b}") == [in_b]
    assert ids(admin, f"?counselor_id={a2.user_id}") == [by_a2]
    assert ids(admin, "?min_age_hours=8") == [by_a, in_b]
    assert ids(admin, "?per_page=2&page=2") == [by_a2]
    assert supervisor.get(f"/api/v1/review/queue?facility_id={world.facility_b}").status_code == 404


@pytest.mark.parametrize(
    "query", ["?page=0", "?per_page=500", "?min_age_hours=-1", "?facility_id=x", "?sort=age"]
)
def test_queue_rejects_bad_arguments_with_422(client, world, query):
    response = DeviceSession(client, "supervisor.a").get("/api/v1/review/queue" + query)
    assert response.status_code == 422


def test_counselor_has_no_queue(client, world):
    assert DeviceSession(client, "konselor.a").get("/api/v1/review/queue").status_code == 403


def test_reading_a_session_in_scope_is_audited(client, world):
    counselor, session_id = _submitted_in(world.facility_a, "konselor.a", client)
    for username in ("konselor.a2", "supervisor.a", "admin"):
        response = DeviceSession(client, username).get(f"/api/v1/sessions/{session_id}")
        assert response.status_code == 200
        assert response.get_json()["id"] == session_id
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).all()
    assert [(e.entity, e.record_id) for e in reads] == [("session", session_id)] * 3


def test_reading_a_session_outside_scope_is_404(client, world):
    _, session_id = _submitted_in(world.facility_a, "konselor.a", client)
    other = DeviceSession(client, "konselor.b")
    assert other.get(f"/api/v1/sessions/{session_id}").status_code == 404
    assert other.get(f"/api/v1/sessions/{new_id()}").status_code == 404
