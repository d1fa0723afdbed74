"""Records to and from their JSON wire form (DESIGN.md "Pull")."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, type_coerce
from sqlalchemy.types import NullType

from ..models.common import UTCDateTime
from ..models.records import ENTITY_MODELS, SYNC_COLUMNS, SyncedMixin

# Server-kept fields a device reads but never writes.
READ_ONLY_EXTRAS: dict[str, tuple[str, ...]] = {
    "client": ("duplicate_of", "merged_into"),
    "session": ("submitted_at", "review_comment", "reviewed_by", "reviewed_by_name", "reviewed_at"),
}


def wire_value(value: Any) -> Any:
    """A Python value as JSON: dates as ISO 8601, instants in UTC with Z."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def wire_columns(entity: str) -> tuple[str, ...]:
    """Every column a pulled record of this entity carries, in a stable order."""
    model = ENTITY_MODELS[entity]
    return SYNC_COLUMNS + model.fields + READ_ONLY_EXTRAS.get(entity, ())


def _stored_instant(value: Any) -> str:
    """An instant as the driver gives it: SQLite's 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC), or a
    datetime (PostgreSQL); the same text as wire_value gives for the ORM's value."""
    if isinstance(value, datetime):
        return str(wire_value(value))
    text = str(value).replace(" ", "T")
    if text.endswith(".000000"):
        text = text[:-7]
    return text + "Z"


def _stored_date(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _stored_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@cache
def raw_columns(entity: str) -> tuple[tuple[Any, ...], tuple[Callable[[Any], Any] | None, ...]]:
    """The wire columns selected without SQLAlchemy's per-value processing, and per column the
    converter that turns the driver's value into JSON (None where it already is JSON).

    The pull reads thousands of rows: the driver's own values, converted once here, cost a
    fraction of building Python dates and datetimes only to print them again.
    """
    table = ENTITY_MODELS[entity].__table__  # type: ignore[attr-defined]
    columns, converters = [], []
    for name in wire_columns(entity):
        column = table.c[name]
        kind = column.type
        if isinstance(kind, (UTCDateTime, DateTime)):
            convert: Callable[[Any], Any] | None = _stored_instant
        elif isinstance(kind, Date):
            convert = _stored_date
        elif isinstance(kind, Boolean):
            convert = bool
        elif isinstance(kind, JSON):
            convert = _stored_json
        else:
            convert = None
        columns.append(type_coerce(column, NullType()).label(name))
        converters.append(convert)
    return tuple(columns), tuple(converters)


def raw_row_to_wire(entity: str, row: Sequence[Any]) -> dict[str, Any]:
    """A row selected with raw_columns(entity) as the JSON a device pulls."""
    _, converters = raw_columns(entity)
    return {
        name: (convert(value) if convert is not None and value is not None else value)
        for name, convert, value in zip(wire_columns(entity), converters, row, strict=True)
    }


def record_to_wire(record: SyncedMixin) -> dict[str, Any]:
    """The whole record as the JSON a device pulls."""
    return {name: wire_value(getattr(record, name)) for name in wire_columns(record.entity)}


def fields_to_wire(values: dict[str, Any]) -> dict[str, Any]:
    """Field values (Python) as JSON values."""
    return {name: wire_value(value) for name, value in values.items()}
