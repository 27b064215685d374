"""How many requests the overview costs in a real browser, and what each one redraws.

The overview's parts are one callback (dashboard/callbacks/overview_page.py): opening the page
is the frame's callbacks and that one request, nothing more (no Post / Skip call for the
upcoming list's buttons appearing). Warm (this view answered since the last write), the page
itself comes with every part (dashboard/overview_first_draw.py) and that request redraws
nothing. A theme switch or the Categories / Groups toggle is one request that answers only the
outputs it changes.
"""

from __future__ import annotations

import json
import re

from dashboard import ids
from dashboard.layout_walk import props_by_id
from dashboard.overview_ids import OVERVIEW_DRAWN
from tests.e2e.conftest import wait_until
from tests.e2e.test_overview import CHARTS, kpi_text, wait_for_points

UPDATE = "/_dash-update-component"
# The frame's server callbacks on a page's load: the page with the filter options, the filters
# store (the chips and the filter bar's visibility are drawn in the browser).
FRAME_CALLBACKS = 2
PAGE_OUTPUT = f"{ids.PAGE}.children"
OVERVIEW_OUTPUT = f"{ids.KPI_INCOME}-value.children"
FIGURES = {*CHARTS, ids.CHART_TAGS, ids.CHART_MONTH_END}


class Requests:
    """Every callback request of the page and its answer's outputs, as {"output", "answered"}."""

    def __init__(self, page) -> None:
        self.seen: list[dict] = []
        page.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        if UPDATE not in request.url:
            return
        body = json.loads(request.post_data or "{}")
        response = request.response()
        answered = {}
        if response is not None and response.status == 200:
            answered = response.json().get("response", {})
        status = response.status if response is not None else None
        self.seen.append({"output": body.get("output", ""), "answered": answered, "status": status})

    def overview(self) -> list[dict]:
        return [r for r in self.seen if OVERVIEW_OUTPUT in r["output"]]


def wait_for_overview_answers(page, seen: Requests, count: int) -> None:
    """Until `count` overview answers have come (bounded by the page's timeout)."""
    for _ in range(200):
        if len(seen.overview()) >= count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{len(seen.overview())} overview answers, waited for {count}")


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    wait_until(page, "() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
    page.wait_for_timeout(300)


def in_page(page_answer: dict, component_id: str) -> dict:
    """The props of a component of the page's answer (its layout as JSON)."""
    found = props_by_id(page_answer[ids.PAGE]["children"])
    assert component_id in found, f"{component_id} is not in the page"
    return found[component_id]


def test_a_cold_overview_is_the_frame_and_one_request_with_every_part(page):
    # The overview in the dark theme was never answered: a cold view of it.
    settle(page)
    page.locator(f"#{ids.THEME_SWITCH}").click()
    settle(page)
    seen = Requests(page)
    page.goto(page.base_url + "/")
    for chart in CHARTS:
        assert wait_for_points(page, chart) > 0, chart
    settle(page)

    sent = [r["output"][:90] for r in seen.seen]
    assert len(seen.seen) == FRAME_CALLBACKS + 1, sent
    # The frame's two: the page, which brings the filter bar's options, and the filters store.
    [frame_page] = [r for r in seen.seen if PAGE_OUTPUT in r["output"]]
    assert {ids.PAGE, ids.ACCOUNTS_FILTER, ids.CATEGORIES_FILTER, ids.TAGS_FILTER} <= set(
        frame_page["answered"]
    )
    assert frame_page["answered"][ids.ACCOUNTS_FILTER]["options"]
    assert sum(f"{ids.FILTERS_STORE}.data" in r["output"] for r in seen.seen) == 1
    [overview] = seen.overview()
    answered = overview["answered"]
    # Every part of the page came in that one answer, each with its own content.
    assert {*FIGURES, ids.GAUGES, ids.OVERVIEW_TRANSACTIONS, ids.UPCOMING_LIST} <= set(answered)
    assert {ids.MONTH_END_BODY, ids.OVERVIEW_GOALS, ids.CATEGORY_BREADCRUMB} <= set(answered)
    for figure in FIGURES:
        assert answered[figure]["figure"]["data"], figure
    assert answered[ids.CATEGORY_BREADCRUMB]["hidden"] is True
    # What the page shows from it.
    assert re.search(r"€[\d,]+\.\d\d", kpi_text(page, ids.KPI_INCOME))
    assert page.locator(f"#{ids.GAUGES} [role=meter]").count() > 0
    summary = page.locator("#overview-transactions-summary").inner_text()
    assert re.match(r"[\d,]+ transactions, total ", summary)
    assert page.locator(f"#{ids.MONTH_END_BODY} table").count() == 1
    assert page.locator(f"#{ids.CHART_MONTH_END} .js-plotly-plot").count() == 1
    # Cold, the page brought its KPIs and meters only.
    assert "figure" not in in_page(frame_page["answered"], ids.CHART_CATEGORY)


def test_a_warm_overview_comes_whole_with_its_page(page):
    # The view after signing in answered the overview: opening it again is warm.
    settle(page)
    seen = Requests(page)
    page.goto(page.base_url + "/")
    for chart in CHARTS:
        assert wait_for_points(page, chart) > 0, chart
    settle(page)

    assert len(seen.seen) == FRAME_CALLBACKS + 1, [r["output"][:90] for r in seen.seen]
    [frame_page] = [r for r in seen.seen if PAGE_OUTPUT in r["output"]]
    for figure in FIGURES:
        assert in_page(frame_page["answered"], figure)["figure"]["data"], figure
    assert in_page(frame_page["answered"], ids.OVERVIEW_TRANSACTIONS)["children"]
    assert in_page(frame_page["answered"], OVERVIEW_DRAWN)["data"]["view"]
    # The overview's call on load found the page drawn from its very inputs: nothing to send.
    [overview] = seen.overview()
    assert overview["status"] == 204
    assert re.search(r"€[\d,]+\.\d\d", kpi_text(page, ids.KPI_INCOME))
    assert page.locator(f"#{ids.GAUGES} [role=meter]").count() > 0
    assert page.locator(f"#{ids.MONTH_END_BODY} table").count() == 1
    assert page.locator("#overview-transactions-summary").count() == 1


def test_a_theme_switch_and_the_group_toggle_redraw_only_what_they_change(page):
    seen = Requests(page)
    page.goto(page.base_url + "/")
    wait_for_points(page, ids.CHART_CATEGORY)
    settle(page)
    loaded = len(seen.seen)
    # Drawn with the page (warm) or by the overview's first answer (cold).
    [frame_page] = [r for r in seen.seen if PAGE_OUTPUT in r["output"]]
    first = seen.overview()[0]["answered"] or {
        ids.CHART_CATEGORY: in_page(frame_page["answered"], ids.CHART_CATEGORY)
    }
    light = first[ids.CHART_CATEGORY]["figure"]["layout"]

    page.locator(f"#{ids.THEME_SWITCH}").click()
    wait_for_overview_answers(page, seen, 2)
    settle(page)
    after_theme = seen.seen[loaded:]
    assert [r["output"] for r in after_theme] == [seen.overview()[0]["output"]]
    themed = after_theme[0]["answered"]
    assert set(themed) == {*FIGURES, ids.MONTH_END_BODY, OVERVIEW_DRAWN}
    assert themed[ids.CHART_CATEGORY]["figure"]["layout"] != light

    page.locator(f"#{ids.CATEGORY_VIEW} label", has_text="Groups").click()
    wait_for_overview_answers(page, seen, 3)
    settle(page)
    toggled = [r for r in seen.seen[loaded + 1 :] if OVERVIEW_OUTPUT in r["output"]]
    assert len(toggled) == 1, toggled
    assert set(toggled[0]["answered"]) == {
        ids.CHART_CATEGORY,
        ids.CHART_STACKED,
        ids.CATEGORY_BREADCRUMB,
        ids.CATEGORY_DRILL_CURRENT,
        OVERVIEW_DRAWN,
    }


def test_a_new_tab_of_a_warm_overview_comes_whole_too(page):
    """A new tab asks for its page before its filters store is made: the page is drawn for the
    store the new tab's filter bar makes (callbacks/shell.new_tab_store)."""
    settle(page)
    tab = page.context.new_page()
    seen = Requests(tab)
    tab.goto(page.base_url + "/")
    for chart in CHARTS:
        assert wait_for_points(tab, chart) > 0, chart
    settle(tab)
    [overview] = seen.overview()
    assert overview["status"] == 204
    [frame_page] = [r for r in seen.seen if PAGE_OUTPUT in r["output"]]
    drawn = in_page(frame_page["answered"], OVERVIEW_DRAWN)["data"]
    [filters] = [r for r in seen.seen if f"{ids.FILTERS_STORE}.data" in r["output"]]
    assert drawn["filter_store"] == filters["answered"][ids.FILTERS_STORE]["data"]
    tab.close()
