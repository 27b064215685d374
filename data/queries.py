"""Read side: parametrised SQL aggregates -> pandas DataFrames.

SQL groups and sums; pandas only fills missing months, pivots and derives columns, so no
function ever reads the transactions table row by row. Money columns are int64 minor units.

Classification: a row is a transfer when it has a transfer peer or its category kind is
'transfer'; transfers are neither income nor spending. Income sums the rows of income
categories plus uncategorised inflows; spending is minus the sum of the rows of expense
categories (a refund there reduces spending) plus uncategorised outflows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import BigInteger, Engine, and_, case, cast, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from data.db import month_bucket

# Lists and lookups live in data.lookups; re-exported so the read side has one entry point.
from data.lookups import TransactionsPage as TransactionsPage
from data.lookups import account_balances as account_balances
from data.lookups import budgets_for_month as budgets_for_month
from data.lookups import data_version as data_version
from data.lookups import get_transaction as get_transaction
from data.lookups import last_category_for_payee as last_category_for_payee
from data.lookups import list_accounts as list_accounts
from data.lookups import list_categories as list_categories
from data.lookups import payee_suggestions as payee_suggestions
from data.lookups import read_frame
from data.lookups import transactions_page as transactions_page
from data.schema import accounts, categories, transactions

UNCATEGORISED = "Uncategorised"

_t = transactions.c
_c = categories.c
# Joined on the owner too: a category id can never pull in another user's category.
_WITH_CATEGORY = transactions.outerjoin(
    categories, and_(_c.id == _t.category_id, _c.user_id == _t.user_id)
)
# Both conditions are NULL (so false) for rows they do not match; neither is ever negated.
_IS_INCOME = and_(
    _t.transfer_peer_id.is_(None),
    or_(_c.kind == "income", and_(_c.id.is_(None), _t.amount_minor > 0)),
)
_IS_SPENDING = and_(
    _t.transfer_peer_id.is_(None),
    or_(_c.kind == "expense", and_(_c.id.is_(None), _t.amount_minor < 0)),
)
_SPENT = func.sum(-_t.amount_minor)


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: an inclusive date range, accounts, categories and a payee.

    Hashable and part of cache keys, so the id tuples are sorted and deduplicated on creation
    (any iterable is accepted): equal filters always have equal keys. Empty tuples mean all.
    """

    date_from: date
    date_to: date
    account_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    payee: str | None = None

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        object.__setattr__(self, "account_ids", tuple(sorted(set(self.account_ids))))
        object.__setattr__(self, "category_ids", tuple(sorted(set(self.category_ids))))

    def conditions(self, user_id: int) -> list[ColumnElement[bool]]:
        """These filters as WHERE conditions on `transactions`, the owner's first."""
        where = [_t.user_id == user_id, _t.date.between(self.date_from, self.date_to)]
        if self.account_ids:
            where.append(_t.account_id.in_(self.account_ids))
        if self.category_ids:
            where.append(_t.category_id.in_(self.category_ids))
        if self.payee is not None:
            where.append(_t.payee == self.payee)
        return where

    def previous_period(self) -> Filters:
        """The period of the same length just before, other filters kept (KPI comparisons).

        Whole calendar months step back by months (March -> February), anything else by days.
        """
        months = _whole_months(self.date_from, self.date_to)
        if months:
            start = _add_months(self.date_from, -months)
        else:
            start = self.date_from - timedelta(days=(self.date_to - self.date_from).days + 1)
        return replace(self, date_from=start, date_to=self.date_from - timedelta(days=1))


def totals(engine: Engine, user_id: int, filters: Filters) -> dict[str, int | float | None]:
    """income_minor, spending_minor, net_minor and savings_rate (None unless income > 0)."""
    query = (
        select(
            _money_sum(case((_IS_INCOME, _t.amount_minor), else_=0)),
            _money_sum(case((_IS_SPENDING, -_t.amount_minor), else_=0)),
        )
        .select_from(_WITH_CATEGORY)
        .where(*filters.conditions(user_id))
    )
    with engine.connect() as conn:
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
    query = (
        select(
            _c.id.label("category_id"),
            _c.name.label("category"),
            _c.color,
            _money_sum(-_t.amount_minor, "spending_minor"),
        )
        .select_from(_WITH_CATEGORY)
        .where(*filters.conditions(user_id), _IS_SPENDING)
        .group_by(_c.id, _c.name, _c.color)
        .having(_SPENT > 0)
    )
    frame = _with_category_label(read_frame(engine, query))
    frame = frame.astype({"category_id": "Int64", "spending_minor": "int64"})
    return frame.sort_values(
        ["spending_minor", "category"], ascending=[False, True], ignore_index=True
    )


def income_spending_by_month(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """DataFrame[month, income_minor, spending_minor, net_minor]: every month of the range."""
    month = month_bucket(_t.date)
    query = (
        select(
            month.label("month"),
            _money_sum(case((_IS_INCOME, _t.amount_minor), else_=0), "income_minor"),
            _money_sum(case((_IS_SPENDING, -_t.amount_minor), else_=0), "spending_minor"),
        )
        .select_from(_WITH_CATEGORY)
        .where(*filters.conditions(user_id))
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
    month = month_bucket(_t.date)
    query = (
        select(
            month.label("month"),
            _c.name.label("category"),
            _money_sum(-_t.amount_minor, "spending_minor"),
        )
        .select_from(_WITH_CATEGORY)
        .where(*filters.conditions(user_id), _IS_SPENDING)
        .group_by(month, _c.id, _c.name)
    )
    sums = _with_category_label(read_frame(engine, query))
    wide = sums.pivot_table(
        index="month", columns="category", values="spending_minor", aggfunc="sum", fill_value=0
    )
    totals_by_category = wide.sum().sort_index().sort_values(ascending=False, kind="stable")
    wide = wide[totals_by_category[totals_by_category > 0].index]
    months = pd.Index(month_keys(filters.date_from, filters.date_to), name="month")
    wide = wide.reindex(months, fill_value=0).astype("int64")
    wide.columns.name = None
    return wide


def top_payees(engine: Engine, user_id: int, filters: Filters, limit: int = 10) -> pd.DataFrame:
    """DataFrame[payee, spending_minor, transactions]: biggest spending first.

    Only payees with positive net spending; rows without a payee are not a payee and are skipped.
    """
    query = (
        select(
            _t.payee,
            _money_sum(-_t.amount_minor, "spending_minor"),
            func.count().label("transactions"),
        )
        .select_from(_WITH_CATEGORY)
        .where(*filters.conditions(user_id), _IS_SPENDING, _t.payee != "")
        .group_by(_t.payee)
        .having(_SPENT > 0)
        .order_by(_SPENT.desc(), _t.payee)
        .limit(max(1, limit))
    )
    return read_frame(engine, query).astype({"spending_minor": "int64", "transactions": "int64"})


def balances_by_month(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """DataFrame[month, account_id, account, balance_minor]: each account's end-of-month balance.

    The balance counts the opening balance and everything before the range; the last month
    stops at date_to. Archived accounts are included (they held money then). Only
    `filters.account_ids` applies: categories and payee do not filter balances.
    """
    month = month_bucket(_t.date)
    joined = and_(
        _t.account_id == accounts.c.id,
        _t.user_id == accounts.c.user_id,
        _t.date <= filters.date_to,
    )
    query = (
        select(
            accounts.c.id.label("account_id"),
            accounts.c.name.label("account"),
            accounts.c.opening_balance_minor,
            month.label("month"),
            _money_sum(_t.amount_minor, "moved_minor"),
        )
        .select_from(accounts.outerjoin(transactions, joined))
        .where(accounts.c.user_id == user_id)
        .group_by(accounts.c.id, accounts.c.name, accounts.c.opening_balance_minor, month)
    )
    if filters.account_ids:
        query = query.where(accounts.c.id.in_(filters.account_ids))
    moves = read_frame(engine, query).astype(
        {"account_id": "int64", "opening_balance_minor": "int64", "moved_minor": "int64"}
    )
    months = month_keys(filters.date_from, filters.date_to)
    names = moves.drop_duplicates("account_id").set_index("account_id")
    history = sorted(set(moves["month"].dropna()) | set(months))
    every_month = pd.MultiIndex.from_product([names.index, history], names=["account_id", "month"])
    moved = (
        moves.dropna(subset=["month"])
        .set_index(["account_id", "month"])["moved_minor"]
        .reindex(every_month, fill_value=0)
    )
    balance = (
        moved.groupby(level="account_id").cumsum()
        + moved.index.get_level_values("account_id").map(names["opening_balance_minor"]).to_numpy()
    )
    frame = balance.rename("balance_minor").reset_index()
    frame = frame[frame["month"].isin(months)]
    frame["account"] = frame["account_id"].map(names["account"])
    return frame[["month", "account_id", "account", "balance_minor"]].sort_values(
        ["month", "account", "account_id"], ignore_index=True
    )


def net_worth_by_month(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """DataFrame[month, net_worth_minor]: the sum of balances_by_month over accounts."""
    balances = balances_by_month(engine, user_id, filters)
    months = pd.Index(month_keys(filters.date_from, filters.date_to), name="month")
    net_worth = balances.groupby("month")["balance_minor"].sum().reindex(months, fill_value=0)
    return net_worth.astype("int64").rename("net_worth_minor").reset_index()


def month_keys(date_from: date, date_to: date) -> list[str]:
    """'YYYY-MM' of every month from date_from's to date_to's, as month_bucket writes them."""
    months = range(_month_index(date_from), _month_index(date_to) + 1)
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in months]


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _add_months(first_of_month: date, months: int) -> date:
    index = _month_index(first_of_month) + months
    return date(index // 12, index % 12 + 1, 1)


def _whole_months(date_from: date, date_to: date) -> int:
    """How many calendar months the range covers exactly, or 0 if it starts or ends mid-month."""
    if date_from.day != 1 or (date_to + timedelta(days=1)).day != 1:
        return 0
    return _month_index(date_to) - _month_index(date_from) + 1


def _money_sum(amount: ColumnElement[int], label: str | None = None) -> ColumnElement[int]:
    # PostgreSQL's SUM(bigint) is NUMERIC (a Decimal in Python): cast back to an integer.
    total = cast(func.coalesce(func.sum(amount), 0), BigInteger)
    return total.label(label) if label else total


def _with_category_label(frame: pd.DataFrame) -> pd.DataFrame:
    frame["category"] = frame["category"].fillna(UNCATEGORISED)
    return frame


def _divide_half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, exactly; 0 when denominator is 0."""
    if denominator == 0:
        return 0
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


# The budget read model lives in its own module; importing it last avoids a cycle.
from data.budget_status import budget_status as budget_status  # noqa: E402
