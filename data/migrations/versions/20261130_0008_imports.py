"""import_batches, import_links, import_profiles, import_uploads; transactions.bank_ref and
import_batch_id; accounts.statement_key: bank statement import

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 16:00:00.000000

Existing rows keep NULL in the new columns: entered by hand or seeded, from no import.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH_FOREIGN_KEY = "fk_transactions_import_batch_id_import_batches"
BATCH_CONSTRAINT_SQL = (
    f"CONSTRAINT {BATCH_FOREIGN_KEY} FOREIGN KEY(import_batch_id) REFERENCES import_batches (id)"
    " ON DELETE SET NULL"
)
FORMATS = ("csv", "ofx", "qfx", "qif", "camt053")


def _owner(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
        ),
    ]


def _account(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f(f"fk_{table}_account_id_accounts"),
            ondelete="CASCADE",
        ),
    ]  # fmt: skip


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    counts = (
        "imported_count", "duplicate_ref_count", "duplicate_fingerprint_count", "probable_count",
        "linked_count", "error_count", "skipped_count",
    )  # fmt: skip
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("import_batches"),
        *_account("import_batches"),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("profile_name", sa.String(length=100), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
        _created_at(),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "format IN (" + ", ".join(repr(f) for f in FORMATS) + ")",
            name=op.f("ck_import_batches_format"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_index(
        op.f("ix_import_batches_user_id_created_at"), "import_batches", ["user_id", "created_at"]
    )
    op.create_table(
        "import_links",
        *_owner("import_links"),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"],
            name=op.f("fk_import_links_batch_id_import_batches"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"], ["transactions.id"],
            name=op.f("fk_import_links_transaction_id_transactions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", "transaction_id", name=op.f("pk_import_links")),
    )  # fmt: skip
    op.create_table(
        "import_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("import_profiles"),
        *_account("import_profiles"),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("header_signature", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        _created_at(),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_profiles")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_import_profiles_user_id_name")),
        sa.UniqueConstraint(
            "user_id", "account_id", "header_signature",
            name=op.f("uq_import_profiles_user_id_account_id_header_signature"),
        ),
    )  # fmt: skip
    op.create_table(
        "import_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("import_uploads"),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_uploads")),
    )
    op.create_index(op.f("ix_import_uploads_user_id"), "import_uploads", ["user_id"])
    op.create_index(op.f("ix_import_uploads_created_at"), "import_uploads", ["created_at"])
    _add_columns()


def _add_columns() -> None:
    op.add_column("accounts", sa.Column("statement_key", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_accounts_user_id_statement_key", "accounts", ["user_id", "statement_key"], unique=True
    )
    op.add_column("transactions", sa.Column("bank_ref", sa.String(length=100), nullable=True))
    op.add_column("transactions", sa.Column("import_batch_id", sa.Integer(), nullable=True))
    if op.get_context().dialect.name == "sqlite":
        _set_sqlite_constraint(add=True)
    else:
        op.create_foreign_key(
            BATCH_FOREIGN_KEY, "transactions", "import_batches", ["import_batch_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
    op.create_index(
        op.f("ix_transactions_user_id_account_id_bank_ref"),
        "transactions",
        ["user_id", "account_id", "bank_ref"],
    )
    op.create_index(
        op.f("ix_transactions_import_batch_id"), "transactions", ["import_batch_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_transactions_import_batch_id"), table_name="transactions")
    op.drop_index(op.f("ix_transactions_user_id_account_id_bank_ref"), table_name="transactions")
    if op.get_context().dialect.name == "sqlite":
        _set_sqlite_constraint(add=False)
    else:
        op.drop_constraint(BATCH_FOREIGN_KEY, "transactions", type_="foreignkey")
    # Plain DROP COLUMN (SQLite 3.35+), never batch mode: see 0002.
    op.drop_column("transactions", "import_batch_id")
    op.drop_column("transactions", "bank_ref")
    op.drop_index("uq_accounts_user_id_statement_key", table_name="accounts")
    op.drop_column("accounts", "statement_key")
    op.drop_table("import_uploads")
    op.drop_table("import_profiles")
    op.drop_table("import_links")
    op.drop_table("import_batches")


def _set_sqlite_constraint(add: bool) -> None:
    """Add (or remove) the import_batch_id constraint in SQLite's stored CREATE TABLE of
    transactions, as 0005 does for categories.group_id and for the same reasons: SQLite has no
    ALTER for constraints, batch mode's copy-and-drop of transactions would cascade into its
    splits and tags, and every import_batch_id is NULL here, so no row can break it.
    """
    bind = op.get_bind()
    stored = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'transactions'"
    sql = bind.exec_driver_sql(stored).scalar_one()
    if add:
        head, _, _ = sql.rstrip().rpartition(")")
        sql = f"{head.rstrip()}, \n\t{BATCH_CONSTRAINT_SQL}\n)"
    else:
        sql = sql.replace(f", \n\t{BATCH_CONSTRAINT_SQL}", "")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'transactions'", (sql,)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
