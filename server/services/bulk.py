"""Many new rows of one table at once: COPY on PostgreSQL, one prepared INSERT elsewhere.

A push writes up to 500 records and 500 change-log rows at the end of its batch, under the feed
lock. Through psycopg's executemany each row is its own INSERT statement, so the sessions' figures
trigger (a statement trigger, migration 0015) runs 500 times and every statement is a round of
parsing and executing; `COPY ... FROM STDIN` sends the rows as one stream, the row triggers still
run per row and the statement trigger once. Values go through each column's own SQLAlchemy bind
processor first, and the columns a row leaves out get their Python-side defaults, so a row is
stored exactly as `insert(table)` would store it. SQLite's executemany already steps one prepared
statement per row.

Errors keep their SQLAlchemy types (IntegrityError, DataError, ...), so a batch the database
refuses falls back to the careful path as an INSERT's refusal does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Engine, Table, insert, text
from sqlalchemy.exc import DBAPIError

from ..extensions import db

Processor = Callable[[Any], Any] | None


def insert_rows(table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all name the same columns (by column key)."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    named = [table.c[key] for key in rows[0]]
    defaulted = [c for c in table.columns if c.key not in rows[0] and c.default is not None]
    if any(not (c.default.is_scalar or c.default.is_callable) for c in defaulted):  # type: ignore[union-attr]
        # A SQL expression or sequence default: only an INSERT computes it.
        db.session.execute(insert(table), rows)
        return
    columns = named + defaulted
    processors: list[Processor] = [c.type.bind_processor(connection.dialect) for c in columns]
    quote = connection.dialect.identifier_preparer
    statement = (
        f"COPY {quote.format_table(table)} ({', '.join(quote.quote(c.name) for c in columns)})"
        " FROM STDIN"
    )
    dbapi = connection.dialect.loaded_dbapi
    driver: Any = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                values = [row[c.key] for c in named] + [_default(c) for c in defaulted]
                copy.write_row(
                    [p(v) if p is not None else v for p, v in zip(processors, values, strict=True)]
                )
    except dbapi.Error as error:
        raise DBAPIError.instance(statement, None, error, dbapi.Error) from error


def _default(column: Column[Any]) -> Any:
    default: Any = column.default
    # SQLAlchemy wraps a callable default to take the execution context; none of ours reads it.
    return default.arg(None) if default.is_callable else default.arg


def after_bulk_load() -> None:
    """Vacuum and analyze the database after a bulk load (the demo, a restore), on PostgreSQL.

    Until ANALYZE the planner knows nothing of the rows just loaded (PostgreSQL's manual,
    "Populating a Database": run ANALYZE afterwards), and until VACUUM no page is marked
    all-visible, so the pull's index-only scans of (facility_id, seq) read each row's heap page
    as well as the index: a page of 1,000 changes and its count of what is left took 19 ms over
    HTTP before, 13 ms after (bench/served_bench.py). Autovacuum does both within a minute where
    it runs; where an operator turned it off, nothing else would. SQLite: nothing to do (its
    planner takes these indexes without statistics).
    """
    if db.engine.dialect.name == "postgresql":
        vacuum_analyze(db.engine)


def vacuum_analyze(engine: Engine) -> None:
    """`VACUUM (ANALYZE)` of a PostgreSQL database, on a connection of its own (VACUUM cannot
    run inside a transaction block)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))
