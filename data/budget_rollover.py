"""Budget rollover: what is left of a month's limit (or overspent) carries into the next month.

For a category with `rollover` on, the amount carried into month M is the sum, over the months
from the category's first budgeted month up to M - 1, of (limit - spent); a month without a
budget row has a limit of 0. The month's available amount is its limit plus what it carried,
and what remains is available minus spent. So carried(M + 1) == available(M) - spent(M).

Nothing of it is stored: it is derived from budgets and transactions on every read (one grouped
query by category and month, then a cumulative sum in pandas), so editing a transaction of a
past month corrects every later month at once, and by exactly the edit.

Overspending carries too, as a negative amount (YNAB's way, not Actual's default reset): the
money was spent, and an envelope that forgets it would make the month's "remaining" a promise
the account cannot keep. It also keeps the rule a plain sum, so an edit of a past month moves
every later month by exactly its amount. A category with rollover off carries nothing.

available_to_budget is the envelope budgeter's figure: the month's income minus what its limits
assign. Carried amounts do not count: they were assigned, from earlier income, in the months
they come from; counting them again would assign the same money twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, func, select, true

from data import validation as v
from data.classification import (
    IS_INCOME,
    IS_SPENDING,
    LINE_CATEGORY,
    WITH_CATEGORY,
    money_sum,
)
from data.conversion import in_reporting
from data.db import connection, month_bucket
from data.lookups import read_frame
from data.months import month_end, month_keys
from data.ownership import bump_version, owned_row, update_owned
from data.schema import budgets, categories, transactions
from data.validation import FieldErrors

_t, _c, _b = transactions.c, categories.c, budgets.c
HISTORY_COLUMNS = [
    "category_id", "month", "limit_minor", "spent_minor", "carried_minor", "available_minor",
]  # fmt: skip


@dataclass(frozen=True)
class AvailableToBudget:
    """A month's income, what its limits assign, and what is left to assign (may be < 0)."""

    income_minor: int
    assigned_minor: int
    available_minor: int


def rollover_history(
    engine: Engine, user_id: int, until: date, account_ids: tuple[int, ...] = ()
) -> pd.DataFrame:
    """Every month of every rollover category, from its first budgeted month to `until`'s.
    One read of the rollover categories' limits, then (if there are any) one grouped query.

    DataFrame[category_id, month ('YYYY-MM'), limit_minor, spent_minor, carried_minor,
    available_minor], by category then month. spent is the month's net spending in the
    category (on `account_ids` if given), as data/budget_status.py counts it.
    """
    last = month_end(until)
    limits = read_frame(
        engine,
        select(_b.category_id, _b.month, _b.limit_minor)
        .select_from(budgets.join(categories, and_(_c.id == _b.category_id, _c.user_id == user_id)))
        .where(_b.user_id == user_id, _b.month <= last, _c.rollover == true()),
    )
    if limits.empty:
        return pd.DataFrame({name: pd.Series(dtype="int64") for name in HISTORY_COLUMNS})
    since = min(limits["month"])
    month = month_bucket(_t.date)
    conditions = [
        _t.user_id == user_id, _t.date.between(since, last), IS_SPENDING, _c.rollover == true()
    ]  # fmt: skip
    if account_ids:
        conditions.append(_t.account_id.in_(account_ids))
    # In the reporting currency, as budget_status counts spending (data/conversion.py).
    conversion = in_reporting(engine, user_id, since, last)
    spent = read_frame(
        engine,
        select(LINE_CATEGORY.label("category_id"), month.label("month"),
               money_sum(-conversion.amount, "spent_minor"))
        .select_from(conversion.join(WITH_CATEGORY))
        .where(*conditions)
        .group_by(LINE_CATEGORY, month),
    )  # fmt: skip
    return _carried(limits, spent, until)


def _carried(limits: pd.DataFrame, spent: pd.DataFrame, until: date) -> pd.DataFrame:
    """Each category's months from its first limit to `until`, limits 0 where none was set,
    with the cumulative sum of (limit - spent) of the months before each one."""
    limits = limits.assign(month=[f"{m:%Y-%m}" for m in limits["month"]])
    frames = []
    for category_id, rows in limits.groupby("category_id"):
        start = date.fromisoformat(f"{min(rows['month'])}-01")
        months = pd.DataFrame({"month": month_keys(start, until)})
        months["category_id"] = int(category_id)
        frames.append(months)
    grid = pd.concat(frames, ignore_index=True)
    grid = grid.merge(limits, on=["category_id", "month"], how="left")
    spent = spent.astype({"category_id": "int64", "spent_minor": "int64"})
    grid = grid.merge(spent, on=["category_id", "month"], how="left")
    grid = grid.fillna({"limit_minor": 0, "spent_minor": 0})
    grid = grid.astype({"category_id": "int64", "limit_minor": "int64", "spent_minor": "int64"})
    grid = grid.sort_values(["category_id", "month"], ignore_index=True)
    left = grid["limit_minor"] - grid["spent_minor"]
    # What the months before each row left: the running total, less the row's own month.
    grid["carried_minor"] = left.groupby(grid["category_id"]).cumsum() - left
    grid["available_minor"] = grid["limit_minor"] + grid["carried_minor"]
    return grid[HISTORY_COLUMNS].astype({name: "int64" for name in HISTORY_COLUMNS[2:]})


def with_rollover(
    engine: Engine, user_id: int, first: date, status: pd.DataFrame, account_ids: tuple[int, ...]
) -> pd.DataFrame:
    """The budget read model's frame with rollover (bool), carried_minor and available_minor
    (limit + carried); remaining_minor becomes available - spent. Rows of categories with
    rollover off carry 0."""
    history = rollover_history(engine, user_id, first, account_ids)
    this_month = history[history["month"] == f"{first:%Y-%m}"]
    carried = dict(zip(this_month["category_id"], this_month["carried_minor"], strict=True))
    # A category in the frame has a limit this month, so its history has this month's row.
    rolling = set(this_month["category_id"].tolist())
    frame = status.copy()
    ids = [int(category_id) for category_id in frame["category_id"]]
    frame["rollover"] = pd.Series([i in rolling for i in ids], index=frame.index, dtype="bool")
    frame["carried_minor"] = pd.Series(
        [int(carried.get(i, 0)) for i in ids], index=frame.index, dtype="int64"
    )
    frame["available_minor"] = frame["limit_minor"] + frame["carried_minor"]
    frame["remaining_minor"] = frame["available_minor"] - frame["spent_minor"]
    return frame


def rollover_category_ids(engine: Engine, user_id: int) -> tuple[int, ...]:
    """The ids of the user's categories with rollover on."""
    query = select(_c.id).where(_c.user_id == user_id, _c.rollover == true()).order_by(_c.id)
    with connection(engine) as conn:
        return tuple(int(i) for i in conn.execute(query).scalars())


def available_to_budget(engine: Engine, user_id: int, month: date) -> AvailableToBudget:
    """The month's income (as the overview counts it) minus the limits set for the month."""
    first = month.replace(day=1)
    conversion = in_reporting(engine, user_id, first, month_end(first))
    income_query = (
        select(money_sum(conversion.amount))
        .select_from(conversion.join(WITH_CATEGORY))
        .where(_t.user_id == user_id, _t.date.between(first, month_end(first)), IS_INCOME)
    )
    assigned_query = select(func.coalesce(func.sum(_b.limit_minor), 0)).where(
        _b.user_id == user_id, _b.month == first
    )
    with connection(engine) as conn:
        income = int(conn.execute(income_query).scalar_one())
        assigned = int(conn.execute(assigned_query).scalar_one())
    return AvailableToBudget(income, assigned, income - assigned)


def set_category_rollover(engine: Engine, user_id: int, category_id: int, rollover: bool) -> None:
    """Turn rollover on or off for one of the user's categories: every month's carried amount
    follows at once, since none is stored."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        category = owned_row(conn, categories, user_id, category_id, "category")
        errors = FieldErrors()
        flag = errors.check("rollover", v.clean_flag, rollover)
        errors.raise_if_any()
        update_owned(conn, categories, user_id, category.id, rollover=flag)
