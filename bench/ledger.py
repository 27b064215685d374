"""The benchmark's transactions as a beancount ledger, for the peer (Fava) to read.

Same rows, same amounts: each transaction posts between its account (Assets, or Liabilities for
the credit card) and its category (Expenses:<Category> or Income:<Category>); a transfer is one
beancount transaction between the two accounts (its outgoing leg; the incoming leg is the other
posting). Opening balances come from Equity:Opening-Balances the day before the first row.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, and_, select

from data.schema import accounts, categories, transactions

TITLE = "Bench"
SLUG = "bench"
OPENING_DAY = date(1970, 1, 1)
_NOT_ACCOUNT_CHARACTERS = re.compile(r"[^A-Za-z0-9]+")


def account_name(root: str, name: str) -> str:
    """'Dining Out' -> 'Expenses:Dining-Out': beancount components are letters, digits, dashes."""
    component = _NOT_ACCOUNT_CHARACTERS.sub("-", name).strip("-")
    return f"{root}:{component[:1].upper()}{component[1:]}"


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d} EUR"


def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _accounts(engine: Engine, user_id: int) -> dict[int, tuple[str, int]]:
    query = select(
        accounts.c.id, accounts.c.name, accounts.c.type, accounts.c.opening_balance_minor
    )
    with engine.connect() as conn:
        rows = conn.execute(query.where(accounts.c.user_id == user_id)).all()
    return {
        row.id: (
            account_name("Liabilities" if row.type == "credit_card" else "Assets", row.name),
            row.opening_balance_minor,
        )
        for row in rows
    }


def _categories(engine: Engine, user_id: int) -> dict[int, str]:
    query = select(categories.c.id, categories.c.name, categories.c.kind)
    with engine.connect() as conn:
        rows = conn.execute(query.where(categories.c.user_id == user_id)).all()
    roots = {"income": "Income", "expense": "Expenses", "transfer": "Equity"}
    return {row.id: account_name(roots[row.kind], row.name) for row in rows}


def write_ledger(engine: Engine, user_id: int, path: Path) -> int:
    """Write the user's transactions to `path`; returns how many beancount transactions."""
    ledger_accounts = _accounts(engine, user_id)
    category_accounts = _categories(engine, user_id)
    peer = transactions.alias("peer")
    t = transactions.c
    query = (
        select(
            t.date,
            t.account_id,
            t.amount_minor,
            t.payee,
            t.memo,
            t.category_id,
            t.transfer_peer_id,
            peer.c.account_id.label("peer_account_id"),
        )
        .select_from(
            transactions.outerjoin(
                peer, and_(peer.c.id == t.transfer_peer_id, peer.c.user_id == t.user_id)
            )
        )
        .where(t.user_id == user_id)
        .order_by(t.date, t.id)
    )
    written = 0
    with path.open("w", encoding="utf-8") as out, engine.connect() as conn:
        first = conn.execute(select(t.date).where(t.user_id == user_id).order_by(t.date).limit(1))
        first_day = first.scalar_one()
        out.write(f'option "title" {quoted(TITLE)}\noption "operating_currency" "EUR"\n\n')
        opened = sorted(
            {name for name, _ in ledger_accounts.values()}
            | set(category_accounts.values())
            | {"Equity:Opening-Balances", "Expenses:Uncategorised", "Income:Uncategorised"}
        )
        out.writelines(f"{OPENING_DAY} open {name}\n" for name in opened)
        out.write(f'\n{first_day - timedelta(days=1)} * "Opening balances"\n')
        for name, opening in ledger_accounts.values():
            out.write(f"  {name}  {money(opening)}\n")
        out.write("  Equity:Opening-Balances\n")
        for row in conn.execution_options(yield_per=10_000).execute(query):
            if row.transfer_peer_id is not None and row.amount_minor > 0:
                continue  # the incoming leg: the outgoing one already posts it
            if row.transfer_peer_id is not None:
                other = ledger_accounts[row.peer_account_id][0]
            elif row.category_id is not None:
                other = category_accounts[row.category_id]
            else:
                other = "Income:Uncategorised" if row.amount_minor > 0 else "Expenses:Uncategorised"
            out.write(
                f"\n{row.date} * {quoted(row.payee)} {quoted(row.memo)}\n"
                f"  {ledger_accounts[row.account_id][0]}  {money(row.amount_minor)}\n"
                f"  {other}\n"
            )
            written += 1
    return written


def append_purchase(path: Path, day: date, payee: str) -> None:
    """A change to the ledger as an editor saves it: one more transaction at the end."""
    with path.open("a", encoding="utf-8") as out:
        out.write(
            f'\n{day} * {quoted(payee)} ""\n'
            f"  {account_name('Assets', 'Everyday Checking')}  {money(-1234)}\n"
            f"  {account_name('Expenses', 'Groceries')}\n"
        )
