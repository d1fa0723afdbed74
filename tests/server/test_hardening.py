"""Inputs that once answered 500, and authorship a device could forge (issue: server hardening).

Each case failed on the code before its fix: a 500 problem, or a session whose author was
whoever the device named.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import CounselingSession, User
from server.services.facilities import add_facility
from server.services.unit import unit_of_work
from tests.helpers import DeviceSession, change, client_fields, new_id, session_fields

DEEP = "[" * 1000 + "]" * 1000
HUGE_NUMBER = "1" * 5000


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/refresh"])
@pytest.mark.parametrize(
    "body", [DEEP, '{"a": ' + DEEP + "}", HUGE_NUMBER, '{"n": ' + HUGE_NUMBER + "}"]
)
def test_unauthenticated_routes_refuse_deep_or_huge_json_with_400(client, path, body):
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_push_refuses_deep_json_with_400(client, world):
    device = DeviceSession(client, "konselor.a")
    body = '{"device_id": "' + device.device_id + '", "changes": [' + DEEP + "]}"
    response = device.post("/api/v1/sync/push", data=body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("pending", [2**31, 2**63])
def test_push_refuses_an_impossible_pending_count(client, world, pending):
    device = DeviceSession(client, "konselor.a")
    response = device.report(app_version="1.0", pending_count=pending)
    assert response.status_code == 422
    assert "pending_count" in response.get_json()["errors"]


def test_a_huge_base_version_is_rejected_and_the_rest_applied(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    [created] = device.push(change("client", client_id, client_fields(world.facility_a)))
    assert created["status"] == "applied"
    results = device.push(
        change("client", client_id, {"full_name": "Budi S."}, base=10**30),
        change("client", new_id(), client_fields(world.facility_a)),
    )
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert "base_version" in results[0]["errors"]


@pytest.mark.parametrize(
    "occurred_at",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1066-10-14T09:00:00+00:00"],
)
def test_an_impossible_session_time_is_rejected_per_field(client, world, occurred_at):
    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    fields = session_fields(world.facility_a, client_id, occurred_at=occurred_at)
    results = device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change("session", new_id(), fields),
    )
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert "occurred_at" in results[1]["errors"]


def _assessment(facility_id: str, client_id: str, answers: Any) -> dict[str, Any]:
    return {
        "facility_id": facility_id,
        "client_id": client_id,
        "instrument": "assist",
        "taken_on": "2024-01-10",
        "answers": answers,
    }


@pytest.mark.parametrize(
    "answers",
    [
        {"alcohol": {"q2": 7}},
        {"heroin": {"q2": 2}},
        {"alcohol": {"q9": 0}},
        {"alcohol": {"q2": True}},
        {"alcohol": {"q2": "2"}},
        {"alcohol": 3},
        [1, 2],
    ],
)
def test_assist_answers_of_the_wrong_shape_are_rejected_and_the_batch_goes_on(
    client, world, answers
):
    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    results = device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change("assessment", new_id(), _assessment(world.facility_a, client_id, answers)),
        change("client", new_id(), client_fields(world.facility_a)),
    )
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert any(name.startswith("answers") for name in results[1]["errors"])


def test_xlsx_export_survives_a_control_character_in_a_facility_name(client, world):
    with unit_of_work():
        add_facility(code="LP-Z", name="Lapas\x07Z\x1b", kind="lapas", region="X", timezone="WIB")
    admin = DeviceSession(client, "admin")
    response = admin.get("/api/v1/reports/export?year=2023&table=rehabilitated&format=xlsx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        (" =1+1", "' =1+1"),
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        ("\t-2", "'\t-2"),
        ("  +62 811", "'  +62 811"),
        ("Lapas\x07 A", "Lapas A"),
        ("Lapas Kelas I", "Lapas Kelas I"),
        (12, 12),
    ],
)
def test_export_cells_are_neutralized(value, safe):
    from server.services.reports import _cell

    assert _cell(value) == safe


# Authorship


def _counselor_id(username: str) -> str:
    return db.session.scalar(select(User.id).where(User.username == username))


def test_a_new_session_is_authored_by_the_caller_whatever_the_device_names(client, world):
    device = DeviceSession(client, "konselor.a")
    other = _counselor_id("konselor.a2")
    client_id, session_id = new_id(), new_id()
    results = device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change(
            "session",
            session_id,
            session_fields(world.facility_a, client_id, counselor_id=other, status="submitted"),
        ),
    )
    assert results[1]["status"] == "rejected"
    assert "counselor_id" in results[1]["errors"]
    results = device.push(
        change("session", session_id, session_fields(world.facility_a, client_id))
    )
    assert results[0]["status"] == "applied"
    stored = db.session.get(CounselingSession, session_id)
    assert stored is not None and stored.counselor_id == device.user_id


def test_a_random_counselor_id_is_not_stored(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id, session_id = new_id(), new_id()
    device.push(change("client", client_id, client_fields(world.facility_a)))
    fields = session_fields(world.facility_a, client_id, counselor_id=new_id())
    [result] = device.push(change("session", session_id, fields))
    assert result["status"] == "rejected"
    assert db.session.get(CounselingSession, session_id) is None


def test_an_edit_from_a_device_never_takes_over_a_session(client, world):
    author = DeviceSession(client, "konselor.a2")
    thief = DeviceSession(client, "konselor.a")
    client_id, session_id = new_id(), new_id()
    author.push(
        change("client", client_id, client_fields(world.facility_a)),
        change("session", session_id, session_fields(world.facility_a, client_id)),
    )
    [result] = thief.push(change("session", session_id, {"counselor_id": thief.user_id}, base=1))
    assert result["status"] == "rejected"
    assert "counselor_id" in result["errors"]
    db.session.expire_all()
    stored = db.session.get(CounselingSession, session_id)
    assert stored is not None and stored.counselor_id == author.user_id


def test_an_admin_reassigns_a_session_through_the_admin_route_audited(client, world):
    author = DeviceSession(client, "konselor.a2")
    admin = DeviceSession(client, "admin")
    client_id, session_id = new_id(), new_id()
    author.push(
        change("client", client_id, client_fields(world.facility_a)),
        change("session", session_id, session_fields(world.facility_a, client_id)),
    )
    other = _counselor_id("konselor.a")
    response = admin.post(
        f"/api/v1/admin/sessions/{session_id}/counselor", json={"counselor_id": other}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["counselor_id"] == other
    assert response.get_json()["version"] == 2
    # The counselor must work in the session's facility.
    outsider = _counselor_id("konselor.b")
    refused = admin.post(
        f"/api/v1/admin/sessions/{session_id}/counselor", json={"counselor_id": outsider}
    )
    assert refused.status_code == 422
    counselor = DeviceSession(client, "konselor.a")
    forbidden = counselor.post(
        f"/api/v1/admin/sessions/{session_id}/counselor", json={"counselor_id": other}
    )
    assert forbidden.status_code == 403
    from server.models import AuditEvent

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reassign_session")
    ).all()
    assert len(events) == 1 and events[0].record_id == session_id


# Separation of duties and decisions on what the reviewer saw


def _submitted_by(device: DeviceSession, facility_id: str) -> str:
    client_id, session_id = new_id(), new_id()
    results = device.push(
        change("client", client_id, client_fields(facility_id)),
        change("session", session_id, session_fields(facility_id, client_id, status="submitted")),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return session_id


def test_nobody_approves_a_session_they_wrote(client, world):
    admin = DeviceSession(client, "admin")
    session_id = _submitted_by(admin, world.facility_a)
    response = admin.post(f"/api/v1/sessions/{session_id}/review", json={"decision": "approve"})
    assert response.status_code == 403
    assert response.get_json()["type"].endswith("/own-session")
    supervisor = DeviceSession(client, "supervisor.a")
    ok = supervisor.post(f"/api/v1/sessions/{session_id}/review", json={"decision": "approve"})
    assert ok.status_code == 200


def test_a_decision_on_a_version_the_reviewer_did_not_see_is_refused(client, world):
    counselor = DeviceSession(client, "konselor.a")
    session_id = _submitted_by(counselor, world.facility_a)
    supervisor = DeviceSession(client, "supervisor.a")
    seen = supervisor.get(f"/api/v1/sessions/{session_id}").get_json()["version"]
    counselor.push(change("session", session_id, {"note_plan": "Rencana baru."}, base=seen))
    stale = supervisor.post(
        f"/api/v1/sessions/{session_id}/review", json={"decision": "approve", "version": seen}
    )
    assert stale.status_code == 409
    assert "version" in stale.get_json()["errors"]
    current = supervisor.get(f"/api/v1/sessions/{session_id}").get_json()["version"]
    fresh = supervisor.post(
        f"/api/v1/sessions/{session_id}/review", json={"decision": "approve", "version": current}
    )
    assert fresh.status_code == 200


@pytest.mark.parametrize(
    ("kind", "missing"),
    [("individual", {"note_plan"}), ("group", set()), ("family", {"note_plan"})],
)
def test_a_session_sent_for_review_needs_its_dap_parts(client, world, kind, missing):
    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    fields = session_fields(
        world.facility_a, client_id, kind=kind, note_plan="", status="submitted"
    )
    if kind == "group":
        fields |= {"client_id": None, "attendance": None}
    results = device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change("session", new_id(), fields),
        change("session", new_id(), fields | {"note_data": "", "note_assessment": " "}),
    )
    assert results[0]["status"] == "applied"
    assert (results[1]["status"] == "rejected") == bool(missing)
    assert set(results[1]["errors"] or {}) == missing
    assert set(results[2]["errors"]) == {"note_data", "note_assessment"} | missing


def test_idempotency_is_per_device(client, world):
    # konselor.b's change reuses the change_id konselor.a sent: b gets its own answer.
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.b")
    shared = new_id()
    mine = change("client", new_id(), client_fields(world.facility_a)) | {"change_id": shared}
    theirs = change("client", new_id(), client_fields(world.facility_b)) | {"change_id": shared}
    [first] = a.push(mine)
    [second] = b.push(theirs)
    assert first["status"] == second["status"] == "applied"
    assert second["id"] == theirs["id"] != first["id"]
    from server.models import Client

    assert db.session.get(Client, theirs["id"]) is not None
    # A retry by the same device is still answered from the log, never applied twice.
    [again] = b.push(theirs)
    assert again == second


# One password policy


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaa", "At least 12"),
        ("aaaaaaaaaaaa", "Too easy"),
        ("1234567890ab", "Too easy"),
        ("password1234", "Too easy"),
        ("petugas.baru0000", "Must not contain"),
        ("pulih-demo-2024", "published"),
    ],
)
def test_the_admin_api_refuses_weak_passwords(client, world, password, why):
    admin = DeviceSession(client, "admin")
    body = {
        "username": "petugas.baru",
        "display_name": "Petugas Baru",
        "role": "counselor",
        "password": password,
        "facility_ids": [world.facility_a],
    }
    response = admin.post("/api/v1/admin/users", json=body)
    assert response.status_code == 422
    assert any(why in message for message in response.get_json()["errors"]["password"])
    if why != "Must not contain":  # konselor.a's name is not in it
        reset = admin.post(
            f"/api/v1/admin/users/{_counselor_id('konselor.a')}/password",
            json={"password": password},
        )
        assert reset.status_code == 422


def test_a_password_reset_may_not_hold_the_username(client, world):
    admin = DeviceSession(client, "admin")
    response = admin.post(
        f"/api/v1/admin/users/{_counselor_id('konselor.a')}/password",
        json={"password": "Konselor.A-rahasia-77"},
    )
    assert response.status_code == 422
    ok = admin.post(
        f"/api/v1/admin/users/{_counselor_id('konselor.a')}/password",
        json={"password": "pohon-jambu-di-blok-c"},
    )
    assert ok.status_code == 204
