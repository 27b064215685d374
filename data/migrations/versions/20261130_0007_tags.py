"""tags, transaction_tags, split_tags: any number of tags per transaction and per split part

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 14:00:00.000000

New tables only: existing transactions have no tags.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _owner() -> sa.Column:
    return sa.Column("user_id", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        _owner(),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_tags_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_tags_user_id_name")),
    )  # fmt: skip
    for table, owner_column, owner_table in (
        ("transaction_tags", "transaction_id", "transactions"),
        ("split_tags", "split_id", "transaction_splits"),
    ):
        op.create_table(
            table,
            _owner(),
            sa.Column(owner_column, sa.Integer(), nullable=False),
            sa.Column("tag_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                [owner_column], [f"{owner_table}.id"],
                name=op.f(f"fk_{table}_{owner_column}_{owner_table}"), ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["tag_id"], ["tags.id"], name=op.f(f"fk_{table}_tag_id_tags"), ondelete="CASCADE"
            ),
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint(owner_column, "tag_id", name=op.f(f"pk_{table}")),
        )  # fmt: skip
        op.create_index(op.f(f"ix_{table}_tag_id"), table, ["tag_id"], unique=False)


def downgrade() -> None:
    for table in ("split_tags", "transaction_tags"):
        op.drop_index(op.f(f"ix_{table}_tag_id"), table_name=table)
        op.drop_table(table)
    op.drop_table("tags")
