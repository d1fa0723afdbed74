"""devices: the name a user gives their device ("Tablet Blok A")

Revision ID: 0007
Revises: 0008
Create Date: 2026-12-02 01:25:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("devices") as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table("devices") as batch_op:
        batch_op.drop_column("label")
