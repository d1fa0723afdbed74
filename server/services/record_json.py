"""Each record as JSON text, built by the database in the pull's own statement (README L2–L3).

Building the JSON in SQL (SQLite's json_object, PostgreSQL's json_build_object) lets one statement
return a whole page from one snapshot, and spares Python from touching every value of every row:
a page of 1,000 records is then joined as text. Instants come out as ISO 8601 in UTC with a Z,
dates as ISO dates, flags as JSON booleans and JSON columns embedded as JSON.
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


@cache
def record_json(entity: str, dialect: str) -> ColumnElement[Any]:
    """An SQL expression giving the record of `entity` as the JSON text a device pulls."""
    table = ENTITY_MODELS[entity].__table__  # type: ignore[attr-defined]
    value = _postgresql_value if dialect == "postgresql" else _sqlite_value
    args: list[Any] = []
    for name in wire_columns(entity):
        # Keys are our own column names: literal SQL, so PostgreSQL needs no parameter types.
        args += [literal_column(f"'{name}'"), value(table.c[name])]
    if dialect == "postgresql":
        # As text: the driver would otherwise parse the JSON only for it to be encoded again.
        return cast(func.json_build_object(*args), Text)
    return func.json_object(*args)
