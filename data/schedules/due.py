"""What is due: the dates of a user's active schedules that are neither posted nor skipped.

A date counts where it posts (after the weekend shift): a rent due Saturday the 31st and
posted before the weekend belongs to Friday the 30th, in that month's projection too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, select

from data.db import connection
from data.schedules.model import Schedule, ScheduledItem
from data.schedules.recurrence import InvalidRule, parse_rule, rule_dates, shifted
from data.schedules.store import schedules_in
from data.schema import schedule_occurrences

# A weekend shift moves a date at most this many days: the window of rule dates to read.
MAX_SHIFT_DAYS = 2
# Unposted dates older than this are no longer offered (the upcoming list's "overdue").
OVERDUE_DAYS = 30


@dataclass(frozen=True)
class Occurrence:
    """One undecided date of a schedule: `due_on` the rule's date, `posts_on` after the shift."""

    schedule: Schedule
    due_on: date
    posts_on: date

    def overdue(self, today: date) -> bool:
        return self.posts_on < today


def occurrences(engine: Engine, user_id: int, start: date, end: date) -> list[Occurrence]:
    """Undecided dates of this user's active schedules posting in [start, end], by date."""
    with connection(engine) as conn:
        return occurrences_in(conn, user_id, start, end)


def occurrences_in(conn: Connection, user_id: int, start: date, end: date) -> list[Occurrence]:
    """occurrences inside the caller's transaction (an import's commit)."""
    active = schedules_in(conn, user_id, active_only=True)
    if not active or end < start:
        return []
    decided = _decided(conn, user_id, [s.id for s in active if s.id is not None])
    found = []
    for schedule in active:
        found += _undecided(schedule, start, end, decided)
    return sorted(found, key=lambda o: (o.posts_on, o.schedule.name, o.due_on))


def _undecided(
    schedule: Schedule, start: date, end: date, decided: set[tuple[int, date]]
) -> list[Occurrence]:
    try:
        rule = parse_rule(schedule.rrule, schedule.starts_on)
    except InvalidRule:
        # Stored rules were checked when written; a rule a later version reads differently is
        # left out rather than failing every page that lists what is due.
        return []
    margin = timedelta(days=MAX_SHIFT_DAYS)
    dates = rule_dates(rule, schedule.starts_on, start - margin, end + margin)
    found = []
    for due_on in dates:
        posts_on = shifted(due_on, schedule.weekend_shift)
        if start <= posts_on <= end and (schedule.id, due_on) not in decided:
            found.append(Occurrence(schedule, due_on, posts_on))
    return found


def _decided(conn: Connection, user_id: int, schedule_ids: list[int]) -> set[tuple[int, date]]:
    query = select(schedule_occurrences.c.schedule_id, schedule_occurrences.c.due_on).where(
        schedule_occurrences.c.user_id == user_id,
        schedule_occurrences.c.schedule_id.in_(schedule_ids),
    )
    return {(row.schedule_id, row.due_on) for row in conn.execute(query)}


def scheduled_items(engine: Engine, user_id: int, start: date, end: date) -> list[ScheduledItem]:
    """The expected lines posting in [start, end]: one per occurrence, or one per part of a
    split schedule (the part's category and amount), so sums by category add up."""
    items = []
    for found in occurrences(engine, user_id, start, end):
        schedule = found.schedule
        assert schedule.id is not None
        for category_id, amount in schedule.lines():
            items.append(
                ScheduledItem(
                    schedule_id=schedule.id,
                    name=schedule.name,
                    due_on=found.due_on,
                    posts_on=found.posts_on,
                    account_id=schedule.account_id,
                    category_id=category_id,
                    amount_minor=amount,
                    payee=schedule.payee,
                )
            )
    return items


def upcoming(engine: Engine, user_id: int, today: date, days: int = 30) -> list[Occurrence]:
    """What to show as upcoming: undecided dates from OVERDUE_DAYS ago (overdue, first) to
    `days` ahead."""
    start, end = today - timedelta(days=OVERDUE_DAYS), today + timedelta(days=days)
    return occurrences(engine, user_id, start, end)


def next_dates(schedule: Schedule, today: date, count: int = 1) -> list[date]:
    """The next `count` posting dates on or after `today` by the rule (decided or not), for
    the schedules list."""
    try:
        rule = parse_rule(schedule.rrule, schedule.starts_on)
    except InvalidRule:
        return []
    start = today - timedelta(days=MAX_SHIFT_DAYS)
    dates = rule_dates(rule, schedule.starts_on, start, date.max, limit=count + MAX_SHIFT_DAYS)
    posting = [shifted(day, schedule.weekend_shift) for day in dates]
    return [day for day in posting if day >= today][:count]
