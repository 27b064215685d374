"""The demo household's schedules (data/demo_schedules.py): loaded with seed.sql, moved to the
current month with the rest, this month's dates already in the ledger marked posted with their
transaction, and what is still to come on the Upcoming list. Both dialects."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from data.schedules.due import upcoming
from data.schedules.store import list_schedules
from data.schema import schedule_occurrences, transactions
from data.seed import load_demo

# A day of the month after the rent (1st) and before the salary (25th).
TODAY = date(2027, 3, 10)


def test_demo_schedules_continue_the_history(engine):
    user_id = load_demo(engine, today=TODAY)
    names = {s.name: s for s in list_schedules(engine, user_id)}
    assert set(names) == {"Rent", "Salary", "Gym", "Netflix"}
    assert names["Rent"].starts_on == date(2027, 3, 1)
    with engine.connect() as conn:
        posted = conn.execute(
            select(schedule_occurrences.c.due_on, transactions.c.payee)
            .join(transactions, transactions.c.id == schedule_occurrences.c.transaction_id)
            .order_by(schedule_occurrences.c.due_on)
        ).all()
    assert [tuple(row) for row in posted] == [
        (date(2027, 3, 1), "Lindenhof Property Mgmt"),
        (date(2027, 3, 2), "FitLife Gym"),
        (date(2027, 3, 9), "Netflix"),
    ]
    coming = [(o.schedule.name, o.posts_on) for o in upcoming(engine, user_id, TODAY, days=30)]
    assert coming[0] == ("Salary", date(2027, 3, 25))
    assert ("Rent", date(2027, 4, 1)) in coming
    assert not [name for name, day in coming if day < TODAY]
