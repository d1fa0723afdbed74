"""the device vault: key pairs devices seal their outbox to

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-02 01:40:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'seal_keys',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('private_pem', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('seal_keys')
