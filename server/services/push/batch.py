"""One push batch: the records it touches, its block of feed seqs, its queued log rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import inspect, select

from ...extensions import db
from ...models import ENTITY_MODELS, WRITABLE_ENTITIES, Alert, ChangeLog, Client, ScopeExit
from ...models.common import any_of
from ...models.records import SyncedMixin, holding_numbers
from ...models.wire import record_to_wire
from ...schemas.common import is_key
from ...security import Caller
from ..bulk import insert_rows
from ..feed import allocate, feed_state
from ..records import REFERENCES
from ..versions import change_log_row, next_version


@dataclass
class Batch:
    """One push: who pushes, the records it touches, and its block of feed seqs.

    Fast mode prefetches every record the batch names, writes nothing until one flush at the end,
    and takes seqs from one block. Careful mode (after the database refused the fast batch) runs
    each change in its own savepoint with its own flush, so one bad change spoils nothing else.

    Ahead (a fast batch applied before the feed lock, pipeline.py): its versions get provisional
    seqs, -1, -2, ... in the order they were made, until `take_seqs` swaps them for a block of
    the feed's under the lock; a step that must write before the end raises `NotAhead`.
    """

    caller: Caller
    device_id: str
    careful: bool
    first_seq: int
    size: int
    records: dict[tuple[str, str], SyncedMixin] = field(default_factory=dict)
    fetched: set[tuple[str, str]] = field(default_factory=set)
    # (facility_id, registration_number) -> the client that holds the number (P6).
    holders: dict[tuple[str, str], Client] = field(default_factory=dict)
    # ("alert", session_id) -> the session's alert, or None when it has none (alerts.py).
    alerts: dict[tuple[str, str], Alert | None] = field(default_factory=dict)
    # (entity, id) -> the scope exits this batch wrote for the record (transfer.py).
    exits: dict[tuple[str, str], list[ScopeExit]] = field(default_factory=dict)
    log_rows: list[dict[str, Any]] = field(default_factory=list)
    # Records this fast batch creates: written by one multi-row INSERT per table at the end.
    created: list[SyncedMixin] = field(default_factory=list)
    used: int = 0
    finishing: bool = False
    ahead: bool = False
    _epoch_log_id: int | None = None

    def epoch_log_id(self) -> int:
        """Where the shared history of this epoch ends (read once, for replayed changes)."""
        if self._epoch_log_id is None:
            self._epoch_log_id = feed_state(db.session).epoch_log_id
        return self._epoch_log_id

    def next_seq(self) -> int:
        """The next seq of the batch's block (allocated under the feed lock); ahead of the lock, the
        next provisional one."""
        if self.ahead:
            self.used += 1
            return -self.used
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
            # Anything may arrive here (lists, numbers...): only known entity names are looked up.
            if not isinstance(raw, dict) or not is_key(raw.get("entity")):
                continue
            if raw["entity"] not in WRITABLE_ENTITIES:
                continue
            entity, fields_ = raw["entity"], raw.get("fields")
            if is_key(raw.get("id")):
                wanted.setdefault(entity, set()).add(raw["id"])
            if not isinstance(fields_, dict):
                continue
            for name, model in REFERENCES.get(entity, {}).items():
                if is_key(fields_.get(name)):
                    wanted.setdefault(model.entity, set()).add(fields_[name])
            number, facility = fields_.get("registration_number"), fields_.get("facility_id")
            if entity == "client" and is_key(number) and is_key(facility):
                numbers.add((facility, number))
        for entity, ids in wanted.items():
            model = ENTITY_MODELS[entity]
            for record in db.session.scalars(select(model).where(any_of(model.id, ids))):
                self.records[(entity, record.id)] = record
            self.fetched.update((entity, i) for i in ids)
        if numbers:
            facilities, wanted_numbers = {f for f, _ in numbers}, {n for _, n in numbers}
            for client in db.session.scalars(holding_numbers(facilities, wanted_numbers)):
                self.holders[(client.facility_id, client.registration_number)] = client

    def add(self, record: SyncedMixin) -> None:
        """A record this push creates. Careful mode hands it to the ORM (flushed in the change's
        savepoint); fast mode keeps it and inserts it with the batch's other new rows at the end:
        nothing reads a new row from the database before then (the batch finds it in `records`)."""
        if self.careful:
            db.session.add(record)
        else:
            self.created.append(record)

    def attach_created(self) -> None:
        """Hand the records created so far to the ORM, for a step that queries them (a transfer
        moves what the batch made for its client too); later ones still go in at the end."""
        if self.ahead:
            raise NotAhead("it met a transfer (it queries what the batch wrote)")
        db.session.add_all(self.created)
        self.created = []

    def take_seqs(self) -> None:
        """Under the feed lock: the block of seqs for the versions this batch made ahead of it,
        given in the order they were made (provisional -k becomes the block's k-th)."""
        assert self.ahead
        if self.used == 0:
            return
        first = allocate(db.session, self.used) - self.used + 1
        session = db.session()
        for item in (*session.identity_map.values(), *session.new, *self.created):
            # Loaded values only: an expired object was not versioned by this batch.
            seq = inspect(item).dict.get("seq")
            if isinstance(seq, int) and seq < 0:
                item.seq = first - seq - 1
        self.ahead = False

    def queue(self, row: dict[str, Any]) -> None:
        """Queue a change-log row; written with one multi-row INSERT (at once in careful mode)."""
        self.log_rows.append(row)
        self.flush()

    def server_version(
        self, record: SyncedMixin, changed: list[str], *, source: str = "server", mine: bool = True
    ) -> None:
        """A version the server makes itself inside this push (an alert, an enrollment a release
        closed, a record a transfer moved): its seq from the batch's block, its change-log row
        queued. `mine`: logged as the pushing device's, so its own later edits never conflict
        with it; a transfer's move is everyone's (the source's re-closing of an enrollment the
        move closed is a conflict an admin sees)."""
        next_version(record, seq=self.next_seq())
        self.queue(
            change_log_row(
                entity=record.entity,
                record_id=record.id,
                facility_id=record.facility_id,
                version=record.version,
                snapshot=record_to_wire(record),
                source=source,
                changed=changed,
                user_id=self.caller.user.id,
                device_id=self.device_id if mine else None,
            )
        )

    def flush(self) -> None:
        """Write what is queued: at the end in fast mode, after each change in careful mode."""
        if self.careful or self.finishing:
            # The ORM's writes first, as its own flush orders them (a table's updates before its
            # inserts): a number a client gives up in this push is free before a new client
            # takes it. Nothing the ORM writes has a foreign key to a record the batch made.
            db.session.flush()
            _insert_new(self.created)
            self.created = []
            if self.log_rows:
                insert_rows(ChangeLog.__table__, self.log_rows)
                self.log_rows = []

    def forget(self) -> None:
        """Drop every loaded record: after a refused savepoint they may hold rolled-back state."""
        self.records.clear()
        self.fetched.clear()
        self.alerts.clear()
        self.exits.clear()

    def finish(self) -> None:
        """Write everything the fast batch queued."""
        self.finishing = True
        self.flush()


class NotAhead(Exception):
    """An ahead batch met a step that cannot wait for the lock: apply it under the lock instead."""


@cache
def _columns(mapper: Any) -> tuple[tuple[str, str], ...]:
    """(attribute, column) names of a mapped record's columns."""
    return tuple((prop.key, prop.columns[0].key) for prop in mapper.column_attrs)


def _insert_new(records: list[SyncedMixin]) -> None:
    """New records in bulk (services/bulk.py): one write per table and set of columns, tables in the
    order their foreign keys need, rows in the order the batch made them. Columns the records
    never set are left out, so their defaults apply as they would through the ORM."""
    rows: dict[Any, dict[tuple[str, ...], list[dict[str, Any]]]] = {}
    for record in records:
        state = inspect(record)
        values = state.dict
        row = {column: values[key] for key, column in _columns(state.mapper) if key in values}
        rows.setdefault(state.mapper.local_table, {}).setdefault(tuple(row), []).append(row)
    for table in db.metadata.sorted_tables:
        for group in rows.get(table, {}).values():
            insert_rows(table, group)
