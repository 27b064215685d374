"""Services going away under a running gunicorn: Redis and PostgreSQL stop and come back.

What the app promises (DESIGN.md, "Failures are answers"): a down cache only degrades, a down
session store is a clear 503 for what needs a session, a down database is a 503 from /health and
/health/ready and a clear 503 page, never a traceback; and everything recovers without a
restart of gunicorn.
"""

from __future__ import annotations

import pytest
import requests

from tests.stack.conftest import DEMO_PASSWORD, DEMO_USERNAME
from tests.stack.dash_client import DashClient
from tests.stack.probes import expected_kpi_texts, filters_store, kpi_response, kpi_texts
from tests.stack.services import wait_for

pytestmark = pytest.mark.stack

RECOVERY_TIMEOUT_S = 15
# Enough requests, each on a new connection, for both workers to have answered some.
REQUESTS_AFTER_RECOVERY = 8
SIGN_IN_UNAVAILABLE = "Sign-in service unavailable"
DATABASE_UNAVAILABLE = "The database is not answering right now."
STYLESHEET = "/assets/vendor/bootstrap.min.css"


def _get(stack, path: str) -> requests.Response:
    return requests.get(stack.url + path, timeout=10, allow_redirects=False)


def _health(stack) -> tuple[int, dict]:
    response = _get(stack, "/health")
    return response.status_code, response.json()


def _pids(stack) -> tuple[int, set[int]]:
    return stack.master_pid, {worker.pid for worker in stack.workers()}


def _no_traceback(response: requests.Response) -> None:
    assert "Traceback" not in response.text and 'File "' not in response.text, response.text


def test_redis_restart_degrades_then_recovers(
    stack, private_redis, demo_client, app_db, demo_user_id
):
    store = filters_store(demo_client)
    before = kpi_texts(kpi_response(demo_client, store))
    pids = _pids(stack)
    log_start = len(stack.log_text())

    private_redis.stop()
    try:
        assert _health(stack) == (200, {"status": "degraded", "database": "ok", "cache": "down"})
        ready = _get(stack, "/health/ready")
        assert (ready.status_code, ready.json()) == (503, {"status": "unavailable"})
        # Sessions live in Redis: what needs one is a clear 503, never a traceback.
        page = demo_client.get("/")
        assert page.status_code == 503 and SIGN_IN_UNAVAILABLE in page.text
        assert page.headers.get("Retry-After")
        callback = kpi_response(demo_client, store)
        assert (callback.status_code, callback.json()) == (503, {"error": SIGN_IN_UNAVAILABLE})
        # What needs no session is served as ever.
        assert _get(stack, STYLESHEET).status_code == 200
        login_page = DashClient(stack.url).get("/login")
        assert login_page.status_code == 503 and SIGN_IN_UNAVAILABLE in login_page.text
        for response in (page, callback, login_page):
            _no_traceback(response)
    finally:
        private_redis.start()

    wait_for(
        lambda: _health(stack) == (200, {"status": "ok", "database": "ok", "cache": "ok"}),
        RECOVERY_TIMEOUT_S,
        "/health to report the cache ok again",
    )
    # compose runs Redis with AOF: the session outlived the restart.
    for _ in range(REQUESTS_AFTER_RECOVERY):
        assert kpi_texts(kpi_response(demo_client, store)) == before
    fresh = DashClient(stack.url)
    fresh.login(DEMO_USERNAME, DEMO_PASSWORD)
    fresh_store = filters_store(fresh)
    assert kpi_texts(kpi_response(fresh, fresh_store)) == expected_kpi_texts(
        app_db, demo_user_id, fresh_store
    )
    fresh.close()
    assert _pids(stack) == pids, "gunicorn or a worker restarted"
    # An outage is logged as one-line warnings, not a traceback per request.
    assert "Traceback" not in stack.log_text()[log_start:]


def test_postgres_restart_is_a_503_then_recovers_without_restarting_gunicorn(
    stack, private_pg, demo_client, app_db, demo_user_id
):
    store = filters_store(demo_client)
    pids = _pids(stack)
    log_start = len(stack.log_text())

    private_pg.stop()
    try:
        wait_for(lambda: _health(stack)[0] == 503, 10, "/health to answer 503")
        health = _get(stack, "/health")
        assert health.json() == {"status": "down", "database": "down", "cache": "ok"}
        ready = _get(stack, "/health/ready")
        assert (ready.status_code, ready.json()) == (503, {"status": "unavailable"})
        assert _get(stack, "/health/live").status_code == 200
        # Pages and callbacks: a clear 503, for a session that is still valid.
        page = demo_client.get("/")
        assert page.status_code == 503 and DATABASE_UNAVAILABLE in page.text
        assert page.headers.get("Retry-After") and page.headers.get("Content-Security-Policy")
        callback = kpi_response(demo_client, store)
        assert (callback.status_code, callback.json()) == (503, {"error": "Service unavailable"})
        for response in (health, ready, page, callback):
            _no_traceback(response)
    finally:
        private_pg.start()

    wait_for(
        lambda: _health(stack) == (200, {"status": "ok", "database": "ok", "cache": "ok"}),
        RECOVERY_TIMEOUT_S,
        "/health to report the database ok again",
    )
    assert (_get(stack, "/health/ready").status_code) == 200
    # Every worker's pool held connections the restart cut: each must replace them by itself.
    for _ in range(REQUESTS_AFTER_RECOVERY):
        texts = kpi_texts(kpi_response(demo_client, store))
        assert texts == expected_kpi_texts(app_db, demo_user_id, store)
    assert _pids(stack) == pids, "gunicorn or a worker restarted"
    assert "Traceback" not in stack.log_text()[log_start:]
