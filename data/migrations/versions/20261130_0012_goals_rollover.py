"""goals, and categories.rollover: savings goals and budget rollover

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 19:00:00.000000

Existing categories get rollover FALSE: their budgets behave as before. A plain ADD COLUMN on
both dialects (no batch-mode table copy of categories, which would cascade into budgets).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "categories",
        sa.Column("rollover", sa.Boolean(), server_default=sa.text("FALSE"), nullable=False),
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("target_minor", sa.BigInteger(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("tag_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("reached_on", sa.Date(), nullable=True),
        sa.Column("archived", sa.Boolean(), server_default=sa.text("FALSE"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint("target_minor > 0", name=op.f("ck_goals_target_positive")),
        sa.CheckConstraint("source IN ('account', 'tag')", name=op.f("ck_goals_source")),
        sa.CheckConstraint(
            "(source = 'account' AND account_id IS NOT NULL AND tag_id IS NULL)"
            " OR (source = 'tag' AND tag_id IS NOT NULL AND account_id IS NULL)",
            name=op.f("ck_goals_source_key"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_goals_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_goals_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_goals_tag_id_tags")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_goals_user_id_name")),
    )  # fmt: skip
    op.create_index(op.f("ix_goals_account_id"), "goals", ["account_id"])
    op.create_index(op.f("ix_goals_tag_id"), "goals", ["tag_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_goals_tag_id"), table_name="goals")
    op.drop_index(op.f("ix_goals_account_id"), table_name="goals")
    op.drop_table("goals")
    # A plain DROP COLUMN (SQLite 3.35+), never batch mode: see 0002.
    op.drop_column("categories", "rollover")
