"""session counts for the figures

Live sessions per figure facility, WIB month, kind, status and attendance, kept by triggers on
sessions and backfilled; partial indexes for the rest.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 16:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

COLUMNS = "facility_id, year, month, kind, status, attendance"
PARTIAL = (
    ("ix_sessions_submitted_waiting", ["occurred_utc"],
     "status = 'submitted' AND submitted_at IS NOT NULL"),
    ("ix_sessions_reviewed", ["reviewed_at"], "reviewed_at IS NOT NULL"),
    ("ix_sessions_urine_test", ["occurred_utc"], "urine_test IS NOT NULL"),
)


def _key(dialect, row):
    """The session_counts key of a sessions row (`row.` a prefix such as 'NEW.'), WIB month."""
    if dialect == "postgresql":
        local = f"(({row}occurred_utc AT TIME ZONE 'UTC') + interval '7 hours')"
        year = f"CAST(extract(year FROM {local}) AS integer)"
        month = f"CAST(extract(month FROM {local}) AS integer)"
    else:
        year = f"CAST(strftime('%Y', {row}occurred_utc, '+7 hours') AS INTEGER)"
        month = f"CAST(strftime('%m', {row}occurred_utc, '+7 hours') AS INTEGER)"
    return (
        f"coalesce({row}origin_facility_id, {row}facility_id), {year}, {month}, "
        f"{row}kind, {row}status, coalesce({row}attendance, '')"
    )


def _live(row, dialect):
    false = "false" if dialect == "postgresql" else "0"
    return f"{row}deleted = {false} AND {row}occurred_utc IS NOT NULL"


UPSERT = (
    f" ON CONFLICT ({COLUMNS}) DO UPDATE SET sessions = session_counts.sessions + excluded.sessions"
)


def _postgresql():
    # Statement-level triggers over transition tables: a push's multi-row INSERT of 500 sessions
    # is one grouped upsert, and an update that moves no session between keys (a note edited)
    # nets to zero and writes nothing.
    def grouped(source, sign):
        return (
            f"SELECT {_key('postgresql', '')}, {sign} FROM {source} "
            f"WHERE {_live('', 'postgresql')}"
        )

    insert = f"INSERT INTO session_counts ({COLUMNS}, sessions) "
    op.execute(
        f"""
        CREATE FUNCTION session_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            {insert} SELECT {COLUMNS}, count(*) FROM ({grouped('new_rows', '1')})
              AS d ({COLUMNS}, n) GROUP BY {COLUMNS} {UPSERT};
          ELSIF TG_OP = 'DELETE' THEN
            {insert} SELECT {COLUMNS}, -count(*) FROM ({grouped('old_rows', '-1')})
              AS d ({COLUMNS}, n) GROUP BY {COLUMNS} {UPSERT};
          ELSE
            {insert} SELECT {COLUMNS}, sum(n) FROM (
                {grouped('new_rows', '1')} UNION ALL {grouped('old_rows', '-1')}
              ) AS d ({COLUMNS}, n) GROUP BY {COLUMNS} HAVING sum(n) <> 0 {UPSERT};
          END IF;
          RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER session_counts_insert AFTER INSERT ON sessions "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_counts_apply()"
    )
    op.execute(
        "CREATE TRIGGER session_counts_update AFTER UPDATE ON sessions "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION session_counts_apply()"
    )
    op.execute(
        "CREATE TRIGGER session_counts_delete AFTER DELETE ON sessions "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION session_counts_apply()"
    )


def _sqlite():
    # Row triggers (SQLite has no others). `INSERT ... SELECT ... WHERE` keeps the upsert's ON
    # from being read as a join's.
    def change(row, sign):
        return (
            f"INSERT INTO session_counts ({COLUMNS}, sessions) "
            f"SELECT {_key('sqlite', row)}, {sign} WHERE {_live(row, 'sqlite')}{UPSERT};"
        )

    grouped = "deleted, origin_facility_id, facility_id, occurred_utc, kind, status, attendance"
    op.execute(
        f"CREATE TRIGGER session_counts_insert AFTER INSERT ON sessions BEGIN "
        f"{change('NEW.', 1)} END"
    )
    op.execute(
        f"CREATE TRIGGER session_counts_update AFTER UPDATE OF {grouped} ON sessions BEGIN "
        f"{change('OLD.', -1)} {change('NEW.', 1)} END"
    )
    op.execute(
        f"CREATE TRIGGER session_counts_delete AFTER DELETE ON sessions BEGIN "
        f"{change('OLD.', -1)} END"
    )


def upgrade():
    op.create_table(
        "session_counts",
        sa.Column("facility_id", sa.String(36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attendance", sa.String(20), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "facility_id", "year", "month", "kind", "status", "attendance"
        ),
    )
    dialect = op.get_bind().dialect.name
    op.execute(
        f"INSERT INTO session_counts ({COLUMNS}, sessions) "
        f"SELECT {_key(dialect, '')}, count(*) FROM sessions WHERE {_live('', dialect)} "
        f"GROUP BY {_key(dialect, '')}"
    )
    if dialect == "postgresql":
        _postgresql()
    else:
        _sqlite()
    for name, columns, where in PARTIAL:
        op.create_index(
            name, "sessions", columns,
            postgresql_where=sa.text(where), sqlite_where=sa.text(where),
        )


def downgrade():
    for name, _, _ in PARTIAL:
        op.drop_index(name, table_name="sessions")
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER session_counts_{event} ON sessions"
                   if op.get_bind().dialect.name == "postgresql"
                   else f"DROP TRIGGER session_counts_{event}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION session_counts_apply()")
    op.drop_table("session_counts")
