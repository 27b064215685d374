"""The overview's aggregates from monthly_rollups where the filters allow it.

A read whose filters are a date range, accounts and categories (no payee, no tags) takes its
whole months from monthly_rollups, the days before the first whole month and after the last
one from daily_rollups, and every line of an account in another currency from the base table
(each line is converted at the rate of its own day, which no sum can replay). Top payees
read payee_rollups the same way, their edges' days from the base table (no payee by day).
Every part is rows of the same shape, line groups:

    month ('YYYY-MM'), account_id, category_id (NULL: none), is_transfer, inflow, outflow,
    lines, outflow_lines

(inflow: the sum of the positive lines, outflow of the negative ones, in the reporting
currency; lines and outflow_lines count them). A query sums `income`/`spending` of `RolledUp`
over them, grouped as it likes: the classification of data/classification.py applied to
groups instead of lines, so a routed read returns exactly what the base table's read returns
(tests/test_rollups_property.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Engine, Table, and_, case, func, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause, Select, Subquery

from data.classification import LINE_AMOUNT, LINE_CATEGORY, WITH_LINES
from data.conversion import converted, currency_plan
from data.db import month_bucket
from data.filters import Filters
from data.months import add_months, month_end, month_start
from data.schema import categories, daily_rollups, monthly_rollups, payee_rollups, transactions

_t = transactions.c
_m = monthly_rollups.c
_p = payee_rollups.c
_c = categories.c

# Set by base_table_only(): every read goes to the base table (the property test's reference).
_BASE_ONLY: ContextVar[bool] = ContextVar("rollups_base_only", default=False)


@contextmanager
def base_table_only() -> Iterator[None]:
    """Within it, the reads of this module's callers ignore the rollup."""
    token = _BASE_ONLY.set(True)
    try:
        yield
    finally:
        _BASE_ONLY.reset(token)


def rollups_allowed() -> bool:
    """False within base_table_only()."""
    return not _BASE_ONLY.get()


def whole_month_span(date_from: date, date_to: date) -> tuple[date, date] | None:
    """The first day of the first and of the last whole calendar month inside the range."""
    first = date_from if date_from.day == 1 else add_months(month_start(date_from), 1)
    after = date_to + timedelta(days=1)
    last = add_months(month_start(after), -1)
    return (first, last) if first <= last else None


@dataclass(frozen=True)
class RolledUp:
    """Line groups joined to their category, and the classification over them."""

    groups: Subquery

    @property
    def source(self) -> FromClause:
        return self.groups.outerjoin(
            categories, and_(_c.id == self.groups.c.category_id, _c.user_id == self.user_id)
        )

    @property
    def user_id(self) -> ColumnElement[int]:
        return self.groups.c.user_id

    @property
    def month(self) -> ColumnElement[str]:
        return self.groups.c.month

    def _not_transfer(self) -> ColumnElement[bool]:
        return self.groups.c.is_transfer == 0

    @property
    def is_spending(self) -> ColumnElement[bool]:
        """The groups with a line classification.IS_SPENDING picks (a row of a grouped read
        exists exactly when the base table's has one)."""
        g = self.groups.c
        return and_(
            self._not_transfer(),
            or_(
                and_(_c.kind == "expense", g.lines > 0),
                and_(_c.id.is_(None), g.outflow_lines > 0),
            ),
        )

    @property
    def income(self) -> ColumnElement[int]:
        g = self.groups.c
        return case(
            (and_(self._not_transfer(), _c.kind == "income"), g.inflow + g.outflow),
            (and_(self._not_transfer(), _c.id.is_(None)), g.inflow),
            else_=0,
        )

    @property
    def spending_lines(self) -> ColumnElement[int]:
        """How many lines of the group classification.IS_SPENDING picks."""
        g = self.groups.c
        return case(
            (and_(self._not_transfer(), _c.kind == "expense"), g.lines),
            (and_(self._not_transfer(), _c.id.is_(None)), g.outflow_lines),
            else_=0,
        )

    @property
    def spending(self) -> ColumnElement[int]:
        g = self.groups.c
        return case(
            (and_(self._not_transfer(), _c.kind == "expense"), -(g.inflow + g.outflow)),
            (and_(self._not_transfer(), _c.id.is_(None)), -g.outflow),
            else_=0,
        )


def rolled_up(engine: Engine, user_id: int, filters: Filters) -> RolledUp | None:
    """The filters' lines as groups, whole months from the rollup; None when the rollup cannot
    answer (a payee or tags filter, no whole month in the range, or base_table_only())."""
    if _BASE_ONLY.get() or filters.payee is not None or filters.tag_ids:
        return None
    span = whole_month_span(filters.date_from, filters.date_to)
    if span is None:
        return None
    first, last = span
    plan = currency_plan(engine, user_id)
    foreign = plan.account_ids()
    # Whole months from monthly_rollups, the edges' days from daily_rollups: the same groups.
    stored = [_stored(monthly_rollups, user_id, filters, first, add_months(last, 1), foreign)]
    if filters.date_from < first:
        stored.append(_stored(daily_rollups, user_id, filters, filters.date_from, first, foreign))
    after = add_months(last, 1)
    if after <= filters.date_to:
        end = filters.date_to + timedelta(days=1)
        stored.append(_stored(daily_rollups, user_id, filters, after, end, foreign))
    conversion = converted(plan, user_id, filters.date_from, filters.date_to)
    # The base table's part, a range its index reads: the accounts in other currencies over
    # the whole range (each line converted at its own day's rate).
    parts = (
        [
            select(*_line_groups(conversion.amount))
            .select_from(conversion.join(WITH_LINES))
            .where(*filters.conditions(user_id, lines=True), _t.account_id.in_(foreign))
            .group_by(*_GROUP_KEY)
        ]
        if foreign
        else []
    )
    rows = union_all(*stored, *parts) if len(stored) + len(parts) > 1 else stored[0]
    return RolledUp(rows.subquery("line_groups"))


def _stored(
    table: Table,
    user_id: int,
    filters: Filters,
    since: date,
    before: date,
    foreign: tuple[int, ...],
) -> Select:
    """The line groups of a rollup table (monthly or daily) dated since..before (excluded),
    in the filters' accounts and categories, foreign accounts left out."""
    period = table.c.month if "month" in table.c else table.c.day
    stored = select(
        table.c.user_id.label("user_id"),
        month_bucket(period).label("month"),
        table.c.account_id.label("account_id"),
        func.nullif(table.c.category_id, 0).label("category_id"),
        table.c.is_transfer.label("is_transfer"),
        table.c.inflow_minor.label("inflow"),
        table.c.outflow_minor.label("outflow"),
        table.c.line_count.label("lines"),
        # Lines in the reporting currency are never converted: a negative one makes it < 0.
        case((table.c.outflow_minor < 0, 1), else_=0).label("outflow_lines"),
    ).where(table.c.user_id == user_id, period >= since, period < before)
    if filters.account_ids:
        stored = stored.where(table.c.account_id.in_(filters.account_ids))
    if filters.category_ids:
        stored = stored.where(table.c.category_id.in_(filters.category_ids))
    if foreign:
        stored = stored.where(table.c.account_id.not_in(foreign))
    return stored


_TRANSFER = case((_t.transfer_peer_id.is_(None), 0), else_=1)
_GROUP_KEY = (_t.user_id, month_bucket(_t.date), _t.account_id, LINE_CATEGORY, _TRANSFER)


def _line_groups(amount: ColumnElement[int]) -> list[ColumnElement]:
    """The select list of the base table's line groups, `amount` a line's converted amount."""
    return [
        _t.user_id.label("user_id"),
        month_bucket(_t.date).label("month"),
        _t.account_id.label("account_id"),
        LINE_CATEGORY.label("category_id"),
        _TRANSFER.label("is_transfer"),
        func.coalesce(func.sum(case((LINE_AMOUNT > 0, amount))), 0).label("inflow"),
        func.coalesce(func.sum(case((LINE_AMOUNT < 0, amount))), 0).label("outflow"),
        func.count().label("lines"),
        func.count(case((LINE_AMOUNT < 0, 1))).label("outflow_lines"),
    ]


def _base_parts(
    filters: Filters, first: date, last: date, foreign: tuple[int, ...]
) -> list[tuple[Filters, list[ColumnElement[bool]]]]:
    """(filters, extra conditions) of each part the base table answers."""
    domestic: list[ColumnElement[bool]] = [_t.account_id.not_in(foreign)] if foreign else []
    parts: list[tuple[Filters, list[ColumnElement[bool]]]] = []
    if filters.date_from < first:
        edge = replace(filters, date_to=first - timedelta(days=1))
        parts.append((edge, domestic))
    after = add_months(last, 1)
    if after <= filters.date_to:
        parts.append((replace(filters, date_from=after), domestic))
    if foreign:
        in_foreign: list[ColumnElement[bool]] = [_t.account_id.in_(foreign)]
        parts.append((filters, in_foreign))
    return parts


def rolled_up_moves(user_id: int, date_to: date) -> Subquery | None:
    """Each account's net movement per month up to date_to, (account_id, month, moved): whole
    months from monthly_rollups, date_to's month's days from daily_rollups.
    A line sums to its transaction (a split's parts add up to it: validation.check_splits),
    so these are the sums of the transactions' amounts, transfers included. None with
    base_table_only()."""
    if _BASE_ONLY.get():
        return None
    edge = month_start(date_to)
    whole = date_to == month_end(date_to)
    stored = (
        select(
            _m.account_id.label("account_id"),
            month_bucket(_m.month).label("month"),
            func.sum(_m.inflow_minor + _m.outflow_minor).label("moved"),
        )
        .where(_m.user_id == user_id, _m.month <= edge if whole else _m.month < edge)
        .group_by(_m.account_id, _m.month)
        # A month whose last line went leaves a row of zeros: not a month with movements.
        .having(func.sum(_m.line_count) != 0)
    )
    if whole:
        return stored.subquery("moves")
    _d = daily_rollups.c
    month = month_bucket(_d.day)
    days = (
        select(
            _d.account_id.label("account_id"),
            month.label("month"),
            func.sum(_d.inflow_minor + _d.outflow_minor).label("moved"),
        )
        .where(_d.user_id == user_id, _d.day.between(edge, date_to))
        .group_by(_d.account_id, month)
        .having(func.sum(_d.line_count) != 0)
    )
    return union_all(stored, days).subquery("moves")


def rolled_up_payees(engine: Engine, user_id: int, filters: Filters) -> RolledUp | None:
    """The filters' lines as groups per payee (payee, category_id, is_transfer, inflow,
    outflow, lines, outflow_lines): whole months from payee_rollups, the edges' days and the
    accounts in other currencies from the base table. None when the rollup cannot answer (a
    tags filter, no whole month in the range, or base_table_only())."""
    if _BASE_ONLY.get() or filters.tag_ids:
        return None
    span = whole_month_span(filters.date_from, filters.date_to)
    if span is None:
        return None
    first, last = span
    plan = currency_plan(engine, user_id)
    foreign = plan.account_ids()
    stored = select(
        _p.user_id.label("user_id"),
        _p.payee.label("payee"),
        func.nullif(_p.category_id, 0).label("category_id"),
        _p.is_transfer.label("is_transfer"),
        _p.inflow_minor.label("inflow"),
        _p.outflow_minor.label("outflow"),
        _p.line_count.label("lines"),
        _p.outflow_count.label("outflow_lines"),
    ).where(_p.user_id == user_id, _p.month.between(first, last), _p.line_count != 0)
    if filters.account_ids:
        stored = stored.where(_p.account_id.in_(filters.account_ids))
    if filters.category_ids:
        stored = stored.where(_p.category_id.in_(filters.category_ids))
    if filters.payee is not None:
        stored = stored.where(_p.payee == filters.payee)
    if foreign:
        stored = stored.where(_p.account_id.not_in(foreign))
    conversion = converted(plan, user_id, filters.date_from, filters.date_to)
    amount = conversion.amount
    key = (_t.user_id, _t.payee, LINE_CATEGORY, _TRANSFER)
    parts = [
        select(
            _t.user_id.label("user_id"),
            _t.payee.label("payee"),
            LINE_CATEGORY.label("category_id"),
            _TRANSFER.label("is_transfer"),
            func.coalesce(func.sum(case((LINE_AMOUNT > 0, amount))), 0).label("inflow"),
            func.coalesce(func.sum(case((LINE_AMOUNT < 0, amount))), 0).label("outflow"),
            func.count().label("lines"),
            func.count(case((LINE_AMOUNT < 0, 1))).label("outflow_lines"),
        )
        .select_from(conversion.join(WITH_LINES))
        .where(*part.conditions(user_id, lines=True), *extra)
        .group_by(*key)
        for part, extra in _base_parts(filters, first, last, foreign)
    ]
    rows = union_all(stored, *parts) if parts else stored
    return RolledUp(rows.subquery("payee_groups"))
