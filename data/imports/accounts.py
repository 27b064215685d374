"""Which account a statement is for: remembered from the bank's id of it (IBAN, OFX account).

The first import of a file that names its account stores that id on the account the person
chose; the next file naming it picks the same account by itself.
"""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from data.ownership import owned_row
from data.schema import accounts


def account_for_key(engine: Engine, user_id: int, statement_key: str | None) -> int | None:
    if not statement_key:
        return None
    query = select(accounts.c.id).where(
        accounts.c.user_id == user_id, accounts.c.statement_key == statement_key[:64]
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def remember_key(engine: Engine, user_id: int, account_id: int, statement_key: str | None) -> None:
    """Store the bank's id on the account, taking it off another account that had it."""
    if not statement_key:
        return
    key = statement_key[:64]
    with engine.begin() as conn:
        account = owned_row(conn, accounts, user_id, account_id, "account")
        conn.execute(
            update(accounts)
            .where(accounts.c.user_id == user_id, accounts.c.statement_key == key)
            .values(statement_key=None)
        )
        conn.execute(update(accounts).where(accounts.c.id == account.id).values(statement_key=key))
