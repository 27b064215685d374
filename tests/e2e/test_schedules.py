"""Schedules in a real browser: create a weekly one on /schedules, see its first date on the
overview's Upcoming card, post it there, see that date gone from the list and its transaction
on /transactions (and in the database, once); post and skip dates and see the budget gauge's
spent and projection move."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dash._utils import stringify_id
from sqlalchemy import func, select

from dashboard import ids
from data.schedules.model import Schedule
from data.schedules.store import create_schedule, list_schedules
from data.schema import accounts, budgets, transactions
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
    wait_until(
        page, "id => (document.getElementById(id)?.options.length ?? 0) > 1", F["account_id"]
    )
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


# The budget meter (dashboard/budget_meter.py) as drawn: spent and projected in major units, from
# the integers it was drawn from, once its marker is on the track.
GAUGE_JS = """id => {
  const meter = document.querySelector(`[id='{"key":"${id}","type":"gauge"}']`);
  const track = meter && meter.querySelector('[role=meter]');
  if (!track || !track.style.getPropertyValue('--marker')) return null;
  return [Number(meter.dataset.spent) / 100, Number(meter.dataset.projected) / 100];
}"""
GAUGE_CHANGED_JS = f"""args => {{
  const now = ({GAUGE_JS})(args[0]);
  return now && (now[0] !== args[1][0] || now[1] !== args[1][1]) ? now : null;
}}"""


def _budgeted_category(engine, user_id: int) -> tuple[int, int]:
    """A category with a limit this month on the demo's overview, and a checking account."""
    with engine.connect() as conn:
        category = conn.execute(
            select(budgets.c.category_id).where(
                budgets.c.user_id == user_id, budgets.c.month == date.today().replace(day=1)
            )
        ).scalar()
        account = conn.execute(
            select(accounts.c.id).where(
                accounts.c.user_id == user_id, accounts.c.name == "Everyday Checking"
            )
        ).scalar_one()
    assert category is not None, "the demo household has no budget this month"
    return int(category), int(account)


def test_posting_and_skipping_upcoming_dates_move_the_budget_gauge(page, live_server):
    """Two dates due today in a budgeted category: the gauge's projection counts both. Posting
    one moves its amount into what is spent (the projection had foreseen it); skipping the
    other takes it out of the projection."""
    engine = live_server.app.server.extensions["ft_engine"]
    user_id = demo_user(engine)
    category, account = _budgeted_category(engine, user_id)
    today = date.today()
    made = {}
    for name, amount in (("Piano lessons", -45_00), ("Choir fee", -20_00)):
        schedule = Schedule(name, account, amount, "FREQ=MONTHLY", today, payee=name,
                            category_id=category)  # fmt: skip
        made[name] = create_schedule(engine, user_id, schedule)

    open_page(page, "/")
    spent, projected = wait_until(page, GAUGE_JS, category)
    page.locator(post_button(made["Piano lessons"], today)).click()
    after_post = wait_until(page, GAUGE_CHANGED_JS, [category, [spent, projected]])
    assert after_post[0] == pytest.approx(spent + 45.0)
    assert after_post[1] == pytest.approx(projected)

    skip = {"type": ids.UPCOMING_SKIP, "schedule": made["Choir fee"], "due": today.isoformat()}
    page.locator(f"[id='{stringify_id(skip)}']").click()
    after_skip = wait_until(page, GAUGE_CHANGED_JS, [category, after_post])
    assert after_skip[0] == pytest.approx(after_post[0])
    assert after_skip[1] == pytest.approx(projected - 20.0)
