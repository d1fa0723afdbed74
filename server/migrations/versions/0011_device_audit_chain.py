"""devices: the device-side audit chain (last verified entry per user, a broken or rewound flag)

Revision ID: 0011
Revises: 0006
Create Date: 2026-12-02 05:50:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision = '0011'
down_revision = '0006'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    with op.batch_alter_table("devices") as batch_op:
        batch_op.add_column(sa.Column("audit_heads", JSON, nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("audit_chain", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("audit_chain_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "device_audit_entries",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("n", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("audit_event_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("device_id", "user_id", "n"),
    )


def downgrade():
    op.drop_table("device_audit_entries")
    with op.batch_alter_table("devices") as batch_op:
        batch_op.drop_column("audit_chain_at")
        batch_op.drop_column("audit_chain")
        batch_op.drop_column("audit_heads")
