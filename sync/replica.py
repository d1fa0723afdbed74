"""An in-memory device: local records, an ordered outbox, and the pull that never loses typing.

Theory of operation: `records` is always the last pulled server state of each record with the
device's pending changes (the outbox, in order) replayed on top. A push sends the front of the
outbox; its answer removes those changes; the pull brings the state they made (a change stays in
view until then, or goes at once if rejected or if that state was already pulled).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sync.changes import Change, Op, PulledChange, Result, Status
from sync.errors import InvalidChange, UnknownEntity
from sync.hlc import Hlc, tick

Key = tuple[str, str]


class Replica:
    """One device's replica; the id maker and the wall clock are passed in, nothing is read."""

    def __init__(
        self, device_id: str, new_id: Callable[[], str], now_ms: Callable[[], int]
    ) -> None:
        self.device_id = device_id
        self.clock = Hlc(0, 0, device_id)
        self.records: dict[Key, dict[str, object]] = {}
        self.versions: dict[Key, int] = {}
        self.outbox: list[Change] = []
        self._new_id = new_id
        self._now_ms = now_ms
        self._server: dict[Key, PulledChange] = {}

    @property
    def pending_count(self) -> int:
        """Return how many changes are not yet acknowledged by the server."""
        return len(self.outbox)

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
        self._record("upsert", entity, id, fields)

    def delete(self, entity: str, id: str) -> None:
        """Delete a record offline and queue the deletion."""
        self._require(entity, id)
        self._record("delete", entity, id, {})

    def push_batch(self, max_n: int) -> list[Change]:
        """Return the front of the outbox to push; nothing leaves it until acknowledged."""
        return self.outbox[:max_n]

    def acknowledge(self, results: Iterable[Result]) -> None:
        """Drop the answered changes from the outbox, and from the view once their state is here."""
        answered = {result.change_id: result for result in results}
        settled: dict[Key, bool] = {}
        for change in self.outbox:
            result = answered.get(change.change_id)
            if result is not None:
                key = (change.entity, change.id)
                settled[key] = settled.get(key, True) and self._state_is_here(key, result)
        self.outbox = [change for change in self.outbox if change.change_id not in answered]
        # Otherwise accepted work stays visible until the next pull brings the state it made.
        for key, here in settled.items():
            if here:
                self._replay(key)

    def apply_pull(self, changes: Iterable[PulledChange]) -> None:
        """Write pulled server state, then replay pending local changes on top of it."""
        for pulled in changes:
            key = (pulled.entity, pulled.id)
            previous = self._server.get(key)
            if pulled.deleted and previous is not None:
                # Keep the last known fields under a tombstone: a pending edit revives them.
                record = {**previous.record, **pulled.record}
                pulled = PulledChange(pulled.entity, pulled.id, pulled.version, True, record)
            self._server[key] = pulled
            self.versions[key] = pulled.version
            self._replay(key)

    def _state_is_here(self, key: Key, result: Result) -> bool:
        # A retried push can be answered after the pull that already brought its effect.
        if result.status is Status.REJECTED:
            return True
        pulled = self.versions.get(key)
        return pulled is not None and result.version is not None and pulled >= result.version

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
        server = self._server.get(key)
        live = server is not None and not server.deleted
        fields: dict[str, object] = dict(server.record) if server is not None else {}
        for change in self.outbox:
            if (change.entity, change.id) != key:
                continue
            live = change.op == "upsert"
            if live:
                fields.update(change.fields)
        if live:
            fields["version"] = server.version if server is not None else None
            self.records[key] = fields
        else:
            self.records.pop(key, None)
