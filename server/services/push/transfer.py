"""Transfers (mutasi): a client and everything of it move to another facility's scope.

Theory of operation (docs/design.md "Transfers"): scope is `facility_id`, on every record, as
before. A transfer, applied at push, moves the client and every record hanging off it (by its
`client_id`) to the destination: each gets a new version and seq (so the destination's devices
pull the whole history like any change) and a `scope_exits` row under the source facility (so
the source's devices pull it once as `"scope": "left"` and purge it). `origin_facility_id` keeps
where each record was made: figures count it there, so a facility's year does not move.
A device of the source that edited the client offline still pushes afterwards: P4 lets a change
through to a record that left one of the caller's facilities (`left_from`), and a record it
creates for a moved client follows the client (`follow_client`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import (
    Alert,
    Assessment,
    Attendance,
    Client,
    CounselingSession,
    Enrollment,
    Facility,
    PhaseChange,
    Release,
    ScopeExit,
    Transfer,
)
from ...models.records import SyncedMixin, holding_numbers
from .batch import Batch

# The records that hang off a client by their client_id, and move with it.
CLIENT_RECORDS: tuple[type[SyncedMixin], ...] = (
    Enrollment,
    PhaseChange,
    Assessment,
    CounselingSession,
    Attendance,
    Alert,
    Release,
    Transfer,
)
ALREADY_MOVED = "This client was already transferred to another facility."

Errors = dict[str, list[str]]


def left_from(batch: Batch, entity: str, record_id: str, facilities: set[str]) -> str | None:
    """The transfer that took this record out of one of `facilities`, or None."""
    for exit_ in batch.exits.get((entity, record_id), ()):
        if exit_.facility_id in facilities:
            return exit_.transfer_id
    found = db.session.scalar(
        select(ScopeExit.transfer_id)
        .where(
            ScopeExit.entity == entity,
            ScopeExit.record_id == record_id,
            ScopeExit.facility_id.in_(sorted(facilities)),
        )
        .limit(1)
    )
    return str(found) if found is not None else None


def follow_client(batch: Batch, entity: str, values: dict[str, object]) -> str | None:
    """A new record made in a facility its client has left: it goes where the client is now.

    Returns the facility it was made in (its origin) and moves `values["facility_id"]`; None
    when the record stays where it was made.
    """
    client_id, facility = values.get("client_id"), values.get("facility_id")
    if entity in ("client", "transfer") or not isinstance(client_id, str):
        return None
    client = batch.find(Client, client_id)
    if client is None or client.facility_id == facility or not isinstance(facility, str):
        return None
    if left_from(batch, "client", client_id, {facility}) is None:
        return None
    values["facility_id"] = client.facility_id
    return facility


def _client(batch: Batch, client_id: str) -> Client | None:
    found = batch.find(Client, client_id)
    return found if isinstance(found, Client) else None


def close_at_source(batch: Batch, entity: str, values: dict[str, Any], origin: str) -> None:
    """An enrollment the source recorded offline that was running when the client left closes
    on the transfer date, like the source's other enrollments (so it counts there, and ends)."""
    if entity != "enrollment" or values.get("status", "active") != "active":
        return
    transfer_id = left_from(batch, "client", str(values["client_id"]), {origin})
    transfer = batch.find(Transfer, transfer_id) if transfer_id else None
    if not isinstance(transfer, Transfer) or values["start_date"] > transfer.transferred_on:
        return
    values["status"] = "transferred"
    values["end_date"] = max(transfer.transferred_on, values["start_date"])


def transfer_errors(batch: Batch, values: dict[str, object]) -> Errors:
    """The rules of a new transfer that read other records (the client's are references')."""
    errors: Errors = {}
    client = _client(batch, str(values["client_id"]))
    source = str(values["facility_id"])
    moved = client is not None and client.facility_id != source
    if moved and client is not None and left_from(batch, "client", client.id, {source}):
        return {"client_id": [ALREADY_MOVED]}
    destination = db.session.get(Facility, str(values["to_facility_id"]))
    if destination is None or destination.deleted:
        errors["to_facility_id"] = ["No such facility."]
    if client is None or client.deleted or client.facility_id != source:
        return errors | {"client_id": ["No such record in this facility."]}
    if client.duplicate_of is not None:
        errors["client_id"] = ["This client waits for an admin to resolve a duplicate first."]
    elif destination is not None:
        key = (destination.id, client.registration_number)
        holder = batch.holders.get(key) or db.session.scalar(
            holding_numbers([destination.id], [client.registration_number]).limit(1)
        )
        if holder is not None and holder.id != client.id:
            errors["client_id"] = [
                "A client with this registration number is already at that facility: "
                "an admin merges the two first."
            ]
    return errors


def _moved(record: SyncedMixin, source: str, destination: str, on: date) -> list[str]:
    """Move one record; returns the fields the move changed."""
    if record.origin_facility_id is None:
        record.origin_facility_id = source
    record.facility_id = destination
    changed = ["facility_id"]
    if isinstance(record, Enrollment) and record.status == "active" and not record.deleted:
        # Active enrollments at the source close on the transfer date.
        record.status = "transferred"
        record.end_date = max(on, record.start_date)
        changed += ["end_date", "status"]
    return changed


def note_exit(batch: Batch, record: SyncedMixin, source: str, transfer_id: str) -> None:
    """The record left `source`: its readers pull it once as "left" (docs/protocol.md)."""
    exit_ = ScopeExit(
        seq=batch.next_seq(),
        entity=record.entity,
        record_id=record.id,
        version=record.version,
        facility_id=source,
        to_facility_id=record.facility_id,
        transfer_id=transfer_id,
    )
    db.session.add(exit_)
    batch.exits.setdefault((record.entity, record.id), []).append(exit_)


def move_client(batch: Batch, transfer: Transfer) -> int:
    """Move the client of a new transfer and everything of it; returns how many records moved.

    The transfer itself is made in the destination (it is part of the client's history) and
    leaves the source like the rest. The caller gives it its version.
    """
    source, destination = transfer.from_facility_id, transfer.to_facility_id
    client = _client(batch, transfer.client_id)
    assert client is not None  # transfer_errors checked it
    batch.attach_created()
    db.session.flush()  # what this batch changed so far is in the queries below
    records: list[SyncedMixin] = [client]
    for model in CLIENT_RECORDS:
        column = model.client_id  # type: ignore[attr-defined]
        records += db.session.scalars(
            select(model).where(column == client.id, model.facility_id == source)
        )
    for record in records:
        changed = _moved(record, source, destination, transfer.transferred_on)
        batch.server_version(record, changed, source="transfer", mine=False)
        batch.records[(record.entity, record.id)] = record
        note_exit(batch, record, source, transfer.id)
    batch.holders[(destination, client.registration_number)] = client
    transfer.origin_facility_id = source
    transfer.facility_id = destination
    return len(records)
