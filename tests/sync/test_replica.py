"""The in-memory device: outbox order, acknowledgement, and pulls that never lose typing."""

import itertools
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.changes import Change, PulledChange, Result, Status
from sync.errors import InvalidChange, UnknownEntity
from sync.hlc import Hlc
from sync.merge import HistoryEntry, ServerRecord, effective_base, merge_change
from sync.replica import Replica


def counter(prefix: str) -> Callable[[], str]:
    numbers: Iterator[int] = itertools.count(1)
    return lambda: f"{prefix}{next(numbers)}"


def make_replica(device: str = "dev1", now: int = 1_700_000_000_000) -> Replica:
    return Replica(device, counter(f"{device}-"), lambda: now)


def test_create_queues_an_upsert_with_all_fields_and_no_base() -> None:
    replica = make_replica()
    record_id = replica.create("client", {"full_name": "Budi"})
    assert record_id == "dev1-1"
    assert replica.records == {("client", "dev1-1"): {"full_name": "Budi", "version": None}}
    assert replica.outbox == [
        Change(
            "dev1-2",
            "client",
            "dev1-1",
            "upsert",
            None,
            {"full_name": "Budi"},
            replica.outbox[0].hlc,
        )
    ]
    assert replica.pending_count == 1


def test_changes_carry_increasing_clocks_of_the_device() -> None:
    replica = make_replica()
    record_id = replica.create("session", {"note_plan": "a"}, id="s1")
    replica.edit("session", record_id, {"note_plan": "b"})
    replica.delete("session", record_id)
    clocks = [Hlc.parse(change.hlc or "") for change in replica.outbox]
    assert clocks == sorted(clocks) and len(set(clocks)) == 3
    assert {clock.node for clock in clocks} == {"dev1"}
    assert [change.op for change in replica.outbox] == ["upsert", "upsert", "delete"]
    assert replica.records == {}


def test_edit_and_delete_need_a_known_record_and_create_a_new_one() -> None:
    replica = make_replica()
    with pytest.raises(UnknownEntity):
        replica.edit("client", "nope", {"sex": "M"})
    with pytest.raises(UnknownEntity):
        replica.delete("client", "nope")
    replica.create("client", {}, id="k1")
    with pytest.raises(InvalidChange):
        replica.create("client", {}, id="k1")


def test_push_batch_takes_the_front_and_acknowledge_removes_it() -> None:
    replica = make_replica()
    for n in range(3):
        replica.create("client", {"n": n}, id=f"k{n}")
    batch = replica.push_batch(2)
    assert [change.id for change in batch] == ["k0", "k1"]
    assert replica.pending_count == 3
    replica.acknowledge([Result(c.change_id, Status.APPLIED, c.id, 1) for c in batch])
    assert [change.id for change in replica.outbox] == ["k2"]
    # Accepted work stays visible until the pull brings it back.
    assert set(replica.records) == {("client", "k0"), ("client", "k1"), ("client", "k2")}


def test_rejected_change_leaves_the_view_but_the_server_state_stays() -> None:
    replica = make_replica()
    replica.apply_pull([PulledChange("client", "k1", 4, False, {"sex": "M"})])
    replica.edit("client", "k1", {"sex": "X"})
    [change] = replica.push_batch(10)
    replica.acknowledge(
        [Result(change.change_id, Status.REJECTED, "k1", None, None, {"sex": ["bad"]})]
    )
    assert replica.records == {("client", "k1"): {"sex": "M", "version": 4}}
    assert replica.outbox == []


def test_answer_to_a_retried_push_after_its_pull_shows_the_server_state() -> None:
    replica = make_replica()
    replica.apply_pull([PulledChange("session", "s1", 1, False, {"note": "a\n"})])
    replica.edit("session", "s1", {"note": "b\n"})
    [change] = replica.push_batch(1)
    # The first answer was lost; the pull already holds version 2, merged by the server.
    replica.apply_pull([PulledChange("session", "s1", 2, False, {"note": "b\nc\n"})])
    assert replica.records[("session", "s1")]["note"] == "b\n"
    replica.acknowledge([Result(change.change_id, Status.MERGED, "s1", 2)])
    assert replica.records == {("session", "s1"): {"note": "b\nc\n", "version": 2}}


def test_answer_ahead_of_the_pull_keeps_the_edit_in_view() -> None:
    replica = make_replica()
    replica.apply_pull([PulledChange("session", "s1", 1, False, {"note": "a\n"})])
    replica.edit("session", "s1", {"note": "b\n"})
    [change] = replica.push_batch(1)
    replica.acknowledge([Result(change.change_id, Status.APPLIED, "s1", 2)])
    assert replica.records == {("session", "s1"): {"note": "b\n", "version": 1}}


def test_edits_use_the_last_pulled_version_as_base() -> None:
    replica = make_replica()
    replica.apply_pull([PulledChange("session", "s1", 7, False, {"note_plan": "a"})])
    replica.edit("session", "s1", {"note_plan": "b"})
    assert replica.outbox[0].base_version == 7
    assert replica.versions == {("session", "s1"): 7}


def test_pull_replays_pending_edits_on_top_of_server_state() -> None:
    replica = make_replica()
    replica.apply_pull(
        [PulledChange("session", "s1", 1, False, {"note_plan": "a", "kind": "group"})]
    )
    replica.edit("session", "s1", {"note_plan": "typed offline"})
    replica.apply_pull(
        [PulledChange("session", "s1", 2, False, {"note_plan": "x", "kind": "family"})]
    )
    assert replica.records == {
        ("session", "s1"): {"note_plan": "typed offline", "kind": "family", "version": 2}
    }
    assert replica.outbox[0].base_version == 1


def test_tombstone_removes_a_record_without_pending_work() -> None:
    replica = make_replica()
    replica.apply_pull([PulledChange("client", "k1", 1, False, {"full_name": "Budi"})])
    replica.apply_pull([PulledChange("client", "k1", 2, True, {})])
    assert replica.records == {}
    assert replica.versions == {("client", "k1"): 2}


def test_tombstone_keeps_a_record_with_pending_work() -> None:
    replica = make_replica()
    replica.apply_pull([PulledChange("client", "k1", 1, False, {"full_name": "Budi", "sex": "M"})])
    replica.edit("client", "k1", {"full_name": "Budi S."})
    replica.apply_pull([PulledChange("client", "k1", 2, True, {})])
    assert replica.records == {("client", "k1"): {"full_name": "Budi S.", "sex": "M", "version": 2}}


def test_pending_delete_survives_a_pull_of_live_state() -> None:
    replica = make_replica()
    replica.apply_pull([PulledChange("client", "k1", 1, False, {"full_name": "Budi"})])
    replica.delete("client", "k1")
    replica.apply_pull([PulledChange("client", "k1", 2, False, {"full_name": "Budi S."})])
    assert replica.records == {}
    assert replica.pending_count == 1


class FakeServer:
    """Just enough of a server to play devices against: versions and a log; the rules are sync's."""

    def __init__(self) -> None:
        self.versions: dict[tuple[str, str], int] = {}
        self.history: dict[tuple[tuple[str, str], int], tuple[bool, dict[str, object]]] = {}
        self.log: dict[tuple[str, str], list[HistoryEntry]] = {}
        self.results: dict[str, Result] = {}
        self.seq = 0
        self.changed_at: dict[tuple[str, str], int] = {}

    def state(self, key: tuple[str, str]) -> tuple[bool, dict[str, object]] | None:
        version = self.versions.get(key)
        return None if version is None else self.history[(key, version)]

    def push(self, device: str, changes: list[Change]) -> list[Result]:
        return [self._push_one(device, change) for change in changes]

    def _push_one(self, device: str, change: Change) -> Result:
        if change.change_id in self.results:
            return self.results[change.change_id]
        key = (change.entity, change.id)
        current = self.state(key)
        deleted, fields = current if current else (False, {})
        status, written = Status.APPLIED, frozenset(change.fields)
        if current is None:
            fields = dict(change.fields)
        else:
            base = effective_base(change.base_version, self.versions[key])
            decision = merge_change(
                change.op,
                change.base_version,
                change.fields,
                device_id=device,
                server=ServerRecord(self.versions[key], fields, deleted=deleted),
                history=self.log.get(key, []),
                base=self.history[(key, base)][1],
                text_fields={"note"},
            )
            if decision.kind is not None:
                status, written = Status.CONFLICT, frozenset()
            elif change.op == "delete":
                deleted, written = True, frozenset(fields)
            else:
                assert decision.outcome is not None
                fields = {**fields, **decision.outcome.apply}
                status, written = decision.outcome.status, frozenset(decision.outcome.apply)
        version = self.versions.get(key, 0) + 1
        self.versions[key] = version
        self.history[(key, version)] = (deleted, fields)
        self.log.setdefault(key, []).append(HistoryEntry(version, device, tuple(written)))
        self.seq += 1
        self.changed_at[key] = self.seq
        result = Result(change.change_id, status, change.id, version)
        self.results[change.change_id] = result
        return result

    def pull(self, cursor: int) -> tuple[list[PulledChange], int]:
        keys = [key for key, seq in self.changed_at.items() if seq > cursor]
        pulled = []
        for key in keys:
            deleted, fields = self.state(key) or (False, {})
            pulled.append(PulledChange(key[0], key[1], self.versions[key], deleted, fields))
        return pulled, self.seq


def sync(server: FakeServer, replica: Replica, cursors: dict[str, int], lose_answer: bool) -> None:
    batch = replica.push_batch(3)
    results = server.push(replica.device_id, batch)
    if not lose_answer:
        replica.acknowledge(results)
    pulled, cursors[replica.device_id] = server.pull(cursors.get(replica.device_id, 0))
    replica.apply_pull(pulled)


actions = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from(["create", "edit", "delete", "sync", "sync_lost"]),
        st.integers(0, 3),
        st.sampled_from(["a\nb\n", "a\nx\n", "y\na\nb\n", "z"]),
    ),
    max_size=30,
)


@settings(max_examples=75, deadline=None)
@given(actions)
def test_devices_converge_to_the_server_state(steps: list[tuple[int, str, int, str]]) -> None:
    server = FakeServer()
    devices = [make_replica(f"dev{n}") for n in range(3)]
    cursors: dict[str, int] = {}
    for device_no, action, record_no, text in steps:
        replica = devices[device_no]
        key = ("session", f"s{record_no}")
        if action == "create" and key not in replica.records and server.state(key) is None:
            replica.create("session", {"note": text, "n": record_no}, id=key[1])
        elif action == "edit" and key in replica.records:
            replica.edit("session", key[1], {"note": text, "n": device_no})
        elif action == "delete" and key in replica.records:
            replica.delete("session", key[1])
        elif action.startswith("sync"):
            sync(server, replica, cursors, lose_answer=action == "sync_lost")
    for _ in range(20):
        for replica in devices:
            sync(server, replica, cursors, lose_answer=False)
    expected = {}
    for key, version in server.versions.items():
        deleted, fields = server.history[(key, version)]
        if not deleted:
            expected[key] = {**fields, "version": version}
    for replica in devices:
        assert replica.outbox == []
        assert replica.records == expected


def _answered(change: Change, version: int) -> Result:
    return Result(change.change_id, Status.APPLIED, change.id, version=version)


def test_reset_queues_kept_changes_before_pending_ones_marked_replay() -> None:
    now = [1_700_000_000_000]
    replica = Replica("dev1", counter("dev1-"), lambda: now[0])
    record_id = replica.create("client", {"full_name": "Budi"})
    first = replica.outbox[0]
    replica.acknowledge([_answered(first, 1)])
    replica.apply_pull([PulledChange("client", record_id, 1, False, {"full_name": "Budi"})])
    replica.edit("client", record_id, {"full_name": "Budi S."})
    pending = replica.outbox[0]
    assert [c for _, c in replica.kept] == [first]

    replica.reset()

    assert [c.change_id for c in replica.outbox] == [first.change_id, pending.change_id]
    assert all(c.replay for c in replica.outbox)
    assert replica.outbox[1].base_version == 1  # the base it was made on; the server clamps it
    assert replica.kept == []
    assert replica.records == {("client", record_id): {"full_name": "Budi S.", "version": None}}
    assert replica.outbox[0].to_wire()["replay"] is True


def test_answered_changes_are_kept_for_the_window_then_dropped() -> None:
    now = [1_700_000_000_000]
    replica = Replica("dev1", counter("dev1-"), lambda: now[0], keep_ms=1000)
    replica.create("client", {"full_name": "Budi"})
    old = replica.outbox[0]
    replica.acknowledge([_answered(old, 1)])
    now[0] += 1001
    replica.create("client", {"full_name": "Sari"})
    young = replica.outbox[0]
    replica.acknowledge([_answered(young, 1)])
    assert [c for _, c in replica.kept] == [young]
