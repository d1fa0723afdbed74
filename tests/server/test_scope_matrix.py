"""Every role × own / other facility × every route: the server enforces scope on each one."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Alert, Client, Conflict
from tests.helpers import (
    DeviceSession,
    change,
    client_fields,
    new_id,
    release_fields,
    session_fields,
)

ROLES = {
    "counselor": "konselor.a",
    "supervisor": "supervisor.a",
    "admin": "admin",
    "official": "pejabat.a",
}

# route name -> expected status for (role, own|other)
EXPECTED = {
    "me": {
        "counselor": (200, 200),
        "supervisor": (200, 200),
        "admin": (200, 200),
        "official": (200, 200),
    },
    "pull": {
        "counselor": (200, 200),
        "supervisor": (200, 200),
        "admin": (200, 200),
        "official": (403, 403),
    },
    # a device names only itself: no facility is involved
    "label-device": {
        "counselor": (200, 200),
        "supervisor": (200, 200),
        "admin": (200, 200),
        "official": (200, 200),
    },
    # a device's audit chain is about the device and its user: an entry naming a record of any
    # facility is the device's own claim (merged with the record's facility), never a disclosure
    "device-audit": {
        "counselor": (200, 200),
        "supervisor": (200, 200),
        "admin": (200, 200),
        "official": (200, 200),
    },
    # the caller's own facilities (an admin's: all); never another's
    "my-facilities": {
        "counselor": (403, 403),
        "supervisor": (200, 200),
        "admin": (200, 200),
        "official": (200, 200),
    },
    "seal_key": {
        "counselor": (200, 200),
        "supervisor": (200, 200),
        "admin": (200, 200),
        "official": (200, 200),
    },
    "sealed_import": {
        "counselor": (403, 403),
        "supervisor": (403, 403),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "push": {
        "counselor": ("applied", "rejected"),
        "supervisor": (403, 403),
        "admin": ("applied", "applied"),
        "official": (403, 403),
    },
    "session": {
        "counselor": (200, 404),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "review": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "queue": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "summary": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (200, 404),
    },
    "years": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (200, 404),
    },
    "export": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (200, 404),
    },
    "conflicts": {
        "counselor": (403, 403),
        "supervisor": (403, 403),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "conflict": {
        "counselor": (403, 403),
        "supervisor": (403, 403),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "resolve": {
        "counselor": (403, 403),
        "supervisor": (403, 403),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "users": {
        "counselor": (403, 403),
        "supervisor": (403, 403),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "devices": {
        "counselor": (403, 403),
        "supervisor": (403, 403),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "audit": {
        "counselor": (403, 403),
        "supervisor": (403, 403),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "rejected": {
        "counselor": (403, 403),
        "supervisor": (403, 403),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "facilities": {
        "counselor": (403, 403),
        "supervisor": (403, 403),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "sync_health": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "cohorts": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "cohort_create": {
        "counselor": (403, 403),
        "supervisor": (201, 404),
        "admin": (201, 201),
        "official": (403, 403),
    },
    "cohort_edit": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "acknowledge": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "checklists": {
        "counselor": (200, 200),
        "supervisor": (200, 200),
        "admin": (200, 200),
        "official": (200, 200),
    },
    "client_path": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "record_path": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    # --- release and aftercare, admission from a list ---
    "record_release": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "summary_pdf": {
        "counselor": (200, 404),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    "import_clients": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    # --- end release and aftercare ---
    # a transfer recorded from the staff view: the client's facility must be the caller's
    "record_transfer": {
        "counselor": (403, 403),
        "supervisor": (200, 404),
        "admin": (200, 200),
        "official": (403, 403),
    },
    # names of facilities only, for choosing a transfer's destination
    "transfer_destinations": {
        "counselor": (200, 200),
        "supervisor": (200, 200),
        "admin": (200, 200),
        "official": (403, 403),
    },
}

COHORT = {
    "program": "rehab_sosial",
    "name": "2024 tahap I",
    "start_date": "2024-01-08",
    "end_date": "2024-07-08",
    "intake_target": 30,
    "phases": [{"name": "primary", "order": 1, "planned_weeks": 20}],
}


def _facility_data(client, facility_id: str, username: str) -> dict[str, str]:
    """A client, a submitted session with its risk alert, an open field conflict and a cohort
    in one facility."""
    one, two = DeviceSession(client, username), DeviceSession(client, username)
    client_id, session_id = new_id(), new_id()
    one.push(change("client", client_id, client_fields(facility_id)))
    flagged = session_fields(
        facility_id, client_id, status="submitted", risk_flags=["suicidal_ideation"]
    )
    one.push(change("session", session_id, flagged))
    cohort = DeviceSession(client, "admin").post(
        "/api/v1/cohorts", json=COHORT | {"facility_id": facility_id, "name": new_id()[:8]}
    )
    alert = db.session.scalar(select(Alert.id).where(Alert.session_id == session_id))
    one.push(change("client", client_id, {"full_name": "Satu"}, base=1))
    [result] = two.push(change("client", client_id, {"full_name": "Dua"}, base=1))
    assert result["status"] == "conflict"
    release_id = new_id()  # release and aftercare: a release with the client's consent
    [released] = one.push(
        change(
            "release", release_id, release_fields(facility_id, client_id, released_on="2024-06-01")
        )
    )
    assert released["status"] == "applied", released
    return {
        "release": release_id,
        "facility": facility_id,
        "client": client_id,
        "session": session_id,
        "conflict": result["conflict_id"],
        "cohort": cohort.get_json()["id"],
        "alert": str(alert),
    }


def _read_entry(caller: DeviceSession, client_id: str) -> dict[str, object]:
    """The first entry of the caller's audit chain: it read a client on the device."""
    from server.services.device_audit import GENESIS, entry_hash

    me = caller.get("/api/v1/auth/me").get_json()
    entry = {
        "n": 1,
        "at": "2026-12-02T05:00:00.000Z",
        "user_id": me["id"],
        "action": "read",
        "entity": "client",
        "record_id": client_id,
        "prev": GENESIS,
    }
    return entry | {"hash": entry_hash(entry, caller.device_id)}


WBP_LIST = base64.b64encode(b"nama;no registrasi;jk;perkara\nAndi;R-1;L;pengguna\n").decode()


def _call(route: str, caller: DeviceSession, data: dict[str, str]):
    f = data["facility"]
    calls = {
        "me": lambda: caller.get("/api/v1/auth/me"),
        "my-facilities": lambda: caller.get("/api/v1/review/facilities"),
        "label-device": lambda: caller.put("/api/v1/auth/device", json={"label": "Tablet A"}),
        "pull": lambda: caller.get("/api/v1/sync/pull"),
        "seal_key": lambda: caller.get("/api/v1/sync/key"),
        "device-audit": lambda: caller.post(
            "/api/v1/sync/audit",
            json={"device_id": caller.device_id, "entries": [_read_entry(caller, data["client"])]},
        ),
        "sealed_import": lambda: caller.post(
            "/api/v1/admin/sealed-import",
            json={
                "format": "pulih-sealed-backup",
                "version": 1,
                "device_id": caller.device_id,
                "sealed": [],
            },
        ),
        "session": lambda: caller.get(f"/api/v1/sessions/{data['session']}"),
        "review": lambda: caller.post(
            f"/api/v1/sessions/{data['session']}/review", json={"decision": "approve"}
        ),
        "queue": lambda: caller.get(f"/api/v1/review/queue?facility_id={f}"),
        "summary": lambda: caller.get(f"/api/v1/reports/summary?year=2023&facility_id={f}"),
        "years": lambda: caller.get(f"/api/v1/reports/years?facility_id={f}"),
        "export": lambda: caller.get(
            f"/api/v1/reports/export?year=2023&table=rehabilitated&format=csv&facility_id={f}"
        ),
        "conflicts": lambda: caller.get(f"/api/v1/conflicts?facility_id={f}"),
        "conflict": lambda: caller.get(f"/api/v1/conflicts/{data['conflict']}"),
        "resolve": lambda: caller.post(
            f"/api/v1/conflicts/{data['conflict']}/resolve", json={"choice": "server", "fields": {}}
        ),
        "users": lambda: caller.get("/api/v1/admin/users"),
        "devices": lambda: caller.get("/api/v1/admin/devices"),
        "audit": lambda: caller.get("/api/v1/admin/audit"),
        "rejected": lambda: caller.get("/api/v1/admin/rejected"),
        "facilities": lambda: caller.get("/api/v1/admin/facilities"),
        "sync_health": lambda: caller.get(f"/api/v1/sync-health?facility_id={f}"),
        "cohorts": lambda: caller.get(f"/api/v1/cohorts?facility_id={f}"),
        "cohort_create": lambda: caller.post("/api/v1/cohorts", json=COHORT | {"facility_id": f}),
        "cohort_edit": lambda: caller.client.patch(
            f"/api/v1/cohorts/{data['cohort']}",
            json=COHORT | {"version": 1},
            headers=caller.headers,
        ),
        "acknowledge": lambda: caller.post(f"/api/v1/alerts/{data['alert']}/acknowledge"),
        "checklists": lambda: caller.get("/api/v1/checklists"),
        "client_path": lambda: caller.get(f"/api/v1/clients/{data['client']}/path"),
        "transfer_destinations": lambda: caller.get("/api/v1/transfer-destinations"),
        "record_transfer": lambda: caller.post(
            f"/api/v1/clients/{data['client']}/path",
            json={
                "changes": [
                    change(
                        "transfer",
                        new_id(),
                        {
                            "facility_id": f,
                            "client_id": data["client"],
                            "to_facility_id": data["elsewhere"],
                            "transferred_on": "2024-01-08",
                        },
                    )
                ]
            },
        ),
        "record_path": lambda: caller.post(
            f"/api/v1/clients/{data['client']}/path",
            json={
                "changes": [
                    change(
                        "enrollment",
                        new_id(),
                        {
                            "facility_id": f,
                            "client_id": data["client"],
                            "program": "rehab_medis",
                            "start_date": "2024-01-08",
                        },
                    )
                ]
            },
        ),
        # --- release and aftercare, admission from a list ---
        "record_release": lambda: caller.post(
            f"/api/v1/clients/{data['client']}/path",
            json={
                "changes": [
                    change(
                        "release",
                        new_id(),
                        release_fields(f, data["client"], released_on="2024-06-01"),
                    )
                ]
            },
        ),
        "summary_pdf": lambda: caller.get(f"/api/v1/releases/{data['release']}/summary.pdf"),
        "import_clients": lambda: caller.post(
            "/api/v1/imports/clients",
            json={"facility_id": f, "file_name": "wbp.csv", "content": WBP_LIST, "dry_run": False},
        ),
    }
    return calls[route]()


CASES = [(route, role, side) for route in EXPECTED for role in ROLES for side in (0, 1)]


@pytest.mark.parametrize(
    ("route", "role", "side"),
    CASES,
    ids=[f"{r}-{o}-{'own' if s == 0 else 'other'}" for r, o, s in CASES],
)
def test_scope_matrix(client, world, route, role, side):
    own = _facility_data(client, world.facility_a, "konselor.a")
    other = _facility_data(client, world.facility_b, "konselor.b")
    data = own if side == 0 else other
    data["elsewhere"] = other["facility"] if side == 0 else own["facility"]
    caller = DeviceSession(client, ROLES[role])
    expected = EXPECTED[route][role][side]
    if route == "push":
        response = caller.post(
            "/api/v1/sync/push",
            json={
                "device_id": caller.device_id,
                "changes": [change("client", data["client"], {"nik": "1234567890123456"}, base=3)],
            },
        )
        if isinstance(expected, int):
            assert response.status_code == expected
        else:
            assert response.get_json()["results"][0]["status"] == expected
        return
    response = _call(route, caller, data)
    assert response.status_code == expected, (route, role, side, response.get_json())
    if route == "pull" and expected == 200:
        facilities = {c["record"]["facility_id"] for c in response.get_json()["changes"]}
        allowed = {world.facility_a} if role != "admin" else {world.facility_a, world.facility_b}
        assert facilities <= allowed
    if route == "record_transfer" and expected == 200:
        assert [r["status"] for r in response.get_json()["results"]] == ["applied"]
    if route == "transfer_destinations" and expected == 200:
        ids = {f["id"] for f in response.get_json()["items"]}
        assert ids == {world.facility_a, world.facility_b}
    if route == "my-facilities" and expected == 200:
        ids = {f["id"] for f in response.get_json()["items"]}
        allowed = {world.facility_a} if role != "admin" else {world.facility_a, world.facility_b}
        assert ids == allowed
    if route == "queue" and expected == 200:
        body = response.get_json()
        assert {i["record"]["facility_id"] for i in body["items"]} <= {data["facility"]}
        assert [a["record"]["facility_id"] for a in body["alerts"]] == [data["facility"]]
    if route == "cohorts" and expected == 200:
        assert {c["facility_id"] for c in response.get_json()["items"]} == {data["facility"]}
    if expected in (403, 404) and route in ("review", "resolve"):
        db.session.expire_all()
        conflict = db.session.get(Conflict, data["conflict"])
        assert conflict.status == "open"
    if route == "record_release" and expected == 200:
        assert response.get_json()["results"][0]["status"] == "applied"
    if route == "summary_pdf" and expected == 200:
        assert response.data.startswith(b"%PDF")
    if route == "import_clients":
        imported = db.session.scalar(
            select(db.func.count()).select_from(Client).where(Client.registration_number == "R-1")
        )
        assert imported == (1 if expected == 200 else 0)
    if expected in (403, 404) and route == "acknowledge":
        db.session.expire_all()
        assert db.session.get(Alert, data["alert"]).status == "open"
