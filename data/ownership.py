"""Owner-scoped row access shared by the write modules (data/writes.py, data/setup_writes.py).

Every write starts with bump_version: data_version is the cache key of the read models, and the
UPDATE also locks the owner's row, so one user's writes run one at a time and the checks that
read the database (duplicate names, existing budgets) cannot race. A refused write raises before
its commit, so the bump rolls back with everything else.
"""

from __future__ import annotations

from sqlalchemy import Connection, Row, Table, insert, select, update

from data.schema import users
from data.validation import NotFound, as_id


def bump_version(conn: Connection, user_id: int) -> str:
    """data_version + 1, which also locks the owner's row; returns the user's currency."""
    owner = as_id(user_id)
    bump = (
        update(users)
        .where(users.c.id == owner)
        .values(data_version=users.c.data_version + 1)
        .returning(users.c.currency)
    )
    currency = None if owner is None else conn.execute(bump).scalar_one_or_none()
    if currency is None:
        raise NotFound("No such user.")
    return currency


def owned_row(conn: Connection, table: Table, user_id: int, row_id: object, noun: str) -> Row:
    """The row with this id if this user owns it; NotFound whether it is missing or not theirs."""
    wanted = as_id(row_id)
    query = select(table).where(table.c.id == wanted, table.c.user_id == user_id)
    row = None if wanted is None else conn.execute(query).one_or_none()
    if row is None:
        raise NotFound(f"No such {noun}.")
    return row


def insert_id(conn: Connection, table: Table, **values: object) -> int:
    return conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()


def update_owned(
    conn: Connection, table: Table, user_id: int, row_id: int, **values: object
) -> None:
    owned = (table.c.id == row_id, table.c.user_id == user_id)
    conn.execute(update(table).where(*owned).values(**values))
