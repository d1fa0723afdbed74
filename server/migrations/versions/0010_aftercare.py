"""aftercare: register history on clients, releases with their referral and consent

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-02 06:10:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0011'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    with op.batch_alter_table('clients') as batch_op:
        batch_op.add_column(
            sa.Column('registration_history', JSON, nullable=False, server_default='[]')
        )
    op.create_table(
        'releases',
        sa.Column('client_id', sa.String(length=36), nullable=False),
        sa.Column('released_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('recipient_kind', sa.String(length=20), nullable=True),
        sa.Column('recipient_name', sa.String(length=160), nullable=False),
        sa.Column('consent_recipient', sa.String(length=160), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('consent_recorded_by', sa.String(length=36), nullable=True),
        sa.Column('consent_recorded_by_name', sa.String(length=120), nullable=True),
        sa.Column('consent_recorded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.Column('conflict_open', sa.Boolean(), nullable=False),
        sa.Column('hlc', sa.String(length=80), nullable=True),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('facility_id', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['facility_id'], ['facilities.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('releases') as batch_op:
        batch_op.create_index('ix_releases_facility_seq', ['facility_id', 'seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_releases_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_releases_client_id'), ['client_id'], unique=False)


def downgrade():
    op.drop_table('releases')
    with op.batch_alter_table('clients') as batch_op:
        batch_op.drop_column('registration_history')
