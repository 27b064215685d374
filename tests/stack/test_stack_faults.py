"""Services going away under a running gunicorn: Redis and PostgreSQL stop and come back.

What the app promises (DESIGN.md, "Failures are answers"): a down Redis only degrades (the cache
and the session copies fall back to the database, signed-in people keep working), a down
database is a 503 from /health and /health/ready and a clear 503 page, never a traceback; and
everything recovers without a restart of gunicorn. (tests/stack/test_stack_redis_outage.py: the
same Redis outage under six concurrent writers, and revocation across it.)
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
        degraded = {"status": "degraded", "database": "ok", "cache": "down", "sessions": "ok"}
        assert _health(stack) == (200, degraded)
        # Ready all the same: every request still works, from the database.
        ready = _get(stack, "/health/ready")
        assert (ready.status_code, ready.json()) == (200, {"status": "ok"})
        # Sessions are recorded in the database: the signed-in user keeps working.
        page = demo_client.get("/")
        assert page.status_code == 200
        assert kpi_texts(kpi_response(demo_client, store)) == before
        assert _get(stack, STYLESHEET).status_code == 200
        newcomer = DashClient(stack.url)
        newcomer.login(DEMO_USERNAME, DEMO_PASSWORD)
        assert kpi_texts(kpi_response(newcomer, filters_store(newcomer))) == before
        newcomer.close()
        _no_traceback(page)
    finally:
        private_redis.start()

    wait_for(
        lambda: _health(stack) == (200, {**degraded, "status": "ok", "cache": "ok"}),
        RECOVERY_TIMEOUT_S,
        "/health to report the cache ok again",
    )
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
        assert health.json() == {
            "status": "down",
            "database": "down",
            "cache": "ok",
            "sessions": "down",
        }
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

    everything_ok = {"status": "ok", "database": "ok", "cache": "ok", "sessions": "ok"}
    wait_for(
        lambda: _health(stack) == (200, everything_ok),
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
