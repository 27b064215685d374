"""A goal's pace: what is left, the monthly amount needed to reach it on time, the date it is
reached at the current pace, and whether that is ahead of or behind its date. Exact integers.

- The current pace is the average monthly contribution over the last PACE_MONTHS months (what
  came in over that window, data/goals/progress.py, divided by PACE_MONTHS).
- At that pace the goal is reached ceil(remaining / pace) months from today; no date when the
  pace is zero or negative.
- Months left are the calendar months from this one to the target date's (at least 1: a goal
  due this month or overdue needs all that is left now). Monthly needed = remaining / months
  left, rounded up to the cent, so that paying it every month reaches the target.
- A goal at or over its target is reached: on the derived day (progress.reached_since) while it
  is active, on the stored day once archived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from data.db import connection
from data.goals.progress import PACE_MONTHS, GoalProgress, goal_progress, reached_since
from data.months import add_months, month_index

# What a goal is doing: reached; ahead (at this pace it is reached by its date); behind (not
# by its date, or not at all at this pace); open (no date to be ahead of or behind).
STATUSES = ("reached", "ahead", "behind", "open")


@dataclass(frozen=True)
class GoalStatus:
    """A goal with its progress and pace, as the goals page and the overview cards show it."""

    goal: GoalProgress
    remaining_minor: int
    percent: int
    monthly_needed_minor: int | None
    projected_on: date | None
    status: str
    reached_on: date | None


def ceil_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded up, exactly (denominator > 0)."""
    return -(-numerator // denominator)


def months_left(today: date, target_date: date) -> int:
    return max(month_index(target_date) - month_index(today), 1)


def pace_of(goal: GoalProgress, today: date, reached_on: date | None = None) -> GoalStatus:
    """The goal's status on `today`; `reached_on` is the day it was reached if it is."""
    remaining = max(goal.target_minor - goal.saved_minor, 0)
    percent = max(goal.saved_minor, 0) * 100 // goal.target_minor
    if remaining == 0 or goal.stored_reached_on is not None:
        # An archived goal reached once stays reached, whatever the account holds since.
        return GoalStatus(goal, remaining, percent, None, None, "reached", reached_on or today)
    projected = None
    if goal.recent_minor > 0:
        # remaining / (recent / PACE_MONTHS) months, rounded up to a whole month.
        projected = add_months(today, ceil_div(remaining * PACE_MONTHS, goal.recent_minor))
    needed = None
    status = "open"
    if goal.target_date is not None:
        needed = ceil_div(remaining, months_left(today, goal.target_date))
        on_time = projected is not None and projected <= goal.target_date
        status = "ahead" if on_time and goal.target_date >= today else "behind"
    return GoalStatus(goal, remaining, percent, needed, projected, status, None)


def goal_statuses(engine: Engine, user_id: int, today: date) -> list[GoalStatus]:
    """Every goal of the user with its pace, by name: the goals read model. An archived goal
    shows the day stored when it was archived; an active reached one, the derived day."""
    with connection(engine) as conn:
        found = []
        for goal in goal_progress(conn, user_id, today):
            reached_on = goal.stored_reached_on
            if reached_on is None and not goal.archived and goal.saved_minor >= goal.target_minor:
                reached_on = reached_since(conn, user_id, goal, today)
            found.append(pace_of(goal, today, reached_on))
        return found
