"""Push steps P4-P8 for one checked change: scope, create or merge, and the conflicts they open.

The rules themselves are pure and live in `sync/`: `sync.merge_change` decides a change to an
existing record, `sync.find_duplicate` the duplicate rule. This module loads what they read and
writes what they decide; it returns an `Outcome` and never writes the change log itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select

from sync import (
    Change,
    ConflictKind,
    HistoryEntry,
    InvalidChange,
    NumberedClient,
    ServerRecord,
    Status,
    changed_by_others,
    effective_base,
    find_duplicate,
    merge_change,
    replayed_base,
)

from ...extensions import db
from ...models import ENTITY_MODELS, ChangeLog, Client, Conflict, Transfer
from ...models.common import new_id
from ...models.records import SyncedMixin, holding_numbers
from ...models.wire import fields_to_wire, record_to_wire
from ...schemas.records import check_record
from ..enrollments import PATH_FIELDS, path_errors
from ..records import apply_values, check_references, server_computed, take_authorship
from ..versions import next_version
from .batch import Batch
from .check import Checked, Rejected
from .transfer import (
    close_at_source,
    follow_client,
    left_from,
    move_client,
    note_exit,
    transfer_errors,
)


@dataclass(frozen=True)
class Outcome:
    """What a change did: the record's new version, its status, the fields it changed."""

    record: SyncedMixin
    status: Status
    changed: list[str]
    conflict_id: str | None = None


def apply_change(batch: Batch, checked: Checked) -> Outcome:
    """P4-P8 for one checked change; raises Rejected (P10) for one the server will not take."""
    change = checked.change
    assert change is not None
    model = ENTITY_MODELS[change.entity]
    record = batch.find(model, change.id)
    if record is None:
        return _create(batch, model, checked)
    # P4: the record must be inside the caller's scope, or have left it by a transfer: a device
    # of the source still pushes what it typed before it learned of it (nothing typed is lost).
    mine = set(batch.caller.facility_ids)
    if record.facility_id not in mine and left_from(batch, record.entity, record.id, mine) is None:
        raise Rejected({"id": ["This record is outside your facilities."]})
    if change.entity == "transfer":
        raise Rejected({"id": ["A transfer is final: record a transfer back to move the client."]})
    return _update(batch, record, checked, came_from=mine)


def _create(batch: Batch, model: type[SyncedMixin], checked: Checked) -> Outcome:
    """P5: a record the server has never seen."""
    change = checked.change
    assert change is not None
    if change.op == "delete":
        raise Rejected({"id": ["No such record to delete."]})
    values = checked.fields(partial=False)
    if values["facility_id"] not in batch.caller.facility_ids:
        raise Rejected({"facility_id": ["Not one of your facilities."]})
    # A record made offline for a client transferred since follows the client.
    origin = follow_client(batch, change.entity, values)
    if origin is not None:
        close_at_source(batch, change.entity, values, origin)
    # The rules between fields ran with the full load; the references are checked here.
    errors = check_references(
        change.entity, values, find=batch.find, origin=origin
    ) | take_authorship(change.entity, values, None, batch.caller)
    if change.entity == "transfer":
        errors = transfer_errors(batch, values) or errors
    if not errors:
        # A record that follows its client is judged where it was made (its counselor works there).
        made_in = values | {"facility_id": origin} if origin else values
        errors = path_errors(
            change.entity, made_in, change.id, find=batch.find, pending=batch.records.values()
        )
    if errors:
        raise Rejected(errors)
    record = model(id=change.id, version=0, facility_id=values["facility_id"])  # type: ignore[call-arg]
    apply_values(record, values)
    server_computed(record, batch.caller, previous_status=None)
    if isinstance(record, Transfer):
        record.from_facility_id = record.facility_id
        move_client(batch, record)
        origin = record.from_facility_id
    elif origin is not None:
        record.origin_facility_id = origin
    next_version(record, hlc=change.hlc, seq=batch.next_seq())
    batch.records[(change.entity, change.id)] = record
    if origin is not None:
        transfer_id = record.id if isinstance(record, Transfer) else None
        moved_by = transfer_id or left_from(batch, "client", values["client_id"], {origin})
        note_exit(batch, record, origin, str(moved_by))
    duplicate = _holder_of_number(batch, record)
    batch.add(record)
    if duplicate is None:
        batch.flush()
        return Outcome(record, Status.APPLIED, list(values))
    # P6: the same registration number twice in one facility: kept, flagged, for an admin.
    record.duplicate_of = duplicate.id  # type: ignore[attr-defined]
    record.conflict_open = True
    batch.flush()
    conflict = _open_conflict(
        batch,
        change,
        record,
        ConflictKind.DUPLICATE,
        ["registration_number"],
        base={},
        server=record_to_wire(duplicate),
        client=record_to_wire(record),
        other_record_id=duplicate.id,
    )
    return Outcome(record, Status.CONFLICT, list(values), conflict.id)


def _numbered(client: Client) -> NumberedClient:
    return NumberedClient(
        client.id,
        client.facility_id,
        client.registration_number,
        client.deleted,
        client.duplicate_of,
    )


def _holder_of_number(batch: Batch, record: SyncedMixin) -> Client | None:
    """P6: the client that already holds a new client's number in its facility (sync rule)."""
    if not isinstance(record, Client):
        return None
    key = (record.facility_id, record.registration_number)
    if batch.careful and key not in batch.holders:
        existing = db.session.scalar(
            holding_numbers([record.facility_id], [record.registration_number]).limit(1)
        )
        if existing is not None:
            batch.holders[key] = existing
    holder = batch.holders.get(key)
    candidates = [_numbered(holder)] if holder is not None else []
    if find_duplicate(_numbered(record), candidates) is None:
        batch.holders[key] = record  # the newcomer holds the number from now on
        return None
    return holder


def _history(record: SyncedMixin, base_version: int) -> list[HistoryEntry]:
    """The record's versions after base_version, with who made them and what they changed."""
    rows = db.session.execute(
        select(ChangeLog.version, ChangeLog.device_id, ChangeLog.changed_fields).where(
            ChangeLog.entity == record.entity,
            ChangeLog.record_id == record.id,
            ChangeLog.version > base_version,
        )
    )
    return [
        HistoryEntry(version or 0, device, tuple(fields or ())) for version, device, fields in rows
    ]


def _restored_version(record: SyncedMixin, epoch_log_id: int) -> int | None:
    """The record's last version the restored database held (None: it held no such record)."""
    version = db.session.scalar(
        select(func.max(ChangeLog.version)).where(
            ChangeLog.entity == record.entity,
            ChangeLog.record_id == record.id,
            ChangeLog.id <= epoch_log_id,
        )
    )
    return int(version) if version is not None else None


def _snapshot(record: SyncedMixin, version: int) -> dict[str, Any]:
    snapshot = db.session.scalar(
        select(ChangeLog.snapshot)
        .where(
            ChangeLog.entity == record.entity,
            ChangeLog.record_id == record.id,
            ChangeLog.version == version,
        )
        .limit(1)
    )
    return snapshot or {}


def _update(batch: Batch, record: SyncedMixin, checked: Checked, *, came_from: set[str]) -> Outcome:
    """P7: a change to a record the server has: merged field by field against its base.

    `came_from`: the caller's facilities; a change naming one the record left by a transfer
    still names the record's facility (the device had not heard of the move).
    """
    change = checked.change
    assert change is not None
    entity = change.entity
    values = checked.fields(partial=True) if change.op == "upsert" else {}
    named = values.get("facility_id", record.facility_id)
    if named != record.facility_id and not (
        named in came_from and left_from(batch, record.entity, record.id, {str(named)})
    ):
        raise Rejected({"facility_id": ["A record cannot move to another facility."]})
    values.pop("facility_id", None)
    authorship = take_authorship(entity, values, record, batch.caller)
    if authorship:
        raise Rejected(authorship)
    if change.replay:
        restored = _restored_version(record, batch.epoch_log_id())
        change = replace(change, base_version=replayed_base(change.base_version, restored))
    try:
        base_version = effective_base(change.base_version, record.version)
    except InvalidChange as invalid:
        raise Rejected(invalid.errors) from invalid
    history = _history(record, base_version)
    client_wire = fields_to_wire(values)
    server = ServerRecord(
        version=record.version,
        values=record_to_wire(record),
        deleted=record.deleted,
        locked=bool(getattr(record, "locked", False)),
    )
    # The base snapshot is read only when a text merge may need it.
    others = changed_by_others(history, base_version, batch.device_id)
    decision = merge_change(
        change.op,
        change.base_version,
        client_wire,
        device_id=batch.device_id,
        server=server,
        history=history,
        base=_snapshot(record, base_version) if others and change.op == "upsert" else {},
        text_fields=type(record).text_fields,
    )
    if decision.kind is not None:
        return _record_conflict(batch, record, change, decision.kind, values, decision.base_version)
    if change.op == "delete":
        record.deleted = True
        next_version(record, hlc=change.hlc, seq=batch.next_seq())
        batch.flush()
        return Outcome(record, Status.APPLIED, ["deleted"])
    outcome = decision.outcome
    assert outcome is not None  # an upsert without a record-level conflict is always merged
    to_apply = {
        name: (value if name in type(record).text_fields else values[name])
        for name, value in outcome.apply.items()
    }
    previous_status = getattr(record, "status", None)
    merged_values = record.field_values() | to_apply
    errors = check_record(entity, merged_values) | check_references(
        entity, to_apply, record, find=batch.find
    )
    if not errors and PATH_FIELDS & set(to_apply):
        errors = path_errors(
            entity,
            merged_values | {"facility_id": record.facility_id},
            record.id,
            find=batch.find,
            pending=batch.records.values(),
        )
    if errors:
        raise Rejected(errors)
    apply_values(record, to_apply, hlc=change.hlc)
    server_computed(record, batch.caller, previous_status=previous_status)
    if outcome.conflicts:
        record.conflict_open = True
    next_version(record, hlc=change.hlc, seq=batch.next_seq())
    batch.flush()
    conflict_id = None
    if outcome.conflicts:
        names = sorted(outcome.conflicts)
        conflict = _open_conflict(
            batch,
            change,
            record,
            ConflictKind.FIELD,
            names,
            base={n: outcome.conflicts[n].base for n in names},
            server={n: outcome.conflicts[n].server for n in names},
            client={n: outcome.conflicts[n].client for n in names},
        )
        conflict_id = conflict.id
    return Outcome(record, outcome.status, sorted(to_apply), conflict_id)


def _record_conflict(
    batch: Batch,
    record: SyncedMixin,
    change: Change,
    kind: ConflictKind,
    values: dict[str, Any],
    base_version: int,
) -> Outcome:
    """P8: delete-vs-edit and edits of locked sessions: nothing applied, all kept in a conflict."""
    client = {"deleted": True} if change.op == "delete" else fields_to_wire(values)
    names = sorted(client)
    server_wire = record_to_wire(record)
    base_wire = _snapshot(record, base_version)
    record.conflict_open = True
    next_version(record, seq=batch.next_seq())
    batch.flush()
    conflict = _open_conflict(
        batch,
        change,
        record,
        kind,
        names,
        base={n: base_wire.get(n) for n in names},
        server={n: server_wire.get(n) for n in names},
        client=client,
    )
    return Outcome(record, Status.CONFLICT, ["conflict_open"], conflict.id)


def _open_conflict(
    batch: Batch,
    change: Change,
    record: SyncedMixin,
    kind: ConflictKind,
    names: list[str],
    *,
    base: dict[str, Any],
    server: dict[str, Any],
    client: dict[str, Any],
    other_record_id: str | None = None,
) -> Conflict:
    conflict = Conflict(
        id=new_id(),
        kind=str(kind),
        entity=record.entity,
        record_id=record.id,
        other_record_id=other_record_id,
        facility_id=record.facility_id,
        fields=names,
        base=base,
        server=server,
        client=client,
        change_id=change.change_id,
        user_id=batch.caller.user.id,
        device_id=batch.device_id,
    )
    db.session.add(conflict)
    batch.flush()
    return conflict
