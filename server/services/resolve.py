"""Resolving conflicts (docs/protocol.md "Conflicts"): an admin picks a side; a new version follows.

Theory of operation:
1. Take the feed lock first, then the conflict row; a resolved conflict is never resolved again.
2. RESOLVERS maps the conflict's kind to the function that applies the admin's choice
   ("server" keeps what the server has, "client" takes the device's side, "merge" writes the
   admin's own `fields`). Values are validated as a push validates them: a bad merge is a 422.
3. Every record the resolution touches gets a new version (write_version), with `conflict_open`
   showing the conflicts still open on it, and a change-log row with source "resolution" and
   the conflict's id, so every device pulls it. A duplicate moves the other client's records
   to the kept one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from sync import ConflictKind

from ..extensions import db
from ..models import (
    ENTITY_MODELS,
    Alert,
    Assessment,
    Attendance,
    Client,
    Conflict,
    CounselingSession,
    Device,
    Enrollment,
    PhaseChange,
    User,
)
from ..models.common import utcnow
from ..models.records import SyncedMixin, holding_numbers
from ..models.wire import record_to_wire
from ..schemas.records import check_record, load_fields
from ..security import Caller
from .audit import audit
from .errors import Invalid, NotFound, StateConflict
from .feed import lock_feed
from .records import apply_values, check_references, server_computed
from .versions import write_version

Touched = list[tuple[SyncedMixin, list[str]]]
# Records that name a client and move with it when two clients are merged.
CLIENT_CHILDREN = (Enrollment, Assessment, CounselingSession, Attendance, PhaseChange, Alert)


def _invalid(errors: dict[str, Any]) -> Invalid:
    return Invalid(
        "validation", "The resolution has invalid fields; see errors.", {"fields": errors}
    )


def _is_deletion(conflict: Conflict) -> bool:
    return conflict.client == {"deleted": True}


def _chosen_values(conflict: Conflict, choice: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The wire values to write: the device's for "client", the admin's for "merge"."""
    if choice == "client":
        return {name: conflict.client[name] for name in conflict.fields if name in conflict.client}
    unknown = sorted(set(fields) - set(conflict.fields))
    if unknown:
        raise _invalid({name: ["Not a field of this conflict."] for name in unknown})
    if not fields:
        raise _invalid({"_schema": ["Give at least one field to merge."]})
    return dict(fields)


def _validated(
    record: SyncedMixin, wire: dict[str, Any], *, all_refs: bool = False
) -> dict[str, Any]:
    """Load wire values for this record as a push would; 422 with per-field errors otherwise."""
    entity = record.entity
    wire = {k: v for k, v in wire.items() if k != "facility_id"}
    try:
        values = load_fields(entity, wire, partial=True)
    except ValidationError as error:
        messages = error.messages
        raise _invalid(messages if isinstance(messages, dict) else {"_schema": messages}) from None
    merged = record.field_values() | values
    refs = check_references(entity, merged if all_refs else values, record)
    errors = check_record(entity, merged) | refs | _registration_taken(record, values)
    if errors:
        raise _invalid(errors)
    return values


def _registration_taken(record: SyncedMixin, values: dict[str, Any]) -> dict[str, list[str]]:
    """A live client keeps its registration number unique in its facility."""
    if record.entity != "client" or record.duplicate_of is not None:  # type: ignore[attr-defined]
        return {}
    number = str(values.get("registration_number", record.registration_number))  # type: ignore[attr-defined]
    return _number_taken(record.facility_id, number, (record.id,))


def _number_taken(facility_id: str, number: str, ignore: tuple[str, ...]) -> dict[str, list[str]]:
    taken = db.session.scalar(holding_numbers([facility_id], [number], except_ids=ignore).limit(1))
    return {"registration_number": ["Another client here has this number."]} if taken else {}


def _write(caller: Caller, record: SyncedMixin, values: dict[str, Any]) -> list[str]:
    previous_status = getattr(record, "status", None)
    apply_values(record, values)
    server_computed(record, caller, previous_status=previous_status)
    return sorted(values)


def _resolve_field(
    caller: Caller, conflict: Conflict, record: SyncedMixin, choice: str, fields: dict[str, Any]
) -> Touched:
    """Field: write the device's values or the admin's merge (the server's side: _settled)."""
    values = _validated(record, _chosen_values(conflict, choice, fields))
    return [(record, _write(caller, record, values))]


def _take_deletion(record: SyncedMixin, choice: str) -> Touched:
    """The device wanted the record gone: a tombstone (a deletion has nothing to merge)."""
    if choice == "merge":
        raise _invalid({"_schema": ["A deletion cannot be merged; choose server or client."]})
    record.deleted = True
    return [(record, ["deleted"])]


def _settled(
    kind: ConflictKind, conflict: Conflict, record: SyncedMixin, choice: str
) -> Touched | None:
    """What every kind but a duplicate does alike: keep the server's side as it is, or take the
    device's deletion. None when the kind's own resolver decides."""
    if kind is ConflictKind.DUPLICATE:
        return None
    if choice == "server":
        return [(record, [])]
    if _is_deletion(conflict):
        return _take_deletion(record, choice)
    return None


def _resolve_delete(
    caller: Caller, conflict: Conflict, record: SyncedMixin, choice: str, fields: dict[str, Any]
) -> Touched:
    """Delete: the device's deletion makes a tombstone; its edit of a tombstone undeletes it."""
    if getattr(record, "merged_into", None):
        raise StateConflict(
            "merged-client", "This client was merged into another; apply the edit to that one."
        )
    # Validated before the undelete: an autoflush must never meet a half-made record.
    values = _validated(record, _chosen_values(conflict, choice, fields), all_refs=True)
    record.deleted = False
    return [(record, ["deleted", *_write(caller, record, values)])]


def _resolve_locked(
    caller: Caller, conflict: Conflict, record: SyncedMixin, choice: str, fields: dict[str, Any]
) -> Touched:
    """Locked: the amendment is applied and the session goes back to review, or it is dropped."""
    wire = _chosen_values(conflict, choice, fields)
    wire.pop("status", None)  # an amended session is always reviewed again
    values = _validated(record, wire)
    session: CounselingSession = record  # type: ignore[assignment]
    apply_values(session, values)
    session.status = "submitted"
    session.reviewed_by = session.reviewed_by_name = session.reviewed_at = None
    server_computed(session, caller, previous_status="approved")
    return [(record, sorted({*values, "status", "submitted_at", "reviewed_by", "reviewed_at"}))]


def _live(client: Client | None) -> Client | None:
    """Follow merged_into to the client a merged one lives on as."""
    for _ in range(20):
        if client is None or not client.merged_into:
            return client
        client = db.session.get(Client, client.merged_into, with_for_update=True)
    return client


def _resolve_duplicate(
    caller: Caller, conflict: Conflict, record: SyncedMixin, choice: str, fields: dict[str, Any]
) -> Touched:
    """Duplicate: the two clients become one; the other's records move to the kept one."""
    newcomer: Client = record  # type: ignore[assignment]
    existing = _live(db.session.get(Client, conflict.other_record_id, with_for_update=True))
    kept, other = (newcomer, existing) if choice == "client" else (existing, newcomer)
    if kept is None or other is None or kept.id == other.id:
        survivor = kept or other or newcomer
        survivor.duplicate_of = None
        return [(survivor, ["duplicate_of"])]
    if kept.deleted:
        raise StateConflict("kept-deleted", "The client to keep is deleted; keep the other.")
    values: dict[str, Any] = {}
    if choice == "merge":
        if not fields:
            raise _invalid({"_schema": ["Give at least one field to merge."]})
        values = _validated(kept, fields)
    number = values.get("registration_number", kept.registration_number)
    taken = _number_taken(kept.facility_id, number, (kept.id, other.id))
    if taken:
        raise _invalid(taken)
    # The tombstone leaves the unique index before the kept client enters it.
    other.deleted, other.merged_into, other.duplicate_of = True, kept.id, None
    db.session.flush()
    kept.duplicate_of = None
    changed = ["duplicate_of", *_write(caller, kept, values)]
    db.session.flush()
    moved = _move_records(other.id, kept.id)
    return [(kept, changed), (other, ["deleted", "merged_into", "duplicate_of"]), *moved]


def _move_records(from_client: str, to_client: str) -> Touched:
    """Re-point every record of one client to another; a second attendance row is retired."""
    moved: Touched = []
    attended = set(
        db.session.scalars(
            select(Attendance.session_id).where(
                Attendance.client_id == to_client, Attendance.deleted.is_(False)
            )
        )
    )
    for model in CLIENT_CHILDREN:
        rows = db.session.scalars(
            select(model).where(model.client_id == from_client).with_for_update()
        ).all()
        for row in rows:
            row.client_id = to_client  # type: ignore[attr-defined]
            changed = ["client_id"]
            if isinstance(row, Attendance) and row.session_id in attended and not row.deleted:
                row.deleted = True
                changed.append("deleted")
            moved.append((row, changed))
    return moved


Resolver = Callable[[Caller, Conflict, SyncedMixin, str, dict[str, Any]], Touched]
RESOLVERS: dict[ConflictKind, Resolver] = {
    ConflictKind.FIELD: _resolve_field,
    ConflictKind.DELETE: _resolve_delete,
    ConflictKind.LOCKED: _resolve_locked,
    ConflictKind.DUPLICATE: _resolve_duplicate,
}


def _still_open(record: SyncedMixin, resolved_id: str) -> bool:
    return (
        db.session.scalar(
            select(Conflict.id)
            .where(
                Conflict.entity == record.entity,
                Conflict.record_id == record.id,
                Conflict.status == "open",
                Conflict.id != resolved_id,
            )
            .limit(1)
        )
        is not None
    )


def _write_versions(caller: Caller, conflict: Conflict, touched: Touched) -> None:
    """A new version of every touched record, logged as this conflict's resolution."""
    for target, changed in touched:
        target.conflict_open = _still_open(target, conflict.id)
        write_version(
            target,
            source="resolution",
            changed=[*changed, "conflict_open"],
            user_id=caller.user.id,
            conflict_id=conflict.id,
        )


def resolve(caller: Caller, conflict_id: str, choice: str, fields: dict[str, Any]) -> Conflict:
    """Apply an admin's choice to an open conflict, writing the new versions; the caller commits."""
    lock_feed(db.session)  # 1
    conflict = db.session.get(Conflict, conflict_id, with_for_update=True, populate_existing=True)
    if conflict is None:
        raise NotFound("not-found", "No such conflict.")
    if conflict.status != "open":
        raise StateConflict("already-resolved", "This conflict was already resolved.")
    model = ENTITY_MODELS[conflict.entity]
    record = db.session.get(model, conflict.record_id, with_for_update=True, populate_existing=True)
    if record is None:
        raise NotFound("not-found", "The record of this conflict is gone.")
    try:
        kind = ConflictKind(conflict.kind)  # 2
        touched = _settled(kind, conflict, record, choice) or RESOLVERS[kind](
            caller, conflict, record, choice, fields
        )
        conflict.status, conflict.resolution = "resolved", choice
        conflict.resolved_by, conflict.resolved_at = caller.user.id, utcnow()
        db.session.flush()
        _write_versions(caller, conflict, touched)  # 3
    except (IntegrityError, DataError):
        # The unit of work rolls back: a refused resolution leaves nothing half-written.
        raise _invalid({"_schema": ["The database refused these values."]}) from None
    audit_conflict("resolve", conflict, kind=conflict.kind, choice=choice, versions=len(touched))
    return conflict


def audit_conflict(action: str, conflict: Conflict, **detail: Any) -> None:
    """An audit event about a conflict and its record."""
    audit(
        action,
        entity=conflict.entity,
        record_id=conflict.record_id,
        facility_id=conflict.facility_id,
        conflict_id=conflict.id,
        **detail,
    )


def _client_name(conflict: Conflict) -> str | None:
    """The name of the client a conflict's record is about, so staff lists never show raw ids."""
    model = ENTITY_MODELS[conflict.entity]
    record = db.session.get(model, conflict.record_id)
    if record is None:
        return None
    client = record if conflict.entity == "client" else None
    client_id = getattr(record, "client_id", None)
    if client is None and client_id:
        client = db.session.get(ENTITY_MODELS["client"], client_id)
    return getattr(client, "full_name", None) or None


def describe(conflicts: list[Conflict], *, with_current: bool = False) -> list[dict[str, Any]]:
    """Conflicts as the API shows them, with their author and device (and the records now)."""
    user_ids = {c.user_id for c in conflicts if c.user_id}
    device_ids = {c.device_id for c in conflicts if c.device_id}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    devices = {d.id: d for d in db.session.scalars(select(Device).where(Device.id.in_(device_ids)))}
    described = []
    for conflict in conflicts:
        item: dict[str, Any] = {
            name: getattr(conflict, name)
            for name in (
                "id",
                "kind",
                "entity",
                "record_id",
                "other_record_id",
                "facility_id",
                "fields",
                "base",
                "server",
                "client",
                "created_at",
                "status",
                "resolution",
                "resolved_by",
                "resolved_at",
            )
        }
        item["user"] = users.get(conflict.user_id or "")
        item["device"] = devices.get(conflict.device_id or "")
        item["client_name"] = _client_name(conflict)
        if with_current:
            model = ENTITY_MODELS[conflict.entity]
            record = db.session.get(model, conflict.record_id)
            item["current"] = record_to_wire(record) if record is not None else None
            other = (
                db.session.get(model, conflict.other_record_id)
                if (conflict.other_record_id)
                else None
            )
            item["other_current"] = record_to_wire(other) if other is not None else None
        described.append(item)
    return described
