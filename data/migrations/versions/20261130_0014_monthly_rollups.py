"""monthly_rollups: per user, month, account and category, kept by triggers

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 21:00:00.000000

The table, the triggers that keep it (data/rollup_triggers.py) and its first filling from the
rows already stored, in the migration's one transaction: no write can fall between them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from data import rollup_triggers
from data.rollups import rebuild_in

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


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
    conn = op.get_bind()
    rollup_triggers.install(conn)
    rebuild_in(conn)


def downgrade() -> None:
    conn = op.get_bind()
    for statement in rollup_triggers.drop_statements(conn.dialect.name):
        conn.exec_driver_sql(statement)
    op.drop_table("monthly_rollups")
