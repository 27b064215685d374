"""SIGTERM (docker compose stop, a pod's termination) while a request is in flight: gunicorn
lets it finish, then exits 0 within its graceful timeout, and takes no new connections.

And with several requests in flight, idle keep-alive connections and new connections arriving
all along: every request gunicorn takes is answered, every other one is refused at connect
(before anything is sent), none is taken and then reset (gunicorn_worker.py says why).
"""

from __future__ import annotations

import http.client
import re
import signal
import threading
import time
from collections.abc import Callable
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
HELD_REQUESTS = 6
KEPT_ALIVE = 4
# New connections after SIGTERM: one every PROBE_EVERY_S, until PROBES_AFTER_REFUSAL have been
# refused (the port is closed for good), at most MAX_PROBES.
PROBE_EVERY_S = 0.01
PROBES_AFTER_REFUSAL = 20
MAX_PROBES = 1000
PROBE_TIMEOUT_S = 60
LOAD_THREADS = 6


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


def _outcome(conn: http.client.HTTPConnection, agent: str, keep_alive: bool = False) -> str:
    """One GET /health/live: "answered <status>", "refused" (at connect: nothing was sent),
    "closed" (a kept-alive connection the server had already closed) or "reset" (sent on a
    connection the server had taken, then no answer: what must never happen)."""
    headers = {"User-Agent": agent}
    if not keep_alive:
        headers["Connection"] = "close"
    reused = conn.sock is not None
    try:
        if not reused:
            conn.connect()
    except (ConnectionRefusedError, ConnectionResetError):
        # Both at connect, before anything was sent: a handshake still in the kernel's SYN
        # queue when the last listener closes is reset rather than refused (seen once with the
        # preloaded master); either way the client may safely retry.
        return "refused"
    try:
        conn.request("GET", "/health/live", headers=headers)
        response = conn.getresponse()
        response.read()
        return f"answered {response.status}"
    except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
        return "closed" if reused else "reset"
    except TimeoutError:
        return "timeout"
    finally:
        if not keep_alive:
            conn.close()


class Outcomes:
    """Requests sent from threads of their own, each with a User-Agent naming it: what each
    client saw, to compare with the access log (which logs the User-Agent)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def send(self, agent: str, request: Callable[[], str]) -> None:
        def run() -> None:
            self.record(agent, request())

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self._threads.append(thread)

    def record(self, agent: str, result: str) -> None:
        with self._lock:
            self.seen[agent] = result

    def refused(self) -> int:
        with self._lock:
            return sum(result == "refused" for result in self.seen.values())

    def join(self) -> dict[str, str]:
        deadline = time.monotonic() + PROBE_TIMEOUT_S + 10
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        assert not any(thread.is_alive() for thread in self._threads), "a request never ended"
        return dict(self.seen)


def _logged_agents(log: str) -> set[str]:
    return set(re.findall(r'ua="([a-z]+-[0-9]+)"', log))


def _assert_taken_means_answered(seen: dict[str, str], log: str) -> None:
    """Every request gunicorn took (logged) was answered; every other one never reached it."""
    unanswered = {agent for agent, result in seen.items() if not result.startswith("answered")}
    assert _logged_agents(log) & unanswered == set()
    assert set(seen.values()) <= {"answered 200", "refused", "closed"}, seen


def test_sigterm_answers_every_request_it_takes_and_refuses_new_ones_at_once(
    own_gunicorn, private_pg, app_db
):
    port = own_gunicorn.port
    client = DashClient(own_gunicorn.url)
    client.login(DEMO_USERNAME, DEMO_PASSWORD)
    store = filters_store(client)
    expected = kpi_texts(kpi_response(client, store))
    admin = create_engine(private_pg.admin_url)
    kept = [
        http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT_S)
        for _ in range(KEPT_ALIVE)
    ]
    for number, conn in enumerate(kept):
        assert _outcome(conn, f"primer-{number}", keep_alive=True) == "answered 200"
    held: list = []

    with app_db.connect() as locker, ThreadPoolExecutor(max_workers=HELD_REQUESTS) as pool:
        # As above: a lock on users holds every logged-in request in flight, inside a worker.
        locker.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
        held = [pool.submit(kpi_response, client, store) for _ in range(HELD_REQUESTS)]
        # Each worker takes as many as it has threads; a worker may queue the rest.
        wait_for(lambda: _requests_waiting_on_a_lock(admin) >= 4, 30, "requests at the lock")
        own_gunicorn.process.send_signal(signal.SIGTERM)
        outcomes = Outcomes()
        for number, conn in enumerate(kept[:2]):
            outcomes.send(f"kept-{number}", lambda c=conn, n=number: _outcome(c, f"kept-{n}", True))
        # New connections while the held requests are still in flight, until the port is
        # closed for good.
        for number in range(MAX_PROBES):
            agent = f"new-{number}"
            outcomes.send(agent, lambda a=agent: _outcome(_connection(port), a))
            if outcomes.refused() >= PROBES_AFTER_REFUSAL:
                break
            time.sleep(PROBE_EVERY_S)
        assert not any(request.done() for request in held), "a held request ended early"
        locker.rollback()
        answers = [request.result(timeout=PROBE_TIMEOUT_S) for request in held]
    seen = outcomes.join()
    for number, conn in enumerate(kept[2:], start=2):
        # After the drain: a connection gunicorn closed while it was idle.
        seen[f"kept-{number}"] = _outcome(conn, f"kept-{number}", keep_alive=True)
    admin.dispose()
    client.close()

    assert [kpi_texts(answer) for answer in answers] == [expected] * HELD_REQUESTS
    assert own_gunicorn.process.wait(timeout=EXIT_TIMEOUT_S) == 0
    log = own_gunicorn.log_text()
    _assert_taken_means_answered(seen, log)
    assert outcomes.refused() >= PROBES_AFTER_REFUSAL
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log, log


def test_sigterm_under_steady_load_answers_or_refuses_every_request(own_gunicorn):
    """The issue's measurement: clients sending all the time, each request on a new connection.
    gunicorn's own worker reset the ones that connected in the first ~40 ms after SIGTERM."""
    port = own_gunicorn.port
    stop = threading.Event()
    outcomes = Outcomes()
    counter = iter(range(10**9))
    lock = threading.Lock()

    def client_loop() -> str:
        while not stop.is_set():
            with lock:
                agent = f"load-{next(counter)}"
            outcomes.record(agent, _outcome(_connection(port), agent))
        return "done"

    for number in range(LOAD_THREADS):
        outcomes.send(f"loop-{number}", client_loop)
    wait_for(lambda: len(outcomes.seen) >= 100, 30, "100 answered requests before SIGTERM")
    own_gunicorn.process.send_signal(signal.SIGTERM)
    wait_for(lambda: outcomes.refused() >= PROBES_AFTER_REFUSAL, 30, "refused connections")
    stop.set()
    seen = {agent: result for agent, result in outcomes.join().items() if agent.startswith("load-")}

    assert own_gunicorn.process.wait(timeout=EXIT_TIMEOUT_S) == 0
    _assert_taken_means_answered(seen, own_gunicorn.log_text())


def _connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT_S)
