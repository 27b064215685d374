"""monthly_rollups: per user, month, account and category, kept by triggers

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 21:00:00.000000

The table, the triggers that keep it and its first filling from the rows already stored, in
the migration's one transaction: no write can fall between them. The SQL is frozen in
data/migrations/sql/0014.<dialect>.{up,down}.sql (generated once from data/rollup_triggers.py
and data/rollups.py as they were at this revision), so later changes to those modules never
change what this revision does.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_SQL = Path(__file__).resolve().parent.parent / "sql"


def _run(direction: str) -> None:
    """Run the frozen statements of this revision for the connection's dialect, in order."""
    conn = op.get_bind()
    path = _SQL / f"0014.{conn.dialect.name}.{direction}.sql"
    for statement in path.read_text().split("\n-- statement\n"):
        if statement.strip():
            conn.exec_driver_sql(statement)


def upgrade() -> None:
    op.create_table(
        "monthly_rollups",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("account_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("is_transfer", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("inflow_minor", sa.BigInteger(), nullable=False),
        sa.Column("outflow_minor", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "user_id", "month", "account_id", "category_id", "is_transfer",
            name=op.f("pk_monthly_rollups"),
        ),
    )  # fmt: skip
    # Drop the triggers if any, create them, fill the table.
    _run("up")


def downgrade() -> None:
    _run("down")
    op.drop_table("monthly_rollups")
