"""JSON columns are encoded by orjson, and by the standard library for what orjson refuses."""

from __future__ import annotations

from sqlalchemy import select

from server import dumps_json
from server.extensions import db
from server.models import ChangeLog
from tests.helpers import DeviceSession, change, client_fields, new_id


def test_what_orjson_refuses_is_still_encoded() -> None:
    assert dumps_json({"n": 10**30}) == '{"n": 1000000000000000000000000000000}'
    assert dumps_json({"note": "Hadir, é", "flags": []}) == '{"note":"Hadir, é","flags":[]}'


def test_a_refused_change_with_a_huge_number_is_kept_as_sent(client, world, app):
    device = DeviceSession(client, "konselor.a")
    raw = change("client", new_id(), client_fields(world.facility_a, nik=10**40))
    [result] = device.push(raw)
    assert result["status"] == "rejected"
    with app.app_context():
        kept = db.session.scalar(
            select(ChangeLog.fields).where(ChangeLog.change_id == raw["change_id"])
        )
    assert kept["fields"]["nik"] == 10**40
