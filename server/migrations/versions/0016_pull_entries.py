"""pull entries kept beside each record

Every synced table gets `pull_entry`, the record's pull entry as JSON text. The triggers that
keep it are built from the code's own wire format after every upgrade
(server/services/pull_entries.py), which also fills the column.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 11:20:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLES = (
    "facilities", "clients", "enrollments", "assessments", "sessions", "attendance", "cohorts",
    "phase_changes", "alerts", "releases", "transfers",
)


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("pull_entry", sa.Text(), nullable=True))


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        # The triggers server/services/pull_entries.py installed go with the column.
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS pull_entry_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS pull_entry_{table}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS pull_entry_{table}_insert")
            op.execute(f"DROP TRIGGER IF EXISTS pull_entry_{table}_update")
        op.drop_column(table, "pull_entry")
