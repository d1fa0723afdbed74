"""Pull: scope, each record once in its latest state, tombstones, paging, cursors."""

from __future__ import annotations

import gzip
import json

from tests.helpers import (
    DeviceSession,
    change,
    client_fields,
    new_id,
    push_client_with_sessions,
    session_fields,
)


def _ids(changes, entity=None):
    return [c["id"] for c in changes if entity is None or c["entity"] == entity]


def test_first_pull_gives_facilities_in_scope_read_only(client, world):
    device = DeviceSession(client, "konselor.a")
    changes, _ = device.pull_all()
    assert _ids(changes, "facility") == [world.facility_a]
    [facility] = changes
    assert facility["record"]["code"] == "LP-A"
    assert facility["record"]["timezone"] == "WIB"


def test_pull_never_leaves_the_callers_scope(client, world):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.b")
    mine, theirs = new_id(), new_id()
    a.push(change("client", mine, client_fields(world.facility_a)))
    b.push(change("client", theirs, client_fields(world.facility_b)))
    changes_a, _ = a.pull_all()
    assert theirs not in _ids(changes_a)
    assert {c["record"]["facility_id"] for c in changes_a} == {world.facility_a}
    admin = DeviceSession(client, "admin")
    assert {mine, theirs} <= set(_ids(admin.pull_all()[0]))
    supervisor = DeviceSession(client, "supervisor.a")
    assert theirs not in _ids(supervisor.pull_all()[0])


def test_each_record_appears_once_in_its_latest_state(client, world):
    device = DeviceSession(client, "konselor.a")
    record_id = new_id()
    device.push(change("client", record_id, client_fields(world.facility_a)))
    for name in ("Satu", "Dua", "Tiga"):
        device.push(change("client", record_id, {"full_name": name}))
    changes, _ = device.pull_all()
    [pulled] = [c for c in changes if c["id"] == record_id]
    assert (pulled["version"], pulled["record"]["full_name"]) == (4, "Tiga")


def test_pull_from_a_cursor_gives_only_later_changes(client, world):
    device = DeviceSession(client, "konselor.a")
    first, second = new_id(), new_id()
    device.push(change("client", first, client_fields(world.facility_a)))
    _, cursor = device.pull_all()
    again, cursor2 = device.pull_all(cursor)
    assert again == [] and cursor2 == cursor
    device.push(change("client", second, client_fields(world.facility_a)))
    later, _ = device.pull_all(cursor)
    assert _ids(later) == [second]


def test_tombstones_are_pulled(client, world):
    device = DeviceSession(client, "konselor.a")
    record_id = new_id()
    device.push(change("client", record_id, client_fields(world.facility_a)))
    _, cursor = device.pull_all()
    device.push(change("client", record_id, {}, base=1, op="delete"))
    [tombstone], _ = device.pull_all(cursor)
    assert (tombstone["id"], tombstone["deleted"], tombstone["version"]) == (record_id, True, 2)


def test_pages_respect_the_limit_and_cover_everything(client, world):
    device = DeviceSession(client, "konselor.a")
    push_client_with_sessions(device, world.facility_a, 23)
    seen, cursor, pages = [], None, 0
    while True:
        query = "?limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = device.get("/api/v1/sync/pull" + query).get_json()
        assert len(body["changes"]) <= 5
        seen += _ids(body["changes"])
        cursor, pages = body["cursor"], pages + 1
        if not body["has_more"]:
            break
    assert pages == 5
    assert len(seen) == len(set(seen)) == 25


def test_each_page_estimates_what_the_next_pages_hold(client, world):
    device = DeviceSession(client, "konselor.a")
    push_client_with_sessions(device, world.facility_a, 11)
    # facility + client + 11 sessions = 13 records in scope
    remaining, received, cursor = [], 0, None
    while True:
        query = "?limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = device.get("/api/v1/sync/pull" + query).get_json()
        received += len(body["changes"])
        remaining.append(body["remaining"])
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    assert remaining == [8, 3, 0]
    assert received == 13


def test_remaining_is_counted_again_when_records_changed_during_the_sync(client, world):
    """Later pages subtract instead of counting; when that runs out with pages still coming
    (records changed meanwhile), the page counts again, so the estimate never reads 0 early."""
    device = DeviceSession(client, "konselor.a")
    push_client_with_sessions(device, world.facility_a, 7)
    first = device.get("/api/v1/sync/pull?limit=3").get_json()
    assert first["remaining"] == 6  # 9 records: facility, client, 7 sessions
    device.push(*(change("client", new_id(), client_fields(world.facility_a)) for _ in range(4)))
    second = device.get(f"/api/v1/sync/pull?limit=3&cursor={first['cursor']}").get_json()
    assert second["remaining"] == 3  # 6 less this page of 3: no count
    third = device.get(f"/api/v1/sync/pull?limit=3&cursor={second['cursor']}").get_json()
    assert third["has_more"] and third["remaining"] == 4  # ran out: counted, the 4 new clients


def test_limit_above_1000_is_a_problem(client, world):
    device = DeviceSession(client, "konselor.a")
    response = device.get("/api/v1/sync/pull?limit=1001")
    assert response.status_code == 422
    assert "limit" in response.get_json()["errors"]


def test_a_forged_cursor_is_a_problem(client, world):
    device = DeviceSession(client, "konselor.a")
    for cursor in ("garbage", "eyJ2IjoxLCJzIjotMX0", "eyJ2IjoyLCJzIjoxfQ", "%00"):
        response = device.get(f"/api/v1/sync/pull?cursor={cursor}")
        assert response.status_code in (400, 422), cursor
        assert response.content_type == "application/problem+json"


def test_pulled_records_carry_iso_dates_and_utc_instants(client, world):
    device = DeviceSession(client, "konselor.a")
    record_id = new_id()
    device.push(change("client", record_id, client_fields(world.facility_a)))
    changes, _ = device.pull_all()
    [pulled] = [c["record"] for c in changes if c["id"] == record_id]
    assert pulled["birth_date"] == "1990-05-01"
    assert pulled["created_at"].endswith("Z") and "T" in pulled["created_at"]
    assert pulled["updated_at"].endswith("Z")


def test_a_page_goes_gzipped_to_a_device_that_accepts_it_and_reads_the_same(client, world):
    device = DeviceSession(client, "konselor.a")
    device.push(*(change("client", new_id(), client_fields(world.facility_a)) for _ in range(20)))
    plain = device.get("/api/v1/sync/pull?limit=1000")
    zipped = device.get("/api/v1/sync/pull?limit=1000", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(plain.data) / 3
    assert json.loads(gzip.decompress(zipped.data)) == plain.get_json()
    refused = device.get("/api/v1/sync/pull?limit=1000", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_a_page_too_small_to_gain_goes_plain(client, world):
    device = DeviceSession(client, "konselor.a")
    _, cursor = device.pull_all()
    empty = device.get(f"/api/v1/sync/pull?cursor={cursor}", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in empty.headers
    assert empty.get_json()["changes"] == []


def test_a_page_ends_where_the_merged_feed_reaches_its_limit(client, world):
    """Pages cut across tables: each record once, in seq order, none skipped at an edge."""
    device = DeviceSession(client, "konselor.a")
    clients = [new_id() for _ in range(7)]
    for record_id in clients:
        device.push(change("client", record_id, client_fields(world.facility_a)))
        device.push(change("session", new_id(), session_fields(world.facility_a, record_id)))
    everything, _ = device.pull_all(limit=1000)
    for limit in (1, 2, 3, 5):
        paged, _ = device.pull_all(limit=limit)
        assert [(c["entity"], c["id"]) for c in paged] == [
            (c["entity"], c["id"]) for c in everything
        ]
