"""schedules, schedule_occurrences: recurring transactions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 19:00:00.000000

New tables only: no existing row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _owner(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
        ),
    ]


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("schedules"),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("payee", sa.String(length=200), server_default="", nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.Text(), server_default="", nullable=False),
        sa.Column("parts", sa.Text(), nullable=True),
        sa.Column("rrule", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("weekend_shift", sa.String(length=10), server_default="none", nullable=False),
        sa.Column("auto_post", sa.Boolean(), server_default=sa.text("FALSE"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("TRUE"), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_schedules_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_schedules_category_id_categories"),
        ),
        sa.CheckConstraint(
            "weekend_shift IN ('none', 'before', 'after')",
            name=op.f("ck_schedules_weekend_shift"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_schedules_user_id_name")),
    )  # fmt: skip
    op.create_table(
        "schedule_occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("schedule_occurrences"),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"],
            name=op.f("fk_schedule_occurrences_schedule_id_schedules"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"], ["transactions.id"],
            name=op.f("fk_schedule_occurrences_transaction_id_transactions"),
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(
            "status IN ('posted', 'skipped')", name=op.f("ck_schedule_occurrences_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_occurrences")),
        sa.UniqueConstraint(
            "schedule_id", "due_on", name=op.f("uq_schedule_occurrences_schedule_id_due_on")
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_schedule_occurrences_transaction_id"), "schedule_occurrences", ["transaction_id"]
    )


def downgrade() -> None:
    op.drop_table("schedule_occurrences")
    op.drop_table("schedules")
