"""Push: apply a device's changes, one by one, in one transaction (docs/protocol.md, "Push").

The data flows one way through the steps; the numbers are the protocol's:
  P3 check.check_all (the changes' shape and fields, before the lock: they read nothing)
  -> P1-P2 here (the feed lock, answers already given)
  -> P4-P8 apply.apply_change (scope, create or merge, conflicts) -> an Outcome
  -> P9-P10 log.logged / log.rejected (the change-log row, the answer).
The caller (the route) commits once. On PostgreSQL P2 comes first, under the device's own row
lock, and P4-P10 run ahead of the feed lock (`_apply_ahead`), written under it only when
nothing they read changed meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.exc import DataError, IntegrityError

from sync import Change, Hlc

from ...extensions import db
from ...models import ENTITY_MODELS, ChangeLog, Device, ScopeExit
from ...models.common import any_of, utcnow
from ...models.records import SyncedMixin
from ...security import Caller
from ..feed import allocate, current_seq, lock_feed
from ..pull import changes_after
from . import log as change_log
from .alerts import raise_alert
from .apply import apply_change
from .batch import Batch, NotAhead
from .check import Checked, Rejected, check_all
from .releases import close_enrollments

logger = logging.getLogger(__name__)

Result = dict[str, Any]


def push(caller: Caller, device: Device, raw_changes: list[Any]) -> list[Result]:
    """Apply a batch; returns one result per change, in order. The caller commits."""
    # P3 and the fields' checks first, before the lock: they read nothing another push writes.
    checked = check_all(raw_changes, _existing)
    answered = None
    if db.session.get_bind().dialect.name == "postgresql":
        # One push of a device at a time: a second one (sent again before the first was
        # answered) waits here, then finds the first's answers (P2), which therefore stay as
        # read until this push ends. Then the feed lock, as the route's own update of the
        # device row comes after it on every path.
        db.session.execute(select(Device.id).where(Device.id == device.id).with_for_update())
        answered = _answered(device.id, raw_changes)
        results = _apply_ahead(caller, device, checked, answered)
        if results is not None:
            return results
    # P1: take the feed lock: versions commit in seq order, and SQLite never upgrades a lock.
    lock_feed(db.session)
    if answered is None:
        answered = _answered(device.id, raw_changes)
    size = max(1, len(raw_changes))
    first_seq = allocate(db.session, size) - size + 1
    try:
        with db.session.begin_nested(), db.session.no_autoflush:
            batch = Batch(caller, device.id, careful=False, first_seq=first_seq, size=size)
            results = _apply_all(batch, checked, dict(answered))
            batch.finish()
        return results
    except (IntegrityError, DataError) as error:
        logger.warning(
            "a push batch was refused by the database (%s); retrying change by change",
            type(error.orig).__name__,
        )
    batch = Batch(caller, device.id, careful=True, first_seq=first_seq, size=size)
    return _apply_all(batch, checked, dict(answered))


def _answered(device_id: str, raw_changes: list[Any]) -> dict[str, Any]:
    """P2: results of change_ids this device sent before, answered again, never re-applied.
    Keyed by device: another device's change_id is never answered with its result."""
    ids = [c.get("change_id") for c in raw_changes if isinstance(c, dict)]
    return {
        row.change_id: row.result
        for row in db.session.execute(
            select(ChangeLog.change_id, ChangeLog.result).where(
                ChangeLog.device_id == device_id,
                any_of(ChangeLog.change_id, [i for i in ids if isinstance(i, str)]),
            )
        )
    }


def _apply_ahead(
    caller: Caller, device: Device, checked: list[Checked], answered: dict[str, Any]
) -> list[Result] | None:
    """PostgreSQL: P4-P10 before the feed lock, so other pushes wait only for the writing.

    The batch reads and decides everything first, writing nothing (its versions get provisional
    seqs). Then it takes the lock and checks that nothing it read has changed since it began:
    no version committed after `since` in a facility it read or wrote. Every rule reads inside
    the facilities of the records it looked at (a client's number, its enrollments, the session
    an alert belongs to), so then it decided what the lock would have decided; a record it
    looked at that moved away meanwhile left a scope exit in its old facility, and one made
    meanwhile under an id it thought free fails its insert. Only then does it take its seqs and
    write. Otherwise (or when a step must write before the end: a transfer) everything it did
    is dropped and None returned: the caller applies the batch again under the lock, as SQLite
    always does (a SQLite transaction that has read cannot take the write lock after another
    writer).
    """
    # Every version committed from here on has a larger seq: they commit in seq order.
    since = current_seq(db.session)
    savepoint = db.session.begin_nested()
    try:
        with db.session.no_autoflush:
            batch = Batch(caller, device.id, careful=False, first_seq=0, size=0, ahead=True)
            results = _apply_all(batch, checked, dict(answered))
            lock_feed(db.session)  # P1
            changed = changes_after(_facilities_read(batch), since)
            if not changed:
                batch.take_seqs()
                batch.finish()
                savepoint.commit()
                return results
            reason = f"its facilities changed meanwhile ({changed} records)"
    except NotAhead as step:
        reason = str(step)
    except (IntegrityError, DataError) as error:
        reason = f"the database refused it ({type(error.orig).__name__})"
    # Nothing of the attempt may stay: its new objects leave the session, the records it changed
    # in memory are read again.
    for pending in list(db.session.new):
        db.session.expunge(pending)
    savepoint.rollback()
    db.session.expire_all()
    logger.info("push applied again under the feed lock: %s", reason)
    return None


def _facilities_read(batch: Batch) -> set[str]:
    """The facilities of everything an ahead batch looked at or made, and the caller's."""
    session = db.session()
    facilities = set(batch.caller.facility_ids)
    for item in (*session.identity_map.values(), *session.new, *batch.created):
        if isinstance(item, SyncedMixin | ScopeExit):
            # What is loaded only: an object expired before this push and not read again was
            # not read by it (and reading it now would load it).
            loaded = inspect(item).dict
            facilities.update(loaded.get(name) for name in ("facility_id", "to_facility_id"))
    facilities.discard(None)
    return facilities


def _existing(changes: list[Change]) -> set[tuple[str, str]]:
    """(entity, id) of the records these changes name that exist now: one query per entity."""
    wanted: dict[str, set[str]] = {}
    for change in changes:
        wanted.setdefault(change.entity, set()).add(change.id)
    found: set[tuple[str, str]] = set()
    for entity, ids in wanted.items():
        model = ENTITY_MODELS[entity]
        found.update(
            (entity, i) for i in db.session.scalars(select(model.id).where(any_of(model.id, ids)))
        )
    return found


def _apply_all(batch: Batch, checked: list[Checked], answered: dict[str, Any]) -> list[Result]:
    batch.prefetch([item.raw for item in checked])
    results: list[Result] = []
    for item in checked:
        raw = item.raw
        change_id = raw.get("change_id") if isinstance(raw, dict) else None
        if isinstance(change_id, str) and change_id in answered:
            results.append(answered[change_id])
            continue
        result = _apply_one(batch, item) if batch.careful else _apply_fast(batch, item)
        if isinstance(change_id, str) and result.get("change_id") == change_id:
            answered[change_id] = result
        results.append(result)
    return results


def _logged(batch: Batch, item: Checked) -> Result:
    """P4-P9 for one checked change; a session's alarming risk flag raises its alert after it, a
    new release closes its client's active enrollments (P9b)."""
    assert item.change is not None
    outcome = apply_change(batch, item)
    result = change_log.logged(batch, item.change, outcome)
    raise_alert(batch, outcome.record)
    close_enrollments(batch, outcome.record)  # release and aftercare
    return result


def _apply_fast(batch: Batch, item: Checked) -> Result:
    """P4-P10 for one change; every rule is checked before anything is written."""
    if item.refused is not None:
        return change_log.rejected(batch, item.raw, None, item.refused.errors)
    try:
        return _logged(batch, item)
    except Rejected as rejected:
        return change_log.rejected(batch, item.raw, item.change, rejected.errors)


def _apply_one(batch: Batch, item: Checked) -> Result:
    """P4-P10 for one change, inside a savepoint so one bad change spoils nothing else."""
    if item.refused is not None:
        return change_log.rejected(batch, item.raw, None, item.refused.errors)
    savepoint = db.session.begin_nested()
    try:
        result = _logged(batch, item)
        savepoint.commit()
        return result
    except Rejected as rejected:
        savepoint.rollback()
        return change_log.rejected(batch, item.raw, item.change, rejected.errors)
    except (IntegrityError, DataError) as error:
        logger.warning("database refused a change: %s", type(error.orig).__name__)
        # The database refused what validation let through: reject, keep the rest of the batch.
        savepoint.rollback()
        batch.forget()
        errors = {"_schema": ["The database refused this change."]}
        return change_log.rejected(batch, item.raw, item.change, errors)


REPORTED = ("app_version", "pending_count", "oldest_pending_at", "storage_persisted")


def touch_device(device: Device, report: Mapping[str, Any] | None = None) -> None:
    """Remember what the device reported with this sync (absent or null: unchanged).

    `clock` is the device's hybrid logical clock when it sent the push: its wall part against
    the server's own time is the device's clock offset. That offset is shown, never used to
    order anything: versions and the feed's seq, both the server's, decide all order.
    """
    now = utcnow()
    device.last_seen_at = device.last_sync_at = now
    report = report or {}
    for name in REPORTED:
        if report.get(name) is not None:
            setattr(device, name, report[name])
    if report.get("pending_count") == 0:
        device.oldest_pending_at = None  # nothing waits, so nothing is old
    clock = report.get("clock")
    if clock is not None:
        device.clock_offset_ms = Hlc.parse(clock).wall_ms - int(now.timestamp() * 1000)
