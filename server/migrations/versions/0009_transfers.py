"""transfers between facilities: the transfer record, scope exits, each record's origin facility

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-02 06:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0010'
branch_labels = None
depends_on = None

SYNCED_TABLES = (
    "facilities",
    "clients",
    "enrollments",
    "assessments",
    "sessions",
    "attendance",
    "cohorts",
    "phase_changes",
    "alerts",
    "releases",
)


def upgrade():
    op.create_table(
        "transfers",
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("to_facility_id", sa.String(length=36), nullable=False),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("from_facility_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("conflict_open", sa.Boolean(), nullable=False),
        sa.Column("hlc", sa.String(length=80), nullable=True),
        sa.Column("origin_facility_id", sa.String(length=36), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("facility_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["facility_id"], ["facilities.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transfers") as batch_op:
        batch_op.create_index("ix_transfers_facility_seq", ["facility_id", "seq"], unique=False)
        batch_op.create_index("ix_transfers_seq", ["seq"], unique=False)
        batch_op.create_index("ix_transfers_client_id", ["client_id"], unique=False)
    op.create_table(
        "scope_exits",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.String(length=36), nullable=False),
        sa.Column("to_facility_id", sa.String(length=36), nullable=False),
        sa.Column("transfer_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scope_exits") as batch_op:
        batch_op.create_index("ix_scope_exits_facility_seq", ["facility_id", "seq"], unique=False)
        batch_op.create_index("ix_scope_exits_record", ["entity", "record_id"], unique=False)
    for table in SYNCED_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("origin_facility_id", sa.String(length=36), nullable=True))


def downgrade():
    for table in SYNCED_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("origin_facility_id")
    op.drop_table("scope_exits")
    op.drop_table("transfers")
