"""The overview's one callback (dashboard/callbacks/overview_page.py) as the browser calls it:
every part on the page's first call, only what an input changes afterwards, and the whole answer
cached until the user writes (real SQLite, Flask's test client)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dashboard import ids
from dashboard.callbacks import overview_page
from dashboard.callbacks.overview_page import (
    BREADCRUMB,
    CHART_PARTS,
    EVERY_PART,
    GROUPED_PARTS,
    MONTH_END,
    parts_to_draw,
)
from dashboard.overview_ids import OVERVIEW_DRAWN
from data.entries import Transaction
from data.setup_writes import create_account, create_category
from data.writes import create_transaction
from tests.stack.dash_client import DashClient

# One dialect: the SQL behind the parts is tested on both elsewhere.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

OUTPUT = f"{ids.KPI_INCOME}-value.children"
FILTERS = f"{ids.FILTERS_STORE}.data"
CROSS = f"{ids.CROSS_FILTER_STORE}.data"
THEME = f"{ids.THEME_SWITCH}.value"
VIEW = f"{ids.CATEGORY_VIEW}.value"
DRAWN = f"{OVERVIEW_DRAWN}.data"
MARCH = {"preset": "custom", "start": "2025-03-01", "end": "2025-03-31"}
FIGURES = set(CHART_PARTS) | {ids.CHART_MONTH_END}


class TestClientDash(DashClient):
    """DashClient's request bodies, sent through a Flask test client."""

    __test__ = False

    def __init__(self, client) -> None:
        self.client = client
        self._callbacks = None

    def callbacks(self) -> list[dict]:
        if self._callbacks is None:
            self._callbacks = self.client.get("/_dash-dependencies").get_json()
        return self._callbacks

    def answer(self, changed: list[str], values: dict | None = None) -> dict[str, dict[str, Any]]:
        """The overview callback's answer as {component id: {property: value}}: its inputs as
        the page holds them (March, light, by category), `values` changed; a new page unless
        `values` names what it was drawn with (DRAWN)."""
        sent = {FILTERS: MARCH, CROSS: {}, THEME: False, VIEW: "categories", **(values or {})}
        body = self.update_body(OUTPUT, sent, changed)
        response = self.client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["response"]


@pytest.fixture
def dash(logged_in_client, engine, login_user_id):
    account = create_account(engine, login_user_id, "Checking", "checking")
    groceries = create_category(engine, login_user_id, "Groceries", "expense")
    salary = create_category(engine, login_user_id, "Salary", "income")
    for day, amount, payee, category in (
        (date(2025, 3, 5), 200000, "Employer", salary),
        (date(2025, 3, 10), -6000, "Market", groceries),
    ):
        txn = Transaction(
            account_id=account, date=day, amount_minor=amount, payee=payee, category_id=category
        )
        create_transaction(engine, login_user_id, txn)
    client = TestClientDash(logged_in_client)
    client.account = account  # type: ignore[attr-defined]
    return client


DRAWN_AT_LOAD = {"filter_store": MARCH, "cross_store": {}, "refresh": None, "dark": False,
                 "view": "categories", "drill": None}  # fmt: skip


def test_each_input_redraws_only_the_parts_it_changes():
    def changed(**values: Any) -> frozenset[str]:
        return parts_to_draw(DRAWN_AT_LOAD, {**DRAWN_AT_LOAD, **values})

    assert parts_to_draw(None, DRAWN_AT_LOAD) == EVERY_PART, "a new page draws every part"
    # Every part is in the order its threads share them out (a part left out is never drawn).
    assert sorted(overview_page.COST_ORDER) == sorted(EVERY_PART)
    assert changed() == frozenset()
    assert changed(refresh=1) == EVERY_PART - {BREADCRUMB}, "a write redraws the data"
    assert changed(dark=True) == CHART_PARTS | {MONTH_END}
    assert changed(view="groups") == GROUPED_PARTS | {BREADCRUMB}
    assert changed(drill={"group_id": 3}) == GROUPED_PARTS | {BREADCRUMB}
    assert changed(cross_store={"payee": "Market"}) == {
        "kpis", "gauges", "recent", "currency"} | CHART_PARTS  # fmt: skip
    assert changed(filter_store={"preset": "last_6_months"}) == {
        "kpis", "gauges", "recent", "currency", MONTH_END} | CHART_PARTS  # fmt: skip
    # Two changes, one call (the renderer dropped the first answer): both parts' outputs.
    assert changed(dark=True, view="groups") == CHART_PARTS | {MONTH_END, BREADCRUMB}


@sqlite_only
def test_the_first_call_answers_every_output_with_its_content(dash):
    answer = dash.answer([])
    written = {f"{c}.{p}" for c, props in answer.items() for p in props}
    outputs = {f"{o.component_id}.{o.component_property}" for o in overview_page.OUTPUTS.values()}
    assert written == outputs | {DRAWN}
    assert answer[f"{ids.KPI_INCOME}-value"]["children"] == "€2,000.00"
    assert answer[f"{ids.KPI_SPENDING}-value"]["children"] == "€60.00"
    assert answer[f"{ids.KPI_SAVINGS_RATE}-value"]["children"] == "97.0%"
    category = answer[ids.CHART_CATEGORY]["figure"]["data"][0]
    assert list(category["y"]) == ["Groceries"]
    payees = answer[ids.CHART_PAYEES]["figure"]["data"][0]
    assert list(payees["y"]) == ["Market"]
    recent = str(answer[ids.OVERVIEW_TRANSACTIONS]["children"])
    assert "Employer" in recent and "2 transactions, total €1,940.00" in recent
    assert "No budgets for this month yet" in str(answer[ids.GAUGES]["children"])
    assert "Checking" in str(answer[ids.MONTH_END_BODY]["children"])
    assert answer[ids.CHART_MONTH_END]["figure"]["data"] is not None
    assert answer[ids.OVERVIEW_EMPTY]["children"] is None  # the user has an account
    assert answer[ids.OVERVIEW_GOALS]["children"] is None  # and no goals
    assert answer[ids.CATEGORY_BREADCRUMB]["hidden"] is True


@sqlite_only
def test_a_theme_switch_answers_the_figures_only_and_themes_them(dash):
    light = dash.answer([])
    dark = dash.answer([THEME], {THEME: True, DRAWN: light[OVERVIEW_DRAWN]["data"]})
    assert set(dark) == FIGURES | {ids.MONTH_END_BODY, OVERVIEW_DRAWN}
    assert dark[OVERVIEW_DRAWN]["data"]["dark"] is True
    for figure in FIGURES:
        assert dark[figure]["figure"]["layout"] != light[figure]["figure"]["layout"], figure


@sqlite_only
def test_a_chart_click_narrows_the_figures_but_not_the_month_end_or_the_lists(dash):
    drawn = dash.answer([])[OVERVIEW_DRAWN]["data"]
    clicked = dash.answer([CROSS], {CROSS: {"payee": "Market"}, DRAWN: drawn})
    assert ids.MONTH_END_BODY not in clicked and ids.UPCOMING_LIST not in clicked
    assert ids.OVERVIEW_GOALS not in clicked and ids.OVERVIEW_EMPTY not in clicked
    assert clicked[f"{ids.KPI_INCOME}-value"]["children"] == "€0.00"
    assert clicked[f"{ids.KPI_SPENDING}-value"]["children"] == "€60.00"
    assert "1 transactions, total -€60.00" in str(clicked[ids.OVERVIEW_TRANSACTIONS]["children"])


@sqlite_only
def test_the_group_toggle_answers_the_category_charts_and_the_breadcrumb(dash):
    drawn = dash.answer([])[OVERVIEW_DRAWN]["data"]
    toggled = dash.answer([VIEW], {VIEW: "groups", DRAWN: drawn})
    assert set(toggled) == {
        ids.CHART_CATEGORY,
        ids.CHART_STACKED,
        ids.CATEGORY_BREADCRUMB,
        ids.CATEGORY_DRILL_CURRENT,
        OVERVIEW_DRAWN,
    }
    # The same inputs again (a store set to what it held): nothing to redraw, no answer.
    body = dash.update_body(OUTPUT, {FILTERS: MARCH, CROSS: {}, THEME: False, VIEW: "groups",
                                     DRAWN: toggled[OVERVIEW_DRAWN]["data"]}, [VIEW])  # fmt: skip
    assert dash.client.post("/_dash-update-component", json=body).status_code == 204


@sqlite_only
def test_the_answer_is_built_once_until_the_user_writes(dash, engine, login_user_id, monkeypatch):
    built = []
    build = overview_page.build

    def counting(*args: Any) -> dict:
        built.append(args[2])
        return build(*args)

    monkeypatch.setattr(overview_page, "build", counting)
    first = dash.answer([FILTERS])
    assert dash.answer([FILTERS]) == first
    assert len(built) == 1, "the same view again is the cached answer"
    txn = Transaction(
        account_id=dash.account, date=date(2025, 3, 12), amount_minor=-1000, payee="Baker"
    )
    create_transaction(engine, login_user_id, txn)
    after = dash.answer([FILTERS])
    assert len(built) == 2, "a write (data_version) makes a new answer"
    assert after[f"{ids.KPI_SPENDING}-value"]["children"] == "€70.00"
    assert "Baker" in str(after[ids.OVERVIEW_TRANSACTIONS]["children"])
