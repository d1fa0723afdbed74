"""Steps P3–P8 of a push for one change: check, create or merge, and open conflicts."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from sync import Change, ConflictKind, Status
from sync.merge import classify_change, resolve_conflict

from ..extensions import db
from ..models import ENTITY_MODELS, WRITABLE_ENTITIES, ChangeLog, Client, Conflict
from ..models.common import new_id
from ..models.records import SyncedMixin
from ..record_schemas import check_record, load_fields
from ..schemas import is_storable
from .batch import Batch, Rejected, is_key
from .changelog import log_change
from .records import apply_values, check_references, server_computed
from .versions import bump
from .wire import fields_to_wire, record_to_wire


def apply_change(ctx: Batch, change: Change) -> dict[str, Any]:
    # P3: ids the database can hold, and only writable entities (facilities are read-only).
    for name, value in (("change_id", change.change_id), ("id", change.id)):
        if not is_key(value):
            raise Rejected({name: ["Must be an id of at most 64 characters of valid text."]})
    if change.hlc is not None and (len(change.hlc) > 80 or not is_storable(change.hlc)):
        raise Rejected({"hlc": ["Must be a clock of at most 80 characters."]})
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
        return log_change(ctx, change, record, Status.APPLIED, list(values), None)
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
    return log_change(ctx, change, record, Status.CONFLICT, list(values), conflict.id)


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
        return log_change(ctx, change, record, Status.APPLIED, ["deleted"], None)
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
    return log_change(ctx, change, record, outcome.status, sorted(to_apply), conflict_id)


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
    return log_change(ctx, change, record, Status.CONFLICT, ["conflict_open"], conflict.id)


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
