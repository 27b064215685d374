"""Amounts in the reporting currency, in SQL: each line converted with the rate on or before its
date, exactly, rounded once, half away from zero.

A rate is stored as micro-units of the account's currency per one unit of the reporting
currency (data/rates.py), so a line of `a` minor units in currency C is worth

    a * 10**(6 + e_reporting - e_C) / rate_micro   minor units of the reporting currency

(e: the currencies' decimals, data/money.minor_units), rounded half away from zero with
integers only: sign(a) * ((|a| * scale + rate_micro // 2) // rate_micro). Both operands are
positive, so SQLite's and PostgreSQL's integer division (truncation) agree, and no float is
ever involved. Each line is rounded once; every aggregate sums the converted lines, so a total
equals the sum of its categories, months or payees to the cent.

Lines of accounts in the reporting currency are not touched. The CASE is built from the user's
own accounts (CurrencyPlan, one small query): a user whose accounts are all in the reporting
currency gets the plain LINE_AMOUNT, the same SQL as before rates existed. A line without a
rate on or before its date converts to NULL: SUM skips it, and unconverted() reports it apart,
in its own currency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause, Subquery

from data.classification import IS_INCOME, IS_SPENDING, LINE_AMOUNT, WITH_CATEGORY, money_sum
from data.db import connection
from data.filters import Filters
from data.frames import frame_of
from data.money import minor_units
from data.months import month_end
from data.schema import accounts, exchange_rates, transactions, users

# Rates are integers of micro-units (data/rates.py).
RATE_DECIMALS = 6
MICRO = 10**RATE_DECIMALS
# A billion units of a currency per unit of the reporting one: far above any real rate, and it
# keeps the conversion's integer arithmetic inside 64 bits.
MAX_RATE_MICRO = 10**9 * MICRO
_t = transactions.c
_r = exchange_rates.c
# |a| * scale + rate // 2 must stay a signed 64-bit integer; larger amounts are not converted
# (reported apart) rather than overflowing into an error or, on SQLite, a float.
_INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class CurrencyPlan:
    """The user's reporting currency, and the ids of their accounts in each other currency."""

    reporting: str
    foreign: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(currency for currency, _ in self.foreign)

    def account_ids(self) -> tuple[int, ...]:
        return tuple(account for _, ids in self.foreign for account in ids)


# Set by dashboard/services.py around a read model: the user and where their plan comes from
# (the read-model cache, keyed by data_version), memoized for the read. The plan changes only
# with a write that bumps data_version (a new account; currencies are never edited).
_PLAN_SOURCE: ContextVar[tuple[int, Callable[[], CurrencyPlan], list[CurrencyPlan]] | None] = (
    ContextVar("plan_source", default=None)
)


@contextmanager
def plan_from(user_id: int, source: Callable[[], CurrencyPlan]) -> Iterator[None]:
    """Within it, currency_plan() of this user is `source()`, called at most once."""
    token = _PLAN_SOURCE.set((user_id, source, []))
    try:
        yield
    finally:
        _PLAN_SOURCE.reset(token)


def currency_plan(engine: Engine, user_id: int) -> CurrencyPlan:
    """The reporting currency and the accounts in other currencies: one small query, or the
    source's plan within plan_from()."""
    known = _PLAN_SOURCE.get()
    if known is None or known[0] != user_id:
        return read_plan(engine, user_id)
    _, source, memo = known
    if not memo:
        memo.append(source())
    return memo[0]


def read_plan(engine: Engine, user_id: int) -> CurrencyPlan:
    """The plan from the database: one small indexed query."""
    query = (
        select(users.c.currency, accounts.c.currency, accounts.c.id)
        .select_from(
            users.outerjoin(
                accounts,
                and_(accounts.c.user_id == users.c.id, accounts.c.currency != users.c.currency),
            )
        )
        .where(users.c.id == user_id)
        .order_by(accounts.c.currency, accounts.c.id)
    )
    with connection(engine) as conn:
        rows = conn.execute(query).all()
    if not rows:
        return CurrencyPlan("EUR")
    by_currency: dict[str, list[int]] = {}
    for _, currency, account_id in rows:
        if currency is not None:
            by_currency.setdefault(currency, []).append(account_id)
    foreign = tuple((currency, tuple(ids)) for currency, ids in by_currency.items())
    return CurrencyPlan(rows[0][0], foreign)


def scale_of(currency: str, reporting: str) -> int:
    """10**(6 + e_reporting - e_currency): at least 10**3, as minor units have 0 to 3 decimals."""
    return 10 ** (RATE_DECIMALS + minor_units(reporting) - minor_units(currency))


def convert_minor(amount: int, rate_micro: int, currency: str, reporting: str) -> int:
    """The Python twin of the SQL conversion (for balances converted at a month's end)."""
    scale = scale_of(currency, reporting)
    magnitude = (abs(amount) * scale + rate_micro // 2) // rate_micro
    return -magnitude if amount < 0 else magnitude


@dataclass(frozen=True)
class InReporting:
    """A line's amount in the reporting currency (`amount`), and the joins it reads (`join`).

    Each foreign currency joins a small derived table: the distinct days of its lines in the
    period, each with the rate on or before it (one index lookup per day, not per line), on
    (day, account). Without accounts in another currency `amount` is LINE_AMOUNT itself and
    `join` adds nothing: the SQL of before rates existed. (Deciding that inside the statement
    made PostgreSQL 3 to 50 times slower at 100k rows; a lookup per line, 5 to 12 times.)
    """

    amount: ColumnElement[int]
    day_rates: tuple[tuple[tuple[int, ...], Subquery], ...] = ()

    def join(self, joined: FromClause) -> FromClause:
        for ids, rates in self.day_rates:
            on = and_(rates.c.day == _t.date, _t.account_id.in_(ids))
            joined = joined.outerjoin(rates, on)
        return joined


def in_reporting(
    engine: Engine,
    user_id: int,
    since: date,
    until: date,
    amount: ColumnElement[int] = LINE_AMOUNT,
) -> InReporting:
    """`amount` of the lines dated since..until in the reporting currency; NULL without a
    rate. Reads the user's plan first (one small indexed query)."""
    return converted(currency_plan(engine, user_id), user_id, since, until, amount)


def converted(
    plan: CurrencyPlan,
    user_id: int,
    since: date,
    until: date,
    amount: ColumnElement[int] = LINE_AMOUNT,
) -> InReporting:
    """in_reporting() for a plan already read."""
    if not plan.foreign:
        return InReporting(amount)
    whens, day_rates = [], []
    for currency, ids in plan.foreign:
        days = (
            select(_t.date.label("day"))
            .where(_t.user_id == user_id, _t.account_id.in_(ids), _t.date.between(since, until))
            .distinct()
            .subquery()
        )
        rate = (
            select(_r.rate_micro)
            .where(
                _r.user_id == user_id,
                _r.base_currency == plan.reporting,
                _r.currency == currency,
                _r.on_date <= days.c.day,
            )
            .order_by(_r.on_date.desc())
            .limit(1)
            .scalar_subquery()
        )
        rates = select(days.c.day, rate.label("rate_micro")).subquery(f"rates_{currency.lower()}")
        scale = scale_of(currency, plan.reporting)
        whens.append((_t.account_id.in_(ids), _divided(amount, rates.c.rate_micro, scale)))
        day_rates.append((ids, rates))
    return InReporting(case(*whens, else_=amount), tuple(day_rates))


def _divided(
    amount: ColumnElement[int], rate: ColumnElement[int], scale: int
) -> ColumnElement[int]:
    """sign(a) * ((|a| * scale + rate // 2) // rate); NULL without a rate, or when |a| is too
    large for 64-bit arithmetic (reported apart rather than overflowing)."""
    magnitude = (func.abs(amount) * scale + rate // 2) // rate
    fits = func.abs(amount) <= (_INT64_MAX - MAX_RATE_MICRO) // scale
    return case((and_(fits, amount < 0), -magnitude), (fits, magnitude))


def line_currency(plan: CurrencyPlan) -> ColumnElement[str]:
    """The currency of a transactions row's account, from the plan (no join)."""
    whens = [(_t.account_id.in_(ids), literal(currency)) for currency, ids in plan.foreign]
    return case(*whens, else_=literal(plan.reporting)) if whens else literal(plan.reporting)


def unconverted(engine: Engine, user_id: int, filters: Filters) -> pd.DataFrame:
    """DataFrame[currency, income_minor, spending_minor, first_date]: per currency, the income
    and spending (in that currency's minor units) the totals could not convert, and the first
    day without a rate. Empty when everything converted."""
    plan = currency_plan(engine, user_id)
    columns = ["currency", "income_minor", "spending_minor", "first_date"]
    if not plan.foreign:
        return pd.DataFrame(columns=columns).astype({"income_minor": "int64"})
    currency = line_currency(plan)
    conversion = converted(plan, user_id, filters.date_from, filters.date_to)
    query = (
        select(
            currency.label("currency"),
            money_sum(case((IS_INCOME, LINE_AMOUNT), else_=0), "income_minor"),
            money_sum(case((IS_SPENDING, -LINE_AMOUNT), else_=0), "spending_minor"),
            func.min(_t.date).label("first_date"),
        )
        .select_from(conversion.join(WITH_CATEGORY))
        .where(
            *filters.conditions(user_id, lines=True),
            _t.account_id.in_(plan.account_ids()),
            or_(IS_INCOME, IS_SPENDING),
            conversion.amount.is_(None),
        )
        .group_by(currency)
        .order_by(currency)
    )
    with connection(engine) as conn:
        result = conn.execute(query)
        frame = frame_of(result, list(result.keys()))
    return frame.astype({"income_minor": "int64", "spending_minor": "int64"})[columns]


def rates_in_effect(engine: Engine, user_id: int, date_from: date, date_to: date) -> pd.DataFrame:
    """DataFrame[currency, rates, low_micro, high_micro, latest_date, latest_micro]: for each
    currency of the user's accounts, the rates that applied from date_from to date_to (the one
    on or before date_from and those after it), for a hover text."""
    plan = currency_plan(engine, user_id)
    rows = []
    for currency in plan.currencies:
        mine = (
            _r.user_id == user_id,
            _r.base_currency == plan.reporting,
            _r.currency == currency,
        )
        start = select(func.max(_r.on_date)).where(*mine, _r.on_date <= date_from).scalar_subquery()
        query = select(
            func.count(), func.min(_r.rate_micro), func.max(_r.rate_micro), func.max(_r.on_date)
        ).where(*mine, _r.on_date <= date_to, _r.on_date >= func.coalesce(start, date_from))
        latest = (
            select(_r.rate_micro).where(*mine, _r.on_date <= date_to).order_by(_r.on_date.desc())
        )
        with connection(engine) as conn:
            count, low, high, latest_date = conn.execute(query).one()
            latest_micro = conn.execute(latest.limit(1)).scalar()
        rows.append((currency, count, low, high, latest_date, latest_micro))
    columns = ["currency", "rates", "low_micro", "high_micro", "latest_date", "latest_micro"]
    return pd.DataFrame(rows, columns=columns)


def rates_at(
    engine: Engine, user_id: int, plan: CurrencyPlan, days: list[date]
) -> dict[tuple[str, date], int]:
    """The rate on or before each day, per foreign currency; a (currency, day) without one is
    missing from the dict. Two queries per currency, however many days."""
    found: dict[tuple[str, date], int] = {}
    if not days:
        return found
    first, last = min(days), max(days)
    for currency in plan.currencies:
        mine = (
            _r.user_id == user_id,
            _r.base_currency == plan.reporting,
            _r.currency == currency,
        )
        start = select(func.max(_r.on_date)).where(*mine, _r.on_date <= first).scalar_subquery()
        query = (
            select(_r.on_date, _r.rate_micro)
            .where(*mine, _r.on_date <= last, _r.on_date >= func.coalesce(start, first))
            .order_by(_r.on_date)
        )
        with connection(engine) as conn:
            rates = conn.execute(query).all()
        index = 0
        current: int | None = None
        for day in sorted(days):
            while index < len(rates) and rates[index][0] <= day:
                current = rates[index][1]
                index += 1
            if current is not None:
                found[(currency, day)] = current
    return found


def balances_in_reporting(
    engine: Engine, user_id: int, frame: pd.DataFrame, date_to: date
) -> pd.DataFrame:
    """frame[month, account_id, balance_minor, ...] with the balances of accounts in other
    currencies at the rate on or before the month's last day (date_to for the last month): a
    balance is what the money was worth then, not the sum of its past conversions. A month
    without a rate is left out of the net worth rather than added in another currency; the
    overview says which currencies lack rates."""
    plan = currency_plan(engine, user_id)
    currency_of = {account: code for code, ids in plan.foreign for account in ids}
    days = [min(month_end(date.fromisoformat(f"{m}-01")), date_to) for m in frame["month"]]
    rates = rates_at(engine, user_id, plan, sorted(set(days)))
    converted_balances: list[int | None] = []
    for account, balance, day in zip(
        frame["account_id"].tolist(), frame["balance_minor"].tolist(), days, strict=True
    ):
        code = currency_of.get(account)
        if code is None:
            converted_balances.append(balance)
            continue
        rate = rates.get((code, day))
        converted_balances.append(
            None if rate is None else convert_minor(balance, rate, code, plan.reporting)
        )
    frame = frame.assign(balance_minor=converted_balances).dropna(subset=["balance_minor"])
    return frame.astype({"balance_minor": "int64"})
