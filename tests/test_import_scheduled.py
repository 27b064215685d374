"""data/imports/scheduled.py through the import: a new line that is a schedule's undecided date
(its account, its amount or within 5 %, within 4 days) is offered as "this is your scheduled
Rent"; accepted (the default), the commit stores the line and posts the date in the same DB
transaction; declined, it is a plain line; undoing the import makes the date due again.
Both dialects."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from dashboard.callbacks import import_review
from dashboard.callbacks.imports import decisions_after
from data import setup_writes
from data.imports.commit import ImportChoices, ImportSource, commit_import, undo_batch
from data.imports.matching import plan_import
from data.imports.statement import Statement, StatementLine
from data.schedules.due import occurrences
from data.schedules.model import Schedule
from data.schedules.store import create_schedule
from data.schema import accounts, schedule_occurrences
from tests.conftest import as_user, make_user

# The rent's first date, in the past (a statement covers days gone by).
DUE = date.today() - timedelta(days=10)
SOURCE = ImportSource("statement.csv", "0" * 64, "csv")


@pytest.fixture
def home(engine) -> dict[str, int]:
    user = make_user(engine, "alice")
    checking = setup_writes.create_account(engine, user, "Checking", "checking")
    other = setup_writes.create_account(engine, user, "Other", "checking")
    rent = create_schedule(
        engine, user, Schedule("Rent", checking, -95000, "FREQ=MONTHLY", DUE, payee="Landlord")
    )
    return {"user": user, "checking": checking, "other": other, "rent": rent}


def statement(*lines: tuple[int, str, str]) -> Statement:
    return Statement(
        "csv",
        tuple(
            StatementLine(number, DUE + timedelta(days=days), Decimal(amount), payee)
            for number, (days, amount, payee) in enumerate(lines, start=1)
        ),
    )


def plan(engine, home, account: str, file: Statement):
    with engine.connect() as conn:
        row = conn.execute(select(accounts).where(accounts.c.id == home[account])).one()
        return plan_import(conn, home["user"], row, file)


def posted(engine) -> list[tuple]:
    query = select(schedule_occurrences.c.due_on, schedule_occurrences.c.status,
                   schedule_occurrences.c.transaction_id)  # fmt: skip
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def test_a_line_like_the_schedule_is_offered_once(engine, home):
    file = statement(
        (2, "-950.00", "LANDLORD SEPA"),  # the rent, two days late
        (3, "-950.00", "LANDLORD SEPA"),  # the same amount again: the date is offered once
        (-1, "-1000.00", "OTHER"),  # 5.3 % off: not it
        (20, "-950.00", "LATER"),  # too far from the date
    )
    lines = plan(engine, home, "checking", file).lines
    offered = [(p.line.number, p.scheduled.name if p.scheduled else None) for p in lines]
    assert offered == [(1, "Rent"), (2, None), (3, None), (4, None)]
    assert lines[0].scheduled.note == f"This is your scheduled Rent (due {DUE.isoformat()})."
    # Within 5 %: a rent that went up a little.
    near = plan(engine, home, "checking", statement((0, "-980.00", "LANDLORD"))).lines
    assert near[0].scheduled is not None
    # Another account's line is not the schedule's.
    assert plan(engine, home, "other", statement((0, "-950.00", "X"))).lines[0].scheduled is None


def test_accepted_the_commit_posts_the_date_with_the_line_and_undo_forgets_it(engine, home):
    result = commit_import(
        engine, home["user"], home["checking"], statement((2, "-950.00", "LANDLORD")), SOURCE
    )
    [(due_on, status, txn_id)] = posted(engine)
    assert (due_on, status) == (DUE, "posted") and txn_id is not None
    assert DUE not in [o.due_on for o in occurrences(engine, home["user"], DUE, DUE)]
    undo_batch(engine, home["user"], result.batch_id)
    assert posted(engine) == []
    assert DUE in [o.due_on for o in occurrences(engine, home["user"], DUE, DUE)]


def test_declined_the_line_is_a_plain_one(engine, home):
    choices = ImportChoices(scheduled_declined=frozenset({1}))
    commit_import(
        engine, home["user"], home["checking"], statement((2, "-950.00", "X")), SOURCE, choices
    )
    assert posted(engine) == []
    assert DUE in [o.due_on for o in occurrences(engine, home["user"], DUE, DUE)]


def test_the_review_shows_the_offer_and_carries_a_decline(app, engine, home):
    file = statement((2, "-950.00", "LANDLORD"))
    with as_user(app, home["user"]):
        rows = import_review.review_rows(home["user"], plan(engine, home, "checking", file))
    assert rows[0]["sched"] is True and rows[0]["sname"] == "Rent"
    assert "This is your scheduled Rent" in rows[0]["note"]
    change = [{"colId": "sched", "rowId": "1", "value": False}]
    decisions = decisions_after(change, {})
    assert decisions == {"s1": "decline"}
    assert import_review._choices(decisions, "skip").scheduled_declined == frozenset({1})
    assert decisions_after([{"colId": "sched", "rowId": "1", "value": True}], decisions) == {}
    with pytest.raises(ValueError):
        import_review._choices({"s1": "maybe"}, "skip")
