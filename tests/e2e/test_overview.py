"""The overview in a real browser: demo data on every chart, cross-filtering with chips."""

from __future__ import annotations

import re

from dashboard import ids
from tests.e2e.conftest import wait_until

CHARTS = (
    ids.CHART_CATEGORY,
    ids.CHART_MONTHLY,
    ids.CHART_STACKED,
    ids.CHART_NET_WORTH,
    ids.CHART_PAYEES,
)
# The number of plotted points of a chart: 0 while it is empty or still loading.
POINTS_JS = """id => {
  const plot = document.querySelector(`[id="${id}"] .js-plotly-plot`);
  if (!plot || !plot.data) return 0;
  return plot.data.reduce((n, trace) => n + ((trace.x || []).length), 0);
}"""
TEXT_JS = """selector => {
  const e = document.querySelector(selector);
  return e ? e.innerText : null;
}"""


def wait_for_points(page, chart_id: str) -> int:
    return wait_until(page, POINTS_JS, chart_id)


def kpi_text(page, kpi_id: str) -> str:
    return wait_until(
        page,
        "id => { const e = document.getElementById(id); "
        "return e && /\\d/.test(e.textContent) ? e.textContent : null; }",
        f"{kpi_id}-value",
    )


def wait_for_text_change(page, selector: str, old: str) -> str:
    return wait_until(
        page,
        f"args => {{ const t = ({TEXT_JS})(args[0]); "
        "return t !== null && t !== args[1] ? t : null; }",
        [selector, old],
    )


def test_overview_loads_with_demo_data_on_every_chart(page):
    for chart in CHARTS:
        assert wait_for_points(page, chart) > 0, chart
    for kpi in (ids.KPI_INCOME, ids.KPI_SPENDING, ids.KPI_NET):
        assert re.search(r"€[\d,]+\.\d\d", kpi_text(page, kpi)), kpi
    assert re.search(r"\d+\.\d%", kpi_text(page, ids.KPI_SAVINGS_RATE))
    # The budget meters are HTML (dashboard/budget_meter.py), each with its pace line.
    page.wait_for_selector(f"#{ids.GAUGES} [role=meter]")
    meters = page.locator(f"#{ids.GAUGES} [role=meter]")
    assert meters.count() == page.locator(f"#{ids.GAUGES} .gauge-pace").count() > 0
    assert re.match(r"€[\d,]+\.\d\d spent of €", meters.first.get_attribute("aria-valuetext"))
    assert page.locator(f"#{ids.GAUGES} .js-plotly-plot").count() == 0
    # plotly.js's basic bundle drew the charts; the full one was never asked for.
    scripts = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(name => /plotly/.test(name))"
    )
    assert any("plotly-basic" in name for name in scripts), scripts
    assert not any("plotly.min.js" in name for name in scripts), scripts


def test_clicking_a_category_filters_everything_and_the_chip_clears_it(page):
    wait_for_points(page, ids.CHART_CATEGORY)
    summary = "#overview-transactions-summary"
    page.locator(summary).wait_for()
    before = page.locator(summary).inner_text()
    spending_before = kpi_text(page, ids.KPI_SPENDING)
    # The top bar is the biggest category (plotly draws the last point on top).
    top = page.evaluate(
        """id => {
          const trace = document.querySelector(`[id="${id}"] .js-plotly-plot`).data[0];
          return trace.y[trace.y.length - 1];
        }""",
        ids.CHART_CATEGORY,
    )
    bar = page.locator(f"#{ids.CHART_CATEGORY} .bars .point path").last
    bar.click(position={"x": 5, "y": 5}, force=True)
    chip = page.locator(".filter-chip", has_text=f"Category: {top}")
    chip.wait_for()
    wait_for_text_change(page, summary, before)
    wait_until(
        page,
        "args => document.getElementById(args[0]).textContent !== args[1]",
        [f"{ids.KPI_SPENDING}-value", spending_before],
    )
    categories = page.locator(f"#{ids.OVERVIEW_TRANSACTIONS} tbody tr td:nth-child(3)")
    assert set(categories.all_inner_texts()) == {top}

    chip.locator(".chip-remove").click()
    chip.wait_for(state="detached")
    wait_until(
        page,
        f"args => ({TEXT_JS})(args[0]) === args[1]",
        [summary, before],
    )
    assert kpi_text(page, ids.KPI_SPENDING) == spending_before


# Dash marks a component it is updating with data-dash-is-loading; seen clear at five polls
# 100 ms apart, every callback of the page has answered.
NOTHING_IN_FLIGHT_JS = """() => !document.querySelector('[data-dash-is-loading="true"]')"""
QUIET_POLLS = 5


def test_an_ended_session_sends_the_page_to_the_login(page):
    wait_for_points(page, ids.CHART_CATEGORY)
    # Every callback of the page answered first: a chart can be drawn while others are still in
    # flight, and one of those answering 401 would send the page to the login before the click.
    page.wait_for_selector(f"#{ids.GAUGES} [role=meter]")
    for _ in range(QUIET_POLLS):
        wait_until(page, NOTHING_IN_FLIGHT_JS)
        page.wait_for_timeout(100)
    page.context.clear_cookies()
    page.locator(f'#{ids.NAV_LINKS} a[href="/budgets"]').click()
    page.wait_for_url("**/login?next=%2Fbudgets")
    assert page.locator("#login-submit").count() == 1
    # The 401s that triggered the redirect are expected here, not console errors of the app.
    page.console_errors.clear()
