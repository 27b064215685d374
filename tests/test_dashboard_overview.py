"""The overview's callbacks as plain functions: cross-filter toggling, the chips that undo it,
the filters each chart gets, and the KPIs keyed by the outputs they fill (real SQLite)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from dash import no_update

from dashboard import ids
from dashboard.callbacks import overview, overview_groups, overview_page
from dashboard.callbacks.overview_groups import GroupView
from dashboard.callbacks.shell import chips, remove_chip, update_filters
from dashboard.forms import parse_filters
from dashboard.overview_ids import CROSS_FILTER_NEXT
from data.entries import Transaction
from data.setup_writes import (
    create_account,
    create_category,
    create_group,
    set_category_group,
)
from data.writes import create_transaction
from tests.conftest import as_user, make_user

TODAY = date(2025, 3, 15)
STORE = {"preset": "custom", "start": "2025-01-01", "end": "2025-03-31"}
CATEGORY_CLICK = {"points": [{"y": "Groceries", "x": 60.0, "customdata": [7]}]}
MONTH_CLICK = {"points": [{"x": "2025-02-01", "y": 120.0}]}
PAYEE_CLICK = {"points": [{"y": "Market", "x": 60.0}]}

# The overview's unit tests need one dialect: the SQL behind them is tested on both elsewhere.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_a_category_click_sets_the_category_and_a_second_click_clears_it():
    cross = overview.toggle_cross_filter({}, ids.CHART_CATEGORY, CATEGORY_CLICK)
    assert cross == {"category_id": 7, "category": "Groceries"}

    again = overview.toggle_cross_filter(cross, ids.CHART_CATEGORY, CATEGORY_CLICK)
    assert again == {}
    assert cross == {"category_id": 7, "category": "Groceries"}, "the store passed in is kept"


def test_a_category_click_without_an_integer_id_sets_nothing():
    click = {"points": [{"y": "Groceries", "customdata": ["7"]}]}
    assert overview.toggle_cross_filter({"month": "2025-02"}, ids.CHART_CATEGORY, click) == {
        "month": "2025-02"
    }


@pytest.mark.parametrize("chart", [ids.CHART_MONTHLY, ids.CHART_STACKED])
def test_a_month_click_sets_the_month_keeps_the_rest_and_toggles_off(chart):
    cross = overview.toggle_cross_filter({"payee": "Market"}, chart, MONTH_CLICK)
    assert cross == {"payee": "Market", "month": "2025-02"}
    assert overview.toggle_cross_filter(cross, chart, MONTH_CLICK) == {"payee": "Market"}


def test_a_click_on_a_point_without_a_month_clears_the_month():
    click = {"points": [{"x": "Feb"}]}
    assert overview.toggle_cross_filter({"month": "2025-02"}, ids.CHART_MONTHLY, click) == {}


def test_a_payee_click_sets_the_payee_and_a_second_click_clears_it():
    cross = overview.toggle_cross_filter(None, ids.CHART_PAYEES, PAYEE_CLICK)
    assert cross == {"payee": "Market"}
    assert overview.toggle_cross_filter(cross, ids.CHART_PAYEES, PAYEE_CLICK) == {}


def test_a_click_without_points_changes_nothing():
    cross = {"payee": "Market"}
    assert overview.toggle_cross_filter(cross, ids.CHART_PAYEES, {"points": []}) == cross


def test_the_triggering_charts_click_is_the_one_applied():
    clicks = {ids.CHART_CATEGORY: CATEGORY_CLICK, ids.CHART_PAYEES: PAYEE_CLICK}
    assert overview.cross_filter_after_click({}, ids.CHART_PAYEES, clicks) == {"payee": "Market"}
    assert overview.cross_filter_after_click({}, ids.CHART_MONTHLY, clicks) is no_update
    assert overview.cross_filter_after_click({}, None, clicks) is no_update
    assert overview.cross_filter_after_click(["junk"], ids.CHART_PAYEES, clicks) == {
        "payee": "Market"
    }


def test_every_clickable_chart_sets_a_dimension_and_net_worth_is_not_clickable():
    assert set(overview.CLICKABLE_CHARTS) == {
        ids.CHART_CATEGORY,
        ids.CHART_MONTHLY,
        ids.CHART_STACKED,
        ids.CHART_PAYEES,
        ids.CHART_TAGS,
    }


def test_chips_show_each_cross_filter_and_a_clear_all_button():
    cross = {"category_id": 7, "category": "Groceries", "month": "2025-02", "payee": "Market"}
    items = chips(cross)
    remove_ids = [child.id for chip in items[:-1] for child in chip.children[1:]]
    assert [chip.children[0] for chip in items[:-1]] == [
        "Category: Groceries",
        "Month: 2025-02",
        "Payee: Market",
    ]
    assert [i["key"] for i in remove_ids] == ["category", "month", "payee"]
    assert items[-1].id == ids.CLEAR_CHIPS
    assert chips({}) == []


@pytest.mark.parametrize(
    ("key", "left"),
    [
        ("category", {"month": "2025-02", "payee": "Market"}),
        ("month", {"category_id": 7, "category": "Groceries", "payee": "Market"}),
        ("payee", {"category_id": 7, "category": "Groceries", "month": "2025-02"}),
    ],
)
def test_a_chips_remove_button_clears_only_its_dimension(key, left):
    cross = {"category_id": 7, "category": "Groceries", "month": "2025-02", "payee": "Market"}
    trigger = {"type": ids.CHIP_REMOVE, "key": key}
    assert remove_chip([1], None, cross, trigger) == left


def test_a_chips_remove_button_on_a_malformed_store_leaves_no_filter():
    trigger = {"type": ids.CHIP_REMOVE, "key": "month"}
    assert remove_chip([1], None, ["junk"], trigger) == {}


def test_clear_all_clears_every_cross_filter():
    cross = {"category_id": 7, "category": "Groceries", "month": "2025-02", "payee": "Market"}
    assert remove_chip([], 1, cross, ids.CLEAR_CHIPS) == {}


def test_each_chart_ignores_its_own_dimension_and_keeps_the_others():
    cross = {"category_id": 7, "category": "Groceries", "month": "2025-02", "payee": "Market"}
    every = overview.chart_filters(STORE, cross, None, TODAY)
    assert (every.date_from, every.date_to) == (date(2025, 2, 1), date(2025, 2, 28))
    assert (every.category_ids, every.payee) == ((7,), "Market")

    by_category = overview.chart_filters(STORE, cross, "category_id", TODAY)
    assert (by_category.category_ids, by_category.payee) == ((), "Market")
    assert by_category.date_from == date(2025, 2, 1)

    by_month = overview.chart_filters(STORE, cross, "month", TODAY)
    assert (by_month.date_from, by_month.date_to) == (date(2025, 1, 1), date(2025, 3, 31))
    assert by_month.category_ids == (7,)

    by_payee = overview.chart_filters(STORE, cross, "payee", TODAY)
    assert by_payee.payee is None and by_payee.category_ids == (7,)


def test_the_charts_own_dimensions_are_the_ones_their_clicks_set():
    dimensions = {chart: own for chart, (_, own) in overview.CHARTS.items()}
    for chart, click in (
        (ids.CHART_CATEGORY, CATEGORY_CLICK),
        (ids.CHART_MONTHLY, MONTH_CLICK),
        (ids.CHART_STACKED, MONTH_CLICK),
        (ids.CHART_PAYEES, PAYEE_CLICK),
    ):
        assert dimensions[chart] in overview.toggle_cross_filter({}, chart, click)
    assert dimensions[ids.CHART_NET_WORTH] is None


def test_malformed_stores_mean_no_filter_rather_than_an_error():
    filters = overview.chart_filters(["junk"], "junk", "month", TODAY)
    assert filters.category_ids == () and filters.payee is None


@pytest.fixture
def household(engine):
    user_id = make_user(engine, "alice")
    account = create_account(engine, user_id, "Checking", "checking")
    groceries = create_category(engine, user_id, "Groceries", "expense")
    salary = create_category(engine, user_id, "Salary", "income")
    for day, amount, payee, category in (
        (date(2025, 2, 5), 200000, "Employer", salary),
        (date(2025, 2, 10), -5000, "Market", groceries),
        (date(2025, 3, 5), 200000, "Employer", salary),
        (date(2025, 3, 10), -6000, "Market", groceries),
    ):
        txn = Transaction(
            account_id=account, date=day, amount_minor=amount, payee=payee, category_id=category
        )
        create_transaction(engine, user_id, txn)
    return {"user": user_id, "groceries": groceries}


@sqlite_only
def test_kpis_are_keyed_by_the_outputs_they_fill(app, household):
    store = {"preset": "custom", "start": "2025-03-01", "end": "2025-03-31"}
    with as_user(app, household["user"]):
        values = overview.kpis(household["user"], overview.chart_filters(store, {}, None, TODAY))
    assert set(values) == set(overview.KPI_OUTPUTS)
    assert values["income_value"] == "€2,000.00"
    assert values["spending_value"] == "€60.00"
    assert values["spending_delta"] == "+€10.00 vs previous period"
    assert values["net_value"] == "€1,940.00"
    assert values["savings_rate_value"] == "97.0%"
    assert values["savings_rate_delta"] == "-0.5 pts vs previous period"


@sqlite_only
def test_a_category_click_narrows_the_kpis_to_that_category(app, household):
    store = {"preset": "custom", "start": "2025-03-01", "end": "2025-03-31"}
    cross = overview.toggle_cross_filter(
        {},
        ids.CHART_CATEGORY,
        {"points": [{"y": "Groceries", "customdata": [household["groceries"]]}]},
    )
    with as_user(app, household["user"]):
        values = overview.kpis(household["user"], overview.chart_filters(store, cross, None, TODAY))
    assert (values["income_value"], values["spending_value"]) == ("€0.00", "€60.00")


@sqlite_only
def test_the_page_is_drawn_with_its_kpis_as_the_registered_router_sends_it(
    app, engine, login_user_id, logged_in_client
):
    """The routing callback as the browser calls it on opening "/": the KPI cards carry the
    figures of the stores' filters (a category click included) before any KPI callback answers,
    the same texts that callback gives."""
    user_id = login_user_id
    account = create_account(engine, user_id, "Checking", "checking")
    groceries = create_category(engine, user_id, "Groceries", "expense")
    salary = create_category(engine, user_id, "Salary", "income")
    for day, amount, category in (
        (date(2025, 3, 5), 200000, salary),
        (date(2025, 3, 10), -6000, groceries),
    ):
        txn = Transaction(account_id=account, date=day, amount_minor=amount, category_id=category)
        create_transaction(engine, user_id, txn)
    store = {"preset": "custom", "start": "2025-03-01", "end": "2025-03-31"}
    cross = {"category_id": groceries, "category": "Groceries"}
    with as_user(app, user_id):
        expected = overview.kpis(user_id, parse_filters(store, cross, TODAY))
    key = _callback_key(app, ids.PAGE, ids.URL)
    outputs = [o.rsplit(".", 1) for o in key.strip(".").split("...")]
    body = {
        "output": key,
        "outputs": [{"id": id_, "property": prop} for id_, prop in outputs],
        "inputs": [
            {"id": ids.URL, "property": "pathname", "value": "/"},
            {"id": ids.REFRESH_STORE, "property": "data", "value": 0},
        ],
        "state": [
            {"id": ids.FILTERS_STORE, "property": "data", "value": store},
            {"id": ids.CROSS_FILTER_STORE, "property": "data", "value": cross},
            {"id": ids.PAGE_SHOWN, "property": "data"},
            {"id": ids.THEME_SWITCH, "property": "value", "value": False},
        ],
        "changedPropIds": [f"{ids.URL}.pathname"],
    }
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    reply = logged_in_client.post("/_dash-update-component", json=body, headers=headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    page = json.loads(reply.get_data(as_text=True))["response"][ids.PAGE]["children"]
    shown = texts_by_id(page)
    for name, card in overview.KPI_CARDS.items():
        for part in ("value", "delta"):
            assert shown[f"{card}-{part}"] == expected[f"{name}_{part}"], (name, part)
    assert (expected["income_value"], expected["spending_value"]) == ("€0.00", "€60.00")
    # The budget meters' card comes with the page too (no budgets: the sentence saying so).
    assert "No budgets for this month yet" in json.dumps(shown[ids.GAUGES])
    # Another page is drawn without reading anything.
    body["inputs"][0]["value"] = "/budgets"
    reply = logged_in_client.post("/_dash-update-component", json=body, headers=headers)
    assert reply.status_code == 200 and "kpi-" not in reply.get_data(as_text=True)


def texts_by_id(node) -> dict:
    """Component id -> its children, over a layout as Dash sends it (JSON)."""
    found: dict = {}
    if isinstance(node, list):
        for child in node:
            found |= texts_by_id(child)
    elif isinstance(node, dict) and "props" in node:
        props = node["props"]
        if isinstance(props.get("id"), str):
            found[props["id"]] = props.get("children")
        found |= texts_by_id(props.get("children"))
    return found


def _callback_key(app, output_id: str, input_id: str) -> str:
    [key] = [
        key
        for key, spec in app.callback_map.items()
        if key.lstrip(".").startswith(output_id)
        and any(i["id"] == input_id for i in spec["inputs"])
    ]
    return key


@sqlite_only
def test_the_registered_cross_filter_callback_applies_the_triggering_click(app, logged_in_client):
    """The dict-keyed wiring as the browser calls it: five clickData inputs, one state."""
    key = _callback_key(app, CROSS_FILTER_NEXT, ids.CHART_PAYEES)
    clicks = {ids.CHART_CATEGORY: CATEGORY_CLICK, ids.CHART_PAYEES: PAYEE_CLICK}
    body = {
        "output": key,
        "outputs": {"id": CROSS_FILTER_NEXT, "property": "data"},
        "inputs": [
            {"id": chart, "property": "clickData", "value": clicks.get(chart)}
            for chart in (
                ids.CHART_CATEGORY,
                ids.CHART_MONTHLY,
                ids.CHART_STACKED,
                ids.CHART_PAYEES,
                ids.CHART_TAGS,
            )
        ],
        "state": [
            {"id": ids.CROSS_FILTER_STORE, "property": "data", "value": {"month": "2025-02"}}
        ],
        "changedPropIds": [f"{ids.CHART_PAYEES}.clickData"],
    }
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    reply = logged_in_client.post("/_dash-update-component", json=body, headers=headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    # The page's own store: the browser copies it to the shell's cross-filter store.
    stored = json.loads(reply.get_data(as_text=True))["response"][CROSS_FILTER_NEXT]["data"]
    assert stored["cross"] == {"month": "2025-02", "payee": "Market"}


# --- Category groups: the group view, its sums and the drill-down --------------------------

HOUSING, FOOD = 4, 5
GROUP_CATEGORIES = pd.DataFrame(
    {
        "id": [1, 2, 3, 6, 7],
        "name": ["Rent", "Utilities", "Groceries", "Gifts", "Food"],
        "color": ["#111111", "#222222", "#333333", "#444444", "#555555"],
        "group_id": pd.array([HOUSING, HOUSING, FOOD, None, None], dtype="Int64"),
        "group": pd.array(["Housing", "Housing", "Food", None, None], dtype="object"),
    }
)
GROUPS = pd.DataFrame({"id": [FOOD, HOUSING], "name": ["Food", "Housing"], "categories": [1, 2]})
BY_CATEGORY = pd.DataFrame(
    {
        "category_id": pd.array([1, 3, 2, None, 6, 7], dtype="Int64"),
        "category": ["Rent", "Groceries", "Utilities", "Uncategorised", "Gifts", "Food"],
        "color": ["#111111", "#333333", "#222222", None, "#444444", "#555555"],
        "spending_minor": [125_000, 40_000, 9_999, 500, 300, 1],
    }
)
GROUP_CLICK = {"points": [{"y": "Housing", "customdata": [None, HOUSING]}]}


def test_group_sums_are_exact_and_ungrouped_categories_keep_their_own_bar():
    grouped = overview_groups.spending_by_group(BY_CATEGORY, GROUP_CATEGORIES)
    plain = {name: [None if pd.isna(v) else v for v in grouped[name]] for name in grouped}
    assert plain == {
        "category_id": [None, None, None, 6, 7],
        "group_id": [HOUSING, FOOD, None, None, None],
        # A group named as a category shown beside it is told apart.
        "category": ["Housing", "Food (group)", "Uncategorised", "Gifts", "Food"],
        "color": [None, None, None, "#444444", "#555555"],
        "spending_minor": [134_999, 40_000, 500, 300, 1],
    }
    assert grouped["spending_minor"].dtype == "int64"
    assert grouped["spending_minor"].sum() == BY_CATEGORY["spending_minor"].sum()


def test_no_spending_gives_no_group_bars():
    empty = BY_CATEGORY.iloc[0:0]
    assert overview_groups.spending_by_group(empty, GROUP_CATEGORIES).empty


def test_a_drilled_group_shows_only_its_categories():
    shown = overview_groups.spending_in_group(BY_CATEGORY, GROUP_CATEGORIES, HOUSING)
    assert shown["category"].tolist() == ["Rent", "Utilities"]
    assert overview_groups.spending_in_group(BY_CATEGORY, GROUP_CATEGORIES, 99).empty


def test_the_stacked_chart_sums_by_group_and_drills_into_one():
    wide = pd.DataFrame(
        {"Rent": [100, 200], "Groceries": [50, 70], "Utilities": [1, 2], "Gifts": [0, 9]},
        index=pd.Index(["2025-01", "2025-02"], name="month"),
    )
    by_group = overview_groups.wide_by_group(wide, GROUP_CATEGORIES)
    assert by_group.columns.tolist() == ["Housing", "Food", "Gifts"]
    assert by_group.to_dict("list") == {"Housing": [101, 202], "Food": [50, 70], "Gifts": [0, 9]}
    assert (by_group.dtypes == "int64").all()
    drilled = overview_groups.wide_in_group(wide, GROUP_CATEGORIES, HOUSING)
    assert drilled.columns.tolist() == ["Rent", "Utilities"]


def test_the_view_is_categories_unless_groups_are_asked_for():
    assert overview_groups.group_view("categories", {"group_id": HOUSING}, GROUPS) == GroupView()
    assert overview_groups.group_view(None, None, GROUPS) == GroupView()
    assert overview_groups.group_view("groups", {}, GROUPS) == GroupView(by_group=True)
    assert overview_groups.group_view("groups", {"group_id": HOUSING}, GROUPS) == GroupView(
        True, HOUSING, "Housing"
    )


@pytest.mark.parametrize("drill", [{"group_id": 99}, {"group_id": "4"}, {"group_id": True}, [4]])
def test_a_drilled_group_that_is_not_the_users_shows_all_groups(drill):
    assert overview_groups.group_view("groups", drill, GROUPS) == GroupView(by_group=True)


def test_a_group_click_drills_in_and_the_breadcrumb_or_the_toggle_goes_back():
    drill = overview_groups.drill_after(ids.CHART_CATEGORY, GROUP_CLICK, "groups", {})
    assert drill == {"group_id": HOUSING}
    assert (
        overview_groups.drill_after(ids.CHART_CATEGORY, GROUP_CLICK, "groups", drill) is no_update
    )
    assert overview_groups.drill_after(ids.CATEGORY_DRILL_ROOT, None, "groups", drill) == {}
    assert overview_groups.drill_after(ids.CATEGORY_VIEW, None, "categories", drill) == {}
    assert overview_groups.drill_after(ids.CATEGORY_DRILL_ROOT, None, "groups", {}) is no_update


@pytest.mark.parametrize(
    "click",
    [
        CATEGORY_CLICK,
        {"points": [{"customdata": [None, "4"]}]},
        {"points": []},
        None,
        "junk",
    ],
)
def test_a_category_bar_or_a_malformed_click_does_not_drill(click):
    assert overview_groups.drill_after(ids.CHART_CATEGORY, click, "groups", {}) is no_update


def test_a_group_click_in_the_category_view_does_not_drill():
    assert (
        overview_groups.drill_after(ids.CHART_CATEGORY, GROUP_CLICK, "categories", {}) is no_update
    )


def test_a_group_click_leaves_the_cross_filter_alone_and_a_category_click_still_sets_it():
    cross = {"category_id": 7, "category": "Groceries"}
    assert overview.toggle_cross_filter(cross, ids.CHART_CATEGORY, GROUP_CLICK) == cross
    drilled_category = {"points": [{"y": "Rent", "customdata": [1]}]}
    assert overview.toggle_cross_filter({}, ids.CHART_CATEGORY, drilled_category) == {
        "category_id": 1,
        "category": "Rent",
    }
    grouped_view_category = {"points": [{"y": "Gifts", "customdata": [6, None]}]}
    assert overview.toggle_cross_filter({}, ids.CHART_CATEGORY, grouped_view_category) == {
        "category_id": 6,
        "category": "Gifts",
    }


def test_only_the_category_charts_follow_the_group_toggle():
    assert overview.GROUPED_CHARTS == {ids.CHART_CATEGORY, ids.CHART_STACKED}


@pytest.fixture
def grouped_household(engine, household):
    user_id = household["user"]
    housing = create_group(engine, user_id, "Housing")
    set_category_group(engine, user_id, household["groceries"], housing)
    return {**household, "housing": housing}


def one_chart(user_id: int, chart: str, store: dict, view: str, drill: dict) -> dict:
    """One chart's figure as the overview's callback draws it (only that part asked for)."""
    inputs = {"filter_store": store, "cross_store": {}, "refresh": 0, "dark": False,
              "view": view, "drill": drill}  # fmt: skip
    answer = overview_page.build(user_id, inputs, frozenset({chart}), date.today())
    assert [name for name, value in answer.items() if value is not no_update] == [chart]
    return answer[chart]


@sqlite_only
def test_the_charts_and_breadcrumb_follow_the_view_and_the_drill(app, grouped_household):
    user_id, housing = grouped_household["user"], grouped_household["housing"]
    store = {"preset": "custom", "start": "2025-02-01", "end": "2025-03-31"}
    drilled = {"group_id": housing}
    with as_user(app, user_id):
        by_group = one_chart(user_id, ids.CHART_CATEGORY, store, "groups", {})
        in_group = one_chart(user_id, ids.CHART_CATEGORY, store, "groups", drilled)
        by_category = one_chart(user_id, ids.CHART_CATEGORY, store, "categories", drilled)
        stacked = one_chart(user_id, ids.CHART_STACKED, store, "groups", {})
        crumbs = overview.breadcrumb(user_id, "groups", drilled)
        not_drilled = overview.breadcrumb(user_id, "groups", {})
        someone_elses = overview.breadcrumb(user_id, "groups", {"group_id": housing + 1000})
    assert by_group["data"][0]["y"] == ["Housing"]
    assert by_group["data"][0]["customdata"] == [[None, housing]]
    assert by_group["data"][0]["text"] == ["€110.00"]
    assert in_group["data"][0]["y"] == ["Groceries"]
    assert by_category["data"][0]["customdata"] == [[grouped_household["groceries"]]]
    assert [trace["name"] for trace in stacked["data"]] == ["Housing"]
    assert crumbs == {"hidden": False, "current": "Housing"}
    assert not_drilled == {"hidden": True, "current": ""}
    assert someone_elses == {"hidden": True, "current": ""}


def test_a_tag_click_filters_by_the_tag_shows_a_chip_and_a_second_click_clears_it():
    click = {"points": [{"customdata": [7], "y": "holiday"}]}
    after = overview.toggle_cross_filter({"month": "2026-01"}, ids.CHART_TAGS, click)
    assert after == {"month": "2026-01", "tag_id": 7, "tag": "holiday"}
    filters = parse_filters({"tag_ids": [1, 2], "all_tags": True}, after, date(2026, 1, 20))
    assert (filters.tag_ids, filters.all_tags) == ((7,), False)
    assert [chip.children[0] for chip in chips(after)[:-1]] == ["Month: 2026-01", "Tag: holiday"]
    removed = remove_chip([1], None, after, {"type": ids.CHIP_REMOVE, "key": "tag"})
    assert removed == {"month": "2026-01"}
    assert overview.toggle_cross_filter(after, ids.CHART_TAGS, click) == {"month": "2026-01"}
    # The tag chart's own data ignores its own click: the clicked bar stays among the others.
    own = overview.chart_filters({}, after, "tag_id", date(2026, 1, 20))
    assert own.tag_ids == ()


def test_the_filter_bar_stores_tags_and_whether_all_must_match():
    bar = {"preset": "this_month", "start": None, "end": None, "account_ids": [],
           "category_ids": [], "tag_ids": [3, 4], "tags_match": "all"}  # fmt: skip
    store = update_filters(bar, ids.TAGS_FILTER, date(2026, 1, 20))["store"]
    assert (store["tag_ids"], store["all_tags"]) == ([3, 4], True)
    filters = parse_filters(store, {}, date(2026, 1, 20))
    assert (filters.tag_ids, filters.all_tags) == ((3, 4), True)
