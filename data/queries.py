"""Read side: parametrised SQL aggregates -> pandas DataFrames.

SQL groups and sums; pandas only fills missing months, pivots and derives columns, so no
function ever reads the transactions table row by row. Money columns are int64 minor units.
What counts as income, spending or a transfer is data/classification.py's; lists and one-row
lookups are data/lookups.py's; the budget read model is data/budget_status.py's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, TypedDict

import pandas as pd
from sqlalchemy import Engine, Select, and_, case, exists, func, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from data.classification import (
    IS_INCOME,
    IS_SPENDING,
    UNCATEGORISED,
    WITH_CATEGORY,
    money_sum,
)
from data.conversion import balances_in_reporting, in_reporting
from data.db import connection, month_bucket
from data.filters import Filters
from data.lookups import read_frame
from data.months import month_keys
from data.rollup_reads import RolledUp, rolled_up, rolled_up_moves, rolled_up_payees
from data.schema import (
    accounts,
    categories,
    split_tags,
    tags,
    transaction_splits,
    transaction_tags,
    transactions,
    users,
)

_t = transactions.c
_c = categories.c


# The money keys of Totals, for code that goes through them by name.
MoneyTotal = Literal["income_minor", "spending_minor", "net_minor"]


class Totals(TypedDict):
    """Money in minor units; savings_rate is net / income, None unless income > 0."""

    income_minor: int
    spending_minor: int
    net_minor: int
    savings_rate: float | None


def totals(engine: Engine, user_id: int, filters: Filters) -> Totals:
    """income_minor, spending_minor, net_minor and savings_rate (None unless income > 0)."""
    rolled = rolled_up(engine, user_id, filters)
    if rolled is not None:
        query = select(money_sum(rolled.income), money_sum(rolled.spending)).select_from(
            rolled.source
        )
    else:
        conversion = in_reporting(engine, user_id, filters.date_from, filters.date_to)
        amount = conversion.amount
        query = (
            select(
                money_sum(case((IS_INCOME, amount), else_=0)),
                money_sum(case((IS_SPENDING, -amount), else_=0)),
            )
            .select_from(conversion.join(WITH_CATEGORY))
            .where(*filters.conditions(user_id, lines=True))
        )
    with connection(engine) as conn:
        income, spending = conn.execute(query).one()
    net = income - spending
    return {
        "income_minor": income,
        "spending_minor": spending,
        "net_minor": net,
        "savings_rate": net / income if income > 0 else None,
    }


def spending_by_category(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """DataFrame[category_id, category, color, spending_minor], biggest first.

    Categories whose net spending is zero or negative (refunds only) are left out;
    uncategorised outflows are one row named UNCATEGORISED with category_id NA.
    """
    rolled = rolled_up(engine, user_id, filters)
    if rolled is not None:
        query = _by_category_rolled_up(rolled)
    else:
        conversion = in_reporting(engine, user_id, filters.date_from, filters.date_to)
        amount = conversion.amount
        query = (
            select(
                _c.id.label("category_id"),
                _c.name.label("category"),
                _c.color,
                money_sum(-amount, "spending_minor"),
            )
            .select_from(conversion.join(WITH_CATEGORY))
            .where(*filters.conditions(user_id, lines=True), IS_SPENDING)
            .group_by(_c.id, _c.name, _c.color)
            .having(func.sum(-amount) > 0)
        )
    frame = _with_category_label(read_frame(engine, query))
    frame = frame.astype({"category_id": "Int64", "spending_minor": "int64"})
    return frame.sort_values(
        ["spending_minor", "category"], ascending=[False, True], ignore_index=True
    )


def _by_category_rolled_up(rolled: RolledUp) -> Select:
    return (
        select(
            _c.id.label("category_id"),
            _c.name.label("category"),
            _c.color,
            money_sum(rolled.spending, "spending_minor"),
        )
        .select_from(rolled.source)
        .where(rolled.is_spending)
        .group_by(_c.id, _c.name, _c.color)
        .having(func.sum(rolled.spending) > 0)
    )


def spending_by_tag(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """DataFrame[tag_id, tag, spending_minor]: net spending of the lines with each tag, biggest
    first. A line counts once for every tag it has (its transaction's or its part's), so the
    tags' sums can add up to more than the spending: a holiday dinner is "holiday" and "food".
    Tags whose net spending is zero or negative are left out."""
    _tt, _st = transaction_tags.c, split_tags.c
    conversion = in_reporting(engine, user_id, filters.date_from, filters.date_to)
    amount = conversion.amount
    on_transaction = (
        select(_tt.tag_id.label("tag_id"), (-amount).label("amount"))
        .select_from(
            conversion.join(WITH_CATEGORY).join(transaction_tags, _tt.transaction_id == _t.id)
        )
        .where(*filters.conditions(user_id, lines=True), IS_SPENDING)
    )
    # A part's own tag, unless its transaction has that tag too (counted above already).
    also_on_transaction = (
        select(_tt.tag_id)
        .where(_tt.transaction_id == _t.id, _tt.tag_id == _st.tag_id)
        .correlate(transactions, split_tags)
    )
    on_part = (
        select(_st.tag_id.label("tag_id"), (-amount).label("amount"))
        .select_from(
            conversion.join(WITH_CATEGORY).join(split_tags, _st.split_id == transaction_splits.c.id)
        )
        .where(*filters.conditions(user_id, lines=True), IS_SPENDING, ~exists(also_on_transaction))
    )
    lines = union_all(on_transaction, on_part).subquery()
    query = (
        select(
            tags.c.id.label("tag_id"),
            tags.c.name.label("tag"),
            money_sum(lines.c.amount, "spending_minor"),
        )
        .select_from(lines.join(tags, tags.c.id == lines.c.tag_id))
        .where(tags.c.user_id == user_id)
        .group_by(tags.c.id, tags.c.name)
        .having(func.sum(lines.c.amount) > 0)
    )
    frame = read_frame(engine, query).astype({"tag_id": "int64", "spending_minor": "int64"})
    return frame.sort_values(["spending_minor", "tag"], ascending=[False, True], ignore_index=True)


def income_spending_by_month(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """DataFrame[month, income_minor, spending_minor, net_minor]: every month of the range."""
    rolled = rolled_up(engine, user_id, filters)
    if rolled is not None:
        query = (
            select(
                rolled.month.label("month"),
                money_sum(rolled.income, "income_minor"),
                money_sum(rolled.spending, "spending_minor"),
            )
            .select_from(rolled.source)
            .group_by(rolled.month)
        )
    else:
        month = month_bucket(_t.date)
        conversion = in_reporting(engine, user_id, filters.date_from, filters.date_to)
        amount = conversion.amount
        query = (
            select(
                month.label("month"),
                money_sum(case((IS_INCOME, amount), else_=0), "income_minor"),
                money_sum(case((IS_SPENDING, -amount), else_=0), "spending_minor"),
            )
            .select_from(conversion.join(WITH_CATEGORY))
            .where(*filters.conditions(user_id, lines=True))
            .group_by(month)
        )
    sums = read_frame(engine, query).set_index("month")
    frame = sums.reindex(month_keys(filters.date_from, filters.date_to), fill_value=0)
    frame = frame.astype("int64").rename_axis("month").reset_index()
    frame["net_minor"] = frame["income_minor"] - frame["spending_minor"]
    return frame


def spending_by_month_category(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """Wide DataFrame: index month (every month of the range), one int64 column per category.

    Columns are the categories with positive net spending over the range, biggest first (the
    same set as spending_by_category); a month can be negative when refunds exceed purchases.
    """
    with connection(engine) as conn:
        rows = conn.execute(month_category_query(engine, user_id, filters)).all()
    return month_category_frame(rows, month_keys(filters.date_from, filters.date_to))


def month_category_query(engine: Engine, user_id: int, filters: Filters) -> Select:
    """(month, category name or None, spending_minor) per month and category."""
    rolled = rolled_up(engine, user_id, filters)
    if rolled is not None:
        query = (
            select(
                rolled.month.label("month"),
                _c.name.label("category"),
                money_sum(rolled.spending, "spending_minor"),
            )
            .select_from(rolled.source)
            .where(rolled.is_spending)
            .group_by(rolled.month, _c.id, _c.name)
        )
    else:
        month = month_bucket(_t.date)
        conversion = in_reporting(engine, user_id, filters.date_from, filters.date_to)
        amount = conversion.amount
        query = (
            select(
                month.label("month"),
                _c.name.label("category"),
                money_sum(-amount, "spending_minor"),
            )
            .select_from(conversion.join(WITH_CATEGORY))
            .where(*filters.conditions(user_id, lines=True), IS_SPENDING)
            .group_by(month, _c.id, _c.name)
        )
    return query


def month_category_frame(rows: Sequence[Sequence[Any]], months: list[str]) -> pd.DataFrame:
    """spending_by_month_category's frame from its (month, category name or None,
    spending_minor) rows: a column per category label (None is UNCATEGORISED) with the sum in
    each of `months`; only the labels whose sum over the range is positive, biggest first,
    equal sums by label. Plain Python: the pandas pivot_table was ~8 ms of a cold overview."""
    position = {month: index for index, month in enumerate(months)}
    by_label: dict[str, list[int]] = {}
    totals: dict[str, int] = {}
    for month, category, spent in rows:
        label = UNCATEGORISED if category is None else category
        sums = by_label.setdefault(label, [0] * len(months))
        if month in position:
            sums[position[month]] += int(spent)
        totals[label] = totals.get(label, 0) + int(spent)
    kept = sorted(label for label in by_label if totals[label] > 0)
    # Stable: equal sums stay in label order, as pandas' stable sort_values kept them.
    kept.sort(key=lambda label: totals[label], reverse=True)
    return pd.DataFrame(
        {label: by_label[label] for label in kept},
        index=pd.Index(months, name="month"),
        columns=pd.Index(kept, dtype="str"),
        dtype="int64",
    )


def top_payees(engine: Engine, user_id: int, filters: Filters, limit: int = 10) -> pd.DataFrame:
    """DataFrame[payee, spending_minor, transactions]: biggest spending first.

    Only payees with positive net spending; rows without a payee are not a payee and are skipped.
    """
    rolled = rolled_up_payees(engine, user_id, filters)
    if rolled is not None:
        # Whole months from payee_rollups (data/rollup_reads.py), the rest from the lines.
        payee = rolled.groups.c.payee
        spent = func.sum(rolled.spending)
        query = (
            select(
                payee.label("payee"),
                money_sum(rolled.spending, "spending_minor"),
                func.sum(rolled.spending_lines).label("transactions"),
            )
            .select_from(rolled.source)
            .where(rolled.is_spending, payee != "")
            .group_by(payee)
            .having(spent > 0)
            .order_by(spent.desc(), payee)
            .limit(max(1, limit))
        )
    else:
        conversion = in_reporting(engine, user_id, filters.date_from, filters.date_to)
        amount = conversion.amount
        spent = func.sum(-amount)
        query = (
            select(
                _t.payee,
                money_sum(-amount, "spending_minor"),
                func.count().label("transactions"),
            )
            .select_from(conversion.join(WITH_CATEGORY))
            .where(*filters.conditions(user_id, lines=True), IS_SPENDING, _t.payee != "")
            .group_by(_t.payee)
            .having(spent > 0)
            .order_by(spent.desc(), _t.payee)
            .limit(max(1, limit))
        )
    frame = read_frame(engine, query).astype({"spending_minor": "int64", "transactions": "int64"})
    # The query counts lines: a split's parts at one payee are one transaction. Counting it
    # once there (COUNT(DISTINCT) over every line) sorted a million rows; this reads the parts.
    repeated = (
        select(_t.payee, (func.count() - func.count(_t.id.distinct())).label("repeated"))
        .select_from(WITH_CATEGORY)
        .where(*filters.conditions(user_id, lines=True), IS_SPENDING)
        .where(transaction_splits.c.id.is_not(None), _t.payee.in_(frame["payee"].tolist()))
        .group_by(_t.payee)
    )
    if not frame.empty:
        extra = read_frame(engine, repeated).set_index("payee")["repeated"]
        frame["transactions"] -= frame["payee"].map(extra).fillna(0).astype("int64")
    return frame


def balances_by_month(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """DataFrame[month, account_id, account, balance_minor]: each account's end-of-month balance.

    The balance counts the opening balance and everything before the range; the last month
    stops at date_to. Archived accounts are included (they held money then). Only
    `filters.account_ids` applies: categories and payee do not filter balances.
    """
    with connection(engine) as conn:
        rows = conn.execute(balances_query(user_id, filters)).all()
    balances = balances_from_moves(rows, month_keys(filters.date_from, filters.date_to))
    frame = pd.DataFrame(balances, columns=["month", "account_id", "account", "balance_minor"])
    frame = frame.astype({"account_id": "int64", "balance_minor": "int64"})
    if any(row[5] for row in rows):
        frame = balances_in_reporting(engine, user_id, frame, filters.date_to)
    return frame.reset_index(drop=True)


def balances_query(user_id: int, filters: Filters) -> Select:
    """(account_id, account, opening_balance_minor, month, moved_minor, foreign) per account
    and month it moved in up to date_to (a row with month NULL for an account that never
    moved): the months from the rollups unless base_table_only()."""
    month: ColumnElement[str] = month_bucket(_t.date)
    moved: ColumnElement[int] = _t.amount_minor
    joined = and_(
        _t.account_id == accounts.c.id,
        _t.user_id == accounts.c.user_id,
        _t.date <= filters.date_to,
    )
    source: FromClause = accounts.outerjoin(transactions, joined)
    rolled = rolled_up_moves(user_id, filters.date_to)
    if rolled is not None:
        month, moved = rolled.c.month, rolled.c.moved
        source = accounts.outerjoin(rolled, rolled.c.account_id == accounts.c.id)
    query = (
        select(
            accounts.c.id.label("account_id"),
            accounts.c.name.label("account"),
            accounts.c.opening_balance_minor,
            month.label("month"),
            money_sum(moved, "moved_minor"),
            (accounts.c.currency != users.c.currency).label("foreign"),
        )
        .select_from(source.join(users, users.c.id == accounts.c.user_id))
        .where(accounts.c.user_id == user_id)
        .group_by(
            accounts.c.id,
            accounts.c.name,
            accounts.c.opening_balance_minor,
            month,
            accounts.c.currency,
            users.c.currency,
        )
    )
    if filters.account_ids:
        query = query.where(accounts.c.id.in_(filters.account_ids))
    return query


def balances_from_moves(
    moves: Sequence[Sequence[Any]], months: list[str]
) -> list[tuple[str, int, str, int]]:
    """(month, account_id, account, balance_minor) of every account at the end of each of
    `months`, sorted by month, account name, account id. `moves`: (account_id, account,
    opening_balance_minor, month or None, moved_minor, ...) per account and month it moved in,
    any month before the range too. Plain Python: the pandas reindex and cumsum over a
    MultiIndex were ~10 ms of a cold overview for a few hundred rows."""
    names: dict[int, str] = {}
    opening: dict[int, int] = {}
    moved: dict[int, dict[str, int]] = {}
    for account_id, account, opening_minor, month, moved_minor, *_ in moves:
        account_id = int(account_id)
        names.setdefault(account_id, account)
        opening.setdefault(account_id, int(opening_minor))
        by_month = moved.setdefault(account_id, {})
        if month is not None:
            by_month[month] = by_month.get(month, 0) + int(moved_minor)
    found: list[tuple[str, int, str, int]] = []
    for account_id, by_month in moved.items():
        # A month's balance: the opening balance and every month up to it ('YYYY-MM' sorts).
        ordered = sorted(by_month.items())
        balance, next_move = opening[account_id], 0
        for month in months:
            while next_move < len(ordered) and ordered[next_move][0] <= month:
                balance += ordered[next_move][1]
                next_move += 1
            found.append((month, account_id, names[account_id], balance))
    found.sort(key=lambda row: (row[0], row[2], row[1]))
    return found


def net_worth_by_month(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """DataFrame[month, net_worth_minor]: the sum of balances_by_month over accounts."""
    balances = balances_by_month(engine, user_id, filters)
    months = pd.Index(month_keys(filters.date_from, filters.date_to), name="month")
    net_worth = balances.groupby("month")["balance_minor"].sum().reindex(months, fill_value=0)
    return net_worth.astype("int64").rename("net_worth_minor").reset_index()


def _with_category_label(frame: pd.DataFrame) -> pd.DataFrame:
    frame["category"] = frame["category"].fillna(UNCATEGORISED)
    return frame
