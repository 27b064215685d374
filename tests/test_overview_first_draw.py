"""A warm overview comes whole with its page (dashboard/overview_first_draw.py): the page's
answer carries every output the overview's first call would send, and marks the page drawn
from that call's very inputs, so the call redraws nothing."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from dash import no_update
from plotly.io.json import to_json_plotly

from dashboard import ids, routing, shell
from dashboard.callbacks import overview_page
from dashboard.callbacks import shell as shell_callbacks
from dashboard.layout_walk import props_by_id
from dashboard.overview_first_draw import drawn_page
from dashboard.overview_ids import OVERVIEW_DRAWN
from data.entries import Transaction
from data.setup_writes import create_account, create_category
from data.writes import create_transaction
from tests.conftest import as_user
from tests.test_dashboard_frame import NO_STORES, PATHNAME

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def open_overview(stores: dict) -> dict[str, dict]:
    answer = routing.page_and_options("/", stores, None, {PATHNAME})
    return props_by_id(answer["page"])


def new_tab_inputs() -> dict:
    """The overview's first call in a new tab: the filters its bar makes."""
    return overview_page.first_inputs(shell_callbacks.new_tab_store(date.today()), {}, None, False)


@pytest.fixture
def spending(engine, user_id):
    account = create_account(engine, user_id, "Checking", "checking")
    food = create_category(engine, user_id, "Groceries", "expense")
    txn = Transaction(account, date.today(), -4250, "Corner shop", category_id=food)
    create_transaction(engine, user_id, txn)


@SQLITE
def test_a_warm_page_carries_every_part_and_the_first_call_redraws_nothing(app, user_id, spending):
    inputs = new_tab_inputs()
    with as_user(app, user_id):
        cold = open_overview(NO_STORES)
        answer = overview_page.overview_outputs(inputs, overview_page.EVERY_PART)
        warm = open_overview(NO_STORES)
    # Cold: the KPIs (drawn with the page) but no chart, and nothing marked drawn.
    assert cold[f"{ids.KPI_SPENDING}-value"]["children"]
    assert "figure" not in cold[ids.CHART_CATEGORY]
    assert cold[OVERVIEW_DRAWN].get("data") is None
    # Warm: every output of the first call's answer, in its component.
    for name, output in overview_page.OUTPUTS.items():
        value = warm[output.component_id][output.component_property]
        assert value == answer[name] or answer[name] is no_update, name
    assert warm[ids.CHART_CATEGORY]["figure"]["data"][0]["y"] == ["Groceries"]
    drawn = warm[OVERVIEW_DRAWN]["data"]
    assert overview_page.parts_to_draw(drawn, inputs) == frozenset()


@SQLITE
def test_a_page_whose_first_call_was_not_answered_comes_without_charts(app, user_id, spending):
    light = new_tab_inputs()
    with as_user(app, user_id):
        overview_page.overview_outputs(light, overview_page.EVERY_PART)
        dark = open_overview({**NO_STORES, "dark": True})
        # A chart click's cross-filter: another view, not answered either.
        crossed = open_overview({**NO_STORES, "cross_store": {"category_id": 1}})
        light_page = open_overview(NO_STORES)
    for page in (dark, crossed):
        assert "figure" not in page[ids.CHART_CATEGORY]
        assert page[OVERVIEW_DRAWN].get("data") is None
    assert light_page[ids.CHART_CATEGORY]["figure"]["data"]


@SQLITE
def test_an_answer_naming_a_component_the_page_lacks_leaves_the_page_unmarked(
    app, user_id, spending
):
    inputs = new_tab_inputs()
    with as_user(app, user_id):
        page = routing.page_and_options("/", NO_STORES, None, {PATHNAME})["page"]
        answer = overview_page.overview_outputs(inputs, overview_page.EVERY_PART)
    whole = drawn_page(copy.deepcopy(page), answer, inputs)
    assert props_by_id(whole)[OVERVIEW_DRAWN]["data"] == inputs
    # A page from an older release: one chart fewer.
    props_by_id(page)[ids.CHART_TAGS]["id"] = "some-other-chart"
    kept = copy.deepcopy(page)
    assert drawn_page(page, answer, inputs) is None
    assert page == kept


def test_a_new_tabs_filter_bar_is_the_shells_own_defaults():
    bar = props_by_id(json.loads(to_json_plotly(shell.filter_bar())))
    for name, component in shell_callbacks.FILTER_INPUTS.items():
        assert bar[component.component_id].get("value") == shell_callbacks.NEW_TAB_BAR[name], name


@SQLITE
def test_a_new_tabs_page_comes_drawn_for_the_filters_its_bar_makes(app, user_id, spending):
    # A new tab: the page is asked for with no filters store; the bar makes it alongside.
    store = shell_callbacks.update_filters(shell_callbacks.NEW_TAB_BAR, None, date.today())
    inputs = overview_page.first_inputs(store["store"], {}, None, False)
    assert inputs == new_tab_inputs()
    with as_user(app, user_id):
        overview_page.overview_outputs(inputs, overview_page.EVERY_PART)
        page = open_overview(NO_STORES)
    assert page[ids.CHART_CATEGORY]["figure"]["data"]
    assert page[OVERVIEW_DRAWN]["data"] == inputs


@SQLITE
def test_each_tabs_page_is_marked_with_its_own_refresh_counter(app, user_id, spending):
    # A tab that wrote has moved its counter: its page must say so, or its callback redraws.
    with as_user(app, user_id):
        overview_page.overview_outputs(new_tab_inputs(), overview_page.EVERY_PART)
        fresh = open_overview(NO_STORES)
        wrote = open_overview({**NO_STORES, "refresh": 3})
        fresh_again = open_overview(NO_STORES)
    assert fresh[OVERVIEW_DRAWN]["data"]["refresh"] is None
    assert wrote[OVERVIEW_DRAWN]["data"]["refresh"] == 3
    assert fresh_again[OVERVIEW_DRAWN]["data"]["refresh"] is None
    assert wrote[ids.CHART_CATEGORY]["figure"] == fresh[ids.CHART_CATEGORY]["figure"]
