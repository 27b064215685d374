"""transactions.submission_key: a retried or replayed entry form submission stores nothing new

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 12:00:00.000000

Existing rows keep NULL: they were not entered with a key, and NULLs never collide in a unique
index on PostgreSQL or SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.add_column("transactions", sa.Column("submission_key", sa.String(length=36), nullable=True))
    # An index, not a constraint: SQLite creates it in place (a constraint would need batch mode's
    # copy of transactions, whose drop with foreign keys on would fire their ON DELETE actions).
    op.create_index(
        "uq_transactions_user_id_submission_key",
        "transactions",
        ["user_id", "submission_key"],
        unique=True,
    )


def downgrade() -> None:

    op.drop_index("uq_transactions_user_id_submission_key", table_name="transactions")
    # A plain DROP COLUMN (SQLite 3.35+), never batch mode: see 0002.
    op.drop_column("transactions", "submission_key")
