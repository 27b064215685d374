"""Goals in a real browser: a goal created on /goals, with its amount typed as the entry form
reads amounts, shows as a card on the goals page and on the overview."""

from __future__ import annotations

from datetime import date

from dashboard import ids
from data.goals.store import GoalInput, create_goal
from data.lookups import list_accounts
from tests.e2e.conftest import wait_until
from tests.e2e.test_rules import demo_user

CARD_TEXT_JS = """args => {
  const e = document.getElementById(args[0]);
  return e && e.innerText.includes(args[1]) ? e.innerText : null;
}"""


def store_a_goal(engine) -> int:
    """A goal toward the demo user's first account, for the pages that draw goal cards (the
    accessibility and phone tests)."""
    user_id = demo_user(engine)
    account = int(list_accounts(engine, user_id)["id"].iloc[0])
    goal = GoalInput("Rainy day fund", 2_500_000, date(date.today().year + 2, 1, 1), "account",
                     account)  # fmt: skip
    return create_goal(engine, user_id, goal, date.today())


def test_a_goal_created_on_goals_shows_on_the_overview(page):
    page.goto(page.base_url + "/goals")
    page.locator(f"#{ids.GOALS_LIST} .goals-empty").wait_for()
    page.fill(f"#{ids.GOAL_NAME}", "New bike")
    # Too many decimals: refused with the entry form's message, nothing saved.
    page.fill(f"#{ids.GOAL_TARGET}", "1,200.555")
    page.click(f"#{ids.GOAL_SAVE}")
    wait_until(page, CARD_TEXT_JS, [ids.feedback_id(ids.GOAL_TARGET), "at most 2 decimals"])
    page.fill(f"#{ids.GOAL_TARGET}", "1,200.50")
    page.fill(f"#{ids.GOAL_TARGET_DATE}", f"{date.today().year + 1}-12-31")
    page.locator(f"#{ids.GOAL_ACCOUNT}").click()
    page.locator(".dash-dropdown-option").first.click()
    page.keyboard.press("Escape")
    page.click(f"#{ids.GOAL_SAVE}")
    shown = wait_until(page, CARD_TEXT_JS, [ids.GOALS_LIST, "New bike"])
    assert "of €1,200.50" in shown
    assert page.input_value(f"#{ids.GOAL_NAME}") == ""
    page.click("a.nav-link[href='/']")
    card = wait_until(page, CARD_TEXT_JS, [ids.OVERVIEW_GOALS, "New bike"])
    assert "of €1,200.50" in card and "at this pace" in card
    assert page.locator(f"#{ids.OVERVIEW_GOALS} [role='progressbar']").count() == 1
