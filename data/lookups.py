"""Small reads for forms and the grid: lists, one-row lookups, suggestions.

Every function takes `engine` then `user_id`, and any id from a caller is looked up together
with its owner, so another user's id simply finds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    RowMapping,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from data import tags
from data.classification import WITH_LINES
from data.conversion import CurrencyPlan, converted, currency_plan
from data.db import connection
from data.entries import Entry, Transaction, split_from_row, transaction_from_row
from data.filters import Filters
from data.frames import frame_of
from data.rollup_days import DailyGroups, moved_by_account
from data.rollup_reads import rollups_allowed
from data.schema import (
    accounts,
    budgets,
    categories,
    category_groups,
    receipts,
    transaction_splits,
    transactions,
    users,
)
from data.validation import as_id

# The escape character of every LIKE pattern built from user text.
LIKE_ESCAPE = "\\"
PAGE_SIZE_MAX = 500
_SUGGESTIONS_MAX = 100
# Text sorts ignore case; NULLs (no category) always sort last.
_SORTABLE = {
    "date": transactions.c.date,
    "amount_minor": transactions.c.amount_minor,
    "payee": func.lower(transactions.c.payee),
    "account": func.lower(accounts.c.name),
    "category": func.lower(categories.c.name),
}
_NULLABLE_SORTS = frozenset({"category"})
_DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class TransactionsPage:
    """One page of the grid, and the count and sum of every row the filters select."""

    rows: pd.DataFrame
    total_count: int
    # In the reporting currency; rows of another currency without a rate are not in it.
    total_minor: int
    unconverted_count: int = 0


def escape_like(text: str) -> str:
    """User text as a literal inside a LIKE pattern: its `%`, `_` and `\\` match themselves."""
    for special in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, LIKE_ESCAPE + special)
    return text


def read_frame(engine: Engine, query: Select) -> pd.DataFrame:
    """The result of an already-aggregated or already-limited query, as a DataFrame."""
    with connection(engine) as conn:
        result = conn.execute(query)
        return frame_of(result, list(result.keys()))


def data_version(engine: Engine, user_id: int) -> int:
    """The user's write counter, the cache key of every read model. LookupError if no such user."""
    query = select(users.c.data_version).where(users.c.id == user_id)
    with connection(engine) as conn:
        version = conn.execute(query).scalar_one_or_none()
    if version is None:
        raise LookupError(f"no user with id {user_id}")
    return int(version)


def list_accounts(engine: Engine, user_id: int, include_archived: bool = False) -> pd.DataFrame:
    """DataFrame[id, name, type, currency, archived, opening_balance_minor], by name."""
    query = select(
        accounts.c.id,
        accounts.c.name,
        accounts.c.type,
        accounts.c.currency,
        accounts.c.archived,
        accounts.c.opening_balance_minor,
    ).where(accounts.c.user_id == user_id)
    if not include_archived:
        query = query.where(not_(accounts.c.archived))
    frame = read_frame(engine, query.order_by(accounts.c.name, accounts.c.id))
    return frame.astype({"id": "int64", "archived": "bool", "opening_balance_minor": "int64"})


def list_categories(engine: Engine, user_id: int, include_archived: bool = False) -> pd.DataFrame:
    """DataFrame[id, name, kind, parent_id, color, archived, group_id, group], by name;
    parent_id, group_id and group (the group's name) are NA for none."""
    group = category_groups.c
    query = (
        select(
            categories.c.id,
            categories.c.name,
            categories.c.kind,
            categories.c.parent_id,
            categories.c.color,
            categories.c.archived,
            categories.c.group_id,
            group.name.label("group"),
        )
        .select_from(
            categories.outerjoin(
                category_groups,
                and_(group.id == categories.c.group_id, group.user_id == categories.c.user_id),
            )
        )
        .where(categories.c.user_id == user_id)
    )
    if not include_archived:
        query = query.where(not_(categories.c.archived))
    frame = read_frame(engine, query.order_by(categories.c.name, categories.c.id))
    return frame.astype(
        {"id": "int64", "parent_id": "Int64", "archived": "bool", "group_id": "Int64"}
    )


def list_category_groups(engine: Engine, user_id: int) -> pd.DataFrame:
    """DataFrame[id, name, categories (how many categories are in the group)], by name."""
    members = (
        select(func.count())
        .where(
            categories.c.group_id == category_groups.c.id,
            categories.c.user_id == category_groups.c.user_id,
        )
        .scalar_subquery()
    )
    query = (
        select(category_groups.c.id, category_groups.c.name, members.label("categories"))
        .where(category_groups.c.user_id == user_id)
        .order_by(category_groups.c.name, category_groups.c.id)
    )
    return read_frame(engine, query).astype({"id": "int64", "categories": "int64"})


def transaction_rows() -> Select:
    """The columns of a transaction as the grid and the edit form show it; add the owner's WHERE.

    Columns: id, date, account_id, account, category_id, category (NULL when uncategorised),
    payee, memo, amount_minor, transfer_peer_id, receipt_id, currency (the account's).
    """
    return select(
        transactions.c.id,
        transactions.c.date,
        transactions.c.account_id,
        accounts.c.name.label("account"),
        transactions.c.category_id,
        categories.c.name.label("category"),
        transactions.c.payee,
        transactions.c.memo,
        transactions.c.amount_minor,
        transactions.c.transfer_peer_id,
        transactions.c.receipt_id,
        accounts.c.currency,
    ).select_from(
        transactions.join(
            accounts,
            and_(
                accounts.c.id == transactions.c.account_id,
                accounts.c.user_id == transactions.c.user_id,
            ),
        ).outerjoin(
            categories,
            and_(
                categories.c.id == transactions.c.category_id,
                categories.c.user_id == transactions.c.user_id,
            ),
        )
    )


def get_transaction(engine: Engine, user_id: int, transaction_id: int) -> dict[str, Any] | None:
    """One transaction of this user (the columns of `transaction_rows`), or None."""
    query = transaction_rows().where(
        transactions.c.user_id == user_id, transactions.c.id == transaction_id
    )
    with connection(engine) as conn:
        row = conn.execute(query).mappings().one_or_none()
    return dict(row) if row is not None else None


def get_receipt(engine: Engine, user_id: int, receipt_id: object) -> dict[str, Any] | None:
    """One receipt row of this user, or None; also None for an id no row can have."""
    wanted = as_id(receipt_id)
    if wanted is None:
        return None
    query = select(receipts).where(receipts.c.user_id == user_id, receipts.c.id == wanted)
    with connection(engine) as conn:
        row = conn.execute(query).mappings().one_or_none()
    return dict(row) if row is not None else None


def stored_transaction(engine: Engine, user_id: int, transaction_id: int) -> Transaction | None:
    """One transaction of this user as its value type (every field, shown or not), or None."""
    query = select(transactions).where(
        transactions.c.user_id == user_id, transactions.c.id == transaction_id
    )
    with connection(engine) as conn:
        row = conn.execute(query).mappings().one_or_none()
        return None if row is None else _values_of(conn, user_id, [row])[0]


def get_entry(engine: Engine, user_id: int, transaction_id: int) -> Entry | None:
    """The entry a transaction of this user belongs to, as stored: the transaction, or both
    legs of its transfer (outflow first) with the submission key they were entered with."""
    own = (transactions.c.user_id == user_id,)
    with connection(engine) as conn:
        query = select(transactions).where(*own, transactions.c.id == transaction_id)
        row = conn.execute(query).mappings().one_or_none()
        if row is None:
            return None
        rows = [row]
        if row["transfer_peer_id"] is not None:
            peer = select(transactions).where(*own, transactions.c.id == row["transfer_peer_id"])
            rows += conn.execute(peer).mappings().all()
        rows.sort(key=lambda leg: leg["amount_minor"])
        legs = tuple(_values_of(conn, user_id, rows))
    return Entry(legs, submission_key=rows[0]["submission_key"])


def _values_of(conn: Connection, user_id: int, rows: list[RowMapping]) -> list[Transaction]:
    """Rows of `transactions` as their value type, with their parts and tags, in order."""
    ids = [row["id"] for row in rows]
    parts = _split_rows(conn, user_id, ids)
    part_ids = [part["id"] for of_one in parts.values() for part in of_one]
    part_tags = tags.names_by_split(conn, user_id, part_ids)
    own_tags = tags.names_by_transaction(conn, user_id, ids)
    values = []
    for row in rows:
        splits = tuple(
            split_from_row(part, part_tags.get(part["id"], ())) for part in parts.get(row["id"], [])
        )
        values.append(transaction_from_row(row, splits, own_tags.get(row["id"], ())))
    return values


def split_parts(engine: Engine, user_id: int, transaction_ids: Sequence[int]) -> pd.DataFrame:
    """DataFrame[transaction_id, position, category_id, category, amount_minor, memo]: the
    parts of these transactions of this user, in order (the grid shows them under their row)."""
    s, c = transaction_splits.c, categories.c
    query = (
        select(
            s.transaction_id,
            s.position,
            s.category_id,
            c.name.label("category"),
            s.amount_minor,
            s.memo,
        )  # fmt: skip
        .select_from(
            transaction_splits.outerjoin(
                categories, and_(c.id == s.category_id, c.user_id == s.user_id)
            )
        )
        .where(s.user_id == user_id, s.transaction_id.in_(list(transaction_ids)))
        .order_by(s.transaction_id, s.position)
    )
    frame = read_frame(engine, query)
    return frame.astype(
        {"transaction_id": "int64", "position": "int64", "category_id": "Int64",
         "amount_minor": "int64"}
    )  # fmt: skip


def _split_rows(
    conn: Connection, user_id: int, transaction_ids: list[int]
) -> dict[int, list[RowMapping]]:
    query = (
        select(transaction_splits)
        .where(
            transaction_splits.c.user_id == user_id,
            transaction_splits.c.transaction_id.in_(transaction_ids),
        )
        .order_by(transaction_splits.c.transaction_id, transaction_splits.c.position)
    )
    parts: dict[int, list[RowMapping]] = {}
    for part in conn.execute(query).mappings():
        parts.setdefault(part["transaction_id"], []).append(part)
    return parts


def receipt_stored_as(engine: Engine, user_id: int, storage_name: str) -> bool:
    """Whether a receipt row of this user names this stored file."""
    query = select(receipts.c.id).where(
        receipts.c.user_id == user_id, receipts.c.storage_name == storage_name
    )
    with connection(engine) as conn:
        return conn.execute(query).first() is not None


@dataclass(frozen=True)
class GridRequest:
    """Which rows of the filtered transactions the grid asks for.

    `search` matches payee or memo, any case, as a literal substring. `sort` is a tuple of
    (column, "asc" | "desc") over date, amount_minor, payee, account and category. limit is
    clamped to 1..PAGE_SIZE_MAX, offset to >= 0.
    """

    search: str | None = None
    sort: tuple[tuple[str, str], ...] = (("date", "desc"),)
    offset: int = 0
    limit: int = 50


def grid_conditions(
    user_id: int, filters: Filters, search: str | None = None
) -> list[ColumnElement[bool]]:
    """The grid's WHERE on `transactions`: the filters (the owner's first) and the search,
    which matches payee, memo or a part's memo, any case, as a literal substring. The export
    reads the same."""
    return filters.conditions(user_id) + _search_condition(user_id, search)


def transactions_page(
    engine: Engine, user_id: int, filters: Filters, request: GridRequest = GridRequest()
) -> TransactionsPage:
    """A page of the filtered transactions, for the server-side grid.

    Transfers are listed (they are transactions) and every filter applies, categories too.
    Ties of the sort go to the newest id, so pages never overlap. Raises ValueError for an
    unknown sort column or direction.
    """
    offset, limit = request.offset, request.limit
    order_by = _order_by(request.sort)
    conditions = grid_conditions(user_id, filters, request.search)
    page_query = (
        transaction_rows()
        .where(*conditions)
        .order_by(*order_by)
        .offset(max(0, offset))
        .limit(max(1, min(limit, PAGE_SIZE_MAX)))
    )
    rows = read_frame(engine, page_query).astype(
        {
            "id": "int64",
            "account_id": "int64",
            "category_id": "Int64",
            "amount_minor": "int64",
            "transfer_peer_id": "Int64",
            "receipt_id": "Int64",
        }
    )
    with connection(engine) as conn:
        rolled = _rolled_up_totals(conn, engine, user_id, filters, request.search)
        if rolled is None:
            totals_query = _grid_totals(engine, user_id, filters, request.search, conditions)
            total_count, total_minor, unconverted_count = conn.execute(totals_query).one()
        else:
            total_count, total_minor, unconverted_count = rolled
        parts = _split_rows(conn, user_id, rows["id"].tolist()) if len(rows) else {}
    rows["parts"] = [len(parts.get(row_id, ())) for row_id in rows["id"].tolist()]
    return TransactionsPage(rows, total_count, total_minor, int(unconverted_count or 0))


def _rolled_up_totals(
    conn: Connection, engine: Engine, user_id: int, filters: Filters, search: str | None
) -> tuple[int, int, int] | None:
    """The grid's totals from daily_rollups (data/rollup_days.py) when only dates and accounts
    filter (None otherwise, or within base_table_only()): the groups' lines and sums, less the
    extra lines of split transactions (a split is one row of the grid, its parts several
    lines), plus the accounts in another currency from the base table."""
    if not rollups_allowed() or search and search.strip():
        return None
    if filters.category_ids or filters.tag_ids or filters.payee is not None:
        return None
    plan = currency_plan(engine, user_id)
    foreign = plan.account_ids()
    groups = DailyGroups(user_id, foreign)
    lines, total = conn.execute(
        select(
            cast(func.coalesce(func.sum(groups.line_count), 0), BigInteger),
            cast(func.coalesce(func.sum(groups.flow), 0), BigInteger),
        ).where(*groups.conditions(filters.date_from, filters.date_to, filters.account_ids))
    ).one()
    parts = transaction_splits.c
    domestic = [transactions.c.account_id.not_in(foreign)] if foreign else []
    # Driven by the user's parts (few next to the rows), each joined to its row by key.
    extra_lines = conn.execute(
        select(func.count() - func.count(parts.transaction_id.distinct()))
        .select_from(
            transaction_splits.join(
                transactions,
                and_(
                    transactions.c.id == parts.transaction_id,
                    transactions.c.user_id == parts.user_id,
                ),
            )
        )
        .where(parts.user_id == user_id, *filters.conditions(user_id), *domestic)
    ).scalar_one()
    count, unconverted = int(lines) - int(extra_lines), 0
    if foreign:
        rows = converted(
            plan, user_id, filters.date_from, filters.date_to, transactions.c.amount_minor
        )
        in_foreign = transactions.c.account_id.in_(foreign)
        sums = _converted_sums(plan, rows.amount)
        foreign_count, foreign_total, unconverted = conn.execute(
            select(func.count(), *sums)
            .select_from(rows.join(transactions))
            .where(*filters.conditions(user_id), in_foreign)
        ).one()
        count += int(foreign_count)
        total += int(foreign_total)
    return count, int(total), int(unconverted or 0)


def _grid_totals(
    engine: Engine,
    user_id: int,
    filters: Filters,
    search: str | None,
    conditions: list[ColumnElement[bool]],
) -> Select:
    """The count and sum (in the reporting currency) of the grid's rows, and how many had no
    rate. Under a category or tag filter a split counts its matching parts only, so the lines
    are read; otherwise the rows alone, without a join."""
    plan = currency_plan(engine, user_id)
    if not (filters.category_ids or filters.tag_ids):
        rows = converted(
            plan, user_id, filters.date_from, filters.date_to, transactions.c.amount_minor
        )
        sums = _converted_sums(plan, rows.amount)
        return select(func.count(), *sums).select_from(rows.join(transactions)).where(*conditions)
    lines = converted(plan, user_id, filters.date_from, filters.date_to)
    return (
        select(func.count(transactions.c.id.distinct()), *_converted_sums(plan, lines.amount))
        .select_from(lines.join(WITH_LINES))
        .where(*filters.conditions(user_id, lines=True), *_search_condition(user_id, search))
    )


def _converted_sums(plan: CurrencyPlan, amount: ColumnElement[int]) -> tuple[ColumnElement, ...]:
    """The sum, and how many rows had no rate (none to count with one currency)."""
    total = cast(func.coalesce(func.sum(amount), 0), BigInteger)
    if not plan.foreign:
        return total, literal(0)
    return total, func.count(case((amount.is_(None), 1)))


def _search_condition(user_id: int, search: str | None) -> list[ColumnElement[bool]]:
    """`search` in the payee, the memo or a part's memo: any case, a literal substring."""
    if not search or not search.strip():
        return []
    pattern = f"%{escape_like(search.strip())}%"
    parts = transaction_splits.c
    # IN, not a correlated EXISTS: the parts are read once, not probed for each of a million
    # rows (text search at 1M: 609 -> see docs/PERFORMANCE.md).
    with_part_memo = select(parts.transaction_id).where(
        parts.user_id == user_id, parts.memo.ilike(pattern, escape=LIKE_ESCAPE)
    )
    return [
        or_(
            transactions.c.payee.ilike(pattern, escape=LIKE_ESCAPE),
            transactions.c.memo.ilike(pattern, escape=LIKE_ESCAPE),
            transactions.c.id.in_(with_part_memo),
        )
    ]


def _order_by(sort: tuple[tuple[str, str], ...]) -> list[ColumnElement[Any]]:
    order_by: list[ColumnElement[Any]] = []
    for column, direction in sort:
        if column not in _SORTABLE:
            raise ValueError(f"cannot sort by {column!r}; choose from {', '.join(_SORTABLE)}")
        if direction not in _DIRECTIONS:
            raise ValueError(f"sort direction must be 'asc' or 'desc', not {direction!r}")
        expression = _SORTABLE[column]
        ordered = expression.asc() if direction == "asc" else expression.desc()
        # Only the category can be NULL (uncategorised rows). NULLS LAST on a NOT NULL column
        # would still stop PostgreSQL from walking the (user_id, date) index backwards: the
        # newest rows of a million took a full sort (220 ms) instead of 2 ms.
        order_by.append(ordered.nulls_last() if column in _NULLABLE_SORTS else ordered)
    order_by.append(transactions.c.id.desc())
    return order_by


def account_balances(
    engine: Engine, user_id: int, as_of: date | None = None, include_archived: bool = False
) -> pd.DataFrame:
    """DataFrame[account_id, account, type, currency, archived, balance_minor], by name.

    The balance is the opening balance plus every transaction up to `as_of` (inclusive; all of
    them when None), transfers included.
    """
    columns = [
        accounts.c.id.label("account_id"),
        accounts.c.name.label("account"),
        accounts.c.type,
        accounts.c.currency,
        accounts.c.archived,
    ]
    if rollups_allowed():
        # From the rollups (data/rollup_days.py): a few hundred rows, not every transaction.
        moved = moved_by_account(user_id, as_of)
        balance = accounts.c.opening_balance_minor + func.coalesce(moved.c.moved, 0)
        query = (
            select(*columns, cast(balance, BigInteger).label("balance_minor"))
            .select_from(accounts.outerjoin(moved, moved.c.account_id == accounts.c.id))
            .where(accounts.c.user_id == user_id)
            .order_by(accounts.c.name)
        )
    else:
        joined = [
            transactions.c.account_id == accounts.c.id,
            transactions.c.user_id == accounts.c.user_id,
        ]
        if as_of is not None:
            joined.append(transactions.c.date <= as_of)
        query = (
            select(
                *columns,
                cast(
                    accounts.c.opening_balance_minor
                    + func.coalesce(func.sum(transactions.c.amount_minor), 0),
                    BigInteger,
                ).label("balance_minor"),
            )
            .select_from(accounts.outerjoin(transactions, and_(*joined)))
            .where(accounts.c.user_id == user_id)
            .group_by(accounts.c.id)
            .order_by(accounts.c.name)
        )
    if not include_archived:
        query = query.where(not_(accounts.c.archived))
    frame = read_frame(engine, query)
    return frame.astype({"account_id": "int64", "archived": "bool", "balance_minor": "int64"})


def payee_suggestions(engine: Engine, user_id: int, prefix: str = "", limit: int = 20) -> list[str]:
    """Payees starting with `prefix` (any case), most used first; empty payees never."""
    conditions = [transactions.c.user_id == user_id, transactions.c.payee != ""]
    if prefix:
        pattern = escape_like(prefix) + "%"
        conditions.append(transactions.c.payee.ilike(pattern, escape=LIKE_ESCAPE))
    query = (
        select(transactions.c.payee)
        .where(*conditions)
        .group_by(transactions.c.payee)
        .order_by(func.count().desc(), transactions.c.payee)
        .limit(max(1, min(limit, _SUGGESTIONS_MAX)))
    )
    with connection(engine) as conn:
        return list(conn.execute(query).scalars())


def last_category_for_payee(engine: Engine, user_id: int, payee: str) -> int | None:
    """The category of the user's latest categorised transaction with exactly this payee.

    Uncategorised rows and archived categories are skipped: the answer pre-fills a form whose
    category list shows only active categories.
    """
    query = (
        select(transactions.c.category_id)
        .join(
            categories,
            and_(
                categories.c.id == transactions.c.category_id,
                categories.c.user_id == transactions.c.user_id,
            ),
        )
        .where(
            transactions.c.user_id == user_id,
            transactions.c.payee == payee,
            not_(categories.c.archived),
        )
        .order_by(transactions.c.date.desc(), transactions.c.id.desc())
        .limit(1)
    )
    with connection(engine) as conn:
        return conn.execute(query).scalar_one_or_none()


def budgets_for_month(engine: Engine, user_id: int, month: date) -> pd.DataFrame:
    """DataFrame[category_id, limit_minor] of the month that contains `month`."""
    query = (
        select(budgets.c.category_id, budgets.c.limit_minor)
        .where(budgets.c.user_id == user_id, budgets.c.month == month.replace(day=1))
        .order_by(budgets.c.category_id)
    )
    return read_frame(engine, query).astype({"category_id": "int64", "limit_minor": "int64"})
