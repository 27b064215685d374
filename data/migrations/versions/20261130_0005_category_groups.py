"""category_groups, and categories.group_id: a category's optional group

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 14:00:00.000000

Existing categories keep NULL: no group, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_categories_group_id_category_groups"
CONSTRAINT_SQL = (
    f"CONSTRAINT {FOREIGN_KEY} FOREIGN KEY(group_id) REFERENCES category_groups (id)"
    " ON DELETE SET NULL"
)


def upgrade() -> None:

    op.create_table(
        "category_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_category_groups_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_category_groups"),
        sa.UniqueConstraint("user_id", "name", name="uq_category_groups_user_id_name"),
    )
    if op.get_context().dialect.name == "sqlite":
        op.add_column("categories", sa.Column("group_id", sa.Integer(), nullable=True))
        _set_sqlite_constraint(add=True)
    else:
        op.add_column("categories", sa.Column("group_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            FOREIGN_KEY,
            "categories",
            "category_groups",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:

    if op.get_context().dialect.name == "sqlite":
        _set_sqlite_constraint(add=False)
    else:
        op.drop_constraint(FOREIGN_KEY, "categories", type_="foreignkey")
    # A plain DROP COLUMN (SQLite 3.35+), never batch mode: see 0002.
    op.drop_column("categories", "group_id")
    op.drop_table("category_groups")


def _set_sqlite_constraint(add: bool) -> None:
    """Add (or remove) the group_id constraint in SQLite's stored CREATE TABLE of categories.

    SQLite has no ALTER for constraints, and batch mode's copy-and-drop of categories would,
    with foreign keys on, cascade into budgets (see 0002). A foreign key does not change how
    rows are stored, so SQLite allows editing the table's schema text instead (its ALTER TABLE
    documentation, "Making Other Kinds Of Table Schema Changes"); every group_id is NULL here,
    so no row can break it. Bumping schema_version makes other connections read it again.
    """
    bind = op.get_bind()
    stored = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'categories'"
    sql = bind.exec_driver_sql(stored).scalar_one()
    if add:
        head, _, _ = sql.rstrip().rpartition(")")
        sql = f"{head.rstrip()}, \n\t{CONSTRAINT_SQL}\n)"
    else:
        sql = sql.replace(f", \n\t{CONSTRAINT_SQL}", "")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'categories'", (sql,)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
