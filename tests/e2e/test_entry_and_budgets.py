"""Writes in a real browser: a new transaction reaches the KPIs and charts, a bad amount stores
nothing, and a new budget limit moves its gauge."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from dashboard import ids
from data.db import make_engine
from data.schema import transactions
from tests.e2e.conftest import wait_until
from tests.e2e.test_overview import kpi_text, wait_for_points

CATEGORY = "Gifts"
CATEGORY_VALUE_JS = """args => {
  const plot = document.querySelector(`[id="${args[0]}"] .js-plotly-plot`);
  if (!plot || !plot.data || !plot.data[0]) return null;
  const trace = plot.data[0];
  const i = (trace.y || []).indexOf(args[1]);
  return i < 0 ? null : trace.text[i];
}"""


def euros(text: str) -> Decimal:
    """'€1,234.56' or '-€1.00' as an exact Decimal."""
    return Decimal(text.replace("€", "").replace(",", ""))


def transaction_count(live_server) -> int:
    engine = make_engine(live_server.app.server.extensions["ft_settings"].resolved_database_url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(transactions)).scalar_one()
    engine.dispose()
    return count


def open_page(page, path: str) -> None:
    """Navigate inside the app (the router's dcc.Location), as a click on the navbar does."""
    page.locator(f'#{ids.NAV_LINKS} a[href="{path}"]').click()


def test_a_new_transaction_changes_the_kpi_and_the_category_chart(page, live_server):
    wait_for_points(page, ids.CHART_CATEGORY)
    spending_before = euros(kpi_text(page, ids.KPI_SPENDING))
    gifts_before = euros(wait_until(page, CATEGORY_VALUE_JS, [ids.CHART_CATEGORY, CATEGORY]))

    open_page(page, "/transactions")
    page.locator(f"#{ids.ENTRY_AMOUNT}").wait_for()
    wait_until(
        page, "id => (document.getElementById(id)?.options.length ?? 0) > 1", ids.ENTRY_CATEGORY
    )
    page.select_option(f"#{ids.ENTRY_CATEGORY}", label=CATEGORY)
    page.fill(f"#{ids.ENTRY_PAYEE}", "Browser Test Shop")
    page.fill(f"#{ids.ENTRY_AMOUNT}", "-123.45")
    page.press(f"#{ids.ENTRY_AMOUNT}", "Enter")
    page.locator(f"#{ids.ENTRY_FEEDBACK} .alert-success").wait_for()

    open_page(page, "/")
    wait_until(
        page,
        "args => { const e = document.getElementById(args[0]); "
        "return e && /\\d/.test(e.textContent) && e.textContent !== args[1]; }",
        [f"{ids.KPI_SPENDING}-value", f"€{spending_before:,}"],
    )
    assert euros(kpi_text(page, ids.KPI_SPENDING)) == spending_before + Decimal("123.45")
    gifts_after = wait_until(
        page,
        f"args => {{ const t = ({CATEGORY_VALUE_JS})(args); return t !== args[2] ? t : null; }}",
        [ids.CHART_CATEGORY, CATEGORY, f"€{gifts_before:,}"],
    )
    assert euros(gifts_after) == gifts_before + Decimal("123.45")


def test_an_invalid_amount_shows_its_message_and_stores_nothing(page, live_server):
    before = transaction_count(live_server)
    open_page(page, "/transactions")
    page.locator(f"#{ids.ENTRY_AMOUNT}").wait_for()
    page.fill(f"#{ids.ENTRY_PAYEE}", "Should Not Exist")
    page.fill(f"#{ids.ENTRY_AMOUNT}", "12.345")
    page.press(f"#{ids.ENTRY_AMOUNT}", "Enter")
    message = page.locator(f"#{ids.ENTRY_AMOUNT}-feedback")
    message.wait_for()
    wait_until(
        page, "id => document.getElementById(id).textContent", f"{ids.ENTRY_AMOUNT}-feedback"
    )
    assert "at most 2 decimals" in message.inner_text()
    assert page.locator(f"#{ids.ENTRY_AMOUNT}.is-invalid").count() == 1
    assert transaction_count(live_server) == before


# The budget meter's limit as a screen reader gets it (its aria-valuemax, in major units).
GAUGE_LIMIT_JS = """id => {
  const meter = document.querySelector(`[id='{"key":"${id}","type":"gauge"}'] [role=meter]`);
  return meter ? Number(meter.getAttribute('aria-valuemax')) : null;
}"""


def test_editing_a_budget_limit_moves_its_gauge(page):
    open_page(page, "/budgets")
    first_input = page.locator(f"[id*='{ids.BUDGET_LIMIT_INPUT}']").first
    first_input.wait_for()
    input_id = first_input.get_attribute("id")
    category_id = input_id.split('"category":')[1].split(",")[0].split("}")[0]
    limit_before = wait_until(page, GAUGE_LIMIT_JS, category_id)
    first_input.fill("4321.00")
    first_input.press("Enter")
    limit_after = wait_until(
        page,
        f"args => {{ const v = ({GAUGE_LIMIT_JS})(args[0]); return v !== args[1] ? v : null; }}",
        [category_id, limit_before],
    )
    assert limit_after == 4321.0
