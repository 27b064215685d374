"""exchange_rates: each user's rates against a reporting currency

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 19:00:00.000000

A new table only: existing rows are untouched, and a user without rates sees exactly the
totals of before (amounts already in the reporting currency need no rate).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("base_currency", sa.String(length=3), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("rate_micro", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("rate_micro > 0", name=op.f("ck_exchange_rates_rate_positive")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_exchange_rates_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_rates")),
        sa.UniqueConstraint(
            "user_id", "base_currency", "currency", "on_date",
            name=op.f("uq_exchange_rates_user_id_base_currency_currency_on_date"),
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("exchange_rates")
