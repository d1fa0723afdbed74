"""idempotency lookup by change id first

The push's answered-before query probes the index by each change id, whatever the planner
believes about the device's history.

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-02 09:50:00

"""
from alembic import op


revision = '0014'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Same uniqueness, columns the other way round. With (device_id, change_id), PostgreSQL
    # planned `device_id = ? AND change_id IN (...)` as a scan of the device's whole history
    # whenever its statistics were older than the device's last few thousand changes.
    op.drop_index("uq_change_log_device_change", table_name="change_log")
    op.create_index(
        "uq_change_log_change_device", "change_log", ["change_id", "device_id"], unique=True
    )


def downgrade():
    op.drop_index("uq_change_log_change_device", table_name="change_log")
    op.create_index(
        "uq_change_log_device_change", "change_log", ["device_id", "change_id"], unique=True
    )
