"""Each record's stored pull entry (migration 0016, server/services/pull_entries.py) is kept by
the database's triggers: after any sequence of pushes, reviews and transfers made through the
real services, every record's stored entry is the one its columns build, on both backends; a
trigger that does not match the code is replaced and every entry rewritten; and an entry that is
missing is built by the pull, so the page a device gets is the same either way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select, text

from server.extensions import db
from server.models import ENTITY_MODELS
from server.services import pull_entries
from tests.helpers import DeviceSession, stale_pull_entries
from tests.server.test_session_counts import STEPS, Field


def _sessions() -> int:
    return int(db.session.scalar(select(func.count()).select_from(ENTITY_MODELS["session"])))


@pytest.fixture
def reinstalled(app: Any) -> Iterator[None]:
    """For a test that takes triggers away: they are back as the code builds them afterwards."""
    yield
    db.session.rollback()
    with db.engine.begin() as connection:
        pull_entries.install(connection)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_every_stored_entry_is_the_one_its_columns_build(client, world, steps):
    field = Field(client, world)
    for step in steps:
        field.step(step)
        assert stale_pull_entries() == {}, step
        db.session.rollback()


def test_the_stored_entries_follow_a_session_through_its_life(client, world):
    field = Field(client, world)
    field.step(("new", "2024-01-01T00:10:00+07:00", "family", "absent", True))
    field.step(("note", 0))
    field.step(("review", 0, "return"))
    field.step(("transfer", 0))
    field.step(("delete", 0))
    assert _sessions() == 1
    assert stale_pull_entries() == {}


def _drop_triggers() -> None:
    """What a database upgraded to 0016 by an older release (or with triggers lost) looks like."""
    for model in ENTITY_MODELS.values():
        name = f"{pull_entries.PREFIX}{model.__tablename__}"
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"DROP TRIGGER {name} ON {model.__tablename__}"))
        else:
            db.session.execute(text(f"DROP TRIGGER {name}_insert"))
            db.session.execute(text(f"DROP TRIGGER {name}_update"))


def test_install_replaces_a_trigger_that_is_not_the_codes_and_rewrites_every_entry(
    client, world, reinstalled
):
    field = Field(client, world)
    field.step(("new", "2024-01-01T00:10:00+07:00", "family", "absent", True))
    with db.engine.begin() as connection:
        assert pull_entries.install(connection) == []  # as the code builds them: nothing to do
    _drop_triggers()
    db.session.execute(text("UPDATE sessions SET pull_entry = 'an older format'"))
    db.session.commit()
    assert stale_pull_entries() == {"session": 1}
    with db.engine.begin() as connection:
        assert pull_entries.install(connection) == list(ENTITY_MODELS)
    assert stale_pull_entries() == {}
    field.step(("note", 0))  # and the new triggers keep them
    assert stale_pull_entries() == {}


def test_a_record_without_its_stored_entry_is_pulled_the_same(client, world, reinstalled):
    field = Field(client, world)
    for when in ("2024-01-01T00:10:00+07:00", "2024-02-29T09:00:00+07:00"):
        field.step(("new", when, "individual", "attended", False))
    device = DeviceSession(client, "konselor.a")
    stored = device.get("/api/v1/sync/pull?limit=1000").get_data()
    _drop_triggers()
    db.session.execute(text("UPDATE sessions SET pull_entry = NULL"))
    db.session.commit()
    assert stale_pull_entries() == {"session": 2}
    assert device.get("/api/v1/sync/pull?limit=1000").get_data() == stored


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_install_turns_a_disabled_trigger_back_on_and_rewrites_what_it_missed(
    client, world, reinstalled
):
    # PostgreSQL can switch a trigger off (SQLite cannot); a row written meanwhile keeps a
    # stale entry, which the pull would serve as it is.
    field = Field(client, world)
    field.step(("new", "2024-01-01T00:10:00+07:00", "family", "absent", True))
    db.session.execute(text("ALTER TABLE sessions DISABLE TRIGGER pull_entry_sessions"))
    db.session.execute(text("UPDATE sessions SET note_plan = 'Rencana baru'"))
    db.session.commit()
    assert stale_pull_entries() == {"session": 1}
    with db.engine.begin() as connection:
        assert pull_entries.install(connection) == ["session"]
    assert stale_pull_entries() == {}
    field.step(("note", 0))
    assert stale_pull_entries() == {}
