"""How much each goal has saved, in SQL, and since when a reached goal has been reached.

The rule of the sign: money saved is positive. An account goal counts the account's balance
(its opening balance plus every transaction dated up to today, transfers included), as the
accounts page shows it. A tag goal counts the tagged lines dated from its starts_on to today,
each with its amount as stored on its account: a deposit or an incoming transfer tagged "House"
adds to the goal, a withdrawal tagged "House" takes from it. A line is a transaction that is not
split, or one part of a split; a split part counts when it or its transaction carries the tag,
so a tagged split counts once, whole. Only accounts in the user's currency count toward a tag
goal: a goal's amounts are in that currency.

`recent_minor` is what came in over the last PACE_MONTHS months (the window data/goals/pace.py
averages), counted by the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, and_, case, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from data.classification import LINE_AMOUNT, WITH_LINES, money_sum
from data.db import connection
from data.months import add_months
from data.rollup_days import moved_by_account, moved_since
from data.rollup_reads import rollups_allowed
from data.schema import (
    accounts,
    goals,
    split_tags,
    tags,
    transaction_splits,
    transaction_tags,
    transactions,
    users,
)

PACE_MONTHS = 3
_g, _t, _a = goals.c, transactions.c, accounts.c


@dataclass(frozen=True)
class GoalProgress:
    """One goal and what it has saved: amounts in minor units of the user's currency."""

    id: int
    name: str
    target_minor: int
    target_date: date | None
    source: str
    account_id: int | None
    account: str | None
    tag_id: int | None
    tag: str | None
    starts_on: date
    archived: bool
    stored_reached_on: date | None
    saved_minor: int
    recent_minor: int
    # What the account held before its first transaction (0 for a tag goal).
    base_minor: int


def list_goal_progress(engine: Engine, user_id: int, today: date) -> list[GoalProgress]:
    """Every goal of the user, archived ones too, by name."""
    with connection(engine) as conn:
        return goal_progress(conn, user_id, today)


def goal_progress(
    conn: Connection, user_id: int, today: date, goal_ids: Sequence[int] = ()
) -> list[GoalProgress]:
    """The user's goals (or those of `goal_ids`) with what they saved up to `today`: three
    grouped queries whatever the number of goals."""
    query = (
        select(goals, accounts.c.name.label("account"), accounts.c.opening_balance_minor,
               tags.c.name.label("tag"))
        .select_from(
            goals.outerjoin(accounts, and_(_a.id == _g.account_id, _a.user_id == user_id))
            .outerjoin(tags, and_(tags.c.id == _g.tag_id, tags.c.user_id == user_id))
        )
        .where(_g.user_id == user_id)
        .order_by(_g.name)
    )  # fmt: skip
    if goal_ids:
        query = query.where(_g.id.in_(goal_ids))
    rows = conn.execute(query).all()
    since = add_months(today, -PACE_MONTHS)
    sums = _account_sums(conn, user_id, today, since) | _tag_sums(conn, user_id, today, since)
    found = []
    for row in rows:
        saved, recent = sums.get(row.id, (0, 0))
        base = int(row.opening_balance_minor or 0) if row.source == "account" else 0
        found.append(
            GoalProgress(
                id=row.id,
                name=row.name,
                target_minor=int(row.target_minor),
                target_date=row.target_date,
                source=row.source,
                account_id=row.account_id,
                account=row.account,
                tag_id=row.tag_id,
                tag=row.tag,
                starts_on=row.starts_on,
                archived=bool(row.archived),
                stored_reached_on=row.reached_on,
                saved_minor=base + saved,
                recent_minor=recent,
                base_minor=base,
            )
        )
    return found


def _account_sums(
    conn: Connection, user_id: int, today: date, since: date
) -> dict[int, tuple[int, int]]:
    """goal id -> (sum of its account's transactions up to today, of those after `since`)."""
    if rollups_allowed():
        # From the rollups (data/rollup_days.py), not every row of the account.
        total, recent = moved_by_account(user_id, today), moved_since(user_id, since, today)
        rolled = (
            select(
                _g.id,
                money_sum(func.coalesce(total.c.moved, 0)),
                money_sum(func.coalesce(recent.c.moved, 0)),
            )
            .select_from(
                goals.outerjoin(total, total.c.account_id == _g.account_id).outerjoin(
                    recent, recent.c.account_id == _g.account_id
                )
            )
            .where(_g.user_id == user_id, _g.source == "account")
            .group_by(_g.id)
        )
        return {row[0]: (int(row[1]), int(row[2])) for row in conn.execute(rolled)}
    query = (
        select(
            _g.id,
            money_sum(_t.amount_minor),
            money_sum(case((_t.date > since, _t.amount_minor), else_=0)),
        )
        .select_from(
            goals.join(
                transactions,
                and_(_t.account_id == _g.account_id, _t.user_id == user_id, _t.date <= today),
            )
        )
        .where(_g.user_id == user_id, _g.source == "account")
        .group_by(_g.id)
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in conn.execute(query)}


def _tag_sums(
    conn: Connection, user_id: int, today: date, since: date
) -> dict[int, tuple[int, int]]:
    """goal id -> (sum of its tagged lines from starts_on to today, of those after `since`)."""
    currency = select(users.c.currency).where(users.c.id == user_id).scalar_subquery()
    in_currency = and_(_a.id == _t.account_id, _a.user_id == user_id, _a.currency == currency)
    query = (
        select(
            _g.id,
            money_sum(LINE_AMOUNT),
            money_sum(case((_t.date > since, LINE_AMOUNT), else_=0)),
        )
        .select_from(goals.join(WITH_LINES, _tagged_line(today)).join(accounts, in_currency))
        .where(_g.user_id == user_id, _g.source == "tag")
        .group_by(_g.id)
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in conn.execute(query)}


def _tagged_line(today: date) -> ColumnElement[bool]:
    """A line of the goal's owner, dated from its starts_on to today, carrying its tag."""
    return and_(
        _t.user_id == _g.user_id,
        _t.date >= _g.starts_on,
        _t.date <= today,
        _tag_condition(_g.tag_id),
    )


def reached_since(conn: Connection, user_id: int, goal: GoalProgress, today: date) -> date:
    """The day a goal at or over its target got there and stayed: the first day of the last
    run of days on which its running total was at or over the target. Derived from the ledger,
    so an edited or deleted transaction moves it; one grouped query by day, for this goal only."""
    amount: ColumnElement[int]
    source: FromClause
    if goal.source == "account":
        amount, source = _t.amount_minor, transactions
        period = _t.account_id == goal.account_id
    else:
        amount, source = LINE_AMOUNT, WITH_LINES
        currency = select(users.c.currency).where(users.c.id == user_id).scalar_subquery()
        period = and_(
            _t.date >= goal.starts_on,
            _t.account_id.in_(select(_a.id).where(_a.user_id == user_id, _a.currency == currency)),
            _tag_condition(goal.tag_id),
        )
    query = (
        select(_t.date, money_sum(amount))
        .select_from(source)
        .where(_t.user_id == user_id, _t.date <= today, period)
        .group_by(_t.date)
        .order_by(_t.date)
    )
    running = goal.base_minor
    reached: date | None = goal.starts_on if running >= goal.target_minor else None
    for day, total in conn.execute(query):
        running += int(total)
        if running < goal.target_minor:
            reached = None
        elif reached is None:
            reached = day
    return reached or today


def _tag_condition(tag_id: object) -> ColumnElement[bool]:
    """The line (its transaction, or its split part) carries the tag (an id or a column)."""
    whole = exists().where(
        transaction_tags.c.transaction_id == _t.id, transaction_tags.c.tag_id == tag_id
    )
    part = exists().where(
        split_tags.c.split_id == transaction_splits.c.id, split_tags.c.tag_id == tag_id
    )
    return or_(whole, part)
