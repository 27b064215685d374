"""The served stack: gunicorn with gunicorn.conf.py and compose's web environment, on PostgreSQL
and Redis. Health, the overview's callbacks as the browser calls them, and two workers that
share one cache and see each other's writes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import requests
from sqlalchemy import create_engine

from dashboard import ids
from tests.stack.dash_client import DashClient
from tests.stack.probes import (
    CATEGORY_OUTPUT,
    RECENT_OUTPUT,
    WorkerAttribution,
    expected_categories,
    expected_kpi_texts,
    filters_store,
    kpi_response,
    kpi_texts,
    outputs_of,
    overview_inputs,
)
from tests.stack.services import wait_for

pytestmark = pytest.mark.stack

ENTRY_SUBMIT_OUTPUT = f"{ids.ENTRY_FEEDBACK}.children"
ENTRY_OPTIONS_OUTPUT = f"{ids.ENTRY_ACCOUNT}.options"
WRITE_ROUNDS = 10


@pytest.fixture(scope="module")
def attribution(stack, private_pg) -> Iterator[WorkerAttribution]:
    admin = create_engine(private_pg.admin_url, pool_size=1)
    yield WorkerAttribution(stack, admin, private_pg.port)
    admin.dispose()


def test_health_routes_report_database_and_cache_ok(stack):
    health = requests.get(stack.url + "/health", timeout=10)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "cache": "ok", "sessions": "ok"}
    assert health.headers["Cache-Control"] == "no-store"
    for path in ("/health/live", "/health/ready"):
        response = requests.get(stack.url + path, timeout=10)
        assert (response.status_code, response.json()) == (200, {"status": "ok"}), path


def test_dash_endpoints_need_a_login_and_answer_after_one(stack, demo_client):
    anonymous = requests.get(stack.url + "/_dash-layout", timeout=10, allow_redirects=False)
    assert anonymous.status_code == 401
    page = demo_client.get("/")
    assert page.status_code == 200
    assert 'id="_dash-config"' in page.text
    layout = demo_client.get("/_dash-layout")
    assert layout.status_code == 200
    assert ids.PAGE in layout.text and ids.FILTERS_STORE in layout.text
    outputs = [spec["output"] for spec in demo_client.callbacks()]
    assert any(f"{ids.KPI_INCOME}-value.children" in output for output in outputs)
    assert any(f"{ids.CHART_CATEGORY}.figure" in output for output in outputs)


def test_overview_callbacks_show_what_the_database_holds(demo_client, app_db, demo_user_id):
    store = filters_store(demo_client)
    assert kpi_texts(kpi_response(demo_client, store)) == expected_kpi_texts(
        app_db, demo_user_id, store
    )
    figure = outputs_of(demo_client.update(CATEGORY_OUTPUT, overview_inputs(store)))[
        CATEGORY_OUTPUT
    ]
    bars = figure["data"][0]
    # The chart draws the biggest category on top, so its bars run smallest first.
    assert list(reversed(bars["y"])) == expected_categories(app_db, demo_user_id, store)
    assert len(bars["y"]) >= 3


def test_both_workers_answer_and_share_one_cache(stack, demo_client, private_redis, attribution):
    """A fresh query warms the cache once; then both workers answer it without adding a key."""
    store = filters_store(demo_client, "last_6_months")
    redis_client = private_redis.client()
    cache_keys_before = _cache_keys(redis_client)
    first = kpi_texts(kpi_response(demo_client, store))
    warmed = _cache_keys(redis_client)
    assert len(warmed) > len(cache_keys_before), "the first answer put nothing in Redis"
    hits_before = redis_client.info("stats")["keyspace_hits"]

    answered_by: set[int] = set()

    def ask_again() -> bool:
        texts, worker = attribution.served(lambda: kpi_texts(kpi_response(demo_client, store)))
        assert texts == first
        answered_by.add(worker)
        return len(answered_by) == 2

    wait_for(ask_again, 60, "both workers to answer the same callback", every_s=0)
    assert _cache_keys(redis_client) == warmed, "a worker cached its own copy"
    assert redis_client.info("stats")["keyspace_hits"] > hits_before
    assert answered_by == {worker.pid for worker in stack.workers()}
    redis_client.close()


def test_a_write_through_one_worker_shows_in_every_worker(
    demo_client, app_db, demo_user_id, attribution
):
    """The entry form's callback writes; the next overview answers, from either worker, show it
    at once (the cache key carries data_version)."""
    store = filters_store(demo_client)
    account, category = _entry_choices(demo_client)
    crossed = 0
    for round_number in range(WRITE_ROUNDS):
        payee = f"Stack write {round_number} {uuid.uuid4().hex[:6]}"
        amount = f"-{round_number + 1}.{round_number:02d}"
        saved, writer = attribution.served(
            lambda payee=payee, amount=amount: _submit_entry(
                demo_client, account, category, amount, payee
            )
        )
        assert f"Added -€{amount[1:]}" in str(saved), saved
        for _ in range(2):
            texts, reader = attribution.served(lambda: kpi_texts(kpi_response(demo_client, store)))
            assert texts == expected_kpi_texts(app_db, demo_user_id, store)
            recent, reader_of_recent = attribution.served(
                lambda: outputs_of(demo_client.update(RECENT_OUTPUT, overview_inputs(store)))
            )
            assert payee in str(recent[RECENT_OUTPUT])
            crossed += (reader != writer) + (reader_of_recent != writer)
    assert crossed > 0, "no read was answered by a worker other than the writer"


def _cache_keys(redis_client) -> set[bytes]:
    """The read models' keys: the app's prefix, without sessions and login counters."""
    return {
        key
        for key in redis_client.scan_iter(match="ft:*", count=1000)
        if not key.startswith(b"ft:session:") and b"limits" not in key
    }


def _entry_choices(client: DashClient) -> tuple[str, str]:
    """The entry form's first account and the Groceries category, from its options callback."""
    options = outputs_of(
        client.update(
            ENTRY_OPTIONS_OUTPUT,
            {f"{ids.URL}.pathname": "/transactions", f"{ids.REFRESH_STORE}.data": 0},
        )
    )
    account = options[f"{ids.ENTRY_ACCOUNT}.value"]
    categories = options[f"{ids.ENTRY_CATEGORY}.options"]
    groceries = next(option["value"] for option in categories if option["label"] == "Groceries")
    return account, groceries


def _submit_entry(client: DashClient, account: str, category: str, amount: str, payee: str):
    values = {
        f"{ids.ENTRY_FORM}.n_submit": 1,
        f"{ids.ENTRY_MODE}.value": "transaction",
        f"{ids.ENTRY_DATE}.value": date.today().isoformat(),
        f"{ids.ENTRY_AMOUNT}.value": amount,
        f"{ids.ENTRY_ACCOUNT}.value": account,
        f"{ids.ENTRY_CATEGORY}.value": category,
        f"{ids.ENTRY_PAYEE}.value": payee,
        f"{ids.REFRESH_STORE}.data": 0,
        f"{ids.ENTRY_SUBMISSION_KEY}.data": str(uuid.uuid4()),
    }
    return outputs_of(client.update(ENTRY_SUBMIT_OUTPUT, values))[ENTRY_SUBMIT_OUTPUT]
