"""gunicorn with the app preloaded in the master (GUNICORN_PRELOAD, on by default): a worker is
a fork of a master that has imported Dash, pandas, plotly and built the app, so a recycled
worker serves again at once instead of importing everything again.

What that relies on, checked here with workers recycled every few requests:
- create_app opens no connection (the master never holds a database or Redis socket), and
  post_fork drops any pool a master might have filled: no socket to PostgreSQL or Redis is
  ever shared by two processes (a shared one would interleave two workers' protocol streams);
- every new worker serves correctly: every request, before and after the restarts, answers
  200 with the demo user's accounts from the database.
"""

from __future__ import annotations

import psutil
import pytest

from dashboard import ids
from tests.stack.conftest import DEMO_PASSWORD, DEMO_USERNAME, start_gunicorn
from tests.stack.dash_client import DashClient
from tests.stack.probes import outputs_of
from tests.stack.services import Gunicorn, free_port, wait_for

pytestmark = pytest.mark.stack

MAX_REQUESTS = "8"  # jitter 4: each worker restarts after 8 to 11 requests
REQUESTS = 60
ENTRY_OPTIONS_OUTPUT = f"{ids.ENTRY_ACCOUNT}.options"


@pytest.fixture
def preloaded_gunicorn(request, stack, web_env, tmp_path) -> Gunicorn:
    environment = {
        **web_env,
        "PORT": str(free_port()),
        "GUNICORN_PRELOAD": "true",
        "GUNICORN_MAX_REQUESTS": MAX_REQUESTS,
    }
    return start_gunicorn(request, environment, tmp_path / "gunicorn-preload.log")


def _sockets_to(process: psutil.Process, ports: set[int]) -> set[tuple]:
    """(local address, remote address) of the process's TCP sockets to any of `ports`."""
    try:
        connections = process.net_connections(kind="tcp")
    except psutil.NoSuchProcess:
        return set()
    return {(c.laddr, c.raddr) for c in connections if c.raddr and c.raddr.port in ports}


def _account_names(client: DashClient) -> list[str]:
    values = {f"{ids.URL}.pathname": "/transactions", f"{ids.REFRESH_STORE}.data": 0}
    options = outputs_of(client.update(ENTRY_OPTIONS_OUTPUT, values))[ENTRY_OPTIONS_OUTPUT]
    return sorted(option["label"] for option in options)


def test_recycled_preloaded_workers_serve_and_share_no_connection(
    preloaded_gunicorn, private_pg, private_redis
):
    server = preloaded_gunicorn
    master = psutil.Process(server.master_pid)
    services = {private_pg.port, private_redis.port}
    first_workers = {worker.pid for worker in server.workers()}
    client = DashClient(server.url)
    client.login(DEMO_USERNAME, DEMO_PASSWORD)
    expected = _account_names(client)
    assert expected, "the demo user has accounts"

    shared: list[str] = []
    for number in range(REQUESTS):
        # Every answer is right, whichever worker (old or newly forked) gave it.
        assert _account_names(client) == expected, f"request {number}"
        owners: dict[tuple, int] = {}
        for process in [master, *server.workers()]:
            for pair in _sockets_to(process, services):
                if pair in owners and owners[pair] != process.pid:
                    shared.append(f"{pair} in {owners[pair]} and {process.pid}")
                owners[pair] = process.pid
        assert not _sockets_to(master, services), "the master holds a database or Redis socket"
    client.close()

    assert shared == []
    # The workers did restart, as forks of the preloaded master.
    wait_for(lambda: len(server.workers()) == 2, 20, "two workers")
    assert first_workers.isdisjoint(worker.pid for worker in server.workers())
    assert server.log_text().count("Booting worker") >= 2 + 2 * 2
    assert "Traceback" not in server.log_text()
