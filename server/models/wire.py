"""Records to and from their JSON wire form (docs/protocol.md "Pull")."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from .records import ENTITY_MODELS, SYNC_COLUMNS, SyncedMixin

# Server-kept fields a device reads but never writes.
READ_ONLY_EXTRAS: dict[str, tuple[str, ...]] = {
    "client": ("duplicate_of", "merged_into", "registration_history"),
    "release": ("consent_recorded_by", "consent_recorded_by_name", "consent_recorded_at"),
    "transfer": ("from_facility_id",),
    "session": ("submitted_at", "review_comment", "reviewed_by", "reviewed_by_name", "reviewed_at"),
}


def wire_value(value: Any) -> Any:
    """A Python value as JSON: dates as ISO 8601, instants in UTC with Z."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def wire_columns(entity: str) -> tuple[str, ...]:
    """Every column a pulled record of this entity carries, in a stable order."""
    model = ENTITY_MODELS[entity]
    return SYNC_COLUMNS + model.fields + READ_ONLY_EXTRAS.get(entity, ())


def record_to_wire(record: SyncedMixin) -> dict[str, Any]:
    """The whole record as the JSON a device pulls."""
    # Loaded values straight from the instance (a push makes thousands of these); what is not
    # loaded (expired after a commit) through the attribute, which loads it.
    loaded = record.__dict__
    return {
        name: wire_value(loaded[name] if name in loaded else getattr(record, name))
        for name in wire_columns(record.entity)
    }


def fields_to_wire(values: dict[str, Any]) -> dict[str, Any]:
    """Field values (Python) as JSON values."""
    return {name: wire_value(value) for name, value in values.items()}
