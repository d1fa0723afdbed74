"""Push: apply a device's changes, one by one, in one transaction (README "Sync protocol").

The numbers in comments are the steps of the README's push protocol.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import DataError, IntegrityError

from sync import Change, ConflictKind, InvalidChange, Status
from sync.merge import classify_change, resolve_conflict

from ..extensions import db
from ..models import ENTITY_MODELS, WRITABLE_ENTITIES, ChangeLog, Client, Conflict, Device
from ..models.common import new_id, utcnow
from ..models.records import SyncedMixin
from ..record_schemas import check_record, load_fields
from ..security import Caller
from .feed import allocate, lock_feed
from .records import REFERENCES, apply_values, check_references, server_computed
from .versions import bump
from .wire import fields_to_wire, record_to_wire

log = logging.getLogger(__name__)


class Rejected(Exception):
    """A change the server will not take; `errors` says why, per field."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("rejected")
        self.errors = errors


@dataclass
class Batch:
    """One push: who pushes, the records it touches, and its block of feed seqs.

    Fast mode prefetches every record the batch names, writes nothing until one flush at the end,
    and takes seqs from one block. Careful mode (after the database refused the fast batch) runs
    each change in its own savepoint with its own flush, so one bad change spoils nothing else.
    """

    caller: Caller
    device_id: str
    careful: bool
    first_seq: int
    size: int
    records: dict[tuple[str, str], SyncedMixin] = field(default_factory=dict)
    fetched: set[tuple[str, str]] = field(default_factory=set)
    live_numbers: dict[tuple[str, str], SyncedMixin] = field(default_factory=dict)
    log_rows: list[dict[str, Any]] = field(default_factory=list)
    used: int = 0
    finishing: bool = False

    def next_seq(self) -> int:
        """The next seq of the batch's block (allocated under the feed lock)."""
        if self.used >= self.size:
            return allocate(db.session)
        self.used += 1
        return self.first_seq + self.used - 1

    def find(self, model: type[SyncedMixin], record_id: str) -> SyncedMixin | None:
        """A record by id: created in this batch, prefetched, or loaded now."""
        key = (model.entity, record_id)
        if key in self.records or key in self.fetched:
            return self.records.get(key)
        record = db.session.get(model, record_id)
        self.fetched.add(key)
        if record is not None:
            self.records[key] = record
        return record

    def prefetch(self, raw_changes: list[Any]) -> None:
        """Load every record the batch changes or references: one query per entity."""
        wanted: dict[str, set[str]] = {}
        numbers: set[tuple[str, str]] = set()
        for raw in raw_changes:
            if not isinstance(raw, dict) or raw.get("entity") not in WRITABLE_ENTITIES:
                continue
            entity, fields_ = raw["entity"], raw.get("fields")
            if _is_key(raw.get("id")):
                wanted.setdefault(entity, set()).add(raw["id"])
            if not isinstance(fields_, dict):
                continue
            for name, model in REFERENCES.get(entity, {}).items():
                if _is_key(fields_.get(name)):
                    wanted.setdefault(model.entity, set()).add(fields_[name])
            number, facility = fields_.get("registration_number"), fields_.get("facility_id")
            if entity == "client" and _is_key(number) and _is_key(facility):
                numbers.add((facility, number))
        for entity, ids in wanted.items():
            model = ENTITY_MODELS[entity]
            for record in db.session.scalars(select(model).where(model.id.in_(ids))):
                self.records[(entity, record.id)] = record
            self.fetched.update((entity, i) for i in ids)
        if numbers:
            for client in db.session.scalars(
                select(Client).where(
                    Client.registration_number.in_({n for _, n in numbers}),
                    Client.facility_id.in_({f for f, _ in numbers}),
                    Client.deleted.is_(False),
                    Client.duplicate_of.is_(None),
                )
            ):
                self.live_numbers[(client.facility_id, client.registration_number)] = client

    def write_log(self, **row: Any) -> None:
        """Queue a change-log row; written with one multi-row INSERT (at once in careful mode)."""
        row["created_at"] = utcnow()
        self.log_rows.append(row)
        self.flush()

    def flush(self) -> None:
        """Write what is queued: at the end in fast mode, after each change in careful mode."""
        if self.careful or self.finishing:
            db.session.flush()
            if self.log_rows:
                db.session.execute(insert(ChangeLog), self.log_rows)
                self.log_rows = []

    def finish(self) -> None:
        """Write everything the fast batch queued."""
        self.finishing = True
        self.flush()


def _is_key(value: Any) -> bool:
    """A string that can be looked up safely (PostgreSQL refuses NUL in parameters)."""
    return isinstance(value, str) and 0 < len(value) <= 64 and "\x00" not in value


def push(caller: Caller, device: Device, raw_changes: list[Any]) -> list[dict[str, Any]]:
    """Apply a batch; returns one result per change, in order. The caller commits."""
    # P1: take the feed lock first: versions commit in seq order, and SQLite never upgrades a lock.
    lock_feed(db.session)
    # P2: results of change_ids seen before are answered again, never re-applied.
    ids = [c.get("change_id") for c in raw_changes if isinstance(c, dict)]
    answered = {
        row.change_id: row.result
        for row in db.session.execute(
            select(ChangeLog.change_id, ChangeLog.result).where(
                ChangeLog.change_id.in_([i for i in ids if isinstance(i, str)])
            )
        )
    }
    size = max(1, len(raw_changes))
    first_seq = allocate(db.session, size) - size + 1
    try:
        with db.session.begin_nested(), db.session.no_autoflush:
            batch = Batch(caller, device.id, careful=False, first_seq=first_seq, size=size)
            results = _apply_all(batch, raw_changes, dict(answered))
            batch.finish()
        return results
    except (IntegrityError, DataError) as error:
        log.warning(
            "a push batch was refused by the database (%s); retrying change by change",
            type(error.orig).__name__,
        )
    batch = Batch(caller, device.id, careful=True, first_seq=first_seq, size=size)
    return _apply_all(batch, raw_changes, dict(answered))


def _apply_all(
    batch: Batch, raw_changes: list[Any], answered: dict[str, Any]
) -> list[dict[str, Any]]:
    batch.prefetch(raw_changes)
    results: list[dict[str, Any]] = []
    for raw in raw_changes:
        change_id = raw.get("change_id") if isinstance(raw, dict) else None
        if isinstance(change_id, str) and change_id in answered:
            results.append(answered[change_id])
            continue
        result = _apply_one(batch, raw) if batch.careful else _apply_fast(batch, raw)
        if isinstance(change_id, str) and result.get("change_id") == change_id:
            answered[change_id] = result
        results.append(result)
    return results


def _apply_fast(batch: Batch, raw: Any) -> dict[str, Any]:
    """P3–P8 for one change; every rule is checked before anything is written."""
    try:
        change = Change.from_wire(raw)
    except InvalidChange as error:
        return _log_rejection(batch, raw, None, error.errors)
    try:
        return _apply_change(batch, change)
    except Rejected as rejected:
        return _log_rejection(batch, raw, change, rejected.errors)


def _apply_one(batch: Batch, raw: Any) -> dict[str, Any]:
    """P3–P8 for one change, inside a savepoint so one bad change spoils nothing else."""
    savepoint = db.session.begin_nested()
    try:
        change = Change.from_wire(raw)
    except InvalidChange as error:
        savepoint.rollback()
        return _log_rejection(batch, raw, None, error.errors)
    try:
        result = _apply_change(batch, change)
        savepoint.commit()
        return result
    except Rejected as rejected:
        savepoint.rollback()
        return _log_rejection(batch, raw, change, rejected.errors)
    except (IntegrityError, DataError) as error:
        log.warning("database refused a change: %s", type(error.orig).__name__)
        # The database refused what validation let through: reject, keep the rest of the batch.
        savepoint.rollback()
        batch.records.clear()
        batch.fetched.clear()
        return _log_rejection(
            batch, raw, change, {"_schema": ["The database refused this change."]}
        )


def _apply_change(ctx: Batch, change: Change) -> dict[str, Any]:
    # P3: only writable entities; facilities are read-only to devices.
    if change.entity not in WRITABLE_ENTITIES:
        raise Rejected({"entity": [f"Must be one of: {', '.join(sorted(WRITABLE_ENTITIES))}."]})
    model = ENTITY_MODELS[change.entity]
    record = ctx.find(model, change.id)
    if record is None:
        return _create(ctx, model, change)
    # P4: the record must be inside the caller's scope.
    if record.facility_id not in ctx.caller.facility_ids:
        raise Rejected({"id": ["This record is outside your facilities."]})
    return _update(ctx, record, change)


def _validated(entity: str, fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    try:
        return load_fields(entity, dict(fields), partial=partial)
    except ValidationError as error:
        messages = error.messages
        raise Rejected(messages if isinstance(messages, dict) else {"fields": messages}) from error


def _create(ctx: Batch, model: type[SyncedMixin], change: Change) -> dict[str, Any]:
    """P5: a record the server has never seen."""
    if change.op == "delete":
        raise Rejected({"id": ["No such record to delete."]})
    values = _validated(change.entity, dict(change.fields), partial=False)
    if values["facility_id"] not in ctx.caller.facility_ids:
        raise Rejected({"facility_id": ["Not one of your facilities."]})
    errors = check_record(change.entity, values) | check_references(
        change.entity, values, find=ctx.find
    )
    if errors:
        raise Rejected(errors)
    record = model(id=change.id, version=0, facility_id=values["facility_id"])
    apply_values(record, values)
    server_computed(record, ctx.caller, previous_status=None)
    bump(record, hlc=change.hlc, seq=ctx.next_seq())
    ctx.records[(change.entity, change.id)] = record
    duplicate = _find_duplicate(ctx, record)
    if duplicate is None:
        db.session.add(record)
        ctx.flush()
        return _log(ctx, change, record, Status.APPLIED, list(values), None)
    # P6: the same registration number twice in one facility: kept, flagged, for an admin.
    record.duplicate_of = duplicate.id  # type: ignore[attr-defined]
    record.conflict_open = True
    db.session.add(record)
    ctx.flush()
    conflict = _open_conflict(
        ctx,
        change,
        record,
        ConflictKind.DUPLICATE,
        ["registration_number"],
        base={},
        server=record_to_wire(duplicate),
        client=record_to_wire(record),
        other_record_id=duplicate.id,
    )
    return _log(ctx, change, record, Status.CONFLICT, list(values), conflict.id)


def _find_duplicate(ctx: Batch, record: SyncedMixin) -> SyncedMixin | None:
    """The live client with the same registration number in the same facility, if any."""
    if not isinstance(record, Client):
        return None
    key = (record.facility_id, record.registration_number)
    if ctx.careful and key not in ctx.live_numbers:
        existing = db.session.scalar(
            select(Client).where(
                Client.facility_id == record.facility_id,
                Client.registration_number == record.registration_number,
                Client.deleted.is_(False),
                Client.duplicate_of.is_(None),
                Client.id != record.id,
            )
        )
        if existing is not None:
            ctx.live_numbers[key] = existing
    duplicate = ctx.live_numbers.get(key)
    if duplicate is None or duplicate.deleted or duplicate.id == record.id:
        ctx.live_numbers[key] = record
        return None
    return duplicate


def _changed_by_others(record: SyncedMixin, base_version: int, device_id: str) -> set[str]:
    """Fields other devices (or the server) changed after base_version: own edits never count."""
    rows = db.session.execute(
        select(ChangeLog.changed_fields, ChangeLog.device_id).where(
            ChangeLog.entity == record.entity,
            ChangeLog.record_id == record.id,
            ChangeLog.version > base_version,
        )
    )
    changed: set[str] = set()
    for fields, author in rows:
        if author != device_id:
            changed.update(fields or ())
    return changed


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


def _update(ctx: Batch, record: SyncedMixin, change: Change) -> dict[str, Any]:
    """P7: a change to a record the server has: merge field by field against its base."""
    entity = change.entity
    # A null base on an existing record means "saw nothing since creation" (DESIGN.md, Push).
    base_version = change.base_version if change.base_version is not None else 1
    if base_version > record.version:
        raise Rejected({"base_version": ["Is ahead of the server's version."]})
    values = _validated(entity, dict(change.fields), partial=True) if change.op == "upsert" else {}
    if "facility_id" in values and values["facility_id"] != record.facility_id:
        raise Rejected({"facility_id": ["A record cannot move to another facility."]})
    values.pop("facility_id", None)
    server_changed = _changed_by_others(record, base_version, ctx.device_id)
    locked = bool(getattr(record, "locked", False))
    kind = classify_change(
        change.op,
        server_exists=True,
        server_deleted=record.deleted,
        server_locked=locked,
        server_changed_any=bool(server_changed),
    )
    if kind is not None:
        return _record_conflict(ctx, record, change, kind, values, base_version)
    if change.op == "delete":
        record.deleted = True
        bump(record, hlc=change.hlc, seq=ctx.next_seq())
        ctx.flush()
        return _log(ctx, change, record, Status.APPLIED, ["deleted"], None)
    client_wire = fields_to_wire(values)
    server_wire = record_to_wire(record)
    base_wire = _snapshot(record, base_version) if server_changed else {}
    outcome = resolve_conflict(
        base_wire,
        server_wire,
        client_wire,
        server_changed=server_changed,
        text_fields=type(record).text_fields,
    )
    to_apply = {
        name: (value if name in type(record).text_fields else values[name])
        for name, value in outcome.apply.items()
    }
    previous_status = getattr(record, "status", None)
    merged_values = record.field_values() | to_apply
    errors = check_record(entity, merged_values) | check_references(
        entity, to_apply, record, find=ctx.find
    )
    if errors:
        raise Rejected(errors)
    apply_values(record, to_apply)
    server_computed(record, ctx.caller, previous_status=previous_status)
    conflict_id = None
    if outcome.conflicts:
        record.conflict_open = True
    bump(record, hlc=change.hlc, seq=ctx.next_seq())
    ctx.flush()
    if outcome.conflicts:
        names = sorted(outcome.conflicts)
        conflict = _open_conflict(
            ctx,
            change,
            record,
            ConflictKind.FIELD,
            names,
            base={n: outcome.conflicts[n].base for n in names},
            server={n: outcome.conflicts[n].server for n in names},
            client={n: outcome.conflicts[n].client for n in names},
        )
        conflict_id = conflict.id
    return _log(ctx, change, record, outcome.status, sorted(to_apply), conflict_id)


def _record_conflict(
    ctx: Batch,
    record: SyncedMixin,
    change: Change,
    kind: ConflictKind,
    values: dict[str, Any],
    base_version: int,
) -> dict[str, Any]:
    """P8: delete-vs-edit and edits of locked sessions: nothing applied, all kept in a conflict."""
    client = {"deleted": True} if change.op == "delete" else fields_to_wire(values)
    names = sorted(client)
    server_wire = record_to_wire(record)
    base_wire = _snapshot(record, base_version)
    record.conflict_open = True
    bump(record, seq=ctx.next_seq())
    ctx.flush()
    conflict = _open_conflict(
        ctx,
        change,
        record,
        kind,
        names,
        base={n: base_wire.get(n) for n in names},
        server={n: server_wire.get(n) for n in names},
        client=client,
    )
    return _log(ctx, change, record, Status.CONFLICT, ["conflict_open"], conflict.id)


def _open_conflict(
    ctx: Batch,
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
        user_id=ctx.caller.user.id,
        device_id=ctx.device_id,
    )
    db.session.add(conflict)
    ctx.flush()
    return conflict


def _result(
    change_id: Any,
    status: str,
    record_id: Any,
    version: int | None,
    conflict_id: str | None,
    errors: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "change_id": change_id,
        "status": status,
        "id": record_id,
        "version": version,
        "conflict_id": conflict_id,
        "errors": errors,
    }


def _log(
    ctx: Batch,
    change: Change,
    record: SyncedMixin,
    status: Status,
    changed: list[str],
    conflict_id: str | None,
) -> dict[str, Any]:
    """P9: the change and its outcome go to the log in the same transaction as the effect."""
    result = _result(change.change_id, str(status), record.id, record.version, conflict_id, None)
    ctx.write_log(
        change_id=change.change_id,
        entity=change.entity,
        record_id=record.id,
        facility_id=record.facility_id,
        version=record.version,
        base_version=change.base_version,
        op=change.op,
        status=str(status),
        source="device",
        device_id=ctx.device_id,
        user_id=ctx.caller.user.id,
        hlc=change.hlc,
        fields=_json_safe(dict(change.fields)),
        changed_fields=changed,
        snapshot=record_to_wire(record),
        errors=None,
        conflict_id=conflict_id,
        result=result,
    )
    return result


def _log_rejection(
    ctx: Batch, raw: Any, change: Change | None, errors: dict[str, Any]
) -> dict[str, Any]:
    """P10: a rejected change is kept in the log, with its errors, for admins to see."""
    change_id = change.change_id if change else _str_or_none(raw, "change_id")
    record_id = change.id if change else _str_or_none(raw, "id")
    result = _result(change_id, str(Status.REJECTED), record_id, None, None, errors)
    ctx.write_log(
        change_id=change_id,
        entity=(change.entity if change else (_str_or_none(raw, "entity") or "?"))[:20],
        record_id=(record_id or None) and record_id[:64],
        facility_id=None,
        version=None,
        base_version=change.base_version if change else None,
        op=(change.op if change else (_str_or_none(raw, "op") or "?"))[:20],
        status=str(Status.REJECTED),
        source="device",
        device_id=ctx.device_id,
        user_id=ctx.caller.user.id,
        hlc=change.hlc if change else None,
        fields=_json_safe(raw),
        changed_fields=None,
        snapshot=None,
        errors=errors,
        conflict_id=None,
        result=result,
    )
    return result


def _str_or_none(raw: Any, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    if isinstance(value, str) and "\x00" not in value and len(value) <= 64:
        return value
    return None


def _json_safe(value: Any) -> Any:
    """What a device sent, storable on PostgreSQL (which refuses NUL in text and jsonb)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {str(k).replace("\x00", "\ufffd"): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def touch_device(device: Device, *, app_version: str | None, pending_count: int | None) -> None:
    """Remember what the device reported with this sync."""
    now = utcnow()
    device.last_seen_at = device.last_sync_at = now
    if app_version is not None:
        device.app_version = app_version
    if pending_count is not None:
        device.pending_count = pending_count
