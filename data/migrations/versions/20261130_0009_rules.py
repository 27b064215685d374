"""rules, rule_runs, rule_run_changes: user-defined categorisation rules and their runs

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 18:00:00.000000

New tables only: no existing row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _owner(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
        ),
    ]


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("rules"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("TRUE"), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_rules_user_id_name")),
    )
    op.create_index(op.f("ix_rules_user_id_position"), "rules", ["user_id", "position"])
    op.create_table(
        "rule_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("rule_runs"),
        _stamp("created_at"),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_runs")),
    )
    op.create_index(op.f("ix_rule_runs_user_id_created_at"), "rule_runs", ["user_id", "created_at"])
    op.create_table(
        "rule_run_changes",
        *_owner("rule_run_changes"),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["rule_runs.id"], name=op.f("fk_rule_run_changes_run_id_rule_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"], ["transactions.id"],
            name=op.f("fk_rule_run_changes_transaction_id_transactions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "transaction_id", name=op.f("pk_rule_run_changes")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_rule_run_changes_transaction_id"), "rule_run_changes", ["transaction_id"]
    )


def downgrade() -> None:
    op.drop_table("rule_run_changes")
    op.drop_table("rule_runs")
    op.drop_table("rules")
