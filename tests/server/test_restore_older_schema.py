"""A backup from an older release restored over a newer database: the restore replaces the whole
content, objects the older schema never had included, so `pulih restore`'s upgrade brings it to
this release's schema (docs/deploy.md, "Backup and restore")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from server import create_app
from server.backup import backup_database, restore_database
from server.extensions import db
from tests.conftest import BACKENDS, _create_pg_database, _drop_pg_database

OLDER = "0014"  # the schema before session_counts (0015): a table, a function and triggers


@pytest.fixture(params=BACKENDS)
def scratch_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'restore.sqlite3'}"
        return
    name, url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)


def _revision(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())
    finally:
        engine.dispose()


def _triggers(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if url.startswith("sqlite"):
                query = (
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'trigger' AND tbl_name = 'sessions'"
                )
            else:
                query = (
                    "SELECT tgname FROM pg_trigger "
                    "WHERE tgrelid = 'sessions'::regclass AND NOT tgisinternal"
                )
            return sorted(str(row[0]) for row in conn.execute(text(query)))
    finally:
        engine.dispose()


def test_an_older_backup_restored_over_a_newer_database_upgrades_again(
    scratch_url: str, tmp_path: Path
) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "restore-test"})
    dump = tmp_path / "older.backup"
    with app.app_context():
        upgrade(revision=OLDER)
        backup_database(scratch_url, dump)
        upgrade()
        newer, head = _triggers(scratch_url), _revision(scratch_url)
        assert newer, "the newer schema keeps session counts by triggers"
        db.session.remove()
        db.engine.dispose()
        restore_database(scratch_url, dump)
        upgrade()  # what `pulih restore` runs after the restore
        db.session.remove()
        db.engine.dispose()
    assert _triggers(scratch_url) == newer
    assert _revision(scratch_url) == head


@pytest.mark.parametrize("scratch_url", ["postgresql"], indirect=True)
def test_a_restore_keeps_what_an_operator_added_to_the_database(
    scratch_url: str, tmp_path: Path
) -> None:
    """An extension an operator installed (pg_trgm: functions and types in `public`) survives
    the emptying a restore begins with; a view of their own over Pulih's tables goes with the
    tables it reads (as `pg_restore --clean` would have needed). Neither makes it fail."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "restore-test"})
    dump = tmp_path / "now.backup"
    with app.app_context():
        upgrade()
        backup_database(scratch_url, dump)
        db.session.remove()
        db.engine.dispose()
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION pg_trgm"))
        conn.execute(text("CREATE VIEW operator_counts AS SELECT count(*) AS n FROM clients"))
    engine.dispose()
    restore_database(scratch_url, dump)
    engine = create_engine(scratch_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT similarity('budi', 'budi')")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM clients")).scalar() == 0
            assert conn.execute(text("SELECT to_regclass('operator_counts')")).scalar() is None
    finally:
        engine.dispose()
