"""The month's end, foreseen: each account's balance and the month's net at the end of today's
month, from what is booked, what is scheduled and the typical unscheduled rest (a band).

The model is data/projection.py's: the last twelve full months (fewer if the ledger is younger)
after today's day of the month, schedule-posted transactions left out, nearest-rank p10/p50/p90.
An account's band is the percentiles of its own monthly sums (transfers included: they move its
balance); the path and the net are the percentiles of the accounts' total, never a sum of
percentiles. The month's net counts income and spending only, so a transfer between two accounts
nets to zero in it, as everywhere (data/classification.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd
from sqlalchemy import Engine, case, extract, literal, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select

from data.classification import IS_INCOME, IS_SPENDING, LINE_AMOUNT, WITH_CATEGORY, money_sum
from data.conversion import converted, currency_plan
from data.db import connection, month_bucket
from data.lookups import account_balances
from data.months import days_in_month, month_end, month_start
from data.projection import (
    Band,
    days_left,
    flow_band,
    from_schedule,
    history_keys,
    history_months,
    in_month,
    items_on_accounts,
    not_from_schedule,
    restrict_to_accounts,
    window_start,
)
from data.rollup_days import DailyGroups
from data.rollup_reads import rollups_allowed
from data.schema import categories, transactions
from data.users import user_currency

if TYPE_CHECKING:  # the type only: items are made by data/schedules/
    from data.schedules.model import ScheduledItem

_t = transactions.c


@dataclass(frozen=True)
class MonthEnd:
    """Where today's month ends.

    accounts: DataFrame[account_id, account, currency, balance_minor (today), coming_minor
    (booked after today and scheduled), low_minor, likely_minor, high_minor (the month's end)].
    net: the month's income minus spending with the band; net_so_far_minor what is booked.
    path: DataFrame[date, low_minor, likely_minor, high_minor], the accounts' total from today
    to the month's last day. scheduled: the items counted, by date.
    """

    today: date
    history_months: int
    accounts: pd.DataFrame
    net: Band
    net_so_far_minor: int
    path: pd.DataFrame
    scheduled: tuple[ScheduledItem, ...]


def month_end_projection(
    engine: Engine,
    user_id: int,
    today: date,
    scheduled: Sequence[ScheduledItem],
    account_ids: tuple[int, ...] = (),
) -> MonthEnd:
    """Today's month's end on the open accounts (those of `account_ids` if given).

    `scheduled`: the month's items not yet posted or skipped; an overdue one counts as coming
    today. Booked transactions dated after today count on their day."""
    balances = account_balances(engine, user_id, as_of=today)
    if account_ids:
        balances = balances[balances["account_id"].isin(account_ids)]
    shown = tuple(int(a) for a in balances["account_id"])
    items = sorted(items_on_accounts(in_month(scheduled, today), shown), key=_item_order)
    months = history_months(engine, user_id, today, shown) if shown else 0
    keys = history_keys(today, months)
    rows = _flows(engine, user_id, today, shown)
    current = f"{today:%Y-%m}"
    in_history = set(keys)
    this_month = [row for row in rows if row.month == current]
    history = [row for row in rows if row.month in in_history]
    ahead = [row for row in this_month if row.day > today.day]
    accounts = balances[["account_id", "account", "currency", "balance_minor"]].copy()
    # Per account, in one walk of the rows each: its history's monthly sums, what is booked ahead.
    monthly = _monthly_by_account(history, keys)
    booked: dict[int, int] = {}
    for row in ahead:
        booked[row.account_id] = booked.get(row.account_id, 0) + row.flow_minor
    low, likely, high, coming = [], [], [], []
    for account_id, balance in zip(accounts["account_id"], accounts["balance_minor"], strict=True):
        band = flow_band(monthly.get(int(account_id), [0] * len(keys)))
        known = booked.get(int(account_id), 0)
        known += sum(item.amount_minor for item in items if item.account_id == account_id)
        end = band.plus(int(balance) + known)
        low.append(end.low_minor)
        likely.append(end.likely_minor)
        high.append(end.high_minor)
        coming.append(known)
    accounts["coming_minor"] = pd.Series(coming, index=accounts.index, dtype="int64")
    accounts["low_minor"] = pd.Series(low, index=accounts.index, dtype="int64")
    accounts["likely_minor"] = pd.Series(likely, index=accounts.index, dtype="int64")
    accounts["high_minor"] = pd.Series(high, index=accounts.index, dtype="int64")
    transfers = _transfer_categories(engine, user_id)
    # The month's net is in the reporting currency (_flows converts it in SQL); the path adds up
    # balances, so it follows the accounts in that currency, as do scheduled items in sums.
    reporting = user_currency(engine, user_id)
    home_balances = accounts.loc[accounts["currency"] == reporting]
    home = {int(account_id) for account_id in home_balances["account_id"]}
    home_items = [item for item in items if item.account_id in home]
    so_far = sum(row.net_minor for row in this_month)
    scheduled_net = sum(i.amount_minor for i in home_items if i.category_id not in transfers)
    net = flow_band(_monthly_net(history, keys)).plus(so_far + scheduled_net)
    path = _path(
        today,
        int(home_balances["balance_minor"].sum()),
        [row for row in ahead if row.account_id in home],
        home_items,
        [row for row in history if row.account_id in home],
        keys,
    )
    return MonthEnd(today, months, accounts.reset_index(drop=True), net, so_far, path, tuple(items))


class FlowRow(NamedTuple):
    """What moved an account's balance on one day of a month (flow), its income minus spending
    in the reporting currency (net), and both without schedule-posted transactions."""

    month: str
    account_id: int
    day: int
    flow_minor: int
    net_minor: int
    unscheduled_flow_minor: int
    unscheduled_net_minor: int


def _item_order(item: ScheduledItem) -> tuple[date, str]:
    return item.posts_on, item.name


def _flows(engine: Engine, user_id: int, today: date, shown: tuple[int, ...]) -> list[FlowRow]:
    """Per (month, account, day): what moved the balance (flow) and the income minus spending
    (net), in all and without schedule-posted transactions; for the history only after today's
    day, for today's month every day. One grouped query: from daily_rollups
    (data/rollup_days.py) unless base_table_only(). Rows in no order; plain tuples, not a
    frame: the walks below were ~10 ms of pandas masks and conversions on a cold overview."""
    columns = list(FlowRow._fields)
    if not shown:
        return []
    first, since, until = month_start(today), window_start(today), month_end(today)
    bucket, day = month_bucket(_t.date), extract("day", _t.date)
    counted = or_(IS_INCOME, IS_SPENDING)
    conditions = [
        _t.user_id == user_id,
        _t.date.between(since, until),
        or_(_t.date >= first, day > today.day),
    ]
    restrict_to_accounts(conditions, shown)
    plan = currency_plan(engine, user_id)
    # Flows move an account's balance, in its own currency; the net is the reporting currency's.
    net = converted(plan, user_id, since, until)

    def base(extra: list[ColumnElement[bool]], scheduled: bool = False) -> Select:
        """The lines' sums; `scheduled`: lines all from schedules, as what to subtract from
        the unscheduled sums of the rollup's groups."""
        flow = money_sum(LINE_AMOUNT)
        net_sum = money_sum(case((counted, net.amount), else_=0))
        if scheduled:
            sums = [literal(0), literal(0), -flow, -net_sum]
        else:
            unscheduled = not_from_schedule(user_id)
            sums = [
                flow,
                net_sum,
                money_sum(case((unscheduled, LINE_AMOUNT), else_=0)),
                money_sum(case((unscheduled & counted, net.amount), else_=0)),
            ]
        return (
            select(
                bucket.label("month"),
                _t.account_id.label("account_id"),
                day.label("day"),
                *[sum_.label(name) for sum_, name in zip(sums, columns[3:], strict=True)],
            )
            .select_from(net.join(WITH_CATEGORY))
            .where(*conditions, *extra)
            .group_by(bucket, _t.account_id, day)
        )

    if not rollups_allowed():
        query = base([])
    else:
        foreign = plan.account_ids()
        groups = DailyGroups(user_id, foreign)
        group_net = case((groups.counted, groups.flow), else_=0)
        parts = [
            select(
                groups.month.label("month"),
                groups.account_id.label("account_id"),
                groups.day_of_month.label("day"),
                *[
                    value.label(name)
                    for value, name in zip(
                        (groups.flow, group_net, groups.flow, group_net), columns[3:], strict=True
                    )
                ],
            )
            .select_from(groups.source)
            .where(
                *groups.conditions(since, until, shown),
                or_(groups.day >= first, groups.day_of_month > today.day),
            )
        ]
        domestic = [_t.account_id.not_in(foreign)] if foreign else []
        parts += [base([*domestic, lines], scheduled=True) for lines in from_schedule(user_id)]
        if foreign:
            parts.append(base([_t.account_id.in_(foreign)]))
        lines = union_all(*parts).subquery("flows")
        query = select(
            lines.c.month,
            lines.c.account_id,
            lines.c.day,
            *[money_sum(lines.c[name], name) for name in columns[3:]],
        ).group_by(lines.c.month, lines.c.account_id, lines.c.day)
    with connection(engine) as conn:
        # PostgreSQL's EXTRACT is NUMERIC: every number as an int.
        return [
            FlowRow(month, *(int(value) for value in numbers))
            for month, *numbers in conn.execute(query)
        ]


def _monthly_net(rows: Sequence[FlowRow], keys: list[str]) -> list[int]:
    """The unscheduled net of each month of `keys`, 0 for a month without rows."""
    column_of = {key: index for index, key in enumerate(keys)}
    sums = [0] * len(keys)
    for row in rows:
        if row.month in column_of:
            sums[column_of[row.month]] += row.unscheduled_net_minor
    return sums


def _monthly_by_account(rows: Sequence[FlowRow], keys: list[str]) -> dict[int, list[int]]:
    """Each account's unscheduled flow in each month of `keys`, by account id (an account
    without rows left out)."""
    column_of = {key: index for index, key in enumerate(keys)}
    found: dict[int, list[int]] = {}
    for row in rows:
        if row.month in column_of:
            sums = found.setdefault(row.account_id, [0] * len(keys))
            sums[column_of[row.month]] += row.unscheduled_flow_minor
    return found


def _transfer_categories(engine: Engine, user_id: int) -> set[int]:
    query = select(categories.c.id).where(
        categories.c.user_id == user_id, categories.c.kind == "transfer"
    )
    with connection(engine) as conn:
        return set(conn.execute(query).scalars())


def _path(
    today: date,
    balance: int,
    ahead: Sequence[FlowRow],
    items: Sequence[ScheduledItem],
    history: Sequence[FlowRow],
    keys: list[str],
) -> pd.DataFrame:
    """The accounts' total from today to the month's end: the balance, plus what is booked and
    scheduled up to each day, plus the band of what the history's months had moved by that day
    since today's day. A history day past this month's last day counts on the last day, so the
    path ends where the accounts' bands do."""
    last = days_in_month(today)
    days = days_left(today)
    # Known amounts by day: booked ahead on their day, scheduled on theirs (overdue ones today).
    known = [0] * len(days)
    for row in ahead:
        known[row.day - today.day] += row.flow_minor
    for item in items:
        known[max(item.posts_on - today, timedelta(0)).days] += item.amount_minor
    # Each history month's unscheduled flow cumulated over the days, one row per month.
    by_day = {key: [0] * len(days) for key in keys}
    for row in history:
        by_day[row.month][min(row.day, last) - today.day] += row.unscheduled_flow_minor
    cumulated = {key: _running(values) for key, values in by_day.items()}
    running_known = _running(known)
    rows = []
    for index, day in enumerate(days):
        band = flow_band([values[index] for values in cumulated.values()])
        end = band.plus(balance + running_known[index])
        rows.append((day, end.low_minor, end.likely_minor, end.high_minor))
    frame = pd.DataFrame(rows, columns=["date", "low_minor", "likely_minor", "high_minor"])
    return frame.astype({"low_minor": "int64", "likely_minor": "int64", "high_minor": "int64"})


def _running(values: list[int]) -> list[int]:
    total, out = 0, []
    for value in values:
        total += value
        out.append(total)
    return out
