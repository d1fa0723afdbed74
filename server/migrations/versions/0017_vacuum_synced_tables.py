"""autovacuum of the synced tables keeps up with their newest rows

By default PostgreSQL vacuums a table after a fifth of its rows were inserted or changed. At
national scale (5,000,000 sessions) that is a million sessions, months of a province's work,
during which the newest pages are not marked all-visible: exactly the rows a pull reads after
its cursor, so its index-only scans of (facility_id, seq) read each row's heap page too. The
synced tables and the scope exits are vacuumed after 1 % of their rows were inserted and 2 %
changed (and analyzed after 2 %), over the same base thresholds: never less often than the
defaults, and every 50,000 new sessions at national scale. PostgreSQL only.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:40:00

"""
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TABLES = (
    "facilities", "clients", "enrollments", "assessments", "sessions", "attendance", "cohorts",
    "phase_changes", "alerts", "releases", "transfers", "scope_exits",
)
SETTINGS = {
    "autovacuum_vacuum_insert_scale_factor": "0.01",
    "autovacuum_vacuum_scale_factor": "0.02",
    "autovacuum_analyze_scale_factor": "0.02",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    settings = ", ".join(f"{name} = {value}" for name, value in SETTINGS.items())
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET ({settings})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET ({', '.join(SETTINGS)})")
