"""The device-side audit chain (issue #9 point 8; docs/protocol.md "Device audit chain").

A device sends its chain with each sync; the server verifies it from the last entry it verified
for that device and user, merges it into the audit trail, takes an entry sent again once, and
flags a chain that breaks (an entry changed, a gap) or rewinds (history rewritten).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Device
from server.services.device_audit import GENESIS, canonical, entry_hash
from tests.helpers import DeviceSession, client_fields, new_id

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "audit_chain.json"


def chain(
    device: DeviceSession,
    actions: list[tuple[str, str | None, str | None]],
    start: int = 1,
    prev: str = GENESIS,
) -> list[dict[str, Any]]:
    """Entries n = start, start + 1, … chained by hash, as the app makes them."""
    out = []
    for i, (action, entity, record_id) in enumerate(actions):
        entry = {
            "n": start + i,
            "at": f"2026-12-02T05:{i:02d}:00.000Z",
            "user_id": device.user_id,
            "action": action,
            "entity": entity,
            "record_id": record_id,
            "prev": prev,
        }
        entry["hash"] = prev = entry_hash(entry, device.device_id)
        out.append(entry)
    return out


def send(device: DeviceSession, entries: list[dict[str, Any]]) -> Any:
    response = device.post(
        "/api/v1/sync/audit", json={"device_id": device.device_id, "entries": entries}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def device_events(device: DeviceSession) -> list[AuditEvent]:
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.device_id == device.device_id, AuditEvent.action.like("device_%"))
            .order_by(AuditEvent.id)
        )
    )
    db.session.rollback()
    return events


def flag_on_devices_page(client: Any, device: DeviceSession) -> str | None:
    admin = DeviceSession(client, "admin")
    items = admin.get("/api/v1/admin/devices?per_page=200").get_json()["items"]
    [row] = [d for d in items if d["id"] == device.device_id]
    return row["audit_chain"]


def a_client(device: DeviceSession, facility_id: str) -> str:
    from tests.helpers import change

    client_id = new_id()
    [result] = device.push(change("client", client_id, client_fields(facility_id)))
    assert result["status"] == "applied"
    return client_id


def test_a_good_chain_is_merged_into_the_audit_trail_with_the_device(client, world):
    tablet = DeviceSession(client, "konselor.a")
    client_id = a_client(tablet, world.facility_a)
    entries = chain(
        tablet,
        [("unlock", None, None), ("read", "client", client_id), ("edit", "client", client_id)],
    )
    answer = send(tablet, entries[:2])
    assert [r["status"] for r in answer["results"]] == ["accepted", "accepted"]
    answer = send(tablet, entries[2:])  # the next sync goes on from the last verified entry
    assert answer["results"] == [{"n": 3, "status": "accepted"}]
    assert answer["head"] == {"n": 3, "hash": entries[2]["hash"]} and answer["flag"] is None
    events = device_events(tablet)
    assert [e.action for e in events] == ["device_unlock", "device_read", "device_edit"]
    read = events[1]
    assert (read.user_id, read.entity, read.record_id) == (tablet.user_id, "client", client_id)
    assert read.facility_id == world.facility_a
    assert read.detail == {"n": 2, "chain": "ok"}
    assert read.at.isoformat().startswith("2026-12-02T05:01:00")
    assert flag_on_devices_page(client, tablet) is None
    # The admin's audit page lists who read what offline, with the device.
    admin = DeviceSession(client, "admin")
    page = admin.get(f"/api/v1/admin/audit?action=device_read&record_id={client_id}").get_json()
    assert [(i["username"], i["device_id"]) for i in page["items"]] == [
        ("konselor.a", tablet.device_id)
    ]


def test_entries_sent_again_are_taken_once(client, world):
    tablet = DeviceSession(client, "konselor.a")
    entries = chain(tablet, [("unlock", None, None), ("lock", None, None)])
    send(tablet, entries)
    answer = send(tablet, entries)  # the answer was lost: the device sends them again
    assert [r["status"] for r in answer["results"]] == ["duplicate", "duplicate"]
    more = chain(tablet, [("pin_failed", None, None)], start=3, prev=entries[-1]["hash"])
    answer = send(tablet, entries + more)
    assert [r["status"] for r in answer["results"]] == ["duplicate", "duplicate", "accepted"]
    assert [e.action for e in device_events(tablet)] == [
        "device_unlock",
        "device_lock",
        "device_pin_failed",
    ]
    assert flag_on_devices_page(client, tablet) is None


def test_a_tampered_entry_breaks_the_chain_and_flags_the_device(client, world):
    tablet = DeviceSession(client, "konselor.a")
    client_id, other = new_id(), new_id()
    entries = chain(tablet, [("read", "client", client_id), ("read", "client", client_id)])
    send(tablet, entries[:1])
    tampered = {**entries[1], "record_id": other}  # what was read is changed, the hash kept
    answer = send(tablet, [tampered])
    assert answer["results"] == [{"n": 2, "status": "broken"}] and answer["flag"] == "broken"
    assert flag_on_devices_page(client, tablet) == "broken"
    last = device_events(tablet)[-1]
    assert (last.record_id, last.detail["chain"]) == (other, "broken")
    # The chain goes on from the entry the device holds; the flag stays.
    more = chain(tablet, [("lock", None, None)], start=3, prev=entries[1]["hash"])
    assert send(tablet, more)["results"] == [{"n": 3, "status": "accepted"}]
    assert flag_on_devices_page(client, tablet) == "broken"


def test_an_empty_chain_answers_the_head(client, world):
    tablet = DeviceSession(client, "konselor.a")
    assert send(tablet, []) == {"results": [], "head": {"n": 0, "hash": GENESIS}, "flag": None}
    entries = chain(tablet, [("unlock", None, None)])
    send(tablet, entries)
    assert send(tablet, [])["head"] == {"n": 1, "hash": entries[0]["hash"]}


def test_a_gap_in_the_chain_is_broken(client, world):
    tablet = DeviceSession(client, "konselor.a")
    entries = chain(
        tablet, [("unlock", None, None), ("read", "client", new_id()), ("lock", None, None)]
    )
    send(tablet, entries[:1])
    answer = send(tablet, entries[2:])  # entry 2 (a read) was deleted on the device
    assert answer["results"] == [{"n": 3, "status": "broken"}]
    assert flag_on_devices_page(client, tablet) == "broken"


def test_a_rewound_chain_is_flagged_and_not_merged(client, world):
    tablet = DeviceSession(client, "konselor.a")
    client_id = new_id()
    entries = chain(tablet, [("unlock", None, None), ("read", "client", client_id)])
    send(tablet, entries)
    # The device's chain was rewritten from the start: the read is gone, a lock in its place.
    rewritten = chain(tablet, [("unlock", None, None), ("lock", None, None)])
    answer = send(tablet, rewritten)
    assert [r["status"] for r in answer["results"]] == ["duplicate", "rewound"]
    assert answer["flag"] == "rewound" and answer["head"]["n"] == 2
    assert flag_on_devices_page(client, tablet) == "rewound"
    assert [e.action for e in device_events(tablet)] == ["device_unlock", "device_read"]
    # A chain started again from nothing (every entry another) is rewound too.
    other = chain(tablet, [("lock", None, None)])
    assert send(tablet, other)["results"] == [{"n": 1, "status": "rewound"}]


def test_chains_are_per_user_of_a_shared_tablet(client, world):
    first = DeviceSession(client, "konselor.a")
    second = DeviceSession(client, "konselor.a2", device_id=first.device_id)
    send(first, chain(first, [("unlock", None, None), ("lock", None, None)]))
    answer = send(second, chain(second, [("unlock", None, None)]))
    assert answer["results"] == [{"n": 1, "status": "accepted"}]
    device = db.session.get(Device, first.device_id)
    assert device is not None and set(device.audit_heads) == {first.user_id, second.user_id}
    db.session.rollback()
    assert flag_on_devices_page(client, first) is None


def test_bad_entries_are_problems_per_field_and_change_nothing(client, world):
    tablet = DeviceSession(client, "konselor.a")
    good = chain(tablet, [("read", "client", new_id())])[0]
    bad_bodies: list[Any] = [
        {"device_id": tablet.device_id, "entries": [{**good, "n": 0}]},
        {"device_id": tablet.device_id, "entries": [{**good, "n": "1"}]},
        {"device_id": tablet.device_id, "entries": [{**good, "at": "kemarin"}]},
        {"device_id": tablet.device_id, "entries": [{**good, "at": "2026-12-02T05:00:00"}]},
        {"device_id": tablet.device_id, "entries": [{**good, "action": "delete_all"}]},
        {"device_id": tablet.device_id, "entries": [{**good, "hash": "ABC"}]},
        {"device_id": tablet.device_id, "entries": [{**good, "entity": "Client!"}]},
        {"device_id": tablet.device_id, "entries": [{**good, "record_id": "é"}]},
        {"device_id": tablet.device_id, "entries": [{**good, "extra": 1}]},
        {"device_id": tablet.device_id, "entries": [good] * 501},
        {"device_id": tablet.device_id, "entries": "x"},
        {"device_id": tablet.device_id},
        [],
    ]
    for body in bad_bodies:
        response = tablet.post("/api/v1/sync/audit", json=body)
        assert response.status_code in (400, 422), (body, response.get_json())
        assert response.get_json()["type"].endswith(("/validation", "/bad-request"))
    other = DeviceSession(client, "konselor.a2")
    foreign = chain(other, [("read", "client", new_id())])
    response = tablet.post(
        "/api/v1/sync/audit", json={"device_id": tablet.device_id, "entries": foreign}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "entries": {"0": {"user_id": ["Must be the logged-in user."]}}
    }
    response = tablet.post(
        "/api/v1/sync/audit", json={"device_id": other.device_id, "entries": [good]}
    )
    assert response.status_code == 403 and response.get_json()["type"].endswith("/wrong-device")
    assert device_events(tablet) == []
    count = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("device_%"))
    )
    db.session.rollback()
    assert count == 0


def test_the_hash_vectors_the_app_shares():
    vectors = json.loads(VECTORS.read_text())
    for case in vectors["entries"]:
        assert canonical(case["entry"], vectors["device_id"]) == case["canonical"]
        assert entry_hash(case["entry"], vectors["device_id"]) == case["hash"]


def test_two_syncs_of_one_device_at_once_take_each_entry_once(app, client, world):
    import threading

    tablet = DeviceSession(client, "konselor.a")
    entries = chain(
        tablet, [("unlock", None, None), ("read", "client", new_id()), ("lock", None, None)]
    )
    answers: list[Any] = []
    start = threading.Barrier(6)

    def sync() -> None:
        with app.test_client() as own:
            start.wait()
            answers.append(
                own.post(
                    "/api/v1/sync/audit",
                    headers=tablet.headers,
                    json={"device_id": tablet.device_id, "entries": entries},
                )
            )

    threads = [threading.Thread(target=sync) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200] * 6
    statuses = [r["status"] for a in answers for r in a.get_json()["results"]]
    assert statuses.count("accepted") == 3 and statuses.count("duplicate") == 15
    assert len(device_events(tablet)) == 3
    assert flag_on_devices_page(client, tablet) is None
