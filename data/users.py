"""User records: the profile the dashboard needs, and lookups by name for login and the CLI."""

from __future__ import annotations

from sqlalchemy import Engine, select

from data.schema import users


def user_currency(engine: Engine, user_id: int) -> str:
    """The currency totals across accounts are shown in."""
    with engine.connect() as conn:
        currency = conn.execute(select(users.c.currency).where(users.c.id == user_id)).scalar()
    if currency is None:
        raise LookupError(f"no user {user_id}")
    return currency


def user_id_by_username(engine: Engine, username: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(users.c.id).where(users.c.username == username)).scalar()


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(users.c.id).limit(1)).first() is not None
