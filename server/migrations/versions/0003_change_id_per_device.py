"""idempotency per device: a change_id is unique per device, not across all of them

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:10:00

"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# SQLite keeps the old UNIQUE(change_id) unnamed inside the table: batch mode names it by this
# convention when it rebuilds the table, so it can be dropped.
CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("change_log_change_id_key", "change_log", type_="unique")
    else:
        with op.batch_alter_table("change_log", naming_convention=CONVENTION) as batch_op:
            batch_op.drop_constraint("uq_change_log_change_id", type_="unique")
    op.create_index(
        "uq_change_log_device_change", "change_log", ["device_id", "change_id"], unique=True
    )


def downgrade():
    op.drop_index("uq_change_log_device_change", table_name="change_log")
    with op.batch_alter_table("change_log") as batch_op:
        batch_op.create_unique_constraint("change_log_change_id_key", ["change_id"])
