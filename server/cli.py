"""The `pulih` command: init-db, seed-demo, create-facility, create-user, run."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

ZONES = ("WIB", "WITA", "WIT")
KINDS = ("lapas", "lapas_narkotika", "rutan", "lpka")


def register_cli(app: Flask) -> None:
    """Attach Pulih's commands to the Flask app's CLI."""
    for command in (init_db, seed_demo, create_facility, create_user):
        app.cli.add_command(command)


def upgrade_database() -> None:
    """Run every Alembic migration up to head."""
    from flask_migrate import upgrade

    upgrade()


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade_database()
    click.echo("database is at the latest migration")


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

    if db.session.scalar(select(func.count()).select_from(Facility)):
        if if_empty:
            click.echo("database already holds facilities; demo not loaded")
            return
        raise click.ClickException("the database already holds facilities")
    started = time.perf_counter()
    summary = load_demo(seed=seed)
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
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--region", default="Sumatera Selatan", show_default=True)
@click.option("--timezone", "zone", type=click.Choice(ZONES), default="WIB", show_default=True)
def create_facility(code: str, name: str, kind: str, region: str, zone: str) -> None:
    """Add a facility (lapas, lapas_narkotika, rutan, lpka)."""
    from .services.admin import add_facility

    facility = add_facility(code=code, name=name, kind=kind, region=region, timezone=zone)
    click.echo(f"facility {facility.code} created: {facility.id}")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(("counselor", "supervisor", "admin")), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", default=None)
@click.option("--facility", "facilities", multiple=True, help="Facility code; repeatable.")
def create_user(
    username: str, role: str, password: str, display_name: str | None, facilities: tuple[str, ...]
) -> None:
    """Add a user with a role and assigned facilities."""
    from .errors import ApiProblem
    from .services.admin import add_user

    try:
        user = add_user(
            username=username,
            role=role,
            password=password,
            display_name=display_name or username,
            facility_codes=list(facilities),
        )
    except ApiProblem as error:
        raise click.ClickException(f"{error.detail} {error.errors or ''}") from error
    click.echo(f"user {user.username} ({user.role}) created")


def _make_app(**_: Any) -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_make_app, add_default_commands=False)
def cli() -> None:
    """Pulih: records for drug-rehabilitation programs in prisons."""


@cli.command("run")
@click.option("--host", default=lambda: os.environ.get("PULIH_HOST", "127.0.0.1"))
@click.option("--port", default=lambda: int(os.environ.get("PULIH_PORT", "5000")), type=int)
@click.option("--workers", default=0, type=int, help="gunicorn workers; 0 = the built-in server.")
def run(host: str, port: int, workers: int) -> None:
    """Migrate, load the demo when empty, and serve."""
    from flask import current_app

    upgrade_database()
    ctx = click.get_current_context()
    ctx.invoke(seed_demo, seed=1, if_empty=True)
    click.echo(f"Pulih serves at http://{host}:{port}")
    if workers:
        os.execvp(
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"{host}:{port}",
                "server.wsgi:app",
            ],
        )
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]


def main() -> None:
    """Console entry point."""
    cli()
