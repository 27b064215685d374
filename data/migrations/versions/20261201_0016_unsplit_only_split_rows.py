"""rollup_txn_unsplit runs its upserts only for a row that has parts

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 01:40:00.000000

The BEFORE DELETE row trigger turns a transaction that still has split parts into a whole one
before the cascade removes the parts. It ran its three upserts for every deleted row; for a row
without parts they move nothing. Undoing an import of 46,000 rows spent 6.6 s of 10.6 there.
Now PostgreSQL's function tests for parts first (IF EXISTS ... THEN) and SQLite's trigger has a
WHEN clause: the same rollups, one index probe per row without parts. The SQL is frozen in
data/migrations/sql/0016.<dialect>.{up,down}.sql (generated once from data/rollup_triggers.py
as it is at this revision; down recreates 0015's trigger word for word).
"""

from __future__ import annotations

from pathlib import Path

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_SQL = Path(__file__).resolve().parent.parent / "sql"


def _run(direction: str) -> None:
    """Run the frozen statements of this revision for the connection's dialect, in order."""
    conn = op.get_bind()
    path = _SQL / f"0016.{conn.dialect.name}.{direction}.sql"
    for statement in path.read_text().split("\n-- statement\n"):
        if statement.strip():
            conn.exec_driver_sql(statement)


def upgrade() -> None:
    _run("up")


def downgrade() -> None:
    _run("down")
