"""Reads of part of each month from daily_rollups: line groups per day, not every line.

data/projection.py (the typical spending after today's day of the month) and
data/projection_month_end.py (each account's flows per day) read twelve months of the ledger,
but only part of each month, so monthly_rollups cannot answer them; nor can it answer
budget_status (this month so far, and history after today's day), balances up to a day
(lookups.account_balances, account goals) or the grid's totals over any dates. daily_rollups
can: its
rows are per day, account, category and transfer flag, and a group's classification is the
one data/rollup_reads.py applies to monthly groups (a group of lines in one category is
income, spending or neither as each of its lines is; an uncategorised group's inflow is income
and its outflow spending).

Two kinds of lines are not in these groups and come from the base table instead: the lines of
accounts in another currency (each converted at its own day's rate: the group holds amounts in
the account's currency), and, subtracted, the schedule-posted lines the projections leave out
(data/projection.py: not_from_schedule), found through their occurrences and the schedules'
payees (an index on (user_id, payee, date)), never by reading every line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, extract, func, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect, FromClause, Select, Subquery

from data.db import month_bucket
from data.months import month_start
from data.schema import categories, daily_rollups, monthly_rollups

_d = daily_rollups.c
_m = monthly_rollups.c
_c = categories.c


def moved_by_account(user_id: int, as_of: date | None) -> Subquery:
    """(account_id, moved): what the lines up to as_of (all when None) moved each account by,
    transfers included: the months before as_of's from monthly_rollups, its month's days from
    daily_rollups. A split's parts add up to it (validation.check_splits), so this is the sum
    of the transactions' amounts."""
    months = select(_m.account_id.label("account_id"), _m.inflow_minor, _m.outflow_minor).where(
        _m.user_id == user_id
    )
    rows: Select | CompoundSelect
    if as_of is None:
        rows = months
    else:
        first = month_start(as_of)
        days = select(_d.account_id, _d.inflow_minor, _d.outflow_minor).where(
            _d.user_id == user_id, _d.day.between(first, as_of)
        )
        rows = union_all(months.where(_m.month < first), days)
    lines = rows.subquery("rolled")
    moved = func.sum(lines.c.inflow_minor + lines.c.outflow_minor)
    return (
        select(lines.c.account_id, moved.label("moved"))
        .group_by(lines.c.account_id)
        .subquery("moved")
    )


def moved_since(user_id: int, after: date, until: date) -> Subquery:
    """(account_id, moved): what the lines dated after `after` up to `until` moved each
    account by, from daily_rollups (a few months of days: a few thousand rows at most)."""
    moved = func.sum(_d.inflow_minor + _d.outflow_minor)
    return (
        select(_d.account_id.label("account_id"), moved.label("moved"))
        .where(_d.user_id == user_id, _d.day > after, _d.day <= until)
        .group_by(_d.account_id)
        .subquery("moved_since")
    )


@dataclass(frozen=True)
class DailyGroups:
    """The daily_rollups rows of one user's accounts in the reporting currency, joined to their
    category, and what a group counts as."""

    user_id: int
    foreign: tuple[int, ...]

    @property
    def source(self) -> FromClause:
        return daily_rollups.outerjoin(
            categories, and_(_c.id == _d.category_id, _c.user_id == _d.user_id)
        )

    def conditions(
        self, since: date, until: date, account_ids: tuple[int, ...]
    ) -> list[ColumnElement[bool]]:
        """The groups dated since..until on `account_ids` (all when empty), in the reporting
        currency, with lines (a group whose last line went is a row of zeros)."""
        found: list[ColumnElement[bool]] = [
            _d.user_id == self.user_id,
            _d.day.between(since, until),
            _d.line_count != 0,
        ]
        if account_ids:
            found.append(_d.account_id.in_(account_ids))
        if self.foreign:
            found.append(_d.account_id.not_in(self.foreign))
        return found

    @property
    def day(self) -> ColumnElement[date]:
        return _d.day

    @property
    def month(self) -> ColumnElement[str]:
        return month_bucket(_d.day)

    @property
    def day_of_month(self) -> ColumnElement[int]:
        return extract("day", _d.day)

    @property
    def account_id(self) -> ColumnElement[int]:
        return _d.account_id

    @property
    def category_id(self) -> ColumnElement[int | None]:
        return func.nullif(_d.category_id, 0)

    @property
    def line_count(self) -> ColumnElement[int]:
        return _d.line_count

    @property
    def flow(self) -> ColumnElement[int]:
        """What the lines moved the account's balance by (transfers too)."""
        return _d.inflow_minor + _d.outflow_minor

    def _not_transfer(self) -> ColumnElement[bool]:
        return _d.is_transfer == 0

    @property
    def is_spending(self) -> ColumnElement[bool]:
        """A group with a line classification.IS_SPENDING picks."""
        return and_(
            self._not_transfer(),
            or_(_c.kind == "expense", and_(_c.id.is_(None), _d.outflow_minor < 0)),
        )

    @property
    def spent(self) -> ColumnElement[int]:
        """Minus the sum of the spending lines, in a group is_spending picks: all of them in
        an expense category, the negative ones of an uncategorised group."""
        return case((_c.kind == "expense", -self.flow), else_=-_d.outflow_minor)

    @property
    def counted(self) -> ColumnElement[bool]:
        """A group whose lines are all income or spending (classification.IS_INCOME or
        IS_SPENDING): in an income or expense category, or uncategorised; never a transfer."""
        return and_(self._not_transfer(), or_(_c.kind.in_(("income", "expense")), _c.id.is_(None)))
