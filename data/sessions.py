"""Session rows: the record of every session, whatever copy Redis holds.

A row is keyed by the sha256 of the session's random id (the cookie holds the id, never the
table), carries the owner (NULL before login), the data as text, a version bumped by every
write and an expiry in Unix seconds. Ending a session is deleting its row: every request loads
its user joined to the row (data/users.py), so a deleted row ends the session at once in every
worker, whatever a cache still holds.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Engine, delete, insert, select, update

from data.schema import user_sessions, users
from data.users import SESSION_USER_COLUMNS, SessionUser

# Expired rows deleted at most per prune: bounded work, whatever piled up.
PRUNE_BATCH = 500


class SessionRecord(NamedTuple):
    """A session as stored, and its owner's row when it has one (read in the same query)."""

    user_id: int | None
    data: str
    version: int
    user: SessionUser | None


def read_session(engine: Engine, id_hash: str, now: int) -> SessionRecord | None:
    """The live session under `id_hash` with its user, in one query; None if ended or expired."""
    query = (
        select(
            user_sessions.c.user_id,
            user_sessions.c.data,
            user_sessions.c.version,
            *SESSION_USER_COLUMNS,
        )
        .select_from(user_sessions.outerjoin(users, users.c.id == user_sessions.c.user_id))
        .where(user_sessions.c.id_hash == id_hash, user_sessions.c.expires_at > now)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    user = None if row[3] is None else SessionUser(*row[3:], session_version=row[2])
    return SessionRecord(row[0], row[1], row[2], user)


def insert_session(
    engine: Engine, id_hash: str, user_id: int | None, data: str, expires_at: int
) -> int:
    """A new session's row; its version (1)."""
    values = {"id_hash": id_hash, "user_id": user_id, "data": data, "expires_at": expires_at}
    with engine.begin() as conn:
        conn.execute(insert(user_sessions).values(version=1, **values))
    return 1


def update_session(engine: Engine, id_hash: str, data: str, expires_at: int) -> int | None:
    """New data for a live session: its new version, or None if the row is gone (the session
    was ended meanwhile: it is never written back to life)."""
    change = (
        update(user_sessions)
        .where(user_sessions.c.id_hash == id_hash)
        .values(data=data, expires_at=expires_at, version=user_sessions.c.version + 1)
        .returning(user_sessions.c.version)
    )
    with engine.begin() as conn:
        return conn.execute(change).scalar()


def delete_session(engine: Engine, id_hash: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(user_sessions).where(user_sessions.c.id_hash == id_hash))


def prune_expired(engine: Engine, now: int) -> int:
    """Delete up to PRUNE_BATCH expired rows; how many went."""
    expired = (
        select(user_sessions.c.id_hash)
        .where(user_sessions.c.expires_at <= now)
        .limit(PRUNE_BATCH)
        .scalar_subquery()
    )
    with engine.begin() as conn:
        return conn.execute(
            delete(user_sessions).where(user_sessions.c.id_hash.in_(expired))
        ).rowcount
