"""What a pull request costs the server beside its page: one statement to know the caller, no
write when nothing changed; and revocations still hold on the very next pull."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, update

from server.extensions import db
from server.models import Device, Token, User
from server.models.common import utcnow
from tests.helpers import (
    DeviceSession,
    change,
    client_fields,
    new_id,
    push_client_with_sessions,
    session_fields,
)

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """The SQL the app runs meanwhile, in order."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_pull_knows_its_caller_and_their_scope_from_one_statement(app, client, world):
    device = DeviceSession(client, "konselor.a")
    _, cursor = device.pull_all()
    with statements(app) as seen:
        answer = device.get(f"/api/v1/sync/pull?cursor={cursor}")
    assert answer.status_code == 200
    assert answer.get_json()["facility_ids"] == [world.facility_a]
    about_caller = [s for s in seen if "tokens" in s or "user_facilities" in s]
    assert len(about_caller) == 1, about_caller


def test_an_admins_scope_is_every_facility_from_the_same_statement(app, client, world):
    admin = DeviceSession(client, "admin")
    with statements(app) as seen:
        answer = admin.get("/api/v1/sync/pull?limit=1000")
    assert answer.get_json()["facility_ids"] == sorted([world.facility_a, world.facility_b])
    assert len([s for s in seen if "tokens" in s]) == 1
    every_facility = re.compile(r"^\s*SELECT facilities\.id\s+FROM facilities\s*$")
    assert [s for s in seen if every_facility.match(s)] == []


def test_a_caught_up_device_that_pulls_again_writes_nothing(app, client, world):
    device = DeviceSession(client, "konselor.a")
    _, cursor = device.pull_all()
    device.get(f"/api/v1/sync/pull?cursor={cursor}&pending_count=0")  # stored: the sync's end
    with statements(app) as seen:
        answer = device.get(f"/api/v1/sync/pull?cursor={cursor}&pending_count=0")
        again = device.get(f"/api/v1/sync/pull?cursor={cursor}")
    assert answer.status_code == again.status_code == 200
    assert answer.get_json()["changes"] == again.get_json()["changes"] == []
    assert [s for s in seen if WRITE.match(s)] == []


def test_a_caught_up_device_finds_nothing_new_by_a_count_not_the_page(app, client, world):
    """Another facility wrote since: the device's pull counts its scope after the cursor and,
    finding nothing, answers the empty page at once (the page statement, which PostgreSQL plans
    anew for each cursor, cost 3.7 ms at 1,000,000 records against 1.1 ms for the count)."""
    device, other = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.b")
    _, cursor = device.pull_all()
    other.push(change("client", new_id(), client_fields(world.facility_b)))
    with statements(app) as seen:
        body = device.get(f"/api/v1/sync/pull?cursor={cursor}").get_json()
    assert (body["changes"], body["cursor"], body["has_more"]) == ([], cursor, False)
    assert [s for s in seen if "page_end" in s] == []
    mine = new_id()
    device.push(change("client", mine, client_fields(world.facility_a)))
    with statements(app) as seen:
        body = device.get(f"/api/v1/sync/pull?cursor={cursor}").get_json()
    assert [c["id"] for c in body["changes"]] == [mine]
    assert len([s for s in seen if "page_end" in s]) == 1


def test_a_first_sync_counts_what_is_left_once_after_its_first_page(app, client, world):
    """A fresh device's first page is never empty (its facility at least): it reads the page
    and then counts what is left after it, as before the caught-up count, never twice."""
    device = DeviceSession(client, "konselor.a")
    push_client_with_sessions(device, world.facility_a, 7)
    with statements(app) as seen:
        body = device.get("/api/v1/sync/pull?limit=3").get_json()
    assert body["remaining"] == 6  # 9 records: facility, client, 7 sessions
    feed = [s for s in seen if "page_end" in s or "count(*)" in s.lower()]
    assert ["page_end" in s for s in feed] == [True, False], feed


def test_the_pull_ending_a_sync_stores_a_new_pending_count_at_once(app, client, world):
    device = DeviceSession(client, "konselor.a")
    _, cursor = device.pull_all()
    device.get(f"/api/v1/sync/pull?cursor={cursor}&pending_count=3")
    with app.app_context():
        assert db.session.get(Device, device.device_id).pending_count == 3


def test_the_pull_ending_a_sync_stores_its_time_once_a_minute_old(app, client, world):
    device = DeviceSession(client, "konselor.a")
    _, cursor = device.pull_all()
    long_ago = utcnow() - timedelta(minutes=5)
    with app.app_context():
        db.session.execute(
            update(Device).where(Device.id == device.device_id).values(last_sync_at=long_ago)
        )
        db.session.commit()
    device.get(f"/api/v1/sync/pull?cursor={cursor}")
    with app.app_context():
        assert db.session.get(Device, device.device_id).last_sync_at > long_ago


def test_every_page_read_is_still_audited(app, client, world):
    from server.models import AuditEvent

    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    device.push(change("client", client_id, client_fields(world.facility_a)))
    device.push(change("session", new_id(), session_fields(world.facility_a, client_id)))
    for _ in range(2):
        device.pull_all()
    with app.app_context():
        pulls = db.session.query(AuditEvent).filter_by(action="pull").count()
    assert pulls == 2


def test_a_revoked_token_is_refused_on_the_next_pull(app, client, world):
    device = DeviceSession(client, "konselor.a")
    assert device.get("/api/v1/sync/pull").status_code == 200
    with app.app_context():
        db.session.execute(
            update(Token).where(Token.device_id == device.device_id).values(revoked_at=utcnow())
        )
        db.session.commit()
    assert device.get("/api/v1/sync/pull").status_code == 401


def test_a_deactivated_user_is_told_to_erase_on_the_next_pull(app, client, world):
    device = DeviceSession(client, "konselor.a")
    assert device.get("/api/v1/sync/pull").status_code == 200
    with app.app_context():
        db.session.execute(update(User).where(User.id == device.user_id).values(active=False))
        db.session.commit()
    answer = device.get("/api/v1/sync/pull")
    assert answer.status_code == 401
    assert answer.get_json()["type"].endswith("/account-deactivated")


def test_a_user_unassigned_from_a_facility_loses_it_on_the_next_pull(app, client, world):
    from server.models.auth import user_facilities

    device = DeviceSession(client, "konselor.a")
    assert device.get("/api/v1/sync/pull").get_json()["facility_ids"] == [world.facility_a]
    with app.app_context():
        db.session.execute(
            user_facilities.delete().where(user_facilities.c.user_id == device.user_id)
        )
        db.session.commit()
    answer = device.get("/api/v1/sync/pull").get_json()
    assert answer["facility_ids"] == []
    assert answer["changes"] == []


def test_a_gzipped_page_is_a_standard_gzip_member(client, world):
    """ISA-L writes it; any gzip reader (every browser, Python's own) reads the same page."""
    device = DeviceSession(client, "konselor.a")
    push_client_with_sessions(device, world.facility_a, 5)
    plain = device.get("/api/v1/sync/pull?limit=1000")
    zipped = device.get("/api/v1/sync/pull?limit=1000", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.data[:2] == b"\x1f\x8b"
    assert json.loads(gzip.decompress(zipped.data)) == json.loads(plain.data)


def _headed(answer) -> tuple[str, str]:
    return answer.headers["Pulih-Cursor"], answer.headers["Pulih-Has-More"]


def test_every_page_names_its_cursor_and_has_more_in_headers_as_its_body_does(client, world):
    """So a device asks for the next page before this one is read (docs/protocol.md)."""
    from server.services.pull import encode_cursor

    device = DeviceSession(client, "konselor.a")
    push_client_with_sessions(device, world.facility_a, 7)
    cursor, pages, zipped_pages = None, [], 0
    while True:
        query = "?limit=4" + (f"&cursor={cursor}" if cursor else "")
        for gzip_ok in (False, True):
            answer = device.get(
                "/api/v1/sync/pull" + query, headers={"Accept-Encoding": "gzip"} if gzip_ok else {}
            )
            zipped = answer.headers.get("Content-Encoding") == "gzip"
            zipped_pages += zipped
            data = gzip.decompress(answer.data) if zipped else answer.data
            body = json.loads(data)
            assert _headed(answer) == (body["cursor"], "true" if body["has_more"] else "false")
        pages.append(len(body["changes"]))
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    assert pages == [4, 4, 1] and zipped_pages >= 2  # the facility, the client, 7 sessions
    past = device.get(f"/api/v1/sync/pull?cursor={encode_cursor(10_000, '')}")
    assert past.get_json()["reset"] is True
    assert _headed(past) == (past.get_json()["cursor"], "true")


def test_a_browser_of_another_origin_may_read_the_cursor_headers(backend, database_urls):
    from server import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_urls[backend],
            "SECRET_KEY": "t",
            "CORS_ORIGINS": ["https://pulih.example"],
        }
    )
    answer = app.test_client().get("/api/v1/sync/pull", headers={"Origin": "https://pulih.example"})
    exposed = {h.strip() for h in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Pulih-Cursor", "Pulih-Has-More"} <= exposed
