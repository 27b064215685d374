"""users.session_epoch: a password change ends every session of the user

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.add_column(
        "users",
        sa.Column(
            "session_epoch", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
    )


def downgrade() -> None:

    # A plain DROP COLUMN (SQLite 3.35+), never batch mode: with foreign keys on, SQLite's
    # copy-and-drop of users would cascade into every table that references it.
    op.drop_column("users", "session_epoch")
