"""Each change of a pull page as JSON text, built by the database in the pull's own statement
(README L2–L3).

Building the JSON in SQL (SQLite's json_object, PostgreSQL's json_build_object) lets one statement
return a whole page from one snapshot, and spares Python from touching every value of every row:
the database builds each change's whole entry (`entity`, `id`, `version`, `deleted`, `record`),
and a page of 1,000 changes is then joined as text. Instants come out as ISO 8601 in UTC with a
Z, dates as ISO dates, flags as JSON booleans and JSON columns embedded as JSON.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Text, case, cast, func, literal, literal_column
from sqlalchemy.sql.elements import ColumnElement

from ..models.common import UTCDateTime
from ..models.records import ENTITY_MODELS
from ..models.wire import wire_columns


def _sqlite_value(column: Any) -> ColumnElement[Any]:
    kind = column.type
    if isinstance(kind, (UTCDateTime, DateTime)):
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC.
        stamp: ColumnElement[Any] = func.replace(func.replace(column, " ", "T"), ".000000", "")
        return stamp + literal("Z")
    if isinstance(kind, Boolean):
        boolean: ColumnElement[Any] = func.json(
            case((column != 0, literal("true")), else_=literal("false"))
        )
        return boolean
    if isinstance(kind, JSON):
        document: ColumnElement[Any] = func.json(column)
        return document
    plain: ColumnElement[Any] = column
    return plain  # text, numbers and ISO dates are already what JSON needs


def _postgresql_value(column: Any) -> ColumnElement[Any]:
    if isinstance(column.type, (UTCDateTime, DateTime)):
        utc: ColumnElement[Any] = func.to_char(
            func.timezone("UTC", column), literal_column('\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\'')
        )
        return utc
    plain: ColumnElement[Any] = column
    return plain  # booleans, dates, jsonb: json_build_object renders them as JSON itself


def _object(dialect: str, pairs: list[tuple[str, Any]]) -> ColumnElement[Any]:
    """A JSON object of (key, SQL value) pairs, keys in the order given.

    Keys are our own names: literal SQL, so PostgreSQL needs no parameter types.
    """
    args: list[Any] = []
    for key, value in pairs:
        args += [literal_column(f"'{key}'"), value]
    if dialect == "postgresql":
        built: ColumnElement[Any] = func.json_build_object(*args)
        return built
    return func.json_object(*args)


def _text(dialect: str, document: ColumnElement[Any]) -> ColumnElement[Any]:
    """As text: the driver would otherwise parse PostgreSQL's JSON only to encode it again."""
    return cast(document, Text) if dialect == "postgresql" else document


def _table(entity: str) -> Any:
    return ENTITY_MODELS[entity].__table__  # type: ignore[attr-defined]


def _record_object(entity: str, dialect: str, table: Any) -> ColumnElement[Any]:
    value = _postgresql_value if dialect == "postgresql" else _sqlite_value
    return _object(dialect, [(name, value(table.c[name])) for name in wire_columns(entity)])


@cache
def record_json(entity: str, dialect: str) -> ColumnElement[Any]:
    """An SQL expression giving the record of `entity` as the JSON text a device pulls."""
    return _text(dialect, _record_object(entity, dialect, _table(entity)))


@cache
def entry_json(entity: str, dialect: str) -> ColumnElement[Any]:
    """An SQL expression giving one pull entry of a record of `entity` as JSON text.

    `{"entity", "id", "version", "deleted", "record"}` (docs/protocol.md, "Pull"): the record
    object goes into the entry as the database built it, never parsed again.
    """
    return entry_json_of(entity, dialect, _table(entity))


def entry_json_of(entity: str, dialect: str, table: Any) -> ColumnElement[Any]:
    """entry_json over `table`: the entity's table or an alias of it (a trigger's `new`)."""
    value = _postgresql_value if dialect == "postgresql" else _sqlite_value
    pairs = [
        ("entity", literal_column(f"'{entity}'")),
        ("id", table.c.id),
        ("version", table.c.version),
        ("deleted", value(table.c.deleted)),
        ("record", _record_object(entity, dialect, table)),
    ]
    return _text(dialect, _object(dialect, pairs))


def left_entry_json(entity: Any, record_id: Any, version: Any, dialect: str) -> ColumnElement[Any]:
    """An SQL expression giving the entry of a record that left the caller's scope: no body.

    `{"entity", "id", "version", "scope": "left"}` (docs/protocol.md, "Scope loss").
    """
    pairs = [
        ("entity", entity),
        ("id", record_id),
        ("version", version),
        ("scope", literal_column("'left'")),
    ]
    return _text(dialect, _object(dialect, pairs))
