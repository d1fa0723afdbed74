"""The program's path over the API: cohorts, enrollments into them, phase changes, exits, alerts."""

from __future__ import annotations

from typing import Any

import pytest

from server.extensions import db
from server.models import Alert, AuditEvent
from tests.helpers import DeviceSession, change, client_fields, new_id, session_fields

TC_PHASES = [
    {"name": "orientation", "order": 1, "planned_weeks": 4},
    {"name": "primary", "order": 2, "planned_weeks": 16},
    {"name": "re-entry", "order": 3, "planned_weeks": 6},
]


def cohort_body(facility_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "facility_id": facility_id,
        "program": "rehab_sosial",
        "name": "2024 tahap I",
        "start_date": "2024-01-08",
        "end_date": "2024-07-08",
        "intake_target": 40,
        "phases": TC_PHASES,
    }
    return body | overrides


def make_cohort(client: Any, facility_id: str, **overrides: Any) -> dict[str, Any]:
    response = DeviceSession(client, "supervisor.a").post(
        "/api/v1/cohorts", json=cohort_body(facility_id, **overrides)
    )
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def screened_client(device: DeviceSession, facility_id: str) -> tuple[str, str]:
    """A client with an ASSIST screening (moderate risk for amphetamines)."""
    client_id, screening_id = new_id(), new_id()
    answers = {"amphetamine": {"q2": 4, "q3": 3, "q4": 0, "q5": 0, "q6": 0, "q7": 0}}
    results = device.push(
        change("client", client_id, client_fields(facility_id)),
        change(
            "assessment",
            screening_id,
            {
                "facility_id": facility_id,
                "client_id": client_id,
                "instrument": "assist",
                "taken_on": "2024-01-02",
                "answers": answers,
            },
        ),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return client_id, screening_id


def enrollment_fields(facility_id: str, client_id: str, cohort: dict[str, Any], **kw: Any):
    return {
        "facility_id": facility_id,
        "client_id": client_id,
        "program": cohort["program"],
        "cohort_id": cohort["id"],
        "cohort": cohort["name"],
        "start_date": "2024-01-08",
    } | kw


def phase_fields(facility_id: str, enrollment_id: str, client_id: str, **kw: Any):
    return {
        "facility_id": facility_id,
        "enrollment_id": enrollment_id,
        "client_id": client_id,
        "phase": "primary",
        "changed_on": "2024-02-05",
        "decided_by": "Sidang TC",
    } | kw


# -- cohorts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [("konselor.a", 403, 403), ("supervisor.a", 201, 404), ("admin", 201, 201)],
)
def test_cohorts_are_made_by_supervisors_and_admins_of_the_facility(
    client, world, username, own, other
):
    caller = DeviceSession(client, username)
    for facility_id, expected in ((world.facility_a, own), (world.facility_b, other)):
        response = caller.post("/api/v1/cohorts", json=cohort_body(facility_id))
        assert response.status_code == expected, response.get_json()


def test_a_cohort_reaches_the_facilitys_devices_read_only(client, world):
    cohort = make_cohort(client, world.facility_a)
    assert cohort["version"] == 1
    assert [p["name"] for p in cohort["phases"]] == ["orientation", "primary", "re-entry"]
    device = DeviceSession(client, "konselor.a")
    pulled, _ = device.pull_all()
    cohorts = [c for c in pulled if c["entity"] == "cohort"]
    assert [c["record"]["name"] for c in cohorts] == ["2024 tahap I"]
    other, _ = DeviceSession(client, "konselor.b").pull_all()
    assert not [c for c in other if c["entity"] == "cohort"]
    [result] = device.push(change("cohort", cohort["id"], {"name": "x"}, base=1))
    assert result["status"] == "rejected"
    assert "entity" in result["errors"]


def test_a_cohort_edit_names_the_version_it_saw(client, world):
    cohort = make_cohort(client, world.facility_a)
    supervisor = DeviceSession(client, "supervisor.a")
    body = cohort_body(world.facility_a, intake_target=45, version=1)
    del body["facility_id"]
    response = supervisor.client.patch(
        f"/api/v1/cohorts/{cohort['id']}", json=body, headers=supervisor.headers
    )
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["intake_target"], response.get_json()["version"]) == (45, 2)
    stale = supervisor.client.patch(
        f"/api/v1/cohorts/{cohort['id']}", json=body, headers=supervisor.headers
    )
    assert stale.status_code == 409
    assert "version" in stale.get_json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2023-01-01"}, "end_date"),
        ({"program": "rehab_jalan"}, "program"),
        ({"name": ""}, "name"),
        ({"intake_target": -1}, "intake_target"),
        ({"phases": TC_PHASES + [{"name": "primary", "order": 4, "planned_weeks": 2}]}, "phases"),
        ({"phases": [{"name": "x", "order": 1}]}, "phases"),
    ],
)
def test_a_bad_cohort_gets_errors_per_field(client, world, overrides, field):
    response = DeviceSession(client, "supervisor.a").post(
        "/api/v1/cohorts", json=cohort_body(world.facility_a, **overrides)
    )
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_a_cohort_name_is_used_once_per_facility(client, world):
    make_cohort(client, world.facility_a)
    response = DeviceSession(client, "admin").post(
        "/api/v1/cohorts", json=cohort_body(world.facility_a)
    )
    assert response.status_code == 409
    assert "name" in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("username", "expected"), [("konselor.a", 403), ("supervisor.a", 200), ("admin", 200)]
)
def test_cohorts_are_listed_for_staff_in_scope(client, world, username, expected):
    make_cohort(client, world.facility_a)
    response = DeviceSession(client, username).get("/api/v1/cohorts")
    assert response.status_code == expected
    if expected == 200:
        assert [c["name"] for c in response.get_json()["items"]] == ["2024 tahap I"]


# -- enrollments, phases, exits ----------------------------------------------------------------


def test_a_screened_client_is_enrolled_moved_through_phases_and_exits(client, world):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.a")
    client_id, screening_id = screened_client(device, world.facility_a)
    enrollment_id, phase_id = new_id(), new_id()
    fields = enrollment_fields(
        world.facility_a,
        client_id,
        cohort,
        screening_id=screening_id,
        primary_counselor_id=device.user_id,
        phase="orientation",
    )
    phase = phase_fields(world.facility_a, enrollment_id, client_id)
    exit_fields = {
        "status": "completed",
        "end_date": "2024-07-08",
        "exit_reason": "Selesai semua fase",
        "tc_grade": "mandiri",
    }
    results = device.push(
        change("enrollment", enrollment_id, fields),
        change("phase_change", phase_id, phase),
        change("enrollment", enrollment_id, exit_fields, base=1),
    )
    assert [r["status"] for r in results] == ["applied", "applied", "applied"], results
    pulled, _ = DeviceSession(client, "konselor.a2").pull_all()
    records = {(c["entity"], c["id"]): c["record"] for c in pulled}
    enrollment = records[("enrollment", enrollment_id)]
    assert {k: enrollment[k] for k in ("status", "tc_grade", "cohort_id", "screening_id")} == {
        "status": "completed",
        "tc_grade": "mandiri",
        "cohort_id": cohort["id"],
        "screening_id": screening_id,
    }
    assert records[("phase_change", phase_id)]["phase"] == "primary"


def test_one_active_enrollment_per_client_and_program(client, world):
    cohort = make_cohort(client, world.facility_a)
    one, two = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id, _ = screened_client(one, world.facility_a)
    first, second, third = new_id(), new_id(), new_id()
    [applied] = one.push(
        change("enrollment", first, enrollment_fields(world.facility_a, client_id, cohort))
    )
    assert applied["status"] == "applied"
    # Another device, offline, enrolled the same client too: refused with a per-field error.
    [refused] = two.push(
        change("enrollment", second, enrollment_fields(world.facility_a, client_id, cohort))
    )
    assert refused["status"] == "rejected"
    assert refused["errors"] == {
        "program": ["The client already has an active enrollment in this program."]
    }
    # Two in one batch: the second is refused as well.
    other_client, _ = screened_client(one, world.facility_a)
    a, b = one.push(
        change("enrollment", new_id(), enrollment_fields(world.facility_a, other_client, cohort)),
        change("enrollment", new_id(), enrollment_fields(world.facility_a, other_client, cohort)),
    )
    assert (a["status"], b["status"]) == ("applied", "rejected")
    # After the exit, a new enrollment in the program is taken; another program is always.
    one.push(change("enrollment", first, {"status": "withdrew", "end_date": "2024-02-01"}, base=1))
    [again] = one.push(
        change("enrollment", third, enrollment_fields(world.facility_a, client_id, cohort))
    )
    assert again["status"] == "applied"
    [medis] = one.push(
        change(
            "enrollment",
            new_id(),
            {
                "facility_id": world.facility_a,
                "client_id": client_id,
                "program": "rehab_medis",
                "start_date": "2024-01-08",
            },
        )
    )
    assert medis["status"] == "applied"
    # Reopening the withdrawn one would make two active ones: refused.
    [reopen] = one.push(change("enrollment", first, {"status": "active"}, base=2))
    assert reopen["status"] == "rejected"
    assert "program" in reopen["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"program": "rehab_medis"}, "program"),  # not the cohort's program
        ({"tc_grade": "mandiri"}, "tc_grade"),  # a grade only at an exit
        ({"tc_grade": "lulus", "status": "completed"}, "tc_grade"),
        ({"screening_id": "wrong-client"}, "screening_id"),
        ({"primary_counselor_id": "supervisor"}, "primary_counselor_id"),
        ({"cohort_id": "other-facility"}, "cohort_id"),
        ({"exit_reason": "x" * 501}, "exit_reason"),
    ],
)
def test_an_enrollment_that_breaks_a_rule_is_refused_per_field(client, world, overrides, field):
    cohort = make_cohort(client, world.facility_a)
    other_cohort = make_cohort(client, world.facility_a, name="2024 medis", program="rehab_medis")
    del other_cohort
    device = DeviceSession(client, "konselor.a")
    client_id, _ = screened_client(device, world.facility_a)
    _, someone_elses = screened_client(device, world.facility_a)
    admin_cohort = DeviceSession(client, "admin").post(
        "/api/v1/cohorts", json=cohort_body(world.facility_b)
    )
    supervisor_id = DeviceSession(client, "supervisor.a").user_id
    replace = {
        "wrong-client": someone_elses,
        "supervisor": supervisor_id,
        "other-facility": admin_cohort.get_json()["id"],
    }
    overrides = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    fields = enrollment_fields(world.facility_a, client_id, cohort, **overrides)
    [result] = device.push(change("enrollment", new_id(), fields))
    assert result["status"] == "rejected", result
    assert field in result["errors"]


def test_a_phase_change_belongs_to_the_client_of_its_enrollment(client, world):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.a")
    client_id, _ = screened_client(device, world.facility_a)
    other_id, _ = screened_client(device, world.facility_a)
    enrollment_id = new_id()
    device.push(
        change("enrollment", enrollment_id, enrollment_fields(world.facility_a, client_id, cohort))
    )
    phase = phase_fields(world.facility_a, enrollment_id, other_id)
    [wrong] = device.push(change("phase_change", new_id(), phase))
    assert wrong["status"] == "rejected"
    assert "client_id" in wrong["errors"]
    [missing] = device.push(change("phase_change", new_id(), phase | {"enrollment_id": new_id()}))
    assert "enrollment_id" in missing["errors"]


def test_enrollments_and_phase_changes_of_another_facility_are_refused(client, world):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.b")
    client_b = new_id()
    device.push(change("client", client_b, client_fields(world.facility_b)))
    [result] = device.push(
        change("enrollment", new_id(), enrollment_fields(world.facility_a, client_b, cohort))
    )
    assert result["status"] == "rejected"
    assert "facility_id" in result["errors"]


def test_two_devices_exiting_differently_keep_both_in_a_conflict(client, world):
    cohort = make_cohort(client, world.facility_a)
    one, two = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id, _ = screened_client(one, world.facility_a)
    enrollment_id = new_id()
    one.push(
        change("enrollment", enrollment_id, enrollment_fields(world.facility_a, client_id, cohort))
    )
    [first] = one.push(
        change(
            "enrollment", enrollment_id, {"status": "withdrew", "end_date": "2024-03-01"}, base=1
        )
    )
    [second] = two.push(
        change("enrollment", enrollment_id, {"status": "referred", "exit_reason": "RSJ"}, base=1)
    )
    assert (first["status"], second["status"]) == ("applied", "conflict")


# -- alerts ------------------------------------------------------------------------------------


def _flagged_session(device: DeviceSession, facility_id: str, flags: list[str]) -> tuple[str, str]:
    client_id, session_id = new_id(), new_id()
    results = device.push(
        change("client", client_id, client_fields(facility_id, full_name="Rudi Hartono")),
        change("session", session_id, session_fields(facility_id, client_id, risk_flags=flags)),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return client_id, session_id


def _alerts(device: DeviceSession) -> list[dict[str, Any]]:
    pulled, _ = device.pull_all()
    return [c["record"] for c in pulled if c["entity"] == "alert"]


def test_a_session_with_suicidal_ideation_raises_an_alert_the_facility_pulls(client, world):
    device = DeviceSession(client, "konselor.a")
    _, session_id = _flagged_session(device, world.facility_a, ["suicidal_ideation", "relapse"])
    [alert] = _alerts(device)
    assert {k: alert[k] for k in ("session_id", "flags", "status", "counselor_id")} == {
        "session_id": session_id,
        "flags": ["suicidal_ideation"],
        "status": "open",
        "counselor_id": device.user_id,
    }
    assert _alerts(DeviceSession(client, "konselor.b")) == []


def test_flags_that_do_not_alarm_raise_no_alert(client, world):
    device = DeviceSession(client, "konselor.a")
    _flagged_session(device, world.facility_a, ["relapse", "use_inside"])
    assert _alerts(device) == []


def test_an_added_flag_reopens_the_sessions_one_alert(client, world):
    device = DeviceSession(client, "konselor.a")
    _, session_id = _flagged_session(device, world.facility_a, ["violence"])
    [alert] = _alerts(device)
    supervisor = DeviceSession(client, "supervisor.a")
    assert supervisor.post(f"/api/v1/alerts/{alert['id']}/acknowledge").status_code == 200
    device.push(
        change("session", session_id, {"risk_flags": ["violence"], "note_plan": "x"}, base=1)
    )
    assert [a["status"] for a in _alerts(device)] == ["acknowledged"]
    device.push(change("session", session_id, {"risk_flags": ["violence", "self_harm"]}, base=2))
    [again] = _alerts(device)
    assert (again["id"], again["status"], again["flags"]) == (
        alert["id"],
        "open",
        ["self_harm", "violence"],
    )


def test_alerts_sit_above_the_review_queue_until_acknowledged(client, world):
    device = DeviceSession(client, "konselor.a")
    _flagged_session(device, world.facility_a, ["self_harm"])
    supervisor = DeviceSession(client, "supervisor.a")
    body = supervisor.get("/api/v1/review/queue?min_age_hours=1000").get_json()
    assert body["items"] == []  # the filter hides every review item, never an alert
    [item] = body["alerts"]
    assert (item["client_name"], item["record"]["flags"]) == ("Rudi Hartono", ["self_harm"])
    alert_id = item["record"]["id"]
    response = supervisor.post(f"/api/v1/alerts/{alert_id}/acknowledge")
    assert response.status_code == 200
    acknowledged = response.get_json()
    assert (acknowledged["status"], acknowledged["acknowledged_by_name"]) == (
        "acknowledged",
        "Supervisor A",
    )
    assert supervisor.get("/api/v1/review/queue").get_json()["alerts"] == []
    [pulled] = _alerts(device)
    assert pulled["acknowledged_by"] == supervisor.user_id
    db.session.expire_all()
    events = db.session.query(AuditEvent).filter_by(action="acknowledge", record_id=alert_id).all()
    assert [(e.user_id, e.entity) for e in events] == [(supervisor.user_id, "alert")]


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [("konselor.a", 403, 403), ("supervisor.a", 200, 404), ("admin", 200, 200)],
)
def test_alerts_are_acknowledged_by_supervisors_and_admins_of_the_facility(
    client, world, username, own, other
):
    _flagged_session(DeviceSession(client, "konselor.a"), world.facility_a, ["violence"])
    _flagged_session(DeviceSession(client, "konselor.b"), world.facility_b, ["violence"])
    ids = {a.facility_id: a.id for a in db.session.query(Alert).all()}
    caller = DeviceSession(client, username)
    assert caller.post(f"/api/v1/alerts/{ids[world.facility_a]}/acknowledge").status_code == own
    assert caller.post(f"/api/v1/alerts/{ids[world.facility_b]}/acknowledge").status_code == other
    assert caller.post(f"/api/v1/alerts/{new_id()}/acknowledge").status_code in (403, 404)


def test_the_risk_checklists_are_served_to_every_role(client, world, app):
    device = DeviceSession(client, "konselor.a")
    assert device.get("/api/v1/checklists").get_json() == {"checklists": {}}
    app.config["RISK_CHECKLISTS"] = {"violence": ["Pisahkan klien", "Lapor petugas"]}
    try:
        body = device.get("/api/v1/checklists").get_json()
    finally:
        app.config["RISK_CHECKLISTS"] = {}
    assert body == {"checklists": {"violence": ["Pisahkan klien", "Lapor petugas"]}}


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [("konselor.a", 403, 403), ("supervisor.a", 200, 404), ("admin", 200, 200)],
)
def test_staff_read_a_clients_path_in_scope_and_the_read_is_audited(
    client, world, username, own, other
):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.a")
    client_id, screening_id = screened_client(device, world.facility_a)
    enrollment_id = new_id()
    device.push(
        change("enrollment", enrollment_id, enrollment_fields(world.facility_a, client_id, cohort))
    )
    other_client = new_id()
    DeviceSession(client, "konselor.b").push(
        change("client", other_client, client_fields(world.facility_b))
    )
    caller = DeviceSession(client, username)
    response = caller.get(f"/api/v1/clients/{client_id}/path")
    assert response.status_code == own
    assert caller.get(f"/api/v1/clients/{other_client}/path").status_code == other
    if own == 200:
        body = response.get_json()
        assert [e["id"] for e in body["enrollments"]] == [enrollment_id]
        assert [a["id"] for a in body["assessments"]] == [screening_id]
        assert [c["name"] for c in body["cohorts"]] == ["2024 tahap I"]
        db.session.expire_all()
        reads = db.session.query(AuditEvent).filter_by(action="read", record_id=client_id).all()
        assert [e.user_id for e in reads] == [caller.user_id]


def test_a_supervisor_records_a_clients_path_through_the_push_rules(client, world):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.a")
    client_id, screening_id = screened_client(device, world.facility_a)
    supervisor = DeviceSession(client, "supervisor.a")
    enrollment_id = new_id()
    fields = enrollment_fields(world.facility_a, client_id, cohort, screening_id=screening_id)
    phase = phase_fields(world.facility_a, enrollment_id, client_id)
    url = f"/api/v1/clients/{client_id}/path"
    response = supervisor.post(
        url,
        json={
            "changes": [
                change("enrollment", enrollment_id, fields),
                change("phase_change", new_id(), phase),
                change("enrollment", enrollment_id, {"status": "expelled"}, base=1),
            ]
        },
    )
    assert response.status_code == 200, response.get_json()
    assert [r["status"] for r in response.get_json()["results"]] == ["applied"] * 3
    # The same rules as a phone's push: a second active enrollment is refused per field.
    again = supervisor.post(
        url, json={"changes": [change("enrollment", new_id(), fields | {"status": "active"})]}
    )
    assert again.get_json()["results"][0]["status"] == "applied"  # the first one was expelled
    twice = supervisor.post(url, json={"changes": [change("enrollment", new_id(), fields)]})
    assert twice.get_json()["results"][0]["errors"] == {
        "program": ["The client already has an active enrollment in this program."]
    }
    pulled, _ = device.pull_all()
    assert {c["id"] for c in pulled if c["entity"] == "enrollment"} >= {enrollment_id}


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [("konselor.a", 403, 403), ("supervisor.a", 200, 404), ("admin", 200, 200)],
)
def test_recording_a_path_is_for_staff_in_scope(client, world, username, own, other):
    device = DeviceSession(client, "konselor.a")
    client_id, _ = screened_client(device, world.facility_a)
    other_id = new_id()
    DeviceSession(client, "konselor.b").push(
        change("client", other_id, client_fields(world.facility_b))
    )
    caller = DeviceSession(client, username)
    for cid, facility_id, expected in (
        (client_id, world.facility_a, own),
        (other_id, world.facility_b, other),
    ):
        fields = {
            "facility_id": facility_id,
            "client_id": cid,
            "program": "rehab_medis",
            "start_date": "2024-01-08",
        }
        response = caller.post(
            f"/api/v1/clients/{cid}/path",
            json={"changes": [change("enrollment", new_id(), fields)]},
        )
        assert response.status_code == expected, response.get_json()


@pytest.mark.parametrize(
    "bad",
    [
        {"entity": "client", "fields": {"full_name": "x"}},
        {"entity": "session", "fields": {}},
        {"entity": "enrollment", "fields": {"client_id": "someone-else"}},
    ],
)
def test_a_path_change_of_another_kind_or_client_is_refused(client, world, bad):
    device = DeviceSession(client, "konselor.a")
    client_id, _ = screened_client(device, world.facility_a)
    raw = change(bad["entity"], new_id(), bad["fields"])
    response = DeviceSession(client, "supervisor.a").post(
        f"/api/v1/clients/{client_id}/path", json={"changes": [raw]}
    )
    assert response.status_code == 422, response.get_json()
    assert "changes.0" in response.get_json()["errors"]


def test_a_deployments_checklist_file_is_checked_at_start(tmp_path):
    from marshmallow import ValidationError

    from server import _risk_checklists

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('{"checklists": {"self_harm": ["Panggil klinik"]}}', encoding="utf-8")
    bad.write_text('{"checklists": {"relapse": ["x"], "violence": []}}', encoding="utf-8")
    assert _risk_checklists(str(good)) == {"self_harm": ["Panggil klinik"]}
    assert _risk_checklists("") == {}
    with pytest.raises(ValidationError):
        _risk_checklists(str(bad))
