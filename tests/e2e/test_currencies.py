"""Several currencies in a real browser: an account in dollars shows its transactions in
dollars in the grid, and the overview totals them in euros, the rate used on hover."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import ids
from data import setup_writes, writes
from data.entries import Transaction
from data.rates import Rate, save_rate
from tests.conftest import TEST_PASSWORD, make_login_user
from tests.e2e.conftest import TIMEOUT_MS, login, real_errors, wait_until
from tests.e2e.test_overview import kpi_text

TRAVELLER = "traveller"
# $50.00 spent and $125.00 earned today; 1 EUR = 1.25 USD since 2000: €40.00 and €100.00.
CELL_JS = """args => {
  const rows = [...document.querySelectorAll(`[id="${args[0]}"] .ag-row`)];
  const row = rows.find(r => (r.querySelector("[col-id='payee']") || {}).textContent === args[1]);
  const cell = row && row.querySelector("[col-id='amount']");
  return cell ? cell.textContent : null;
}"""


@pytest.fixture
def traveller(browser, live_server):
    """A page logged in as a user whose only account is in USD (reporting currency EUR)."""
    engine = live_server.app.server.extensions["ft_engine"]
    user_id = make_login_user(engine, TRAVELLER)
    dollars = setup_writes.create_account(engine, user_id, "Dollar account", "checking", "USD")
    today = date.today()
    writes.create_transaction(engine, user_id, Transaction(dollars, today, -5_000, "Diner"))
    writes.create_transaction(engine, user_id, Transaction(dollars, today, 12_500, "Client"))
    save_rate(engine, user_id, Rate("USD", date(2000, 1, 1), 1_250_000))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server.url, TRAVELLER, TEST_PASSWORD)
    yield page
    context.close()
    assert real_errors(errors) == [], f"console errors: {errors}"


def test_dollars_in_the_grid_euros_on_the_overview_with_the_rate_on_hover(traveller, live_server):
    page = traveller
    assert kpi_text(page, ids.KPI_SPENDING) == "€40.00"
    assert kpi_text(page, ids.KPI_INCOME) == "€100.00"
    note = page.locator(f"#{ids.OVERVIEW_CURRENCY_NOTE}-rates")
    note.wait_for()
    assert "Totals in EUR" in note.inner_text()
    note.hover()
    assert "1 EUR = 1.25 USD" in (note.get_attribute("title") or "")

    page.goto(live_server.url + "/transactions")
    assert wait_until(page, CELL_JS, [ids.GRID, "Diner"]) == "-$50.00"
    assert wait_until(page, CELL_JS, [ids.GRID, "Client"]) == "$125.00"
