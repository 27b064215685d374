"""The budget read model: each limit of a month, what was spent, and where the month is heading.

The projection learns from the last three months how much of a category's spending usually
still comes after today's day of the month: rent paid on the 1st then projects to itself, not
to 1.15 times itself on the 26th. Without history it falls back to the linear pace.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import BigInteger, Engine, and_, case, cast, extract, func, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select

from data.budget_rollover import with_rollover
from data.classification import IS_SPENDING, LINE_CATEGORY, WITH_CATEGORY, money_sum
from data.conversion import converted, currency_plan
from data.lookups import read_frame
from data.months import add_months, days_in_month, month_end
from data.rollup_days import DailyGroups
from data.rollup_reads import rollups_allowed
from data.schema import budgets, categories, transactions

HISTORY_MONTHS = 3
_t = transactions.c
_c = categories.c


def budget_status(
    engine: Engine,
    user_id: int,
    month: date,
    today: date,
    account_ids: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Every budget of the month that contains `month`, with what was spent and a projection.

    DataFrame[category_id, category, color, limit_minor, spent_minor, remaining_minor,
    elapsed_share, projected_minor]. spent is the month's net spending in the category (on
    `account_ids` if given). elapsed_share is 1.0 for a past month, 0.0 for a future one and
    day/days-in-month for the current one. projected is spent for a past month, 0 for a future
    one, and for the current month spent plus what the last three months spent after this day
    of the month on average (or spent / elapsed_share without such history). Integer
    arithmetic, rounded half away from zero. One grouped query.
    """
    first = month.replace(day=1)
    days = days_in_month(first)
    elapsed_days = min(max((today - first).days + 1, 0), days)
    frame = _limits_spent_and_history(engine, user_id, first, elapsed_days, account_ids)
    frame["remaining_minor"] = frame["limit_minor"] - frame["spent_minor"]
    frame["elapsed_share"] = elapsed_days / days
    if 0 < elapsed_days < days:
        projected = [
            spent + max(divide_half_away(after, HISTORY_MONTHS), 0)
            if history > 0
            else divide_half_away(spent * days, elapsed_days)
            for spent, after, history in zip(
                frame["spent_minor"].tolist(),
                frame["history_after_day_minor"].tolist(),
                frame["history_minor"].tolist(),
                strict=True,
            )
        ]
    else:
        projected = frame["spent_minor"].tolist() if elapsed_days else [0] * len(frame)
    frame["projected_minor"] = pd.Series(projected, index=frame.index, dtype="int64")
    frame = frame.drop(columns=["history_minor", "history_after_day_minor"])
    # Adds the columns rollover, carried_minor and available_minor (limit + carried), and makes
    # remaining available - spent: data/budget_rollover.py.
    return with_rollover(engine, user_id, first, frame, account_ids)


def _limits_spent_and_history(
    engine: Engine, user_id: int, first: date, day: int, account_ids: tuple[int, ...]
) -> pd.DataFrame:
    """The month's limits and spending, and per category what the three months before spent
    in all and after `day` of the month: one grouped query over four months."""
    last = month_end(first)
    since = add_months(first, -HISTORY_MONTHS)
    conditions = [_t.user_id == user_id, _t.date.between(since, last), IS_SPENDING]
    if account_ids:
        conditions.append(_t.account_id.in_(account_ids))
    before = _t.date < first
    # In the reporting currency (data/conversion.py): LINE_AMOUNT itself for one currency.
    plan = currency_plan(engine, user_id)
    conversion = converted(plan, user_id, since, last)
    amount = conversion.amount

    def base(extra: list[ColumnElement[bool]]) -> Select:
        return (
            select(
                LINE_CATEGORY.label("category_id"),
                money_sum(case((_t.date >= first, -amount), else_=0), "spent_minor"),
                money_sum(case((before, -amount), else_=0), "history_minor"),
                money_sum(
                    case((and_(before, extract("day", _t.date) > day), -amount), else_=0),
                    "history_after_day_minor",
                ),
            )
            .select_from(conversion.join(WITH_CATEGORY))
            .where(*conditions, *extra)
            .group_by(LINE_CATEGORY)
        )

    if not rollups_allowed():
        sums = base([]).subquery()
    else:
        # The days' groups of daily_rollups (data/rollup_days.py); a budget's category is never
        # "none", so only the groups of a category count. Foreign accounts: the base table.
        foreign = plan.account_ids()
        groups = DailyGroups(user_id, foreign)
        in_history = groups.day < first
        spent = groups.spent
        parts: list[Select] = [
            select(
                groups.category_id.label("category_id"),
                case((groups.day >= first, spent), else_=0).label("spent_minor"),
                case((in_history, spent), else_=0).label("history_minor"),
                case((and_(in_history, groups.day_of_month > day), spent), else_=0).label(
                    "history_after_day_minor"
                ),
            )
            .select_from(groups.source)
            .where(*groups.conditions(since, last, account_ids), groups.is_spending)
        ]
        if foreign:
            parts.append(base([_t.account_id.in_(foreign)]))
        lines = union_all(*parts).subquery("lines")
        sums = (
            select(
                lines.c.category_id,
                *[
                    money_sum(lines.c[name], name)
                    for name in ("spent_minor", "history_minor", "history_after_day_minor")
                ],
            )
            .group_by(lines.c.category_id)
            .subquery()
        )
    money = ("spent_minor", "history_minor", "history_after_day_minor")
    query = (
        select(
            budgets.c.category_id,
            _c.name.label("category"),
            _c.color,
            budgets.c.limit_minor,
            *[cast(func.coalesce(sums.c[name], 0), BigInteger).label(name) for name in money],
        )
        .select_from(
            budgets.join(
                categories, and_(_c.id == budgets.c.category_id, _c.user_id == user_id)
            ).outerjoin(sums, sums.c.category_id == budgets.c.category_id)
        )
        .where(budgets.c.user_id == user_id, budgets.c.month == first)
        .order_by(_c.name)
    )
    types = {"category_id": "int64", "limit_minor": "int64", **dict.fromkeys(money, "int64")}
    return read_frame(engine, query).astype(types)


def divide_half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, exactly; 0 when denominator is 0."""
    if denominator == 0:
        return 0
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient
