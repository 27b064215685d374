"""Alembic environment: runs on the connection data.migrate passes in (or DATABASE_URL)."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy.engine import Connection

from data.db import make_engine
from data.schema import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # `alembic revision --autogenerate` from a shell, for writing new migrations
    engine = make_engine(os.environ.get("DATABASE_URL", "sqlite:///instance/finance.sqlite3"))
    with engine.begin() as conn:
        _run(conn)
