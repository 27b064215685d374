"""The rows an export writes: the grid's filtered transactions, read in batches from a
server-side cursor, so an export of a million rows never holds them all in memory.

The rows are the grid's (lookups.grid_conditions: dates, accounts, categories, payee, search),
ordered by date then id, each with what a writer needs beside it: its category's kind, and for a
transfer leg the other leg's account, a split transaction's parts (`ExportRow.parts`, each with
its category and tags) and the transaction's tags, read for each batch in two more queries.
The writers write one CSV row per part and one posting per part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Engine, Select, and_, func, select

from data import tags
from data.filters import Filters
from data.lookups import grid_conditions
from data.schema import accounts, categories, transaction_splits, transactions

# Rows per fetch from the cursor and per chunk a writer yields.
EXPORT_BATCH_ROWS = 2_000
TRANSFER = "transfer"
INCOME = "income"
EXPENSE = "expense"

_t = transactions.c
_peer = transactions.alias("peer")
_peer_account = accounts.alias("peer_account")


@dataclass(frozen=True)
class ExportRequest:
    """What to export: the grid's filters and its search text (payee or memo, any case)."""

    filters: Filters
    search: str | None = None


@dataclass(frozen=True)
class Category:
    """A category as an export names it."""

    id: int
    name: str
    kind: str


@dataclass(frozen=True)
class Part:
    """One part of a split transaction: its own category, amount (signed, as the parent's) and
    memo. `id` is the part's own row id."""

    id: int | None
    amount_minor: int
    category: Category | None = None
    memo: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportRow:
    """One transaction (one leg of a transfer) with the names an export writes."""

    id: int
    date: dt.date
    account_id: int
    account: str
    currency: str
    amount_minor: int
    payee: str = ""
    memo: str = ""
    category: Category | None = None
    transfer_peer_id: int | None = None
    peer_account_id: int | None = None
    peer_account: str | None = None
    peer_date: dt.date | None = None
    tags: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()

    @property
    def is_transfer(self) -> bool:
        return self.transfer_peer_id is not None


def kind_of(category: Category | None, amount_minor: int, is_transfer: bool = False) -> str:
    """'transfer', 'income' or 'expense', as data/classification.py counts a row: a transfer leg
    or a transfer category is a transfer; otherwise the category's kind, and without one an
    inflow is income and an outflow spending."""
    if is_transfer or (category is not None and category.kind == TRANSFER):
        return TRANSFER
    if category is not None:
        return category.kind
    return INCOME if amount_minor > 0 else EXPENSE


def export_query(user_id: int, request: ExportRequest) -> Select:
    """The rows of the export, ordered by date then id. Every join is on the owner too."""
    columns = (
        _t.id,
        _t.date,
        _t.account_id,
        accounts.c.name.label("account"),
        accounts.c.currency,
        _t.amount_minor,
        _t.payee,
        _t.memo,
        _t.category_id,
        categories.c.name.label("category"),
        categories.c.kind.label("category_kind"),
        _t.transfer_peer_id,
        _peer.c.account_id.label("peer_account_id"),
        _peer_account.c.name.label("peer_account"),
        _peer.c.date.label("peer_date"),
    )
    owned = _t.user_id
    joined = (
        transactions.join(
            accounts, and_(accounts.c.id == _t.account_id, accounts.c.user_id == owned)
        )
        .outerjoin(
            categories, and_(categories.c.id == _t.category_id, categories.c.user_id == owned)
        )
        .outerjoin(_peer, and_(_peer.c.id == _t.transfer_peer_id, _peer.c.user_id == owned))
        .outerjoin(
            _peer_account,
            and_(_peer_account.c.id == _peer.c.account_id, _peer_account.c.user_id == owned),
        )
    )
    return (
        select(*columns)
        .select_from(joined)
        .where(*grid_conditions(user_id, request.filters, request.search))
        .order_by(_t.date, _t.id)
    )


def export_row(row: Mapping[Any, Any]) -> ExportRow:
    category = (
        None
        if row["category_id"] is None or row["category"] is None
        else Category(int(row["category_id"]), row["category"], row["category_kind"])
    )
    peer_id = row["transfer_peer_id"]
    return ExportRow(
        id=int(row["id"]),
        date=_as_date(row["date"]),
        account_id=int(row["account_id"]),
        account=row["account"],
        currency=row["currency"],
        amount_minor=int(row["amount_minor"]),
        payee=row["payee"] or "",
        memo=row["memo"] or "",
        category=category,
        transfer_peer_id=None if peer_id is None else int(peer_id),
        peer_account_id=None if row["peer_account_id"] is None else int(row["peer_account_id"]),
        peer_account=row["peer_account"],
        peer_date=None if row["peer_date"] is None else _as_date(row["peer_date"]),
    )


def export_batches(
    engine: Engine, user_id: int, request: ExportRequest, batch_rows: int = EXPORT_BATCH_ROWS
) -> Iterator[list[ExportRow]]:
    """The export's rows, `batch_rows` at a time, fetched as they are yielded.

    yield_per streams from a server-side cursor on PostgreSQL and steps SQLite's cursor a batch
    at a time: only one batch is ever in memory. The connection stays open while the caller
    iterates (a streamed response holds it until its last chunk).
    """
    query = export_query(user_id, request)
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=max(1, batch_rows)).execute(query)
        for partition in result.mappings().partitions():
            rows = with_parts_and_tags(engine, user_id, [export_row(row) for row in partition])
            yield [_parts_in(row, request.filters.category_ids) for row in rows]


def with_parts_and_tags(engine: Engine, user_id: int, rows: list[ExportRow]) -> list[ExportRow]:
    """The rows with their parts and tags, read on a connection of their own (the batch's
    cursor is still open on the other)."""
    ids = [row.id for row in rows]
    s, c = transaction_splits.c, categories.c
    query = (
        select(
            s.id,
            s.transaction_id,
            s.amount_minor,
            s.memo,
            c.id.label("category_id"),
            c.name.label("category"),
            c.kind.label("category_kind"),
        )  # fmt: skip
        .select_from(
            transaction_splits.outerjoin(
                categories, and_(c.id == s.category_id, c.user_id == s.user_id)
            )
        )
        .where(s.user_id == user_id, s.transaction_id.in_(ids))
        .order_by(s.transaction_id, s.position)
    )
    with engine.connect() as conn:
        part_rows = conn.execute(query).mappings().all()
        part_tags = tags.names_by_split(conn, user_id, [part["id"] for part in part_rows])
        own_tags = tags.names_by_transaction(conn, user_id, ids)
    parts: dict[int, list[Part]] = {}
    for part in part_rows:
        category = None
        if part["category_id"] is not None:
            category = Category(int(part["category_id"]), part["category"], part["category_kind"])
        parts.setdefault(part["transaction_id"], []).append(
            Part(
                int(part["id"]),
                int(part["amount_minor"]),
                category,
                part["memo"] or "",
                tuple(part_tags.get(part["id"], ())),
            )  # fmt: skip
        )
    return [
        replace(row, parts=tuple(parts.get(row.id, ())), tags=tuple(own_tags.get(row.id, ())))
        for row in rows
    ]


def _parts_in(row: ExportRow, category_ids: tuple[int, ...]) -> ExportRow:
    """Under a category filter, a split's parts in those categories only: the grid's totals
    count those, and the export adds up to them."""
    if not category_ids or not row.parts:
        return row
    kept = tuple(p for p in row.parts if p.category is not None and p.category.id in category_ids)
    return replace(row, parts=kept)


def first_date(engine: Engine, user_id: int) -> date | None:
    """The day of the user's earliest transaction, whatever any filter says; None if none."""
    query = select(func.min(_t.date)).where(_t.user_id == user_id)
    with engine.connect() as conn:
        value = conn.execute(query).scalar_one_or_none()
    return None if value is None else _as_date(value)


def _as_date(value: Any) -> date:
    # SQLite's MIN() over a DATE column returns the stored text, not a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
