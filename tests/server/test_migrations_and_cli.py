"""Migrations from empty match the models on both backends; the `pulih` commands work."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from server import create_app
from server.extensions import db
from tests.conftest import PG_ADMIN_URL


@pytest.fixture
def empty_database_url(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"pulih_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_from_empty_match_the_models(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "t"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == []
            assert conn.execute(text("SELECT seq FROM sync_counter")).scalar_one() == 0
        tables = set(inspect(db.engine).get_table_names())
        assert {"clients", "sessions", "change_log", "conflicts", "tokens"} <= tables
        db.engine.dispose()


def _triggers(connection) -> set[str]:
    if connection.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pull_entry_%'"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'pull_entry_%'"
    return set(connection.execute(text(query)).scalars())


def test_the_pull_entries_go_with_a_downgrade_and_come_back_with_the_upgrade(empty_database_url):
    from flask_migrate import downgrade

    from server.cli import upgrade_database

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade_database()
        with db.engine.connect() as conn:
            installed = _triggers(conn)
        assert len(installed) == (11 if db.engine.dialect.name == "postgresql" else 22)
        downgrade(revision="0015")
        with db.engine.connect() as conn:
            assert _triggers(conn) == set()
            assert "pull_entry" not in {c["name"] for c in inspect(conn).get_columns("sessions")}
        upgrade_database()
        with db.engine.connect() as conn:
            assert _triggers(conn) == installed
        db.engine.dispose()


def test_cli_creates_facilities_and_users(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-facility", "LP-X", "Lapas X", "--kind", "lapas"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "create-user",
            "Konselor.X",
            "--role",
            "counselor",
            "--password",
            "rahasia-panjang",
            "--facility",
            "LP-X",
        ]
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    response = client.post(
        "/api/v1/auth/login",
        json={
            "username": "konselor.x",
            "password": "rahasia-panjang",
            "device_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200
    assert len(response.get_json()["user"]["facility_ids"]) == 1


def test_cli_refuses_an_unknown_facility_and_a_duplicate_code(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-facility", "LP-X", "X", "--kind", "lapas"]).exit_code == 0
    again = runner.invoke(args=["create-facility", "LP-X", "X", "--kind", "lapas"])
    assert again.exit_code != 0
    missing = runner.invoke(
        args=[
            "create-user",
            "konselor.u1",
            "--role",
            "counselor",
            "--password",
            "rahasia-panjang",
            "--facility",
            "NOPE",
        ]
    )
    assert missing.exit_code != 0
    assert "NOPE" in missing.output


def test_cli_holds_new_users_to_the_api_password_policy(app):
    # The CLI once took eight characters while the API asked for ten: one policy now.
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-facility", "LP-Y", "Y", "--kind", "lapas"]).exit_code == 0
    short = runner.invoke(
        args=["create-user", "admin.baru", "--role", "admin", "--password", "aaaaaaaa"]
    )
    assert short.exit_code != 0
    assert "password" in short.output
    assert "aaaaaaaa" not in short.output
    for weak in ("aaaaaaaaaaaa", "admin.baru2024", "pulih-demo-2024"):
        refused = runner.invoke(
            args=["create-user", "admin.baru", "--role", "admin", "--password", weak]
        )
        assert refused.exit_code != 0, weak
    ok = runner.invoke(
        args=["create-user", "admin.baru", "--role", "admin", "--password", "kata-sandi-kanwil-77"]
    )
    assert ok.exit_code == 0, ok.output


def test_seed_demo_if_empty_does_nothing_when_facilities_exist(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-facility", "LP-X", "X", "--kind", "lapas"]).exit_code == 0
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded" in result.output


def test_cli_rotates_the_seal_key_and_devices_get_the_new_one(app, client, world):
    from tests.helpers import DeviceSession

    device = DeviceSession(client, "konselor.a")
    before = device.get("/api/v1/sync/key").get_json()["kid"]
    result = app.test_cli_runner().invoke(args=["rotate-seal-key"])
    assert result.exit_code == 0, result.output
    after = device.get("/api/v1/sync/key").get_json()["kid"]
    assert after != before
    assert after in result.output


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_autovacuum_keeps_up_with_the_newest_rows_of_every_synced_table(empty_database_url):
    from server.models import ENTITY_MODELS, ScopeExit

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "t"})
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    synced = {model.__tablename__ for model in ENTITY_MODELS.values()} | {ScopeExit.__tablename__}
    with app.app_context():
        with db.engine.connect() as conn:
            options = dict(
                conn.execute(
                    text("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(:names)"),
                    {"names": sorted(synced)},
                ).all()
            )
        db.engine.dispose()
    assert options.keys() == synced
    for table, set_ in options.items():
        assert {
            "autovacuum_vacuum_insert_scale_factor=0.01",
            "autovacuum_vacuum_scale_factor=0.02",
            "autovacuum_analyze_scale_factor=0.02",
        } <= set(set_), table
