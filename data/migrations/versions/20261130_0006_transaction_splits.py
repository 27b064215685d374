"""transaction_splits: a transaction divided among categories, its parts summing to its amount

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 13:00:00.000000

A new table only: existing transactions are unsplit and stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transaction_splits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "amount_minor <> 0", name=op.f("ck_transaction_splits_amount_not_zero")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_transaction_splits_category_id_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_transaction_splits_transaction_id_transactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_transaction_splits_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transaction_splits")),
        sa.UniqueConstraint(
            "transaction_id", "position", name=op.f("uq_transaction_splits_transaction_id_position")
        ),
    )
    op.create_index(
        op.f("ix_transaction_splits_user_id_category_id"),
        "transaction_splits",
        ["user_id", "category_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_transaction_splits_user_id_category_id"), table_name="transaction_splits"
    )
    op.drop_table("transaction_splits")
