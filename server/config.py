"""Configuration read from the environment, with defaults that run on a laptop."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'pulih.sqlite3'}"


def normalize_database_url(url: str) -> str:
    """Make plain postgres URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings; every one can be overridden by a PULIH_* environment variable."""

    SQLALCHEMY_DATABASE_URI = normalize_database_url(
        os.environ.get("PULIH_DATABASE_URL") or _default_database_url()
    )
    SECRET_KEY = os.environ.get("PULIH_SECRET_KEY", "")
    MAX_CONTENT_LENGTH = int(os.environ.get("PULIH_MAX_BODY_BYTES", str(4 * 1024 * 1024)))
    ACCESS_TOKEN_SECONDS = int(os.environ.get("PULIH_ACCESS_TOKEN_SECONDS", "900"))
    REFRESH_TOKEN_SECONDS = int(os.environ.get("PULIH_REFRESH_TOKEN_SECONDS", str(30 * 86400)))
    # A login's absolute lifetime: rotating its refresh token never takes it past this.
    # The private key devices seal their outbox to (PEM, EC P-256); without it the database's
    # newest key is used (made on first use; `pulih rotate-seal-key` makes a new one).
    SEAL_PRIVATE_KEY_PEM = os.environ.get("PULIH_SEAL_PRIVATE_KEY_PEM", "")
    LOGIN_LIFETIME_SECONDS = int(os.environ.get("PULIH_LOGIN_LIFETIME_SECONDS", str(30 * 86400)))
    LOGIN_MAX_FAILURES = int(os.environ.get("PULIH_LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_SECONDS = int(os.environ.get("PULIH_LOGIN_LOCK_SECONDS", "900"))
    # A device clock this far off is flagged; a session time this far ahead is refused.
    CLOCK_TOLERANCE_SECONDS = int(os.environ.get("PULIH_CLOCK_TOLERANCE_SECONDS", "300"))
    # A device not heard from for this many days is highlighted: its unsent work is at risk.
    SILENT_DAYS = int(os.environ.get("PULIH_SILENT_DAYS", "3"))
    PUSH_MAX_CHANGES = 500
    # A device locks its vault after this long without a touch (or hidden); the PIN reopens it.
    DEVICE_LOCK_SECONDS = max(60, int(os.environ.get("PULIH_DEVICE_LOCK_MINUTES", "15")) * 60)
    # After the password was last typed, the PIN reopens the vault for this long; then the password.
    DEVICE_PIN_SECONDS = max(3600, int(os.environ.get("PULIH_DEVICE_PIN_HOURS", "12")) * 3600)
    # A device keeps the changes the server answered this long, to send them again after a restore.
    DEVICE_KEEP_SECONDS = max(86400, int(os.environ.get("PULIH_DEVICE_KEEP_DAYS", "30")) * 86400)
    # Every writer waits while one push holds the feed lock: a push holding it longer is logged.
    SLOW_PUSH_MS = float(os.environ.get("PULIH_SLOW_PUSH_MS", "1000"))
    PULL_MAX_LIMIT = 1000
    PWA_DIST = Path(os.environ.get("PULIH_PWA_DIST", str(ROOT / "pwa" / "dist")))
    CORS_ORIGINS = [o for o in os.environ.get("PULIH_CORS_ORIGINS", "").split(",") if o]
    # How many reverse proxies stand in front; their X-Forwarded-For/-Proto are believed.
    PROXY_COUNT = int(os.environ.get("PULIH_PROXY_COUNT", "0"))
    # Names that change with reorganisations are configuration, not code (docs/design.md).
    MINISTRY_NAME = os.environ.get("PULIH_MINISTRY_NAME", "Kementerian Imigrasi dan Pemasyarakatan")
    REGIONAL_OFFICE_NAME = os.environ.get(
        "PULIH_REGIONAL_OFFICE_NAME", "Kanwil Ditjenpas Sumatera Selatan"
    )
    # A JSON file {"checklists": {flag: [line, ...]}} replacing the app's own checklist words.
    RISK_CHECKLISTS_FILE = os.environ.get("PULIH_RISK_CHECKLISTS_FILE", "")
    API_TITLE = "Pulih API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_REDOC_PATH = "docs"
    OPENAPI_REDOC_URL = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
