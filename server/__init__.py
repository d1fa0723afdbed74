"""Pulih's Flask server: `create_app(config=None)` builds it."""

from __future__ import annotations

import json
import logging
from typing import Any

import orjson
from flask import Flask, Response, send_from_directory
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from werkzeug.routing import PathConverter

from .config import Config
from .errors import register_error_handlers
from .extensions import api, cors, db, migrate
from .headers import install_security_headers


def dumps_json(value: Any) -> str:
    """JSON text for a JSON column: orjson, several times faster than the standard library on a
    push's change-log rows; the standard library for what orjson refuses (integers beyond 64
    bits), so nothing a validated change holds fails to store."""
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides the environment-driven defaults."""
    app = Flask(__name__, static_folder=None)
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # Statement parameters hold health data: keep them out of error messages and logs.
    options.setdefault("hide_parameters", True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
    # JSON columns (the change log's snapshots above all) are encoded on every push.
    options.setdefault("json_serializer", dumps_json)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        import secrets

        app.config["SECRET_KEY"] = secrets.token_hex(32)
    logging.basicConfig(level=logging.INFO)
    app.config.setdefault("RISK_CHECKLISTS", _risk_checklists(app.config["RISK_CHECKLISTS_FILE"]))

    app.json.sort_keys = False  # type: ignore[attr-defined]
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    api.init_app(app)
    if app.config["CORS_ORIGINS"]:
        # A pull page's next cursor comes in headers too: devices must see them.
        from .routes.sync import CURSOR_HEADER, HAS_MORE_HEADER

        exposed = [CURSOR_HEADER, HAS_MORE_HEADER]
        origins = app.config["CORS_ORIGINS"]
        cors.init_app(app, resources={r"/api/*": {"origins": origins, "expose_headers": exposed}})
    register_error_handlers(app)
    install_security_headers(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]

    from .routes import register_blueprints

    register_blueprints(api)
    _document_api()
    from .routes.docs import bp as docs_bp

    app.register_blueprint(docs_bp)
    _register_pwa(app)

    @app.get("/healthz")
    def healthz() -> tuple[dict[str, str], int]:
        db.session.execute(text("SELECT 1"))
        return {"status": "ok"}, 200

    from .cli import register_cli

    register_cli(app)
    return app


def _risk_checklists(path: str) -> dict[str, list[str]]:
    """The deployment's risk checklists; a file that is not valid stops the server at start."""
    if not path:
        return {}
    import json
    from pathlib import Path

    from .schemas.program import ChecklistsFile

    loaded: dict[str, dict[str, list[str]]] = ChecklistsFile().load(
        json.loads(Path(path).read_text(encoding="utf-8"))
    )
    return loaded["checklists"]


def _document_api() -> None:
    """Bearer auth and the per-entity field schemas of push changes, in the OpenAPI document."""
    from .schemas.records import FIELD_SCHEMAS

    components = api.spec.components
    if "bearer" not in components.security_schemes:
        components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
        for entity, schema in FIELD_SCHEMAS.items():
            components.schema(f"{entity.title()}Fields", schema=type(schema))
    api.spec.options["security"] = [{"bearer": []}]


def _migrations_dir() -> Any:
    from pathlib import Path

    return Path(__file__).parent / "migrations"


class AppPathConverter(PathConverter):
    """Any path outside /api/, so API routes answer their own 404 and 405."""

    regex = r"(?!api(?:/|$))[^/].*?"


def _register_pwa(app: Flask) -> None:
    """Serve the built PWA at / ; sw.js must never be cached by the browser's HTTP cache."""
    dist = app.config["PWA_DIST"]
    app.url_map.converters["app_path"] = AppPathConverter

    @app.get("/")
    @app.get("/<app_path:path>")
    def pwa(path: str = "index.html") -> Response:
        target = dist / path
        if not target.is_file():
            path = "index.html"
        response = send_from_directory(dist, path)
        if path in ("sw.js", "index.html", "manifest.webmanifest") or path.startswith("workbox-"):
            response.headers["Cache-Control"] = "no-cache"
        elif path.startswith("assets/"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL and foreign keys on SQLite; nothing on other databases."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
