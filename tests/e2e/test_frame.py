"""The frame's browser-side callbacks in a real browser: the filter bar shown or hidden per page,
the cross-filter chips drawn as the server would draw them, removable one by one or all at once,
without a server request."""

from __future__ import annotations

import json

from plotly.io.json import to_json_plotly

from dashboard import ids
from dashboard.callbacks.shell import CHIPS_JS, PAGES_WITHOUT_FILTERS, chips
from tests.e2e.conftest import wait_until
from tests.e2e.test_overview import wait_for_points
from tests.e2e.test_overview_requests import settle

UPDATE = "/_dash-update-component"
BAR_HIDDEN_JS = """id => {
  const bar = document.getElementById(id);
  return bar ? getComputedStyle(bar).display === 'none' : null;
}"""
HOSTILE = '<img src=x onerror="window.__chip_xss=1">'
CROSS_FILTERS = (
    {},
    None,
    {"category_id": 7, "category": "Groceries"},
    {"category_id": 7},
    {"month": "2025-03", "payee": HOSTILE},
    {"category_id": 3, "category": HOSTILE, "month": "2025-01", "payee": "P", "tag_id": 4},
    {"tag_id": 9, "tag": "Holiday & <b>travel</b>"},
)


def go_to(page, path: str) -> None:
    """Into `path` as a link in the app goes there (dcc.Location follows, no reload)."""
    page.evaluate(
        "path => { window.history.pushState({}, '', path);"
        " window.dispatchEvent(new PopStateEvent('popstate')); }",
        path,
    )


def test_the_filter_bar_is_hidden_exactly_on_the_pages_without_filters(page):
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if UPDATE in r.url else None)
    wait_until(page, f"args => ({BAR_HIDDEN_JS})(args[0]) === false", [ids.FILTER_BAR])
    for path in (*sorted(PAGES_WITHOUT_FILTERS), "/", "/transactions", "/goals", "/budgets"):
        go_to(page, path)
        hidden = path in PAGES_WITHOUT_FILTERS
        wait_until(
            page, f"args => ({BAR_HIDDEN_JS})(args[0]) === args[1]", [ids.FILTER_BAR, hidden]
        )
    # Drawn in the browser: no request ever asks for the bar's style.
    assert sent and not any(f"{ids.FILTER_BAR}.style" in body for body in sent)


def test_the_browser_builds_the_chips_the_server_would(page):
    for cross in CROSS_FILTERS:
        built = page.evaluate(f"cross => ({CHIPS_JS})(cross)", cross)
        assert built == json.loads(to_json_plotly(chips(cross))), cross


def test_chips_come_with_a_click_and_go_with_their_cross_or_clear_all(page):
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if UPDATE in r.url else None)
    wait_for_points(page, ids.CHART_CATEGORY)
    wait_for_points(page, ids.CHART_PAYEES)
    page.locator(f"#{ids.CHART_CATEGORY} .bars .point path").last.click(
        position={"x": 5, "y": 5}, force=True
    )
    category = page.locator(f"#{ids.CHIPS} .filter-chip", has_text="Category: ")
    category.wait_for()
    settle(page)  # the payees chart is redrawn for the category: click the new one
    page.locator(f"#{ids.CHART_PAYEES} .bars .point path").last.click(
        position={"x": 5, "y": 5}, force=True
    )
    payee = page.locator(f"#{ids.CHIPS} .filter-chip", has_text="Payee: ")
    payee.wait_for()
    # Each chip's button says what it removes, to a screen reader too.
    label = category.locator(".chip-remove").get_attribute("aria-label")
    assert label == f"Remove {category.inner_text().removesuffix('×').strip()}"

    category.locator(".chip-remove").click()
    category.wait_for(state="detached")
    assert payee.count() == 1
    page.locator(f"#{ids.CLEAR_CHIPS}").click()
    payee.wait_for(state="detached")
    page.locator(f"#{ids.CLEAR_CHIPS}").wait_for(state="detached")
    wait_until(page, "id => sessionStorage.getItem(id) === '{}'", ids.CROSS_FILTER_STORE)
    # Drawn and removed in the browser: no request names the chips.
    assert not any(f"{ids.CHIPS}.children" in body for body in sent)
    assert not any(ids.CLEAR_CHIPS in body for body in sent)
