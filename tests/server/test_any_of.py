"""models.common.any_of selects what an IN list selects, on both backends (one array parameter
on PostgreSQL): whatever the values hold, an empty list too, and through the push's look-ups."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from server.extensions import db
from server.models import ChangeLog
from server.models.common import any_of
from server.services.bulk import insert_rows
from tests.helpers import DeviceSession, change, client_fields, new_id

# Change ids as a device may send them, with what an array literal would have to escape:
# commas, braces, quotes, backslashes, spaces, NULL spelled out.
VALUES = st.text(st.sampled_from(list("AB12./-, {}\"'\\")), max_size=12) | st.just("NULL")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stored=st.lists(VALUES, unique=True, max_size=6), asked=st.lists(VALUES, max_size=6))
def test_any_of_selects_what_in_selects(app, stored, asked):
    rows = [
        {"entity": "client", "record_id": new_id(), "op": "upsert", "status": "applied"}
        | {"change_id": value, "device_id": "d"}
        for value in stored
    ]
    insert_rows(ChangeLog.__table__, rows)
    ids = {row["change_id"]: row["record_id"] for row in rows}
    column = ChangeLog.change_id
    via_in = set(db.session.scalars(select(ChangeLog.record_id).where(column.in_(asked))))
    via_any = set(db.session.scalars(select(ChangeLog.record_id).where(any_of(column, asked))))
    assert via_any == via_in == {ids[v] for v in asked if v in ids}
    assert db.session.scalars(select(ChangeLog.id).where(any_of(column, []))).all() == []
    db.session.rollback()


def test_a_push_sent_again_is_answered_from_its_change_ids(client, world):
    device = DeviceSession(client, "konselor.a")
    sent = [change("client", new_id(), client_fields(world.facility_a)) for _ in range(3)]
    first = device.push(*sent)
    again = device.push(*reversed(sent))
    assert [r["status"] for r in first] == ["applied"] * 3
    assert list(reversed(again)) == first


def test_a_value_longer_than_the_column_matches_nothing(app):
    """An explicit cast to varchar(64) would cut it to a stored change id's 64 characters."""
    stored = "x" * 64
    row = {"entity": "client", "record_id": new_id(), "op": "upsert", "status": "applied"}
    insert_rows(ChangeLog.__table__, [row | {"change_id": stored, "device_id": "d"}])
    column = ChangeLog.change_id
    for value in (stored + "y", stored + "x" * 6):
        assert db.session.scalars(select(ChangeLog.id).where(any_of(column, [value]))).all() == []
    assert len(db.session.scalars(select(ChangeLog.id).where(any_of(column, [stored]))).all()) == 1
    db.session.rollback()
