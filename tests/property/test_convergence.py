"""Guarantees 1–3 of docs/design.md as hypothesis state machines against the real server.

Three devices edit and delete offline, push with answers that get lost and are retried, pull with
random page sizes, and an admin resolves conflicts. At quiescence every device holds exactly the
server's state for its scope, every acknowledged change is in the log exactly once with its
outcome (conflicts and rejections kept), and record versions count up without a gap.

`Convergence` puts the three devices in one facility (their edits meet in conflicts);
`TransferConvergence` puts two in facility A and one in B, and its devices also transfer clients
between A and B (mutasi) while the others edit offline: at quiescence each device holds exactly
its facility's scope, nothing of a client now at the other facility, and no change was refused
for scope.
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from server.extensions import db
from server.models import ChangeLog, Conflict
from server.models import Device as DeviceRow
from server.services.facilities import add_facility
from server.services.unit import unit_of_work
from server.services.users import add_user
from sync import Change, Result
from tests.helpers import PASSWORD, DeviceSession, ReplicaDevice

DEVICES = 3
LINES = [
    "Klien hadir.",
    "Motivasi baik.",
    "Tidur cukup.",
    "Ada keinginan memakai.",
    "Dukungan keluarga.",
    "Rencana kerja.",
]
NAMES = ["Budi", "Andi", "Sari", "Dewi", "Rudi", "Wati"]
_counter = itertools.count()
STATS: Counter[str] = Counter()


def _count(name: str) -> None:
    event(name)
    STATS[name] += 1


# Device clocks that lie, hours off in both directions: the server's versions and seq order
# everything, so the devices converge all the same (and the server sees each offset).
CLOCK_OFFSETS_MS = (0, 3 * 3600_000, -7 * 3600_000)


def _clock(offset_ms: int) -> Any:
    return lambda: int(time.time() * 1000) + offset_ms + next(_counter)


class Device(ReplicaDevice):
    """The reference device, with answers that get lost and outcomes counted."""

    def __init__(self, client: Any, username: str, offset_ms: int, facility_id: str) -> None:
        super().__init__(client, username, _clock(offset_ms))
        self.offset_ms = offset_ms
        self.facility_id = facility_id
        self.acknowledged: list[tuple[Change, Result]] = []

    def push(self, size: int = 500, lose_answer: bool = False) -> list[Any]:
        if lose_answer:
            batch = self.replica.push_batch(size)
            if batch:
                self.http.push(*(c.to_wire() for c in batch))
                _count("push answer lost")
            return []
        answered = super().push(size)
        for _change, result in answered:
            _count(f"status {result.status}")
        self.acknowledged += answered
        return answered


class Convergence(RuleBasedStateMachine):
    """Devices in fresh facilities; an admin who resolves conflicts."""

    # Which facility each device works in: 0 (A) or 1 (B).
    facility_of: tuple[int, ...] = (0, 0, 0)
    with_transfers = False

    clients = Bundle("clients")
    sessions = Bundle("sessions")
    enrollments = Bundle("enrollments")

    def __init__(self) -> None:
        super().__init__()
        self.http_client = CLIENT
        tag = uuid.uuid4().hex[:8]
        with unit_of_work():
            self.facility = add_facility(
                code=f"P-{tag}", name=f"Lapas {tag}", kind="lapas", region="Uji", timezone="WIB"
            )
            self.facility_b = add_facility(
                code=f"Q-{tag}", name=f"Rutan {tag}", kind="rutan", region="Uji", timezone="WIB"
            )
        self.facilities = (self.facility.id, self.facility_b.id)
        codes = (self.facility.code, self.facility_b.code)
        self.devices = []
        for i in range(DEVICES):
            with unit_of_work():
                add_user(
                    username=f"k{i}.{tag}",
                    role="counselor",
                    password=PASSWORD,
                    display_name=f"K{i}",
                    facility_codes=[codes[self.facility_of[i]]],
                )
            offset = CLOCK_OFFSETS_MS[i % len(CLOCK_OFFSETS_MS)]
            facility_id = self.facilities[self.facility_of[i]]
            self.devices.append(Device(self.http_client, f"k{i}.{tag}", offset, facility_id))
        self.admin = ADMIN
        self.resolved = 0

    @initialize(target=clients)
    def first_client(self) -> str:
        device = self.devices[0]
        client_id = self._new_client(device)
        device.push(10, False)
        for d in self.devices:
            d.pull(1000)
        return client_id

    def _new_client(self, device: Device) -> str:
        return device.replica.create(
            "client",
            {
                "facility_id": device.facility_id,
                "registration_number": uuid.uuid4().hex[:10],
                "full_name": "Budi",
                "sex": "M",
                "case_type": "user",
            },
        )

    @rule(target=clients, d=st.integers(0, DEVICES - 1))
    def create_client(self, d: int) -> str:
        return self._new_client(self.devices[d])

    @rule(target=sessions, d=st.integers(0, DEVICES - 1), client_id=clients)
    def create_session(self, d: int, client_id: str) -> str:
        replica = self.devices[d].replica
        client = replica.records.get(("client", client_id))
        if client is None:
            return "missing"
        return replica.create(
            "session",
            {
                "facility_id": client["facility_id"],
                "client_id": client_id,
                "occurred_at": f"{(date.today() - timedelta(days=1)).isoformat()}T09:00:00+07:00",
                "duration_minutes": 45,
                "kind": "individual",
                "attendance": "attended",
                "note_data": "\n".join(LINES[:4]) + "\n",
                "status": "draft",
            },
        )

    @rule(
        target=enrollments,
        d=st.integers(0, DEVICES - 1),
        client_id=clients,
        program=st.sampled_from(["rehab_sosial", "rehab_medis"]),
    )
    def enroll(self, d: int, client_id: str, program: str) -> str:
        """Two devices may enroll one client offline: the second active one is refused."""
        replica = self.devices[d].replica
        client = replica.records.get(("client", client_id))
        if client is None:
            return "missing"
        return replica.create(
            "enrollment",
            {
                "facility_id": client["facility_id"],
                "client_id": client_id,
                "program": program,
                "cohort": "2024 tahap I",
                "phase": "orientation",
                "start_date": "2024-01-08",
            },
        )

    @rule(
        d=st.integers(0, DEVICES - 1),
        enrollment_id=enrollments,
        phase=st.sampled_from(["primary", "re-entry"]),
    )
    def change_phase(self, d: int, enrollment_id: str, phase: str) -> None:
        replica = self.devices[d].replica
        record = replica.records.get(("enrollment", enrollment_id))
        if record is None:
            return
        replica.create(
            "phase_change",
            {
                "facility_id": record["facility_id"],
                "enrollment_id": enrollment_id,
                "client_id": record["client_id"],
                "phase": phase,
                "changed_on": "2024-02-05",
                "decided_by": f"Sidang TC ({d})",
            },
        )

    @rule(
        d=st.integers(0, DEVICES - 1),
        enrollment_id=enrollments,
        status=st.sampled_from(["completed", "withdrew", "active"]),
    )
    def exit_enrollment(self, d: int, enrollment_id: str, status: str) -> None:
        """Exits from two devices: the same one merges, different ones conflict."""
        replica = self.devices[d].replica
        if ("enrollment", enrollment_id) not in replica.records:
            return
        ended = status != "active"
        replica.edit(
            "enrollment",
            enrollment_id,
            {
                "status": status,
                "end_date": "2024-07-08" if ended else None,
                "exit_reason": f"Alasan {d}" if ended else "",
            },
        )

    @rule(
        d=st.integers(0, DEVICES - 1),
        client_id=clients,
        name=st.sampled_from(NAMES),
        case=st.sampled_from(["user", "courier", "dealer"]),
    )
    def edit_client(self, d: int, client_id: str, name: str, case: str) -> None:
        replica = self.devices[d].replica
        if ("client", client_id) in replica.records:
            replica.edit(
                "client",
                client_id,
                {"full_name": name, "case_type": case} if name != "Budi" else {"case_type": case},
            )

    @rule(
        d=st.integers(0, DEVICES - 1),
        session_id=sessions,
        line=st.integers(0, 3),
        text=st.sampled_from(LINES),
    )
    def edit_note(self, d: int, session_id: str, line: int, text: str) -> None:
        replica = self.devices[d].replica
        record = replica.records.get(("session", session_id))
        if record is None:
            return
        lines = str(record.get("note_data") or "").splitlines()
        if line < len(lines):
            lines[line] = f"{text} ({d})"
        else:
            lines.append(text)
        replica.edit("session", session_id, {"note_data": "\n".join(lines) + "\n"})

    @precondition(lambda self: self.with_transfers)
    @rule(d=st.integers(0, DEVICES - 1), client_id=clients, back=st.booleans())
    def transfer(self, d: int, client_id: str, back: bool) -> None:
        """A counselor transfers a client it holds to the other facility, offline."""
        device = self.devices[d]
        client = device.replica.records.get(("client", client_id))
        if client is None:
            return
        source = str(client["facility_id"])
        to = next(f for f in self.facilities if f != source)
        # Now and then a date in the past; the server closes active enrollments on it.
        on = date.today() - timedelta(days=30 if back else 0)
        device.replica.create(
            "transfer",
            {
                "facility_id": source,
                "client_id": client_id,
                "to_facility_id": to,
                "transferred_on": on.isoformat(),
                "reason": f"Mutasi ({d})",
            },
        )
        _count("transfer recorded")

    @rule(d=st.integers(0, DEVICES - 1), client_id=clients)
    def delete_client(self, d: int, client_id: str) -> None:
        replica = self.devices[d].replica
        if ("client", client_id) in replica.records:
            replica.delete("client", client_id)

    @rule(d=st.integers(0, DEVICES - 1), size=st.integers(1, 8), lose=st.booleans())
    def push(self, d: int, size: int, lose: bool) -> None:
        self.devices[d].push(size, lose)

    @rule(d=st.integers(0, DEVICES - 1), limit=st.integers(1, 7))
    def pull(self, d: int, limit: int) -> None:
        self.devices[d].pull(limit)

    @precondition(lambda self: True)
    @rule(choice=st.sampled_from(["server", "client"]))
    def resolve_a_conflict(self, choice: str) -> None:
        open_ids = self._open_conflicts()
        if not open_ids:
            return
        response = self.admin.post(
            f"/api/v1/conflicts/{open_ids[0]}/resolve", json={"choice": choice, "fields": {}}
        )
        assert response.status_code == 200, response.get_json()
        _count(f"resolved by {choice}")
        self.resolved += 1

    def _open_conflicts(self) -> list[str]:
        open_ids = list(
            db.session.scalars(
                select(Conflict.id)
                .where(Conflict.facility_id.in_(self.facilities), Conflict.status == "open")
                .order_by(Conflict.created_at)
            )
        )
        db.session.rollback()
        return open_ids

    @invariant()
    def nothing_applied_twice(self) -> None:
        duplicates = db.session.execute(
            select(ChangeLog.change_id)
            .where(ChangeLog.change_id.is_not(None))
            .group_by(ChangeLog.change_id)
            .having(func.count() > 1)
        ).all()
        db.session.rollback()
        assert duplicates == []

    def _quiesce(self) -> None:
        """Every device pushes everything (no answer lost) and pulls, twice round."""
        for _ in range(2):
            for device in self.devices:
                while device.replica.pending_count:
                    device.push(500, False)
            for device in self.devices:
                device.pull(1000)

    def _assert_converged(self) -> None:
        states = {f: _server_state(f) for f in self.facilities}
        # Where each client is now, on the server (a transfer moved some).
        where = {
            key[1]: record["facility_id"]
            for state in states.values()
            for key, record in state.items()
            if key[0] == "client"
        }
        rejected = {
            (entity, record_id)
            for entity, record_id in db.session.execute(
                select(ChangeLog.entity, ChangeLog.record_id).where(ChangeLog.status == "rejected")
            )
        }
        db.session.rollback()
        for device in self.devices:
            server = states[device.facility_id]
            assert device.replica.pending_count == 0
            # A record whose create the server refused stays on its device, as the counselor
            # typed it, and the refusal is in the log for admins; everything else is the server's.
            local_only = device.replica.unsent
            assert local_only <= rejected
            assert not local_only & set(server)
            shown = {k: v for k, v in device.replica.records.items() if k not in local_only}
            assert shown == server
            # Nothing of a client who is in the other facility now stays on this device.
            for (entity, record_id), record in shown.items():
                client_id = record_id if entity == "client" else record.get("client_id")
                if client_id in where:
                    assert where[client_id] == device.facility_id, (entity, record_id)
        if any(k[0] == "transfer" for state in states.values() for k in state):
            _count("quiescent with transfers")

    def teardown(self) -> None:
        self._quiesce()
        self._assert_converged()
        self._check_clocks()
        self._check_log()
        # Then the admin resolves every conflict still open; the resolutions reach every device.
        for turn in itertools.count():
            if not self._open_conflicts():
                break
            self.resolve_a_conflict(("server", "client")[turn % 2])
        self._quiesce()
        self._assert_converged()
        assert not any(
            record.get("conflict_open")
            for device in self.devices
            for record in device.replica.records.values()
        )
        STATS["examples"] += 1

    def _check_clocks(self) -> None:
        for device in self.devices:
            row = db.session.get(DeviceRow, device.http.device_id)
            if row is not None and row.clock_offset_ms is not None:
                assert abs(row.clock_offset_ms - device.offset_ms) < 60_000
                assert row.clock_skewed == (device.offset_ms != 0)
        db.session.rollback()

    def _check_log(self) -> None:
        for device in self.devices:
            for change, result in device.acknowledged:
                row = db.session.scalar(
                    select(ChangeLog).where(ChangeLog.change_id == change.change_id)
                )
                assert row is not None, "an acknowledged change is missing from the log"
                assert row.status == str(result.status)
                if result.status == "conflict":
                    assert (
                        db.session.scalar(
                            select(Conflict.id).where(Conflict.change_id == change.change_id)
                        )
                        is not None
                    )
                if result.status == "rejected":
                    assert row.errors
                    # Nothing typed is refused because a transfer moved its record.
                    assert "This record is outside your facilities." not in str(row.errors)
        # Versions of every record count 1..n, one log row each: nothing applied twice.
        rows = db.session.execute(
            select(ChangeLog.record_id, ChangeLog.version).where(
                ChangeLog.facility_id.in_(self.facilities), ChangeLog.version.is_not(None)
            )
        ).all()
        by_record: dict[str, list[int]] = {}
        for record_id, version in rows:
            by_record.setdefault(record_id, []).append(version)
        for versions in by_record.values():
            assert sorted(versions) == list(range(1, len(versions) + 1))
        db.session.rollback()


class TransferConvergence(Convergence):
    """Two devices in facility A, one in B; clients are transferred between them."""

    facility_of = (0, 0, 1)
    with_transfers = True

    @initialize(target=Convergence.clients)
    def first_transfer(self) -> str:
        """Every example starts with a client of A that device 0 transferred to B while device 1,
        which holds the client, has not pulled since: its offline edits come after the move."""
        device = self.devices[0]
        client_id = self._new_client(device)
        device.push(10, False)
        for d in self.devices:
            d.pull(1000)
        device.replica.create(
            "transfer",
            {
                "facility_id": device.facility_id,
                "client_id": client_id,
                "to_facility_id": self.facilities[1],
                "transferred_on": date.today().isoformat(),
            },
        )
        device.push(10, False)
        device.pull(1000)
        self.devices[2].pull(1000)
        return client_id


def _server_state(facility_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    changes, _ = ADMIN.pull_all()
    state = {}
    for c in changes:
        if c["deleted"]:
            continue
        if c["record"]["facility_id"] == facility_id:
            record = dict(c["record"])
            state[(c["entity"], c["id"])] = record
    return state


EXAMPLES = int(os.environ.get("PULIH_CONVERGENCE_EXAMPLES", "15"))
CLIENT: Any = None
ADMIN: Any = None


@pytest.mark.parametrize("machine", [Convergence, TransferConvergence], ids=["one", "transfers"])
def test_devices_converge_with_the_server(app, client, backend, machine):
    global CLIENT, ADMIN
    CLIENT = client
    with unit_of_work():
        add_user(
            username="admin.prop",
            role="admin",
            password=PASSWORD,
            display_name="Admin",
            facility_codes=[],
        )
    ADMIN = DeviceSession(client, "admin.prop")
    STATS.clear()
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=30,
            deadline=None,
            # The same examples every run: the teeth checks below count what the examples did,
            # and a random draw without a single conflict made CI fail once. Widen the search
            # with PULIH_CONVERGENCE_EXAMPLES (and a seed of your own: --hypothesis-seed).
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(f"convergence on {backend}: {DEVICES} devices, {dict(sorted(STATS.items()))}")
    if machine is Convergence:
        assert STATS["status conflict"] > 0, (
            "no conflict was ever produced: the test lost its teeth"
        )
    else:
        assert STATS["quiescent with transfers"] > 0, "no transfer was ever applied: no teeth"
