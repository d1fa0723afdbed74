"""Transfers (mutasi): a synced record that moves a client's scope (docs/design.md "Transfers").

Facility A is the source, B the destination: konselor.a and konselor.a2 work in A, konselor.b
in B, supervisor.a supervises A, the admin sees both.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.helpers import DeviceSession, change, client_fields, new_id, session_fields

TODAY = date.today()


def transfer_fields(facility: str, client_id: str, to: str, **overrides: Any) -> dict[str, Any]:
    return {
        "facility_id": facility,
        "client_id": client_id,
        "to_facility_id": to,
        "transferred_on": TODAY.isoformat(),
        "reason": "Pembinaan lanjutan",
    } | overrides


def enrollment_fields(facility: str, client_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "facility_id": facility,
        "client_id": client_id,
        "program": "rehab_sosial",
        "start_date": (TODAY - timedelta(days=60)).isoformat(),
    } | overrides


@pytest.fixture
def history(client: Any, world: Any) -> dict[str, Any]:
    """A client of A with an enrollment, an assessment-free session history and a group session."""
    a = DeviceSession(client, "konselor.a")
    ids = {"client": new_id(), "enrollment": new_id(), "session": new_id(), "group": new_id()}
    ids["attendance"] = new_id()
    results = a.push(
        change("client", ids["client"], client_fields(world.facility_a)),
        change("enrollment", ids["enrollment"], enrollment_fields(world.facility_a, ids["client"])),
        change(
            "session",
            ids["session"],
            session_fields(world.facility_a, ids["client"], enrollment_id=ids["enrollment"]),
        ),
        change(
            "session",
            ids["group"],
            session_fields(world.facility_a, None, kind="group", attendance=None),
        ),
        change(
            "attendance",
            ids["attendance"],
            {
                "facility_id": world.facility_a,
                "session_id": ids["group"],
                "client_id": ids["client"],
                "status": "attended",
            },
        ),
    )
    assert [r["status"] for r in results] == ["applied"] * 5, results
    return {"device": a, **ids}


def _transfer(device: DeviceSession, world: Any, who: str, **overrides: Any) -> Any:
    transfer_id = new_id()
    fields = transfer_fields(world.facility_a, who, world.facility_b) | overrides
    [result] = device.push(change("transfer", transfer_id, fields))
    return transfer_id, result


def _held(
    device: DeviceSession, cursor: str | None = None
) -> tuple[dict[tuple[str, str], Any], str]:
    """What a device holds after pulling from a cursor: live records, minus what left."""
    changes, cursor = device.pull_all(cursor)
    held: dict[tuple[str, str], Any] = {}
    for entry in changes:
        if entry.get("scope") == "left":
            held.pop((entry["entity"], entry["id"]), None)
        elif not entry["deleted"]:
            held[(entry["entity"], entry["id"])] = entry["record"]
    return held, cursor


def test_a_transfer_moves_the_client_and_its_history_to_the_destination(client, world, history):
    a = history["device"]
    b = DeviceSession(client, "konselor.b")
    _, cursor_a = a.pull_all()
    _, cursor_b = b.pull_all()
    transfer_id, result = _transfer(a, world, history["client"])
    assert result["status"] == "applied", result
    # The destination pulls the client with everything of it, the transfer included.
    arrived, _ = _held(b, cursor_b)
    keys = {key for key in arrived if key[0] != "facility"}
    assert keys == {
        ("client", history["client"]),
        ("enrollment", history["enrollment"]),
        ("session", history["session"]),
        ("attendance", history["attendance"]),
        ("transfer", transfer_id),
    }
    assert all(r["facility_id"] == world.facility_b for k, r in arrived.items() if k in keys)
    enrollment = arrived[("enrollment", history["enrollment"])]
    assert enrollment["status"] == "transferred"
    assert enrollment["end_date"] == TODAY.isoformat()
    record = arrived[("transfer", transfer_id)]
    assert record["from_facility_id"] == world.facility_a
    assert record["to_facility_id"] == world.facility_b
    # The source is told once what left, with no body; the group session stays where it was held.
    changes, cursor_a = a.pull_all(cursor_a)
    left = [c for c in changes if c.get("scope") == "left"]
    assert {(c["entity"], c["id"]) for c in left} == keys
    assert all(set(c) == {"entity", "id", "version", "scope"} for c in left)
    again, _ = a.pull_all(cursor_a)
    assert not [c for c in again if c.get("scope") == "left"]
    full, _ = _held(a)
    assert ("session", history["group"]) in full
    assert not {k for k in full if k in keys}


def test_source_users_can_no_longer_read_the_client(client, world, history):
    _transfer(history["device"], world, history["client"])
    supervisor = DeviceSession(client, "supervisor.a")
    assert supervisor.get(f"/api/v1/clients/{history['client']}/path").status_code == 404
    assert supervisor.get(f"/api/v1/sessions/{history['session']}").status_code == 404
    b = DeviceSession(client, "konselor.b")
    assert b.get(f"/api/v1/sessions/{history['session']}").status_code == 200
    admin = DeviceSession(client, "admin")
    path = admin.get(f"/api/v1/clients/{history['client']}/path").get_json()
    assert path["client"]["facility_id"] == world.facility_b


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"to_facility_id": "A"}, "to_facility_id"),
        ({"to_facility_id": new_id()}, "to_facility_id"),
        ({"client_id": new_id()}, "client_id"),
        ({"transferred_on": (TODAY + timedelta(days=3)).isoformat()}, "transferred_on"),
        ({"transferred_on": "not a date"}, "transferred_on"),
        ({"reason": "x" * 501}, "reason"),
    ],
)
def test_a_bad_transfer_is_rejected_per_field(client, world, history, overrides, field):
    if overrides.get("to_facility_id") == "A":
        overrides = {"to_facility_id": world.facility_a}
    _, result = _transfer(history["device"], world, history["client"], **overrides)
    assert result["status"] == "rejected"
    assert field in result["errors"], result


def test_a_transfer_of_another_facilitys_client_is_rejected(client, world):
    b = DeviceSession(client, "konselor.b")
    client_id = new_id()
    b.push(change("client", client_id, client_fields(world.facility_b)))
    a = DeviceSession(client, "konselor.a")
    _, result = _transfer(a, world, client_id)
    assert result["status"] == "rejected"
    assert "client_id" in result["errors"]


def test_a_transfer_is_final_and_a_second_one_from_the_source_says_why(client, world, history):
    a = history["device"]
    transfer_id, _ = _transfer(a, world, history["client"])
    [edit] = a.push(change("transfer", transfer_id, {"reason": "lain"}, base=1))
    assert edit["status"] == "rejected"
    a2 = DeviceSession(client, "konselor.a2")
    _, second = _transfer(a2, world, history["client"])
    assert second["status"] == "rejected"
    assert "already transferred" in second["errors"]["client_id"][0]


def test_a_supervisor_cannot_push_a_transfer_but_an_admin_can(client, world, history):
    supervisor = DeviceSession(client, "supervisor.a")
    body = {
        "device_id": supervisor.device_id,
        "changes": [
            change(
                "transfer",
                new_id(),
                transfer_fields(world.facility_a, history["client"], world.facility_b),
            )
        ],
    }
    assert supervisor.post("/api/v1/sync/push", json=body).status_code == 403
    admin = DeviceSession(client, "admin")
    _, result = _transfer(admin, world, history["client"])
    assert result["status"] == "applied", result


def test_offline_edits_from_the_source_are_applied_after_the_transfer(client, world, history):
    a = history["device"]
    a2 = DeviceSession(client, "konselor.a2")
    _, cursor = a2.pull_all()
    _transfer(a, world, history["client"])
    # a2 did not know: it edits the session's note, the client, and records a new session.
    new_session = new_id()
    results = a2.push(
        change("session", history["session"], {"note_plan": "Rujuk ke psikolog.\n"}, base=1),
        change(
            "client",
            history["client"],
            {"full_name": "Budi S.", "facility_id": world.facility_a},
            base=1,
        ),
        change("session", new_session, session_fields(world.facility_a, history["client"])),
    )
    assert [r["status"] for r in results] == ["merged", "merged", "applied"], results
    b = DeviceSession(client, "konselor.b")
    held, _ = _held(b)
    assert held[("session", history["session"])]["note_plan"] == "Rujuk ke psikolog.\n"
    assert held[("client", history["client"])]["full_name"] == "Budi S."
    assert held[("session", new_session)]["facility_id"] == world.facility_b
    # Nothing of the client stays on the source device after its next pull.
    after, _ = _held(a2, cursor)
    mine, _ = a2.pull_all(cursor)
    left = {(c["entity"], c["id"]) for c in mine if c.get("scope") == "left"}
    assert ("session", new_session) in left
    assert not [
        k
        for k in after
        if k[0] in ("client", "session", "enrollment")
        and k[1] in {history["client"], history["session"], new_session}
    ]


def test_an_enrollment_recorded_offline_at_the_source_follows_the_client(client, world, history):
    a = history["device"]
    a2 = DeviceSession(client, "konselor.a2")
    _transfer(a, world, history["client"])
    fields = enrollment_fields(
        world.facility_a,
        history["client"],
        program="rehab_medis",
        primary_counselor_id=a2.user_id,
        start_date=(TODAY - timedelta(days=5)).isoformat(),
    )
    enrollment_id = new_id()
    [result] = a2.push(change("enrollment", enrollment_id, fields))
    assert result["status"] == "applied", result
    b = DeviceSession(client, "konselor.b")
    held, _ = _held(b)
    followed = held[("enrollment", enrollment_id)]
    assert followed["facility_id"] == world.facility_b
    assert followed["primary_counselor_id"] == a2.user_id
    # It was running at the source when the client left: it closes on the transfer date.
    assert (followed["status"], followed["end_date"]) == ("transferred", TODAY.isoformat())
    # So the destination may enroll the client in the same program.
    [again] = b.push(
        change(
            "enrollment",
            new_id(),
            enrollment_fields(world.facility_b, history["client"], program="rehab_medis"),
        )
    )
    assert again["status"] == "applied", again


def test_an_edit_of_the_closed_enrollment_from_the_source_is_kept_in_a_conflict(
    client, world, history
):
    a = history["device"]
    _transfer(a, world, history["client"])
    a2 = DeviceSession(client, "konselor.a2")
    [result] = a2.push(
        change(
            "enrollment",
            history["enrollment"],
            {"status": "completed", "end_date": TODAY.isoformat()},
            base=1,
        )
    )
    assert result["status"] == "conflict", result
    admin = DeviceSession(client, "admin")
    conflict = admin.get(f"/api/v1/conflicts/{result['conflict_id']}").get_json()
    assert conflict["client"]["status"] == "completed"
    assert conflict["server"]["status"] == "transferred"


def test_a_device_with_both_facilities_gets_no_left_entries(client, world, history):
    admin = DeviceSession(client, "admin")
    _, cursor = admin.pull_all()
    _transfer(history["device"], world, history["client"])
    changes, _ = admin.pull_all(cursor)
    assert not [c for c in changes if c.get("scope") == "left"]


def test_figures_count_the_year_at_each_facility_and_once_in_total(client, world, history):
    a = history["device"]
    _transfer(a, world, history["client"])
    b = DeviceSession(client, "konselor.b")
    [result] = b.push(
        change(
            "enrollment",
            new_id(),
            enrollment_fields(world.facility_b, history["client"], start_date=TODAY.isoformat()),
        )
    )
    assert result["status"] == "applied", result
    admin = DeviceSession(client, "admin")
    figures = admin.get(f"/api/v1/reports/summary?year={TODAY.year}").get_json()
    rehabilitated = figures["rehabilitated"]
    assert rehabilitated["total"] == 1
    per = {f["facility_id"]: f["total"] for f in rehabilitated["by_facility"]}
    assert per == {world.facility_a: 1, world.facility_b: 1}
    # The session was held at A: A's figures keep it.
    for facility, sessions in ((world.facility_a, 2), (world.facility_b, 0)):
        one = admin.get(
            f"/api/v1/reports/summary?year={TODAY.year}&facility_id={facility}"
        ).get_json()
        assert one["sessions_by_kind_month"]["total"] == sessions
