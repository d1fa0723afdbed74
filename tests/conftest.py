"""Shared fixtures: an app per database backend, a client, and helpers to log in and play a device.

Every test that uses `app` runs on SQLite and on PostgreSQL. PostgreSQL is required: when it is
unreachable the run fails, unless PULIH_TEST_BACKENDS=sqlite is set on purpose.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

import server.security
from server import create_app
from server.extensions import db

PG_ADMIN_URL = os.environ.get(
    "PULIH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = os.environ.get("PULIH_TEST_BACKENDS", "sqlite,postgresql").split(",")

# Tests hash many passwords: cheap argon2id parameters here, the library defaults in production.
server.security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _create_pg_database() -> tuple[str, str]:
    name = f"pulih_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach PostgreSQL fails the run
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is required for the tests: {error}")
    finally:
        engine.dispose()
    return name, PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(name: str) -> None:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One fresh database per backend for the whole run."""
    urls: dict[str, str] = {}
    created: list[str] = []
    if "sqlite" in BACKENDS:
        urls["sqlite"] = f"sqlite:///{tmp_path_factory.mktemp('db') / 'pulih.sqlite3'}"
    if "postgresql" in BACKENDS:
        name, url = _create_pg_database()
        created.append(name)
        urls["postgresql"] = url
    yield urls
    for name in created:
        _drop_pg_database(name)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this test: sqlite or postgresql."""
    return str(request.param)


_migrated: dict[str, Any] = {}


@pytest.fixture
def app(backend: str, database_urls: dict[str, str]) -> Iterator[Any]:
    """The app on a migrated, emptied database of the current backend."""
    if backend not in _migrated:
        application = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_urls[backend],
                "TESTING": True,
                "SECRET_KEY": "test",
            }
        )
        with application.app_context():
            from server.cli import upgrade_database

            upgrade_database()
        _migrated[backend] = application
    application = _migrated[backend]
    with application.app_context():
        _empty_tables()
        yield application
        db.session.remove()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.execute(text("INSERT INTO sync_counter (id, seq) VALUES (1, 0)"))
    db.session.commit()


@pytest.fixture
def client(app: Any) -> Any:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def world(app: Any) -> Any:
    """Two facilities and a user of each role (see tests/helpers.py)."""
    from tests.helpers import World

    return World.build()
