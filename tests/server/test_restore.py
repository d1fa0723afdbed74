"""A server restored from an older backup loses nothing devices hold (docs/protocol.md).

Devices push, a backup is taken, devices push more and get their answers, the backup is
restored with `pulih restore`, and the devices sync: the feed's new epoch makes each of them
start over and replay what it kept, so the server ends holding every change exactly once and
every device holds the server's state. One device was offline from before the backup to after
the restore.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import ChangeLog
from server.services.facilities import add_facility
from server.services.unit import unit_of_work
from server.services.users import add_user
from tests.helpers import PASSWORD, ReplicaDevice, client_fields, session_fields

_clock = itertools.count()


def _now_ms() -> int:
    return 1_800_000_000_000 + next(_clock) * 1000


def _devices(client: Any) -> tuple[str, list[ReplicaDevice]]:
    with unit_of_work():
        facility = add_facility(
            code="LPN-R", name="Lapas Uji", kind="lapas", region="Sumsel", timezone="WIB"
        )
        for name in ("a", "b", "c"):
            add_user(
                username=f"konselor.{name}",
                role="counselor",
                password=PASSWORD,
                display_name=name,
                facility_codes=["LPN-R"],
            )
    return facility.id, [ReplicaDevice(client, f"konselor.{n}", _now_ms) for n in "abc"]


def _logged(device: ReplicaDevice, change_id: str) -> int:
    count = db.session.scalar(
        select(func.count())
        .select_from(ChangeLog)
        .where(ChangeLog.device_id == device.http.device_id, ChangeLog.change_id == change_id)
    )
    db.session.rollback()
    return int(count or 0)


def _server_state(device: ReplicaDevice) -> dict[Any, Any]:
    changes, _ = device.http.pull_all()
    return {(c["entity"], c["id"]): c["record"] for c in changes if not c["deleted"]}


def test_a_restore_to_an_older_backup_loses_nothing_devices_hold(app, client, tmp_path):
    facility_id, (a, b, c) = _devices(client)
    cli = app.test_cli_runner()
    acknowledged: dict[str, list[str]] = {"a": [], "b": [], "c": []}

    def sync(name: str, device: ReplicaDevice) -> None:
        device.pull()
        acknowledged[name] += [change.change_id for change, _ in device.push_all()]
        device.pull()

    # Before the backup: clients and sessions from two devices; the third pulls them.
    first = [a.replica.create("client", client_fields(facility_id)) for _ in range(3)]
    other = b.replica.create("client", client_fields(facility_id))
    b.replica.create("session", session_fields(facility_id, other))
    for name, device in (("a", a), ("b", b), ("c", c)):
        sync(name, device)
    # c goes offline for good: its edits wait in its outbox through backup and restore.
    c.replica.edit("client", first[0], {"full_name": "Siti Offline"})
    c.replica.create("session", session_fields(facility_id, first[1]))
    before = len(acknowledged["a"]) + len(acknowledged["b"])

    backup_file = tmp_path / "pulih.backup"
    result = cli.invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output

    # After the backup: edits and new records, answered by the server, then lost by the restore.
    a.replica.edit("client", first[2], {"case_type": "courier"})
    late = a.replica.create("client", client_fields(facility_id, full_name="Yanto Baru"))
    sync("a", a)
    b.pull()
    b.replica.edit("client", late, {"full_name": "Yanto Baru Sekali"})
    b.replica.create("session", session_fields(facility_id, late))
    sync("b", b)
    after_backup = [*acknowledged["a"][len(acknowledged["a"]) - 2 :], *acknowledged["b"][-2:]]
    assert all(_logged(d, cid) == 1 for d, cid in zip((a, a, b, b), after_backup, strict=True))

    result = cli.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code == 0, result.output
    lost = [cid for d, cid in zip((a, a, b, b), after_backup, strict=True) if not _logged(d, cid)]
    assert len(lost) == 4, "the restore did not go back to the backup"

    # Every device syncs twice round; the first pull of each tells it the feed was reset.
    for _ in range(2):
        for name, device in (("a", a), ("b", b), ("c", c)):
            sync(name, device)
    assert (a.resets, b.resets, c.resets) == (1, 1, 1)

    for name, device in (("a", a), ("b", b), ("c", c)):
        for change_id in acknowledged[name]:
            assert _logged(device, change_id) == 1, f"{name}'s change is not there exactly once"
    server = _server_state(a)
    for device in (a, b, c):
        assert device.replica.pending_count == 0
        assert device.replica.records.keys() == server.keys()
        for key, record in server.items():
            mine = device.replica.records[key]
            assert {k: v for k, v in mine.items() if k != "version"} == {
                k: v for k, v in record.items() if k in mine and k != "version"
            }
    assert server[("client", late)]["full_name"] == "Yanto Baru Sekali"
    assert server[("client", first[2])]["case_type"] == "courier"
    assert server[("client", first[0])]["full_name"] == "Siti Offline"
    total = len({cid for ids in acknowledged.values() for cid in ids})
    print(
        f"restore: {before} changes before the backup, {len(lost)} answered after it and lost"
        f" by the restore, all {len(lost)} replayed, {total} acknowledged in all and on the"
        " server exactly once"
    )


def test_a_cursor_of_another_epoch_or_past_the_feed_gets_a_reset(app, client):
    from server.services.feed import start_epoch
    from server.services.pull import encode_cursor

    _, (a, _b, _c) = _devices(client)
    answer = a.http.get("/api/v1/sync/pull").get_json()
    assert "reset" not in answer
    past = encode_cursor(10_000, "")
    answer = a.http.get(f"/api/v1/sync/pull?cursor={past}").get_json()
    assert answer["reset"] is True and answer["changes"] == [] and answer["has_more"] is True
    with unit_of_work():
        start_epoch(db.session)
    old = a.http.get("/api/v1/sync/pull").get_json()["cursor"]
    with unit_of_work():
        start_epoch(db.session)
    answer = a.http.get(f"/api/v1/sync/pull?cursor={old}").get_json()
    assert answer["reset"] is True
    fresh = a.http.get(f"/api/v1/sync/pull?cursor={answer['cursor']}").get_json()
    assert "reset" not in fresh


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("bukan cadangan")
    result = app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "not a Pulih backup" in result.output


def test_replay_must_be_a_json_boolean(client, world):
    from tests.helpers import DeviceSession, change, client_fields, new_id

    device = DeviceSession(client, "konselor.a")
    sent = change("client", new_id(), client_fields(world.facility_a)) | {"replay": 1}
    [result] = device.push(sent)
    assert result["status"] == "rejected" and "replay" in result["errors"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_restored_database_is_vacuumed_and_analyzed(app, client, world, tmp_path):
    from tests.helpers import DeviceSession, change, new_id, pull_count_plan

    device = DeviceSession(client, "konselor.a")
    sent = [change("client", new_id(), client_fields(world.facility_a)) for _ in range(300)]
    assert {r["status"] for r in device.push(*sent)} == {"applied"}
    cli = app.test_cli_runner()
    backup_file = tmp_path / "pulih.backup"
    assert cli.invoke(args=["backup", str(backup_file)]).exit_code == 0
    result = cli.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code == 0, result.output
    # pg_restore leaves no page marked all-visible: the count would read every client's row.
    kinds, fetches = pull_count_plan([world.facility_a], "clients")
    assert kinds == {"Index Only Scan"} and fetches == 0
