"""Where the month is heading: what is scheduled still to come plus the typical unscheduled rest.

The history is the last twelve full months before today's month, and of each only what came
after today's day of the month (the 20th: the 21st to the month's end). Transactions posted from
a schedule are left out of it: what schedules will post this month is known (the ScheduledItems),
and counting last year's rent in the history as well would count it twice. So are the payments
a schedule was made from, which no occurrence names: those on an active schedule's account, to
its payee (a named one), in its category (none for both: a split), and within 5 % of its amount.

Percentiles are exact integers by the nearest-rank method: the p-th percentile of n monthly sums
is the value at rank ceil(p * n / 100) of the sums in ascending order. Of twelve months, p10 is
the 2nd smallest, p50 the 6th and p90 the 11th; a month without any spending is a sum of 0.

Budgets use this model only with twelve months of history behind it (the ledger's first
transaction, on the accounts looked at, is before the window); with less they keep
data/budget_status.py's projection (three months' habit after this day, or the linear pace),
which is what users saw before schedules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine, and_, exists, extract, func, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select

from data.classification import IS_SPENDING, LINE_CATEGORY, WITH_CATEGORY, money_sum
from data.conversion import converted, currency_plan
from data.db import connection, month_bucket
from data.months import add_months, days_in_month, month_end, month_index, month_keys, month_start
from data.rollup_days import DailyGroups
from data.rollup_reads import rollups_allowed
from data.schema import schedule_occurrences, schedules, transactions

if TYPE_CHECKING:  # the type only: items are made by data/schedules/
    from data.schedules.model import ScheduledItem

HISTORY_MONTHS = 12
# The band: low, likely, high.
PERCENTILES = (10, 50, 90)
_t = transactions.c
_o = schedule_occurrences.c
_s = schedules.c


@dataclass(frozen=True)
class Band:
    """A projected amount: likely (p50) between low (p10) and high (p90), integer minor units."""

    low_minor: int
    likely_minor: int
    high_minor: int

    def plus(self, amount: int) -> Band:
        return Band(self.low_minor + amount, self.likely_minor + amount, self.high_minor + amount)


def nearest_rank(values: Sequence[int], percent: int) -> int:
    """The `percent`-th percentile of `values` by nearest rank (see the module's docstring)."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = max(-(-percent * len(ordered) // 100), 1)
    return int(ordered[rank - 1])


def band_of(values: Sequence[int]) -> Band:
    """p10, p50 and p90 of `values` (0, 0, 0 for none)."""
    low, likely, high = (nearest_rank(values, percent) for percent in PERCENTILES)
    return Band(low, likely, high)


def flow_band(flows: Sequence[int]) -> Band:
    """The band of signed flows (money in positive), its percentiles taken of the outflows: the
    median of twelve is the 6th value, and ranked as spending it is the same month a spending
    band calls likely, so a balance and a budget never disagree on which month is typical."""
    out = band_of([-flow for flow in flows])
    return Band(-out.high_minor, -out.likely_minor, -out.low_minor)


def window_start(today: date) -> date:
    """The first day of the history: twelve full months before today's month."""
    return add_months(month_start(today), -HISTORY_MONTHS)


def history_keys(today: date, months: int) -> list[str]:
    """'YYYY-MM' of the last `months` full months before today's month."""
    if months <= 0:
        return []
    first = month_start(today)
    return month_keys(add_months(first, -months), first - timedelta(days=1))


def _posted(user_id: int) -> ColumnElement[bool]:
    """An occurrence names the transaction: a schedule posted it."""
    posted = (
        select(_o.id)
        .where(_o.transaction_id == _t.id, _o.user_id == user_id)
        .correlate(transactions)
    )
    return exists(posted)


def _like_a_schedule(user_id: int) -> ColumnElement[bool]:
    """One of the payments an active schedule stands for (see the module's docstring)."""
    like_a_schedule = (
        select(_s.id)
        .where(
            _s.user_id == user_id,
            _s.active,
            _s.account_id == _t.account_id,
            _s.payee != "",
            _s.payee == _t.payee,
            _s.category_id.is_not_distinct_from(_t.category_id),
            func.abs(_t.amount_minor - _s.amount_minor) * 20 <= func.abs(_s.amount_minor),
        )
        .correlate(transactions)
    )
    return exists(like_a_schedule)


def not_from_schedule(user_id: int) -> ColumnElement[bool]:
    """The transaction was not posted from a schedule (no occurrence names it) and is not one
    of the payments a schedule stands for (see the module's docstring)."""
    return and_(~_posted(user_id), ~_like_a_schedule(user_id))


def from_schedule(user_id: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The transactions not_from_schedule leaves out, as two disjoint conditions that each
    name few rows through an index: those an occurrence names (by id), and the others like an
    active schedule (by payee: the index on (user_id, payee, date))."""
    posted_ids = select(_o.transaction_id).where(
        _o.user_id == user_id, _o.transaction_id.is_not(None)
    )
    payees = select(_s.payee).where(_s.user_id == user_id, _s.active, _s.payee != "")
    return (
        _t.id.in_(posted_ids),
        and_(_t.payee.in_(payees), _like_a_schedule(user_id), ~_posted(user_id)),
    )


def restrict_to_accounts(
    conditions: list[ColumnElement[bool]], account_ids: tuple[int, ...]
) -> None:
    """Add the account filter to a query's conditions (none when empty: every account)."""
    if account_ids:
        conditions.append(_t.account_id.in_(account_ids))


def history_months(engine: Engine, user_id: int, today: date, account_ids: tuple[int, ...]) -> int:
    """How many full months before today's month the ledger covers (on `account_ids` if
    given), at most twelve: from the month of its first transaction on."""
    conditions = [_t.user_id == user_id]
    restrict_to_accounts(conditions, account_ids)
    with connection(engine) as conn:
        first = conn.execute(select(func.min(_t.date)).where(*conditions)).scalar_one_or_none()
    if first is None:
        return 0
    covered = month_index(today) - month_index(first)
    return max(0, min(covered, HISTORY_MONTHS))


def day_after(month: date, today: date) -> int | None:
    """The day of `month` after which spending is still to come: today's day in today's month,
    0 for a later month (all of it), None for an earlier one (nothing)."""
    first = month_start(month)
    if first > today:
        return 0
    if first < month_start(today):
        return None
    return today.day


@dataclass(frozen=True)
class TypicalSpending:
    """Per category, the band of what the history spent after `after_day` of the month.

    by_category: DataFrame[category_id (Int64, NA for uncategorised), low_minor, likely_minor,
    high_minor], the categories with any such spending. `months` of history are behind it
    (0 to 12); after_day is None for a past month (nothing is still to come)."""

    months: int
    after_day: int | None
    by_category: pd.DataFrame

    @property
    def full(self) -> bool:
        return self.months >= HISTORY_MONTHS

    def of(self, category_id: int) -> Band:
        return self.by_id().get(category_id, Band(0, 0, 0))

    def by_id(self) -> dict[int, Band]:
        """Each category's band by id (uncategorised left out): one walk of the frame, not a
        filtered copy of it per budget."""
        found: dict[int, Band] = {}
        frame = self.by_category
        for category_id, low, likely, high in zip(
            frame["category_id"], *(frame[name] for name in BAND_COLUMNS), strict=True
        ):
            if not pd.isna(category_id):
                found.setdefault(int(category_id), Band(int(low), int(likely), int(high)))
        return found


BAND_COLUMNS = ["low_minor", "likely_minor", "high_minor"]


def unscheduled_after_day(
    engine: Engine,
    user_id: int,
    month: date,
    today: date,
    account_ids: tuple[int, ...] = (),
) -> TypicalSpending:
    """The band of each category's spending after today's day of the month (all of the month
    for a later month) over the last twelve full months, without schedule-posted transactions;
    split parts count in their own categories. One grouped query by (month, category)."""
    after = day_after(month, today)
    empty = pd.DataFrame({"category_id": pd.Series(dtype="Int64")} | _empty_band())
    months = history_months(engine, user_id, today, account_ids)
    if after is None or months == 0:
        return TypicalSpending(months, after, empty)
    keys = history_keys(today, months)
    # Each category's sum per month of `keys` (0 for a month without rows), by category id
    # ascending; -1 stands for "uncategorised", first. Plain dicts over the rows as tuples: a
    # pivot_table of a few hundred rows was ~10 ms of pandas, a frame of them to filter ~2 ms.
    column: dict[Any, int] = {key: index for index, key in enumerate(keys)}
    sums: dict[int, list[int]] = {}
    for key, category_id, spent in _typical_rows(engine, user_id, today, after, account_ids):
        if key in column:
            category = -1 if category_id is None else int(category_id)
            sums.setdefault(category, [0] * len(keys))[column[key]] += spent
    if not sums:
        return TypicalSpending(months, after, empty)
    wide = sorted(sums)
    bands = [band_of(sums[category]) for category in wide]
    frame = pd.DataFrame(
        {
            "category_id": pd.array([None if c == -1 else c for c in wide], dtype="Int64"),
            "low_minor": [b.low_minor for b in bands],
            "likely_minor": [b.likely_minor for b in bands],
            "high_minor": [b.high_minor for b in bands],
        }
    ).astype({name: "int64" for name in BAND_COLUMNS})
    return TypicalSpending(months, after, frame)


def _typical_rows(
    engine: Engine, user_id: int, today: date, after: int, account_ids: tuple[int, ...]
) -> list[tuple[str, int | None, int]]:
    """(month, category_id or None, spent_minor): the unscheduled spending after day `after`
    of each history month, per category; (month, category) pairs that net to 0 are left out
    (a band of zeros is no band). From daily_rollups (data/rollup_days.py) unless
    base_table_only()."""
    since, until = window_start(today), month_start(today) - timedelta(days=1)
    plan = currency_plan(engine, user_id)
    # In the reporting currency, as the month's spent is (data/conversion.py).
    conversion = converted(plan, user_id, since, until)
    bucket = month_bucket(_t.date)
    conditions = [
        _t.user_id == user_id,
        _t.date.between(since, until),
        extract("day", _t.date) > after,
        IS_SPENDING,
    ]
    restrict_to_accounts(conditions, account_ids)

    def base(extra: list[ColumnElement[bool]], sign: int) -> Select:
        return (
            select(
                bucket.label("month"),
                LINE_CATEGORY.label("category_id"),
                money_sum(-conversion.amount * sign, "spent_minor"),
            )
            .select_from(conversion.join(WITH_CATEGORY))
            .where(*conditions, *extra)
            .group_by(bucket, LINE_CATEGORY)
        )

    if not rollups_allowed():
        query = base([not_from_schedule(user_id)], 1)
    else:
        foreign = plan.account_ids()
        groups = DailyGroups(user_id, foreign)
        parts = [
            select(
                groups.month.label("month"),
                groups.category_id.label("category_id"),
                groups.spent.label("spent_minor"),
            )
            .select_from(groups.source)
            .where(
                *groups.conditions(since, until, account_ids),
                groups.day_of_month > after,
                groups.is_spending,
            )
        ]
        domestic = [_t.account_id.not_in(foreign)] if foreign else []
        parts += [base([*domestic, scheduled], -1) for scheduled in from_schedule(user_id)]
        if foreign:
            parts.append(base([_t.account_id.in_(foreign), not_from_schedule(user_id)], 1))
        lines = union_all(*parts).subquery("typical")
        query = select(
            lines.c.month, lines.c.category_id, money_sum(lines.c.spent_minor, "spent_minor")
        ).group_by(lines.c.month, lines.c.category_id)
    with connection(engine) as conn:
        rows = conn.execute(query).all()
    return [(month, category, int(spent)) for month, category, spent in rows if spent != 0]


def _empty_band() -> dict[str, pd.Series]:
    return {name: pd.Series(dtype="int64") for name in BAND_COLUMNS}


def in_month(items: Iterable[ScheduledItem], month: date) -> list[ScheduledItem]:
    """The items posting in the month that contains `month`."""
    first, last = month_start(month), month_end(month)
    return [item for item in items if first <= item.posts_on <= last]


def items_on_accounts(
    items: Iterable[ScheduledItem], account_ids: tuple[int, ...]
) -> list[ScheduledItem]:
    """The items on `account_ids` (all of them when empty, as every filter)."""
    return [item for item in items if not account_ids or item.account_id in account_ids]


def project_budgets(
    status: pd.DataFrame, scheduled: Sequence[ScheduledItem], band: TypicalSpending
) -> pd.DataFrame:
    """budget_status's frame with the projection from schedules and the typical rest.

    Adds scheduled_minor (the month's scheduled spending still to come in the category: every
    item not yet posted or skipped, an overdue one too), projected_low_minor and
    projected_high_minor, and replaces projected_minor: spent + scheduled + p50 (p10, p90 for
    the band). A typical remainder below zero (a history of refunds) counts as 0. A past month
    keeps spent; with under twelve months of history, budget_status's projection stays and
    the band is that one value. `scheduled` must be the month's items on the accounts looked at.
    """
    frame = status.copy()
    scheduled_by_category: dict[int, int] = {}
    for item in scheduled:
        if item.category_id is not None:
            spent = scheduled_by_category.get(item.category_id, 0) - item.amount_minor
            scheduled_by_category[item.category_id] = spent
    modelled = band.after_day is not None and band.full
    typical_of = band.by_id() if modelled else {}
    bands: list[Band] = []
    coming: list[int] = []
    for category_id, spent, projected in zip(
        frame["category_id"].tolist(),
        frame["spent_minor"].tolist(),
        frame["projected_minor"].tolist(),
        strict=True,
    ):
        if not modelled:
            level = int(spent) if band.after_day is None else int(projected)
            bands.append(Band(level, level, level))
            coming.append(0)
            continue
        scheduled_minor = scheduled_by_category.get(int(category_id), 0)
        typical = typical_of.get(int(category_id), Band(0, 0, 0))
        rest = Band(
            max(typical.low_minor, 0), max(typical.likely_minor, 0), max(typical.high_minor, 0)
        )
        bands.append(rest.plus(int(spent) + scheduled_minor))
        coming.append(scheduled_minor)
    index = frame.index
    frame["scheduled_minor"] = pd.Series(coming, index=index, dtype="int64")
    frame["projected_minor"] = pd.Series(
        [b.likely_minor for b in bands], index=index, dtype="int64"
    )
    frame["projected_low_minor"] = pd.Series(
        [b.low_minor for b in bands], index=index, dtype="int64"
    )
    frame["projected_high_minor"] = pd.Series(
        [b.high_minor for b in bands], index=index, dtype="int64"
    )
    return frame


def days_left(today: date) -> list[date]:
    """Today and every later day of today's month: the days a month-end path goes through."""
    return [today + timedelta(days=n) for n in range(days_in_month(today) - today.day + 1)]
