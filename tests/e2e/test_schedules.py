"""Schedules in a real browser: create a weekly one on /schedules, see its first date on the
overview's Upcoming card, post it there, see that date gone from the list and its transaction
on /transactions (and in the database, once)."""

from __future__ import annotations

from datetime import date, timedelta

from dash._utils import stringify_id
from sqlalchemy import func, select

from dashboard import ids
from data.schedules.store import list_schedules
from data.schema import transactions
from tests.e2e.conftest import wait_until
from tests.e2e.test_entry_and_budgets import open_page
from tests.e2e.test_import import wait_text
from tests.e2e.test_rules import demo_user

F = ids.SCHEDULE_FIELDS
PAYEE = "Riverside Music School"
# Due today: the transaction is in the grid under its default dates.
FIRST = date.today()


def post_button(schedule_id: int, due: date) -> str:
    key = {"type": ids.UPCOMING_POST, "schedule": schedule_id, "due": due.isoformat()}
    return f"[id='{stringify_id(key)}']"


def test_create_a_schedule_see_it_upcoming_and_post_it(page, live_server):
    engine = live_server.app.server.extensions["ft_engine"]
    user_id = demo_user(engine)

    open_page(page, "/schedules")
    wait_until(page, "id => document.getElementById(id).options.length > 1", F["account_id"])
    page.fill(f"#{F['name']}", "Piano lessons")
    page.locator(f"#{F['account_id']}").select_option(label="Everyday Checking")
    page.fill(f"#{F['payee']}", PAYEE)
    page.fill(f"#{F['amount_minor']}", "-45.00")
    page.fill(f"#{F['starts_on']}", FIRST.isoformat())
    page.locator(f"#{F['frequency']}").select_option("weekly")
    page.locator(f"#{ids.SCHEDULE_SAVE}").click()
    wait_text(page, ids.SCHEDULES_LIST, "Piano lessons")
    listed = wait_text(page, ids.SCHEDULES_LIST, FIRST.isoformat())
    assert "-€45.00" in listed
    (schedule,) = [s for s in list_schedules(engine, user_id) if s.name == "Piano lessons"]

    open_page(page, "/")
    wait_text(page, ids.UPCOMING_LIST, "Piano lessons")
    page.locator(post_button(schedule.id, FIRST)).click()
    wait_text(page, ids.UPCOMING_FEEDBACK, f"Posted the {FIRST.isoformat()} transaction.")
    page.locator(post_button(schedule.id, FIRST)).wait_for(state="detached")
    # The next week's date is still to come.
    page.locator(post_button(schedule.id, FIRST + timedelta(days=7))).wait_for()

    with engine.connect() as conn:
        stored = conn.execute(
            select(func.count(), func.min(transactions.c.amount_minor)).where(
                transactions.c.user_id == user_id, transactions.c.payee == PAYEE
            )
        ).one()
    assert tuple(stored) == (1, -4500)

    open_page(page, "/transactions")
    page.fill(f"#{ids.SEARCH}", "Riverside")
    wait_until(
        page,
        "text => [...document.querySelectorAll('.ag-row')].some(r => r.innerText.includes(text))",
        PAYEE,
    )
