"""SIGTERM (docker compose stop, a pod's termination) while a request is in flight: gunicorn
lets it finish, then exits 0 within its graceful timeout, and takes no new connections."""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.stack.conftest import DEMO_PASSWORD, DEMO_USERNAME, start_gunicorn
from tests.stack.dash_client import DashClient
from tests.stack.probes import filters_store, kpi_response, kpi_texts
from tests.stack.services import Gunicorn, free_port, wait_for

pytestmark = pytest.mark.stack

# gunicorn.conf.py's default graceful_timeout (compose does not set it), plus time to exit.
EXIT_TIMEOUT_S = 30 + 10
# How long the request stays in flight after SIGTERM before its query may go on.
IN_FLIGHT_AFTER_SIGTERM_S = 1.0


@pytest.fixture
def own_gunicorn(request, stack, web_env, tmp_path) -> Gunicorn:
    """A gunicorn of this test alone (same database and Redis): the test ends it."""
    environment = {**web_env, "PORT": str(free_port())}
    return start_gunicorn(request, environment, tmp_path / "gunicorn-sigterm.log")


def _requests_waiting_on_a_lock(admin) -> int:
    with admin.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND backend_type = 'client backend'"
            )
        ).scalar_one()


def test_sigterm_lets_the_in_flight_request_finish_then_exits_0(own_gunicorn, private_pg, app_db):
    client = DashClient(own_gunicorn.url)
    client.login(DEMO_USERNAME, DEMO_PASSWORD)
    store = filters_store(client)
    expected = kpi_texts(kpi_response(client, store))
    admin = create_engine(private_pg.admin_url)

    # Every logged-in request reads its user first: a lock on users holds the request in
    # flight, for real, inside the worker.
    with app_db.connect() as locker, ThreadPoolExecutor(max_workers=1) as pool:
        locker.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
        in_flight = pool.submit(kpi_response, client, store)
        wait_for(lambda: _requests_waiting_on_a_lock(admin), 10, "the request to reach the lock")
        own_gunicorn.process.send_signal(signal.SIGTERM)
        wait_for(
            lambda: "Handling signal: term" in own_gunicorn.log_text(), 10, "gunicorn's SIGTERM"
        )
        time.sleep(IN_FLIGHT_AFTER_SIGTERM_S)
        assert not in_flight.done(), "the request ended before its query could run"
        locker.rollback()
        response = in_flight.result(timeout=30)
    admin.dispose()
    client.close()

    assert kpi_texts(response) == expected
    assert own_gunicorn.process.wait(timeout=EXIT_TIMEOUT_S) == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(own_gunicorn.url + "/health/live", timeout=5)
    log = own_gunicorn.log_text()
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log, log
