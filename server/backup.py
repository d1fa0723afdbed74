"""Backups and restores of the database `PULIH_DATABASE_URL` names (docs/deploy.md).

SQLite goes through its online backup API, page by page, so a backup taken while the server
writes is one consistent snapshot. PostgreSQL goes through its own tools, `pg_dump` in the custom
format and `pg_restore --clean`, which must be on PATH in the major version of the server.
A restore replaces everything in the target database (an empty one included); the caller then
migrates it and starts a new feed epoch (server/services/feed.py `start_epoch`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why, without data."""


def backend_of(database_url: str) -> str:
    """'sqlite' or 'postgresql'; anything else cannot be backed up by these commands."""
    backend = make_url(database_url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"no backup for {backend} databases")
    return backend


def backup_database(database_url: str, path: Path) -> None:
    """Write a consistent copy of the database to `path` (a new or replaced file)."""
    if backend_of(database_url) == "sqlite":
        source = _sqlite_connect(database_url, must_exist=True)
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        partial.replace(path)  # a backup file is whole or absent, never half written
        return
    _run_pg(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={path}"],
        database_url,
    )


def restore_database(database_url: str, path: Path) -> None:
    """Replace the database's whole content with the backup at `path`."""
    backend = backend_of(database_url)
    kind = _backup_kind(path)
    if kind != backend:
        raise BackupError(f"{path} is a {kind} backup; the database is {backend}")
    if backend == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = _sqlite_connect(database_url, must_exist=False)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    # `pg_restore --clean` drops only what the backup holds: a table, a function or a trigger
    # that a newer release added would outlive a restore from an older backup, and the upgrade
    # that follows would fail on it (or, worse, read it). So the backup becomes a script that
    # runs after every object of the schema is dropped, all in one transaction: a restore that
    # fails anywhere leaves the database as it was.
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "restore.sql"
        _run_pg(
            "pg_restore",
            ["--no-owner", "--no-privileges", "--exit-on-error", f"--file={script}", str(path)],
            None,
        )
        prelude = Path(tmp) / "empty.sql"
        prelude.write_text(EMPTY_PUBLIC_SCHEMA)
        _run_pg(
            "psql",
            [
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--file={prelude}",
                f"--file={script}",
            ],
            database_url,
            database_flag=True,
        )


# Every object of the public schema, dropped before a restore; what an extension installed
# there (pg_stat_statements, pg_trgm) stays with its extension.
EMPTY_PUBLIC_SCHEMA = """
DO $$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT format('%I.%I', n.nspname, c.relname) AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relkind = 'v' DESC  -- views before the tables they read
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
  END LOOP;
  FOR item IN
    SELECT format('%I.%I(%s)', n.nspname, p.proname,
                  pg_get_function_identity_arguments(p.oid)) AS signature
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                      AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.signature);
  END LOOP;
  FOR item IN
    SELECT format('%I.%I', n.nspname, t.typname) AS name
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                      AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP TYPE IF EXISTS %s CASCADE', item.name);
  END LOOP;
END $$;
"""


def _backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a Pulih backup (neither SQLite nor pg_dump custom format)")


def _sqlite_connect(database_url: str, *, must_exist: bool) -> sqlite3.Connection:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    if must_exist and not Path(database).exists():
        raise BackupError(f"no database at {database}")
    return sqlite3.connect(database, timeout=30)


def _run_pg(
    tool: str, args: list[str], database_url: str | None, *, database_flag: bool = False
) -> None:
    """Run a PostgreSQL client tool on database_url (None: a tool that reads only files)."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (apt-get install postgresql-client)")
    env = dict(os.environ)
    target: list[str] = []
    if database_url is not None:
        # libpq reads the plain URL form; a password goes in the environment, never on argv.
        url = make_url(database_url).set(drivername="postgresql")
        if url.password is not None:
            env["PGPASSWORD"] = str(url.password)
        conninfo = url.set(password=None).render_as_string(hide_password=False)
        target = [f"--dbname={conninfo}"] if database_flag else [conninfo]
    completed = subprocess.run(  # noqa: S603 - a fixed tool with arguments we built
        [executable, *args, *target], capture_output=True, text=True, check=False, env=env
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise BackupError(f"{tool} failed: {last}")
