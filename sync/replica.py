"""An in-memory device: local records, an ordered outbox, and the pull that never loses typing.

Theory of operation: `records` is always the server state the device knows of each record with
its pending changes (the outbox, in order) replayed on top. The known server state is what the
last pull brought, moved on by the server's answers (`_after_answer`): an accepted change is in
it until a pull brings the version it made (or a later one); a rejected one never is, so the
view falls back to the server's state with the other pending changes on top.
A record the server never took has no server state: when its create is rejected, the device
keeps it as it showed it (`unsent`), so nothing typed leaves the counselor's view, and its next
change carries every field again, as a create.
After a restore the server may have lost changes it acknowledged: the device keeps every
answered change for `keep_ms` (30 days by default), and when a pull says the feed was reset it
forgets the known server state and queues the kept changes again, in their order, before what is
still pending, each marked `replay` (the server's idempotency makes that safe; see
docs/protocol.md, "After a restore").
The PWA's store follows the same rules: tests/vectors/replica.json runs against both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from sync.changes import Change, Op, PulledChange, Result, Status
from sync.errors import InvalidChange, UnknownEntity
from sync.hlc import Hlc, tick

Key = tuple[str, str]

KEEP_ACKNOWLEDGED_MS = 30 * 24 * 3600 * 1000


@dataclass(frozen=True, slots=True)
class Known:
    """The server state of one record as this device knows it."""

    version: int | None  # the last pulled version; None before any pull
    deleted: bool
    fields: Mapping[str, object]
    unsent: bool = False  # the server never took it: the device's own view stands in


NEVER_SENT = Known(None, True, {})


def apply_change(known: Known, change: Change) -> Known:
    """A change on top of a state, as the server takes it: an upsert makes the record live."""
    if change.op == "delete":
        return replace(known, deleted=True)
    return replace(known, deleted=False, fields={**known.fields, **change.fields})


def after_answer(known: Known, change: Change, result: Result) -> Known:
    """The known server state once the server answered `change`."""
    if result.status is Status.REJECTED:
        if known.unsent or (known.version is None and known.deleted):
            # The server never took this record: the device keeps what it showed.
            return replace(apply_change(known, change), unsent=change.op == "upsert")
        return known
    pulled, made = known.version, result.version
    if pulled is not None and made is not None and pulled >= made:
        return known  # the pull already brought this change's effect, or a later one
    return replace(apply_change(known, change), unsent=False)


class Replica:
    """One device's replica; the id maker and the wall clock are passed in, nothing is read."""

    def __init__(
        self,
        device_id: str,
        new_id: Callable[[], str],
        now_ms: Callable[[], int],
        keep_ms: int = KEEP_ACKNOWLEDGED_MS,
    ) -> None:
        self.device_id = device_id
        self.clock = Hlc(0, 0, device_id)
        self.records: dict[Key, dict[str, object]] = {}
        self.versions: dict[Key, int] = {}
        self.outbox: list[Change] = []
        self._new_id = new_id
        self._now_ms = now_ms
        self._known: dict[Key, Known] = {}
        # Records that left this device's scope (a transfer): out of view, whatever is pending.
        self.gone: set[Key] = set()
        # Answered changes with the time of their answer, oldest first, for a replay.
        self.kept: list[tuple[int, Change]] = []
        self._keep_ms = keep_ms

    @property
    def pending_count(self) -> int:
        """Return how many changes are not yet acknowledged by the server."""
        return len(self.outbox)

    @property
    def unsent(self) -> frozenset[Key]:
        """The records in view that the server never took (their create was rejected)."""
        return frozenset(key for key, known in self._known.items() if known.unsent)

    def create(self, entity: str, fields: Mapping[str, object], id: str | None = None) -> str:
        """Create a record offline and queue it; return its id."""
        record_id = id if id is not None else self._new_id()
        if (entity, record_id) in self.records:
            raise InvalidChange({"id": [f"{entity} {record_id} already exists"]})
        self._record("upsert", entity, record_id, fields)
        return record_id

    def edit(self, entity: str, id: str, fields: Mapping[str, object]) -> None:
        """Change some fields of a record offline and queue the change."""
        self._require(entity, id)
        known = self._known.get((entity, id))
        if known is not None and known.unsent and not self._pending((entity, id)):
            fields = {**known.fields, **fields}  # the server has none of it: send it whole
        self._record("upsert", entity, id, fields)

    def delete(self, entity: str, id: str) -> None:
        """Delete a record offline and queue the deletion."""
        self._require(entity, id)
        self._record("delete", entity, id, {})

    def read_clock(self) -> str:
        """The device's clock now, as it is sent with a push (sending is an event: it ticks)."""
        self.clock = tick(self.clock, self._now_ms())
        return str(self.clock)

    def push_batch(self, max_n: int) -> list[Change]:
        """Return the front of the outbox to push; nothing leaves it until acknowledged."""
        return self.outbox[:max_n]

    def acknowledge(self, results: Iterable[Result]) -> None:
        """Drop the answered changes from the outbox and move the known server state on."""
        answered = {result.change_id: result for result in results}
        touched: set[Key] = set()
        for change in self.outbox:
            result = answered.get(change.change_id)
            if result is not None:
                key = (change.entity, change.id)
                self._known[key] = after_answer(self._known_of(key), change, result)
                touched.add(key)
        now = self._now_ms()
        self.kept = [(at, c) for at, c in self.kept if now - at <= self._keep_ms]
        self.kept += [(now, c) for c in self.outbox if c.change_id in answered]
        self.outbox = [change for change in self.outbox if change.change_id not in answered]
        for key in touched:
            self._replay(key)

    def reset(self) -> None:
        """The feed was reset (the server was restored): forget its state, queue kept changes.

        What the counselor sees stays what they typed: the kept and pending changes are
        replayed on top of whatever the pull from the start brings.
        """
        pending = {change.change_id for change in self.outbox}
        again = [change for _, change in self.kept if change.change_id not in pending]
        self.outbox = [replace(change, replay=True) for change in again + self.outbox]
        self.kept = []
        keys = set(self._known) | set(self.records)
        self._known = {}
        self.versions = {}
        for key in keys:
            self._replay(key)

    def apply_pull(self, changes: Iterable[PulledChange]) -> None:
        """Write pulled server state, then replay pending local changes on top of it."""
        for pulled in changes:
            key = (pulled.entity, pulled.id)
            if pulled.left:
                # Out of scope: purged; a pending change stays in the outbox and is still pushed
                # (the server takes what a source device typed before it heard of a transfer).
                self._known.pop(key, None)
                self.versions.pop(key, None)
                self.records.pop(key, None)
                self.gone.add(key)
                continue
            self.gone.discard(key)
            previous = self._known.get(key)
            record: Mapping[str, object] = pulled.record
            if pulled.deleted and previous is not None:
                # Keep the last known fields under a tombstone: a pending edit revives them.
                record = {**previous.fields, **pulled.record}
            self._known[key] = Known(pulled.version, pulled.deleted, dict(record))
            self.versions[key] = pulled.version
            self._replay(key)

    def _known_of(self, key: Key) -> Known:
        return self._known.get(key, NEVER_SENT)

    def _pending(self, key: Key) -> bool:
        return any((change.entity, change.id) == key for change in self.outbox)

    def _require(self, entity: str, id: str) -> None:
        if (entity, id) not in self.records:
            raise UnknownEntity(f"no {entity} {id} on this device")

    def _record(self, op: Op, entity: str, id: str, fields: Mapping[str, object]) -> None:
        self.clock = tick(self.clock, self._now_ms())
        key = (entity, id)
        change = Change(
            change_id=self._new_id(),
            entity=entity,
            id=id,
            op=op,
            base_version=self.versions.get(key),
            fields=dict(fields),
            hlc=str(self.clock),
        )
        self.outbox.append(change)
        self._replay(key)

    def _replay(self, key: Key) -> None:
        if key in self.gone:
            self.records.pop(key, None)
            return
        view = self._known_of(key)
        for change in self.outbox:
            if (change.entity, change.id) == key:
                view = apply_change(view, change)
        if view.deleted:
            self.records.pop(key, None)
        else:
            self.records[key] = {**view.fields, "version": self.versions.get(key)}
