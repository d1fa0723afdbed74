"""feed epoch and device clocks: a restored database starts a new epoch; devices report clock and backlog

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-02 01:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sync_counter") as batch_op:
        batch_op.add_column(sa.Column("epoch", sa.String(32), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("epoch_log_id", sa.BigInteger(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("devices") as batch_op:
        batch_op.add_column(sa.Column("clock_offset_ms", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("oldest_pending_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("storage_persisted", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("devices") as batch_op:
        batch_op.drop_column("storage_persisted")
        batch_op.drop_column("oldest_pending_at")
        batch_op.drop_column("clock_offset_ms")
    with op.batch_alter_table("sync_counter") as batch_op:
        batch_op.drop_column("epoch_log_id")
        batch_op.drop_column("epoch")
