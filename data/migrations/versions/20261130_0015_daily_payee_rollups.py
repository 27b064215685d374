"""daily_rollups and payee_rollups: the monthly rollup's sums per day and per payee, kept by
the same triggers

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 23:00:00.000000

The tables, the triggers replaced by ones that keep all three rollups, and their first filling
from the rows already stored, in the migration's one transaction; an index on (user_id, payee, date) for
the payments like a schedule's. The SQL is frozen in data/migrations/sql/0015.<dialect>.{up,down}
.sql (generated once from data/rollup_triggers.py and data/rollups.py as they were at this
revision; down recreates 0014's triggers).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_SQL = Path(__file__).resolve().parent.parent / "sql"


def _run(direction: str) -> None:
    """Run the frozen statements of this revision for the connection's dialect, in order."""
    conn = op.get_bind()
    path = _SQL / f"0015.{conn.dialect.name}.{direction}.sql"
    for statement in path.read_text().split("\n-- statement\n"):
        if statement.strip():
            conn.exec_driver_sql(statement)


def upgrade() -> None:
    op.create_table(
        "daily_rollups",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("account_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("is_transfer", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("inflow_minor", sa.BigInteger(), nullable=False),
        sa.Column("outflow_minor", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "user_id", "day", "account_id", "category_id", "is_transfer",
            name=op.f("pk_daily_rollups"),
        ),
    )  # fmt: skip
    op.create_table(
        "payee_rollups",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("account_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("is_transfer", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payee", sa.String(length=200), nullable=False),
        sa.Column("inflow_minor", sa.BigInteger(), nullable=False),
        sa.Column("outflow_minor", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("outflow_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "user_id", "month", "account_id", "category_id", "is_transfer", "payee",
            name=op.f("pk_payee_rollups"),
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_transactions_user_id_payee_date"),
        "transactions",
        ["user_id", "payee", "date"],
        unique=False,
    )
    # Drop 0014's triggers, create those that keep the three tables, fill the two new ones.
    _run("up")


def downgrade() -> None:
    # Drop the triggers, recreate 0014's (monthly_rollups only).
    _run("down")
    op.drop_table("payee_rollups")
    op.drop_index(op.f("ix_transactions_user_id_payee_date"), table_name="transactions")
    op.drop_table("daily_rollups")
