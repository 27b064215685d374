"""Posting a schedule's date as a transaction, skipping it, and posting every automatic one.

A posting stores the transaction (through data/writes.py's checks and inserts, so splits, tags
and validation are the entry form's) and the date's row in schedule_occurrences in ONE DB
transaction. The unique (schedule_id, due_on) key decides a race: of two clicks or two workers
posting the same date, the second meets the first's row, its transaction rolls back, and it
answers with the first one's. bump_version locks the owner's row first, so on PostgreSQL the
second usually waits and then finds the row; the key catches whatever gets past that.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, Row, select
from sqlalchemy.exc import IntegrityError

from data.entries import Transaction
from data.ownership import bump_version, insert_id
from data.schedules.due import OVERDUE_DAYS, occurrences
from data.schedules.model import Schedule
from data.schedules.recurrence import parse_rule, rule_dates, shifted
from data.schedules.store import owned_schedule
from data.schema import schedule_occurrences, schedules
from data.validation import NotFound, ValidationError
from data.writes import insert_transaction_in

NOT_A_DATE_OF_IT = "That is not a date of this schedule."
PAUSED = "This schedule is paused: make it active to post it."
SPLIT_AMOUNT = "A split schedule posts its own amount: change the parts in the schedule."


@dataclass(frozen=True)
class PostOverrides:
    """What the person changed before posting one date: the amount, the transaction's date."""

    amount_minor: int | None = None
    posts_on: date | None = None


@dataclass(frozen=True)
class Decision:
    """What a date of a schedule became. `created`: by this call (False: it was decided
    before, by another click or worker, and this is that decision). `transaction_id` is None
    for a skipped date and for a posted one whose transaction was deleted since."""

    status: str
    transaction_id: int | None
    created: bool


def post_occurrence(
    engine: Engine,
    user_id: int,
    schedule_id: object,
    due_on: date,
    overrides: PostOverrides | None = None,
) -> Decision:
    """Post the schedule's date `due_on` (the rule's date, before any weekend shift) as a
    transaction; at most once, however many times it is called. ValidationError when the
    transaction is refused, NotFound for another user's schedule."""
    return _decide(engine, user_id, schedule_id, due_on, overrides or PostOverrides())


def skip_occurrence(engine: Engine, user_id: int, schedule_id: object, due_on: date) -> Decision:
    """Mark the date as skipped: it is no longer due. A posted date stays posted."""
    return _decide(engine, user_id, schedule_id, due_on, None)


def _decide(
    engine: Engine,
    user_id: int,
    schedule_id: object,
    due_on: date,
    overrides: PostOverrides | None,
) -> Decision:
    schedule = None
    try:
        with engine.begin() as conn:
            bump_version(conn, user_id)
            schedule = owned_schedule(conn, user_id, schedule_id)
            before = _stored(conn, schedule, due_on)
            if before is not None:
                return before
            _check_date(schedule, due_on)
            txn_id = None
            if overrides is not None:
                txn = _transaction(schedule, due_on, overrides)
                txn_id = insert_transaction_in(conn, user_id, txn)
            status = "skipped" if overrides is None else "posted"
            values = {"schedule_id": schedule.id, "due_on": due_on, "transaction_id": txn_id}
            insert_id(conn, schedule_occurrences, user_id=user_id, status=status, **values)
            return Decision(status, txn_id, True)
    except IntegrityError as conflict:
        if schedule is None or "schedule_occurrences" not in str(conflict.orig):
            raise
    with engine.connect() as conn:
        decided = _stored(conn, schedule, due_on)
    assert decided is not None, "the unique key was violated by a row that is not there"
    return decided


def _stored(conn: Connection, schedule: Schedule, due_on: date) -> Decision | None:
    query = select(schedule_occurrences.c.status, schedule_occurrences.c.transaction_id).where(
        schedule_occurrences.c.schedule_id == schedule.id,
        schedule_occurrences.c.due_on == due_on,
    )
    row: Row | None = conn.execute(query).first()
    return None if row is None else Decision(row.status, row.transaction_id, False)


def _check_date(schedule: Schedule, due_on: date) -> None:
    if not schedule.active:
        raise ValidationError({"schedule": PAUSED})
    rule = parse_rule(schedule.rrule, schedule.starts_on)
    if not isinstance(due_on, date) or rule_dates(rule, schedule.starts_on, due_on, due_on) != [
        due_on
    ]:
        raise ValidationError({"due_on": NOT_A_DATE_OF_IT})


def _transaction(schedule: Schedule, due_on: date, overrides: PostOverrides) -> Transaction:
    txn = schedule.transaction_on(overrides.posts_on or shifted(due_on, schedule.weekend_shift))
    if overrides.amount_minor is not None and overrides.amount_minor != schedule.amount_minor:
        if schedule.splits:
            raise ValidationError({"amount_minor": SPLIT_AMOUNT})
        txn = replace(txn, amount_minor=overrides.amount_minor)
    return txn


@dataclass
class PostDueSummary:
    """What post_due did: dates posted now, found decided already, refused (with why)."""

    posted: list[str] = field(default_factory=list)
    already: int = 0
    failed: list[str] = field(default_factory=list)


def post_due(engine: Engine, today: date, *, dry_run: bool = False) -> PostDueSummary:
    """Post every automatic schedule's undecided dates posting from OVERDUE_DAYS ago to
    `today`, for every user, each in its own DB transaction (one refused date does not stop
    the others). Running it twice posts nothing the second time."""
    summary = PostDueSummary()
    for user_id in _users_with_automatic_schedules(engine):
        due = occurrences(engine, user_id, today - timedelta(days=OVERDUE_DAYS), today)
        for found in (o for o in due if o.schedule.auto_post):
            line = f"user {user_id}: {found.schedule.name} {found.posts_on.isoformat()}"
            if dry_run:
                summary.posted.append(line)
                continue
            try:
                decision = post_occurrence(engine, user_id, found.schedule.id, found.due_on)
            except (ValidationError, NotFound) as refused:
                summary.failed.append(f"{line}: {refused}")
                continue
            if decision.created:
                summary.posted.append(line)
            else:
                summary.already += 1
    return summary


def _users_with_automatic_schedules(engine: Engine) -> list[int]:
    query = (
        select(schedules.c.user_id)
        .distinct()
        .where(schedules.c.auto_post.is_(True), schedules.c.active.is_(True))
        .order_by(schedules.c.user_id)
    )
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())
