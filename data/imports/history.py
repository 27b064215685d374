"""The import history: every batch of the user, newest first, with what became of its lines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from data.schema import accounts, import_batches

HISTORY_LIMIT = 200


def list_batches(engine: Engine, user_id: int, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    query = (
        select(import_batches, accounts.c.name.label("account"))
        .join(accounts, accounts.c.id == import_batches.c.account_id)
        .where(import_batches.c.user_id == user_id)
        .order_by(import_batches.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
