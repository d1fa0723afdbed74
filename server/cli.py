"""The `pulih` command: init-db, seed-demo, create-facility, create-user, backup, restore, run."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from .schemas.rules import FACILITY_KINDS, ROLES, ZONES
from .services.errors import DomainError
from .services.unit import unit_of_work


@contextmanager
def _refusals_as_click_errors() -> Iterator[None]:
    """A service's refusal ends the command with its message, not a stack trace."""
    try:
        yield
    except DomainError as error:
        raise click.ClickException(f"{error.detail} {error.errors or ''}".strip()) from error


def register_cli(app: Flask) -> None:
    """Attach Pulih's commands to the Flask app's CLI."""
    for command in (
        init_db,
        seed_demo,
        create_facility,
        create_user,
        export_rules,
        backup,
        restore,
        rotate_seal_key,
    ):
        app.cli.add_command(command)


def upgrade_database() -> None:
    """Run every Alembic migration up to head, then bring the pull-entry triggers to the code."""
    from flask_migrate import upgrade

    from .extensions import db
    from .services import pull_entries

    upgrade()
    with db.engine.begin() as connection:
        pull_entries.install(connection)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade_database()
    click.echo("database is at the latest migration")


@click.command("rotate-seal-key")
@with_appcontext
def rotate_seal_key() -> None:
    """Make a new key devices seal their outbox to; older keys keep opening what they sealed."""
    from .services.sealed import rotate_key

    with unit_of_work():
        kid = rotate_key()
    click.echo(f"new seal key {kid}")


@click.command("seed-demo")
@with_appcontext
@click.option(
    "--seed", default=1, show_default=True, help="Random seed: the same seed, the same data."
)
@click.option("--if-empty", is_flag=True, help="Do nothing when facilities already exist.")
def seed_demo(seed: int, if_empty: bool) -> None:
    """Load the South Sumatra demo province."""
    from .demo import load_demo
    from .extensions import db
    from .models import Facility
    from .services.bulk import after_bulk_load

    if db.session.scalar(select(func.count()).select_from(Facility)):
        if if_empty:
            click.echo("database already holds facilities; demo not loaded")
            return
        raise click.ClickException("the database already holds facilities")
    started = time.perf_counter()
    summary = load_demo(seed=seed)
    after_bulk_load()
    elapsed = time.perf_counter() - started
    click.echo(
        f"demo province loaded in {elapsed:.1f} s: "
        + ", ".join(f"{k}={v}" for k, v in summary.get("counts", {}).items())
    )
    click.echo("demo logins (username, password):")
    for login in summary.get("logins", []):
        click.echo(f"  {login['role']:<10} {login['username']:<22} {login['password']}")


@click.command("create-facility")
@with_appcontext
@click.argument("code")
@click.argument("name")
@click.option("--kind", type=click.Choice(FACILITY_KINDS), required=True)
@click.option("--region", default="Sumatera Selatan", show_default=True)
@click.option("--timezone", "zone", type=click.Choice(ZONES), default="WIB", show_default=True)
def create_facility(code: str, name: str, kind: str, region: str, zone: str) -> None:
    """Add a facility (lapas, lapas_narkotika, rutan, lpka)."""
    from .services.facilities import add_facility

    with _refusals_as_click_errors(), unit_of_work():
        facility = add_facility(code=code, name=name, kind=kind, region=region, timezone=zone)
    click.echo(f"facility {facility.code} created: {facility.id}")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", default=None)
@click.option("--facility", "facilities", multiple=True, help="Facility code; repeatable.")
def create_user(
    username: str, role: str, password: str, display_name: str | None, facilities: tuple[str, ...]
) -> None:
    """Add a user with a role and assigned facilities (the admin API's rules)."""
    from marshmallow import ValidationError

    from .schemas.admin import CliUserIn
    from .services.users import add_user

    try:
        values = CliUserIn().load(
            {
                "username": username,
                "role": role,
                "password": password,
                "display_name": display_name or username,
                "facility_codes": list(facilities),
            }
        )
    except ValidationError as error:
        raise click.ClickException(f"invalid user: {error.messages}") from error
    with _refusals_as_click_errors(), unit_of_work():
        user = add_user(**values)
    click.echo(f"user {user.username} ({user.role}) created")


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write a consistent backup of the database to FILE, while the server keeps serving."""
    from flask import current_app

    from .backup import BackupError, backup_database

    try:
        backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {file} ({file.stat().st_size:,} bytes)")


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore(file: Path, yes: bool) -> None:
    """Replace the database with the backup in FILE; devices then re-pull and re-push.

    Stop every app server first. The restored database gets a new feed epoch, so each device's
    next pull tells it to forget the lost timeline (docs/protocol.md, "After a restore").
    """
    from flask import current_app

    from .backup import BackupError, restore_database
    from .extensions import db
    from .services.audit import audit
    from .services.bulk import after_bulk_load
    from .services.feed import start_epoch

    if not yes:
        click.confirm("Replace everything in the database with this backup?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the tables pg_restore drops
    try:
        restore_database(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    upgrade_database()  # a backup from an older release is brought to this one's schema
    after_bulk_load()  # pg_restore leaves the planner without statistics
    with unit_of_work():
        epoch = start_epoch(db.session)
        audit("restore", epoch=epoch)
    click.echo(f"database restored from {file}; new feed epoch {epoch[:8]}")


RULES_FILE = "pwa/src/shared/rules.generated.ts"


@click.command("export-rules")
@click.option("--out", default=RULES_FILE, show_default=True, help="Where the PWA reads them.")
def export_rules(out: str) -> None:
    """Write the shared vocabulary and password policy for the PWA (schemas/rules.py)."""
    from .schemas.rules import render_typescript

    with open(out, "w", encoding="utf-8") as handle:
        handle.write(render_typescript())
    click.echo(f"rules written to {out}")


def _make_app(**_: Any) -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_make_app, add_default_commands=False)
def cli() -> None:
    """Pulih: records for drug-rehabilitation programs in prisons."""


# Access log lines carry the path, never the query string (it can name a record or a person).
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def gunicorn_argv(host: str, port: int, workers: int, database_url: str) -> list[str]:
    """The production server's command line: gunicorn with threads, one worker for SQLite."""
    if workers <= 0:
        workers = 1 if database_url.startswith("sqlite") else min(4, 2 * (os.cpu_count() or 1))
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "8",
        "--bind",
        f"{host}:{port}",
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "server.wsgi:app",
    ]


@cli.command("run")
@click.option("--host", default=lambda: os.environ.get("PULIH_HOST", "127.0.0.1"))
@click.option("--port", default=lambda: int(os.environ.get("PULIH_PORT", "5000")), type=int)
@click.option(
    "--workers", default=0, type=int, help="gunicorn workers; 0 = 1 on SQLite, 2 per core else."
)
@click.option("--dev", is_flag=True, help="werkzeug's development server, reloading on edits.")
def run(host: str, port: int, workers: int, dev: bool) -> None:
    """Migrate, load the demo when empty, and serve with gunicorn (or --dev: werkzeug)."""
    from flask import current_app

    upgrade_database()
    ctx = click.get_current_context()
    ctx.invoke(seed_demo, seed=1, if_empty=True)
    click.echo(f"Pulih serves at http://{host}:{port}")
    if not dev:
        argv = gunicorn_argv(host, port, workers, current_app.config["SQLALCHEMY_DATABASE_URI"])
        os.execvp(sys.executable, argv)
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run_simple(host, port, app, threaded=True, use_reloader=True)


def main() -> None:
    """Console entry point."""
    cli()
