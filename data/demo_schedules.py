"""The demo household's schedules: its rent, salary, gym and a subscription, as seed.sql rows
(data/demo.py writes them), and what load_demo does once the dates are moved to today: the
dates already in the ledger this month are marked posted (with their transaction), so the
overview's Upcoming card lists only what is still to come.

Each starts in the anchor month on the day its transactions have in data/demo_household.py's
SCHEDULE (the second year's amounts), so it continues the history.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, insert, select

from data.schedules.model import schedule_from_row
from data.schedules.recurrence import parse_rule, rule_dates, shifted
from data.schema import schedule_occurrences, schedules
from data.schema import transactions as txns

SCHEDULE_COLUMNS = (
    "id", "user_id", "name", "account_id", "payee", "category_id", "amount_minor", "memo",
    "rrule", "starts_on", "weekend_shift", "auto_post", "active",
)  # fmt: skip
# name, account id, category name, payee, signed cents, day of the month, weekend shift.
DEMO_SCHEDULES = (
    ("Rent", 1, "Rent", "Lindenhof Property Mgmt", -129_000, 1, "none"),
    ("Salary", 1, "Salary", "Acme Logistics GmbH", 269_000, 25, "none"),
    ("Gym", 1, "Health", "FitLife Gym", -2_990, 2, "none"),
    ("Netflix", 3, "Subscriptions", "Netflix", -1_599, 9, "none"),
)


def schedule_rows(
    user_id: int, anchor_month: date, category_ids: dict[str, int]
) -> list[tuple[int | str | bool | date | None, ...]]:
    """The rows of `schedules` in SCHEDULE_COLUMNS order."""
    return [
        (number, user_id, name, account, payee, category_ids[category], amount, "",
         f"FREQ=MONTHLY;BYMONTHDAY={day}", anchor_month.replace(day=day), shift, False, True)
        for number, (name, account, category, payee, amount, day, shift)
        in enumerate(DEMO_SCHEDULES, 1)
    ]  # fmt: skip


def mark_demo_history(conn: Connection, user_id: int, today: date) -> None:
    """Each schedule's dates up to `today` as posted, with the transaction of that date, account,
    payee and amount when the ledger has it: those are in the history already."""
    rows = conn.execute(select(schedules).where(schedules.c.user_id == user_id)).all()
    posted = []
    for row in rows:
        schedule = schedule_from_row(row._mapping)
        rule = parse_rule(schedule.rrule, schedule.starts_on)
        for due_on in rule_dates(rule, schedule.starts_on, schedule.starts_on, today):
            posts_on = shifted(due_on, schedule.weekend_shift)
            if posts_on > today:
                continue
            same = select(txns.c.id).where(
                txns.c.user_id == user_id, txns.c.account_id == schedule.account_id,
                txns.c.date == posts_on, txns.c.payee == schedule.payee,
                txns.c.amount_minor == schedule.amount_minor,
            )  # fmt: skip
            txn_id = conn.scalar(same.limit(1))
            posted.append({"user_id": user_id, "schedule_id": schedule.id, "due_on": due_on,
                           "status": "posted", "transaction_id": txn_id})  # fmt: skip
    if posted:
        conn.execute(insert(schedule_occurrences), posted)
