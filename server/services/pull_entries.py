"""Each record's pull entry, kept as JSON text beside it by the database (README L2–L3).

Theory of operation: a pull page is the entries of up to 1,000 records, and building each one
from its columns (record_json.py) was most of a page's time. So every synced table has a
`pull_entry` column, and a trigger writes it whenever a row is inserted or updated, by any
path (the ORM, the push's multi-row inserts, the demo's and a restore's loads, plain SQL): the
page only reads stored text. The trigger's expression is record_json's own, so the wire format
still has one home.

The triggers are derived from the code, not frozen in a migration: `install` runs after every
upgrade (server/cli.py), compares each installed trigger with the one the code builds now, and
where they differ (a new install, a column added to the wire) replaces it and rewrites every
row's entry in the same transaction. The pull still builds an entry that is missing (a row
written with triggers switched off), so a missing one costs time, never correctness.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.sql.elements import ColumnElement

from ..models import ENTITY_MODELS
from .record_json import entry_json_of

PREFIX = "pull_entry_"


def _sql(expression: ColumnElement[Any], connection: Connection) -> str:
    compiled = expression.compile(
        dialect=connection.dialect, compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


def _postgresql(entity: str, table: Any, connection: Connection) -> dict[str, Any]:
    """The trigger function's body, and the statements that install it."""
    name = f"{PREFIX}{table.name}"
    entry = _sql(entry_json_of(entity, "postgresql", table.alias("new")), connection)
    body = f"\nBEGIN\n  NEW.pull_entry := {entry};\n  RETURN NEW;\nEND\n"
    return {
        "body": body,
        "install": (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$",
            f"DROP TRIGGER IF EXISTS {name} ON {table.name}",
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table.name} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        ),
        # The trigger computes each row's entry as the row is written.
        "fill": f"UPDATE {table.name} SET pull_entry = NULL",
    }


def _sqlite(entity: str, table: Any, connection: Connection) -> dict[str, Any]:
    """The CREATE TRIGGER statements by trigger name (SQLite keeps their text as given), and the
    statement that fills the column."""
    entry = _sql(entry_json_of(entity, "sqlite", table), connection)
    written = ", ".join(column.name for column in table.c if column.name != "pull_entry")
    update = f"UPDATE {table.name} SET pull_entry = {entry} WHERE rowid = NEW.rowid;"
    insert_name, update_name = f"{PREFIX}{table.name}_insert", f"{PREFIX}{table.name}_update"
    return {
        "triggers": {
            insert_name: (
                f"CREATE TRIGGER {insert_name} AFTER INSERT ON {table.name} BEGIN {update} END"
            ),
            # Not `OF pull_entry`: the trigger's own update must not fire it again.
            update_name: (
                f"CREATE TRIGGER {update_name} AFTER UPDATE OF {written} ON {table.name} "
                f"BEGIN {update} END"
            ),
        },
        "fill": f"UPDATE {table.name} SET pull_entry = {entry}",
    }


def _install_postgresql(connection: Connection, entity: str, table: Any) -> bool:
    wanted = _postgresql(entity, table, connection)
    installed = connection.execute(
        text(
            # A trigger switched off (ALTER TABLE ... DISABLE TRIGGER) counts as missing: rows
            # written meanwhile kept stale entries, and the refresh rewrites them.
            "SELECT p.prosrc FROM pg_proc p JOIN pg_trigger t ON t.tgfoid = p.oid "
            "WHERE t.tgname = :name AND t.tgrelid = CAST(:table AS regclass) "
            "AND t.tgenabled <> 'D'"
        ),
        {"name": f"{PREFIX}{table.name}", "table": table.name},
    ).scalar()
    if installed == wanted["body"]:
        return False
    for statement in wanted["install"]:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(wanted["fill"])
    return True


def _install_sqlite(connection: Connection, entity: str, table: Any) -> bool:
    wanted = _sqlite(entity, table, connection)
    installed: dict[str, str] = dict(
        connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": table.name},
        ).all()
    )
    if all(installed.get(name) == sql for name, sql in wanted["triggers"].items()):
        return False
    for name, sql in wanted["triggers"].items():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(sql)
    connection.exec_driver_sql(wanted["fill"])
    return True


def install(connection: Connection) -> list[str]:
    """Bring every table's pull-entry trigger to the code's wire format; the entities refreshed.

    The caller commits: a refresh and the rewrite of the entries it implies land together.
    """
    refresh = _install_postgresql if connection.dialect.name == "postgresql" else _install_sqlite
    return [
        entity
        for entity, model in ENTITY_MODELS.items()
        if refresh(connection, entity, model.__table__)  # type: ignore[attr-defined]
    ]
