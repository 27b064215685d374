"""Stored XSS in a real browser: markup saved as a payee, memo, account, category, category
group, receipt, rule, schedule, goal or imported file's name is shown as text on every page,
never parsed into elements, and no dialog opens.

The page fixture fails a test on any console error, a Content-Security-Policy violation
included: an injected <img src=x> would also show up as a failed load of /x.
"""

from __future__ import annotations

import secrets
from datetime import date

import pytest

from dashboard import ids
from dashboard.security.passwords import DEMO_USERNAME
from data import receipt_writes, setup_writes, users, writes
from data.entries import Split, Transaction
from data.goals.store import GoalInput, create_goal
from data.imports.pipeline import commit_upload
from data.imports.uploads import stage_upload
from data.months import month_start
from data.rules.model import Action, Condition, Rule
from data.rules.store import create_rule
from data.schedules.model import Schedule
from data.schedules.store import create_schedule
from tests.e2e.conftest import wait_until
from tests.e2e.test_category_groups import click_bar
from tests.e2e.test_entry_and_budgets import open_page

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(2)</script>'
JS_URL = "javascript:alert(3)"
RECEIPT_NAME = "<img src=x onerror=alert(4)>.png"
SPLIT_PAYEE = "Split with markup"
TAG_NAME = "<img src=x onerror=alert(6)>tag"
# Charts show it as it is: plotly's label markup knows <b> and <i>, not <img>.
GROUP_NAME = "<img src=x onerror=alert(5)> Group"

# Everything the payloads could have turned into, had they been parsed as HTML.
INJECTED_JS = """() => {
  const found = [];
  document.querySelectorAll('img[src="x"], [onerror]').forEach(e => found.push(e.outerHTML));
  document.querySelectorAll('script').forEach(e => {
    if (e.textContent.includes('alert(')) found.push(e.outerHTML);
  });
  document.querySelectorAll('a[href^="javascript:"]').forEach(e => found.push(e.outerHTML));
  return found;
}"""
TEXT_IN_JS = """args => {
  const e = document.querySelector(args[0]);
  return !!e && args[1].every(text => e.innerText.includes(text));
}"""
INPUT_VALUES_JS = """selector => Array.from(document.querySelectorAll(selector), e => e.value)"""
# Plotly draws its labels (axis ticks, bar labels) as SVG text.
CHART_SHOWS_JS = """args => Array.from(
  document.querySelectorAll(`[id="${args[0]}"] svg text`), e => e.textContent
).includes(args[1])"""
# The budget meters' names (HTML text, dashboard/budget_meter.py) and the names screen readers get.
METER_SHOWS_JS = """args => Array.from(
  document.querySelectorAll(`[id="${args[0]}"] .budget-meter`),
  e => [e.querySelector('.budget-meter-name').textContent,
        e.querySelector('[role=meter]').getAttribute('aria-label')]
).some(([name, label]) => name === args[1] && label === args[1])"""
# Every option text of the categories' group selects on /accounts.
GROUP_OPTIONS_JS = """() => Array.from(
  document.querySelectorAll("select[id*='settings-category-group'] option"), o => o.text
)"""
SELECTED_TEXT_JS = """id => {
  const select = document.getElementById(id);
  return select && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : null;
}"""


@pytest.fixture
def stored_payloads(live_server) -> None:
    """The demo user's new account, category (in a new group), transactions, budget and receipt,
    all named with markup, written through data.writes into the live server's database."""
    engine = live_server.app.server.extensions["ft_engine"]
    user_id = users.user_id_by_username(engine, DEMO_USERNAME)
    today = date.today()
    account = setup_writes.create_account(engine, user_id, IMG, "checking", "EUR")
    category = setup_writes.create_category(engine, user_id, IMG, "expense")
    group = setup_writes.create_group(engine, user_id, GROUP_NAME)
    setup_writes.set_category_group(engine, user_id, category, group)

    def spend(payee: str, memo: str, amount: int) -> int:
        txn = Transaction(account, today, amount, payee, memo, category)
        return writes.create_transaction(engine, user_id, txn)

    img_payee = spend(IMG, SCRIPT, -1111)
    spend(SCRIPT, IMG, -2222)
    spend(JS_URL, "", -3333)
    # A split: its parts' memos are shown in the edit modal's part inputs.
    parts = (Split(-400, category, IMG), Split(-44, None, SCRIPT))
    writes.create_transaction(
        engine,
        user_id,
        Transaction(account, today, -444, SPLIT_PAYEE, "", splits=parts, tags=(TAG_NAME,)),
    )
    writes.set_budget(engine, user_id, category, month_start(today), 50_000)
    # Only the row: the page shows the receipt's name, the file is read on download alone.
    receipt_writes.attach_receipt(
        engine,
        user_id,
        img_payee,
        storage_name=f"{secrets.token_hex(16)}.png",
        original_name=RECEIPT_NAME,
        content_type="image/png",
        size_bytes=8,
        sha256="0" * 64,
    )


@pytest.fixture
def dialogs(page) -> list[str]:
    opened: list[str] = []

    def record(dialog) -> None:
        opened.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def assert_nothing_injected(page, dialogs: list[str]) -> None:
    assert page.evaluate(INJECTED_JS) == []
    assert dialogs == []


def wait_for_text(page, selector: str, *texts: str) -> None:
    wait_until(page, TEXT_IN_JS, [selector, list(texts)])


@pytest.mark.usefixtures("stored_payloads")
def test_stored_markup_is_shown_as_text_on_every_page(page, dialogs):
    open_page(page, "/transactions")
    grid = f"#{ids.GRID}"
    wait_for_text(page, grid, IMG, SCRIPT, JS_URL)
    assert page.get_by_text(IMG, exact=True).count() >= 1
    assert page.get_by_text(SCRIPT, exact=True).count() >= 1
    assert page.get_by_text(JS_URL, exact=True).count() >= 1
    assert_nothing_injected(page, dialogs)

    page.locator(f'{grid} .ag-cell[col-id="payee"]', has_text=IMG).first.click()
    wait_until(page, "id => document.getElementById(id)?.value", ids.EDIT_PAYEE)
    assert page.input_value(f"#{ids.EDIT_PAYEE}") == IMG
    assert page.input_value(f"#{ids.EDIT_MEMO}") == SCRIPT
    assert page.evaluate(SELECTED_TEXT_JS, ids.EDIT_ACCOUNT) == IMG
    assert page.evaluate(SELECTED_TEXT_JS, ids.EDIT_CATEGORY) == IMG
    wait_for_text(page, f"#{ids.EDIT_RECEIPT_CURRENT}", RECEIPT_NAME)
    assert_nothing_injected(page, dialogs)
    page.locator(f"#{ids.EDIT_CANCEL}").click()

    page.locator(f'{grid} .ag-cell[col-id="payee"]', has_text=SPLIT_PAYEE).first.click()
    memos = f"#{ids.EDIT_SPLIT_PARTS} input[id*='{ids.SPLIT_MEMO}']"
    wait_until(page, f"args => ({INPUT_VALUES_JS})(args[0]).includes(args[1])", [memos, IMG])
    assert page.evaluate(INPUT_VALUES_JS, memos) == [IMG, SCRIPT]
    assert_nothing_injected(page, dialogs)
    page.locator(f"#{ids.EDIT_CANCEL}").click()

    open_page(page, "/budgets")
    wait_for_text(page, f"#{ids.BUDGET_TABLE}", IMG, GROUP_NAME)
    wait_until(page, METER_SHOWS_JS, [ids.BUDGET_GAUGES, IMG])
    assert_nothing_injected(page, dialogs)

    open_page(page, "/accounts")
    wait_until(
        page,
        f"args => ({INPUT_VALUES_JS})(args[0]).includes(args[1])",
        ["input[id*='settings-account-name']", IMG],
    )
    assert IMG in page.evaluate(INPUT_VALUES_JS, "input[id*='settings-category-name']")
    assert GROUP_NAME in page.evaluate(INPUT_VALUES_JS, "input[id*='settings-group-name']")
    assert GROUP_NAME in page.evaluate(GROUP_OPTIONS_JS)
    assert TAG_NAME in page.evaluate(INPUT_VALUES_JS, "input[id*='settings-tag-name']")
    assert_nothing_injected(page, dialogs)

    open_page(page, "/")
    wait_for_text(page, f"#{ids.OVERVIEW_TRANSACTIONS}", IMG, SCRIPT, JS_URL)
    wait_until(page, CHART_SHOWS_JS, [ids.CHART_CATEGORY, IMG])
    wait_until(page, METER_SHOWS_JS, [ids.GAUGES, IMG])
    assert page.get_by_text(IMG, exact=True).count() >= 2  # the payee and the category
    wait_until(page, CHART_SHOWS_JS, [ids.CHART_TAGS, TAG_NAME])
    click_bar(page, ids.CHART_TAGS, TAG_NAME)
    wait_for_text(page, f"#{ids.CHIPS}", f"Tag: {TAG_NAME}")
    assert_nothing_injected(page, dialogs)
    page.locator(f"#{ids.CHIPS} .chip-remove").first.click()

    # The group view: the group's bar, then drilled into it, the breadcrumb.
    page.locator(f"#{ids.CATEGORY_VIEW} label", has_text="Groups").click()
    wait_until(page, CHART_SHOWS_JS, [ids.CHART_CATEGORY, GROUP_NAME])
    wait_until(page, CHART_SHOWS_JS, [ids.CHART_STACKED, GROUP_NAME])
    click_bar(page, ids.CHART_CATEGORY, GROUP_NAME)
    wait_for_text(page, f"#{ids.CATEGORY_DRILL_CURRENT}", GROUP_NAME)
    wait_until(page, CHART_SHOWS_JS, [ids.CHART_CATEGORY, IMG])
    assert_nothing_injected(page, dialogs)


RULE_NAME = "<img src=x onerror=alert(7)> rule"
FILE_NAME = "<img src=x onerror=alert(8)>.csv"
IMPORTED_PAYEE = "<b onmouseover=alert(9)>Bakery</b>"


@pytest.fixture
def stored_rule_and_import(live_server) -> None:
    """A rule and an import batch named with markup, the imported line's payee too."""
    engine = live_server.app.server.extensions["ft_engine"]
    user_id = users.user_id_by_username(engine, DEMO_USERNAME)
    account = setup_writes.create_account(engine, user_id, "Imports", "checking", "EUR")
    rule = Rule(
        None,
        RULE_NAME,
        True,
        "all",
        (Condition("payee", "contains", "Bakery"),),
        (Action("set_memo", SCRIPT),),
    )
    create_rule(engine, user_id, rule)
    day = date.today().isoformat()
    content = f"Date,Amount,Payee\n{day},-12.50,{IMPORTED_PAYEE}\n".encode()
    upload = stage_upload(engine, user_id, FILE_NAME, content)
    commit_upload(engine, user_id, upload, account)


@pytest.mark.usefixtures("stored_rule_and_import")
def test_rule_and_import_names_are_shown_as_text(page, dialogs):
    open_page(page, "/rules")
    wait_for_text(page, f"#{ids.RULES_LIST}", RULE_NAME)
    assert page.get_by_text(RULE_NAME, exact=True).count() >= 1
    assert_nothing_injected(page, dialogs)

    open_page(page, "/import")
    wait_for_text(page, f"#{ids.IMPORT_HISTORY}", FILE_NAME)
    assert_nothing_injected(page, dialogs)

    open_page(page, "/transactions")
    wait_for_text(page, f"#{ids.GRID}", "Bakery", SCRIPT)
    assert page.locator("b[onmouseover]").count() == 0
    assert_nothing_injected(page, dialogs)


SCHEDULE_NAME = "<img src=x onerror=alert(10)> rent"
GOAL_NAME = "<img src=x onerror=alert(11)> house"


@pytest.fixture
def stored_schedule_and_goal(live_server) -> None:
    """A schedule due today and a goal, both named with markup (the schedule's payee too)."""
    engine = live_server.app.server.extensions["ft_engine"]
    user_id = users.user_id_by_username(engine, DEMO_USERNAME)
    account = setup_writes.create_account(engine, user_id, "Markup", "savings", "EUR")
    today = date.today()
    schedule = Schedule(SCHEDULE_NAME, account, -1_00, "FREQ=MONTHLY", today, payee=SCRIPT)
    create_schedule(engine, user_id, schedule)
    create_goal(engine, user_id, GoalInput(GOAL_NAME, 500_00, None, "account", account), today)


@pytest.mark.usefixtures("stored_schedule_and_goal")
def test_schedule_and_goal_names_are_shown_as_text(page, dialogs):
    open_page(page, "/schedules")
    wait_for_text(page, f"#{ids.SCHEDULES_LIST}", SCHEDULE_NAME)
    assert_nothing_injected(page, dialogs)

    open_page(page, "/goals")
    wait_for_text(page, f"#{ids.GOALS_LIST}", GOAL_NAME)
    assert_nothing_injected(page, dialogs)

    open_page(page, "/")
    wait_for_text(page, f"#{ids.UPCOMING_LIST}", SCHEDULE_NAME)
    wait_for_text(page, f"#{ids.OVERVIEW_GOALS}", GOAL_NAME)
    assert_nothing_injected(page, dialogs)
