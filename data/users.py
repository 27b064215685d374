"""User records: the profile the dashboard needs, and lookups by name for login and the CLI."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Engine, delete, func, select, update

from data.db import connection
from data.schema import user_sessions, users
from data.validation import NotFound


class Credentials(NamedTuple):
    """What a login checks: the stored hash (None: no password set yet) and the session epoch."""

    id: int
    password_hash: str | None
    session_epoch: int


class SessionUser(NamedTuple):
    """What every authenticated request loads: who, which epoch their sessions must carry, and
    their data_version (the cache key of their read models), all in one row read."""

    id: int
    username: str
    display_name: str
    session_epoch: int
    data_version: int
    # The version of the session row read with it; None when read without one (at login).
    session_version: int | None = None


def user_currency(engine: Engine, user_id: int) -> str:
    """The currency totals across accounts are shown in."""
    with connection(engine) as conn:
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


def credentials_for_login(engine: Engine, username: str) -> Credentials | None:
    """Case-insensitive, as create_user keeps usernames unique regardless of case."""
    query = select(users.c.id, users.c.password_hash, users.c.session_epoch).where(
        func.lower(users.c.username) == username.strip().lower()
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else Credentials(*row)


SESSION_USER_COLUMNS = (
    users.c.id,
    users.c.username,
    users.c.display_name,
    users.c.session_epoch,
    users.c.data_version,
)


def session_user(engine: Engine, user_id: int) -> SessionUser | None:
    query = select(*SESSION_USER_COLUMNS).where(users.c.id == user_id)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else SessionUser(*row)


def live_session_user(
    engine: Engine, user_id: int, session_hash: str, now: int
) -> SessionUser | None:
    """The user of a live session: the row read on every signed-in request, joined to the
    session's own row so that a session ended anywhere (logout, password change, expiry) is
    refused at once, whatever copy Redis serves, and at no extra round trip."""
    query = (
        select(*SESSION_USER_COLUMNS, user_sessions.c.version)
        .select_from(users.join(user_sessions, user_sessions.c.user_id == users.c.id))
        .where(
            users.c.id == user_id,
            user_sessions.c.id_hash == session_hash,
            user_sessions.c.expires_at > now,
        )
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else SessionUser(*row)


def set_password_hash(engine: Engine, user_id: int, password_hash: str) -> None:
    """A new password, which ends every session of this user: their rows go, in the same
    transaction, and their epoch moves on."""
    change = (
        update(users)
        .where(users.c.id == user_id)
        .values(password_hash=password_hash, session_epoch=users.c.session_epoch + 1)
    )
    with engine.begin() as conn:
        if conn.execute(change).rowcount != 1:
            raise NotFound("No such user.")
        conn.execute(delete(user_sessions).where(user_sessions.c.user_id == user_id))


def upgrade_password_hash(engine: Engine, user_id: int, old_hash: str, new_hash: str) -> bool:
    """The same password under stronger hash parameters; sessions stay. Only replaces `old_hash`,
    so a password changed meanwhile is never overwritten. True if the hash was replaced."""
    change = (
        update(users)
        .where(users.c.id == user_id, users.c.password_hash == old_hash)
        .values(password_hash=new_hash)
    )
    with engine.begin() as conn:
        return conn.execute(change).rowcount == 1
