"""An imported line that is a schedule's date: "this is your scheduled Rent".

A new line (not a duplicate, not a hand entry's probable match) is offered as an undecided date
of one of the user's active schedules when it is in the schedule's account, its amount is the
schedule's exactly or within SCHEDULE_TOLERANCE of it (same sign: a rent that went up a little),
and its date is within SCHEDULE_DAYS of the date the schedule posts on. Each date is offered
to one line at most, the nearest in date, then in amount.

Accepted (the default), the commit stores the line as a new transaction and the date's row in
schedule_occurrences as posted with that transaction, in the import's DB transaction: the date
is no longer due, and the ledger holds the bank's line once. Undoing the import forgets those
rows, so the dates are due again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import Connection, delete, insert, select

from data.schedules.due import Occurrence, occurrences_in
from data.schema import schedule_occurrences
from data.schema import transactions as txns

SCHEDULE_DAYS = 4
SCHEDULE_TOLERANCE = Fraction(5, 100)


@dataclass(frozen=True)
class ScheduledMatch:
    """The schedule's date a line is: `due_on` is the rule's date (the occurrence's key)."""

    schedule_id: int
    name: str
    due_on: date
    posts_on: date

    @property
    def note(self) -> str:
        return f"This is your scheduled {self.name} (due {self.posts_on.isoformat()})."


@dataclass(frozen=True)
class Candidate:
    """A new line as the matching needs it."""

    number: int
    date: date
    amount_minor: int


def _close(amount: int, expected: int) -> bool:
    if amount == expected:
        return True
    if (amount < 0) != (expected < 0) or expected == 0:
        return False
    return abs(Fraction(amount - expected, expected)) <= SCHEDULE_TOLERANCE


def scheduled_matches(
    conn: Connection, user_id: int, account_id: int, lines: Sequence[Candidate]
) -> dict[int, ScheduledMatch]:
    """Line number -> the schedule's date it is, for the lines that are one."""
    if not lines:
        return {}
    margin = timedelta(days=SCHEDULE_DAYS)
    start, end = min(c.date for c in lines) - margin, max(c.date for c in lines) + margin
    by_day: dict[date, list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences_in(conn, user_id, start, end):
        if occurrence.schedule.account_id == account_id:
            by_day[occurrence.posts_on].append(occurrence)
    if not by_day:
        return {}
    # A statement has up to 50,000 lines: each looks only at the days around its own.
    pairs = []
    for candidate in lines:
        for offset in range(-SCHEDULE_DAYS, SCHEDULE_DAYS + 1):
            for occurrence in by_day.get(candidate.date + timedelta(days=offset), ()):
                expected = occurrence.schedule.amount_minor
                if _close(candidate.amount_minor, expected):
                    off = abs(candidate.amount_minor - expected)
                    pairs.append((abs(offset), off, candidate.number, candidate, occurrence))
    matches: dict[int, ScheduledMatch] = {}
    taken: set[tuple[int | None, date]] = set()
    for _days, _off, number, _candidate, occurrence in sorted(pairs, key=lambda p: p[:3]):
        schedule = occurrence.schedule
        key = (schedule.id, occurrence.due_on)
        if number in matches or key in taken or schedule.id is None:
            continue
        taken.add(key)
        matches[number] = ScheduledMatch(
            schedule.id, schedule.name, occurrence.due_on, occurrence.posts_on
        )
    return matches


def record_scheduled(
    conn: Connection, user_id: int, stored: Sequence[tuple[int, ScheduledMatch]]
) -> None:
    """Each (transaction id, its schedule's date) as a posted date, in the caller's
    transaction (the import's commit)."""
    if stored:
        rows = [
            {"user_id": user_id, "schedule_id": match.schedule_id, "due_on": match.due_on,
             "status": "posted", "transaction_id": txn_id}
            for txn_id, match in stored
        ]  # fmt: skip
        conn.execute(insert(schedule_occurrences), rows)


def forget_scheduled(conn: Connection, user_id: int, batch_id: int) -> None:
    """Before an import's rows are removed (its undo): their schedules' dates are due again."""
    batch_rows = select(txns.c.id).where(
        txns.c.user_id == user_id, txns.c.import_batch_id == batch_id
    )
    conn.execute(
        delete(schedule_occurrences).where(
            schedule_occurrences.c.user_id == user_id,
            schedule_occurrences.c.transaction_id.in_(batch_rows),
        )
    )
