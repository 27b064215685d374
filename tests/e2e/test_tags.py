"""Tags in a real browser: a click on the spending-by-tag chart filters everything to the tag
(with a chip that clears it), and the filter bar's tag filter does the same, any or all."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import ids
from dashboard.security.passwords import DEMO_USERNAME
from data import users, writes
from data.entries import Transaction
from data.lookups import list_accounts, list_categories
from tests.e2e.conftest import wait_until
from tests.e2e.test_entry_and_budgets import euros
from tests.e2e.test_overview import kpi_text, wait_for_points

# Tagged spending today: alpha 50.00 + 20.00, beta 10.00, the 20.00 tagged with both. Names
# of their own: the demo household has tags too.
ALPHA, BETA = "e2e-alpha", "e2e-beta"
TAGGED = ((-5_000, (ALPHA,)), (-2_000, (ALPHA, BETA)), (-1_000, (BETA,)))
SPENDING_TEXT_JS = """args => {
  const e = document.getElementById(args[0]);
  return e && e.textContent === args[1] ? e.textContent : null;
}"""


@pytest.fixture
def tagged(live_server) -> None:
    engine = live_server.app.server.extensions["ft_engine"]
    user_id = users.user_id_by_username(engine, DEMO_USERNAME)
    account = int(list_accounts(engine, user_id)["id"].iloc[0])
    categories = list_categories(engine, user_id)
    groceries = int(categories.set_index("name").loc["Groceries", "id"])
    for amount, names in TAGGED:
        txn = Transaction(account, date.today(), amount, "Tagged shop", "", groceries, tags=names)
        writes.create_transaction(engine, user_id, txn)


def wait_for_spending(page, text: str) -> None:
    wait_until(page, SPENDING_TEXT_JS, [f"{ids.KPI_SPENDING}-value", text])


def click_tag_bar(page, name: str) -> None:
    index = wait_until(
        page,
        """args => {
          const plot = document.querySelector(`[id="${args[0]}"] .js-plotly-plot`);
          if (!plot || !plot.data || !plot.data[0]) return null;
          const i = plot.data[0].y.indexOf(args[1]);
          return i < 0 ? null : String(i);
        }""",
        [ids.CHART_TAGS, name],
    )
    bar = page.locator(f"#{ids.CHART_TAGS} .bars .point path").nth(int(index))
    bar.click(position={"x": 3, "y": 3}, force=True)


@pytest.mark.usefixtures("tagged")
def test_a_tag_bar_click_filters_everything_and_its_chip_clears_it(page):
    wait_for_points(page, ids.CHART_TAGS)
    before = kpi_text(page, ids.KPI_SPENDING)
    click_tag_bar(page, ALPHA)
    chip = page.locator(f"#{ids.CHIPS} .filter-chip", has_text=f"Tag: {ALPHA}")
    chip.wait_for()
    wait_for_spending(page, "€70.00")
    assert euros(kpi_text(page, ids.KPI_SPENDING)) == 70
    chip.locator(".chip-remove").click()
    wait_for_spending(page, before)


@pytest.mark.usefixtures("tagged")
def test_the_filter_bar_filters_by_any_or_all_tags(page):
    wait_for_points(page, ids.CHART_TAGS)
    tags = page.locator(f"#{ids.TAGS_FILTER}")
    for name in (ALPHA, BETA):
        tags.click()
        # The options open in a popover of their own, outside the dropdown's element.
        page.locator(".dash-dropdown-option", has_text=name).first.click()
        page.keyboard.press("Escape")
    wait_for_spending(page, "€80.00")
    page.get_by_label("all", exact=True).check()
    wait_for_spending(page, "€20.00")
