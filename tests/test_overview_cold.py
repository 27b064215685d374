"""A cold overview's cheaper paths give what the dearer ones gave: frames built from tuples
(data/frames.py, both dialects), answers serialised with the standard library's encoder
(dashboard/overview_cache.py), and the page request's warm-up of the overview's reads
(dashboard/callbacks/overview_warmup.py), which must leave the overview's answer no SQL."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from plotly.io.json import to_json_plotly
from sqlalchemy import event, select

from dashboard import ids, overview_cache, routing, services
from dashboard.callbacks import overview, overview_page, overview_warmup
from dashboard.forms import parse_filters
from data.demo import DEMO_USER_ID
from data.entries import Transaction
from data.frames import frame_of
from data.months import month_start
from data.schema import accounts, categories, transactions
from data.setup_writes import create_account, create_category
from data.writes import create_transaction
from tests.conftest import as_user
from tests.test_dashboard_overview_page import MARCH, TestClientDash

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
PAGE = f"{ids.PAGE}.children"


def test_frames_from_tuples_equal_frames_from_rows(engine, login_user_id):
    """Ints, NULLs, texts, dates, booleans and a sum: the same values and dtypes."""
    account = create_account(engine, login_user_id, "Checking", "checking")
    food = create_category(engine, login_user_id, "Food", "expense")
    for day, amount, category in ((5, -1234, food), (6, 99, None), (7, -1, food)):
        txn = Transaction(account, date(2025, 3, day), amount, f"P{day}", category_id=category)
        create_transaction(engine, login_user_id, txn)
    t = transactions.c
    queries = [
        select(t.id, t.category_id, t.date, t.amount_minor, t.payee, t.memo).order_by(t.id),
        select(accounts.c.name, accounts.c.archived, accounts.c.opening_balance_minor),
        select(categories.c.id, categories.c.name).where(categories.c.id < 0),  # no rows
        select(t.category_id, t.amount_minor.label("s")).where(t.amount_minor < 0),
    ]
    with engine.connect() as conn:
        for query in queries:
            result = conn.execute(query)
            columns, rows = list(result.keys()), result.all()
            before = pd.DataFrame(rows, columns=columns)
            pd.testing.assert_frame_equal(frame_of(rows, columns), before, check_exact=True)
            assert frame_of(conn.execute(query), columns).equals(before)


def test_the_answer_serialised_with_either_engine_is_the_same_json(demo_app):
    """The overview's whole first answer and its page over the demo household."""
    today = date.today()
    inputs = {"filter_store": {"preset": "last_12_months"}, "cross_store": {}, "refresh": 0,
              "dark": False, "view": "categories", "drill": None}  # fmt: skip
    with as_user(demo_app, DEMO_USER_ID):
        answer = overview_page.build(DEMO_USER_ID, inputs, overview_page.EVERY_PART, today)
        page = routing.render_page("/", routing.first_parts(inputs["filter_store"], {}))
    given = {name: value for name, value in answer.items() if value is not overview_page.no_update}
    assert len(given) == len(overview_page.OUTPUTS)
    for value in (given, page):
        ours = json.loads(to_json_plotly(value, engine=overview_cache.ENGINE))
        assert ours == json.loads(to_json_plotly(value, engine="orjson"))
        assert ours == json.loads(to_json_plotly(value, engine="auto"))
    assert overview_cache.as_json_values(answer) == json.loads(to_json_plotly(given))


@pytest.fixture
def dash(app, logged_in_client, engine, login_user_id):
    account = create_account(engine, login_user_id, "Checking", "checking")
    groceries = create_category(engine, login_user_id, "Groceries", "expense")
    salary = create_category(engine, login_user_id, "Salary", "income")
    for day, amount, category in ((5, 200000, salary), (10, -6000, groceries)):
        txn = Transaction(account, date(2025, 3, day), amount, "Market", category_id=category)
        create_transaction(engine, login_user_id, txn)
    return TestClientDash(logged_in_client)


@sqlite_only
def test_after_the_warm_up_the_first_answer_runs_no_aggregate(app, dash, login_user_id):
    """Every read of the overview's first answer is one the page request started (or its own
    KPIs and meters): a read left out of overview_warmup.overview_reads fails this."""
    today = date.today()
    with as_user(app, login_user_id):
        for read in overview_warmup.overview_reads(login_user_id, MARCH, {}, today):
            read()
        filters = parse_filters(MARCH, {}, today)
        overview.kpis(login_user_id, filters)
        overview.gauges(login_user_id, filters, today)
    engine = app.server.extensions["ft_engine"]
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        answer = dash.answer([])
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert answer[f"{ids.KPI_SPENDING}-value"]["children"] == "€60.00"
    assert "Market" in str(answer[ids.OVERVIEW_TRANSACTIONS]["children"])
    # What is left is the request's own: its session, its user, the user's data_version.
    tables = ("transactions", "daily_rollups", "accounts", "categories", "budgets", "goals")
    read_data = [s for s in statements if any(f" {table}" in s for table in tables)]
    assert read_data == [], read_data


@sqlite_only
def test_the_page_starts_the_warm_up_only_on_a_cold_view(app, dash, monkeypatch):
    started: list[tuple] = []
    monkeypatch.setattr(overview_warmup, "start", lambda *args: started.append(args))
    values = {f"{ids.URL}.pathname": "/", f"{ids.FILTERS_STORE}.data": MARCH,
              f"{ids.CROSS_FILTER_STORE}.data": {}}  # fmt: skip
    for _ in range(2):
        body = dash.update_body(PAGE, values, [f"{ids.URL}.pathname"])
        response = dash.client.post("/_dash-update-component", json=body)
        assert response.status_code == 200
        assert "€60.00" in response.get_data(as_text=True)
    assert len(started) == 1, "the second view is the cached page: nothing to warm"
    assert started[0][1:3] == (MARCH, {})


@sqlite_only
def test_the_warm_up_runs_in_the_background_and_fills_the_cache(
    app, dash, login_user_id, monkeypatch
):
    """start() in a request returns at once; its threads compute the read models (with Redis
    only: the embedded app's in-process cache starts nothing)."""
    today = date.today()

    def month_end_cached() -> bool:
        key_args = (today, parse_filters(MARCH, {}, today).account_ids)
        key = services.read_model_key(
            "month_end_forecast", login_user_id, services.data_version(login_user_id), key_args
        )
        return services.cache.get(key) is not None

    with as_user(app, login_user_id):
        assert not overview_warmup.enabled()
        overview_warmup.start(login_user_id, MARCH, {}, today)
        assert overview_warmup.wait_idle(timeout_s=5)
        assert not month_end_cached()
    monkeypatch.setattr(overview_warmup, "enabled", lambda: True)
    with as_user(app, login_user_id):
        overview_warmup.start(login_user_id, MARCH, {}, today)
        assert overview_warmup.wait_idle(timeout_s=30)
        assert month_end_cached()


FILTERS = f"{ids.FILTERS_STORE}.data"


def _filters_request(dash, pathname: str) -> dict:
    """The filters callback as the browser calls it on a page's load (its store's answer)."""
    values = {f"{ids.PRESET}.value": "custom", f"{ids.DATE_FROM}.value": MARCH["start"],
              f"{ids.DATE_TO}.value": MARCH["end"], f"{ids.URL}.pathname": pathname,
              f"{ids.CROSS_FILTER_STORE}.data": {}}  # fmt: skip
    body = dash.update_body(FILTERS, values, [f"{ids.DATE_FROM}.value"])
    response = dash.client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_json()["response"][ids.FILTERS_STORE]["data"]


@sqlite_only
def test_the_filters_request_starts_the_reads_on_the_overview_only(
    app, dash, login_user_id, monkeypatch
):
    """The frame's second request (the other worker) starts the page's meters and the
    overview's reads for the store it answers, cheapest first, and only on "/", until they are
    cached."""
    monkeypatch.setattr(overview_warmup, "enabled", lambda: True)
    started: list[list] = []
    real_start = overview_warmup._start
    monkeypatch.setattr(overview_warmup, "_start", lambda reads: started.append(reads))
    store = _filters_request(dash, "/transactions")
    assert started == []
    assert _filters_request(dash, "/") == store
    assert len(started) == 1
    today = date.today()
    forward = overview_warmup.overview_reads(login_user_id, store, {}, today)
    assert len(started[0]) == len(forward) + 1 and len(forward) > 10
    with as_user(app, login_user_id):
        # The page's meters first (the page request in the other worker waits for them), then
        # the cheapest: the list's last read (the currencies not converted).
        meters = services.budget_projection(login_user_id, month_start(today), today, ())
        assert started[0][0]().equals(meters)
        assert started[0][1]().equals(forward[-1]())
    monkeypatch.setattr(overview_warmup, "_start", real_start)
    assert _filters_request(dash, "/") == store
    assert overview_warmup.wait_idle(timeout_s=30)
    with as_user(app, login_user_id):
        stacked = overview.chart_filters(store, {}, overview.CHARTS[ids.CHART_STACKED][1], today)
        assert services.is_cached(services.spending_by_month_category, login_user_id, stacked)
    # Warm now: the next load's filters request starts nothing (one GET said so).
    monkeypatch.setattr(overview_warmup, "_start", lambda reads: started.append(reads))
    _filters_request(dash, "/")
    assert len(started) == 1
