"""A Redis outage under load: signed-in people keep working, and revocation still holds.

A gunicorn of this module alone (2 workers, compose's environment) on the stack's PostgreSQL and
a private Redis started with compose's options (password, appendonly), which the tests stop for
OUTAGE_S seconds while six people add transactions through the entry form's real callback body.
Nothing may answer 5xx, and every acknowledged write must be stored exactly once. Then the
sessions' side: a logout during the outage stays a logout when Redis comes back holding the old
copy (appendonly), and a login made during the outage still works after it.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
import requests
from sqlalchemy import text

from dashboard import ids
from tests.stack.conftest import DEMO_PASSWORD, DEMO_USERNAME, start_gunicorn
from tests.stack.dash_client import DashClient
from tests.stack.probes import filters_store, kpi_response, kpi_texts, outputs_of
from tests.stack.services import Gunicorn, PrivateRedis, free_port, wait_for

pytestmark = pytest.mark.stack

OUTAGE_S = 8
WRITERS = 6
# Each writer must have been acknowledged this often before the outage and again after it, so
# the outage falls in the middle of the load.
ACKS_AROUND_THE_OUTAGE = 2
LOAD_TIMEOUT_S = 60
RECOVERY_TIMEOUT_S = 15
ENTRY_SUBMIT_OUTPUT = f"{ids.ENTRY_FEEDBACK}.children"
ENTRY_OPTIONS_OUTPUT = f"{ids.ENTRY_ACCOUNT}.options"


@dataclass(frozen=True)
class Attempt:
    """One submission of the entry form and what the person saw."""

    payee: str
    started: float
    ended: float
    status: int | None  # None: no answer at all (a reset or closed connection)
    acknowledged: bool


@pytest.fixture(scope="module")
def outage_redis(request, operator_env, tmp_path_factory) -> PrivateRedis:
    server = PrivateRedis(tmp_path_factory.mktemp("outage-redis"), operator_env["REDIS_PASSWORD"])
    request.addfinalizer(server.close)
    server.start()
    return server


@pytest.fixture(scope="module")
def outage_web(request, stack, web_env, outage_redis, tmp_path_factory) -> Gunicorn:
    """gunicorn on the stack's database and the private Redis of this module."""
    password = outage_redis.password
    environment = {
        **web_env,
        "PORT": str(free_port()),
        "REDIS_URL": f"redis://:{password}@127.0.0.1:{outage_redis.port}/0",
        # Worker recycling cutting requests is item 12's subject, with its own stack test:
        # here only Redis goes away.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    log_path = tmp_path_factory.mktemp("outage-logs") / "gunicorn-outage.log"
    return start_gunicorn(request, environment, log_path)


@pytest.fixture
def signed_in(outage_web) -> Iterator[list[DashClient]]:
    """Clients signed in as the demo user, closed at the end."""
    clients: list[DashClient] = []

    def sign_in() -> DashClient:
        client = DashClient(outage_web.url)
        client.login(DEMO_USERNAME, DEMO_PASSWORD)
        clients.append(client)
        return client

    yield sign_in
    for client in clients:
        client.close()


def _entry_choices(client: DashClient) -> tuple[str, str]:
    options = outputs_of(
        client.update(
            ENTRY_OPTIONS_OUTPUT,
            {f"{ids.URL}.pathname": "/transactions", f"{ids.REFRESH_STORE}.data": 0},
        )
    )
    categories = options[f"{ids.ENTRY_CATEGORY}.options"]
    groceries = next(option["value"] for option in categories if option["label"] == "Groceries")
    return options[f"{ids.ENTRY_ACCOUNT}.value"], groceries


def _submit(client: DashClient, account: str, category: str, payee: str) -> Attempt:
    values = {
        f"{ids.ENTRY_FORM}.n_submit": 1,
        f"{ids.ENTRY_MODE}.value": "transaction",
        f"{ids.ENTRY_DATE}.value": date.today().isoformat(),
        f"{ids.ENTRY_AMOUNT}.value": "-1.25",
        f"{ids.ENTRY_ACCOUNT}.value": account,
        f"{ids.ENTRY_CATEGORY}.value": category,
        f"{ids.ENTRY_PAYEE}.value": payee,
        f"{ids.REFRESH_STORE}.data": 0,
        # One new entry per call (issue 9 item 12: the page sends a key with each entry).
        f"{ids.ENTRY_SUBMISSION_KEY}.data": str(uuid.uuid4()),
    }
    started = time.monotonic()
    try:
        response = client.update(ENTRY_SUBMIT_OUTPUT, values)
    except requests.RequestException:
        return Attempt(payee, started, time.monotonic(), None, False)
    acknowledged = response.status_code == 200 and "Added" in response.text
    return Attempt(payee, started, time.monotonic(), response.status_code, acknowledged)


class Writer(threading.Thread):
    """One person adding transactions, one after the other, until told to stop."""

    def __init__(self, client: DashClient, choices: tuple[str, str], prefix: str) -> None:
        super().__init__(daemon=True)
        self.client, self.choices, self.prefix = client, choices, prefix
        self.attempts: list[Attempt] = []
        self.stop = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            payee = f"{self.prefix} {number}"
            self.attempts.append(_submit(self.client, *self.choices, payee))
            number += 1

    def acknowledged_after(self, moment: float) -> int:
        return sum(1 for a in list(self.attempts) if a.acknowledged and a.started >= moment)


def _stored_payees(app_db, prefix: str) -> dict[str, int]:
    with app_db.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT payee, count(*) FROM transactions WHERE payee LIKE :pattern GROUP BY payee"
            ),
            {"pattern": prefix + "%"},
        ).all()
    return {payee: count for payee, count in rows}


def test_six_writers_through_an_eight_second_redis_outage_lose_nothing_and_see_no_5xx(
    outage_web, outage_redis, signed_in, app_db
):
    run = uuid.uuid4().hex[:8]
    first = signed_in()
    choices = _entry_choices(first)
    clients = [first] + [signed_in() for _ in range(WRITERS - 1)]
    writers = [Writer(client, choices, f"Outage {run} w{n}") for n, client in enumerate(clients)]
    for writer in writers:
        writer.start()
    try:
        start = time.monotonic()
        wait_for(
            lambda: all(w.acknowledged_after(start) >= ACKS_AROUND_THE_OUTAGE for w in writers),
            LOAD_TIMEOUT_S,
            "every writer to be acknowledged before the outage",
        )
        outage_redis.stop()
        down_at = time.monotonic()
        try:
            time.sleep(OUTAGE_S)  # the outage itself: the writers keep writing meanwhile
        finally:
            up_at = time.monotonic()
            outage_redis.start()
        wait_for(
            lambda: all(w.acknowledged_after(up_at) >= ACKS_AROUND_THE_OUTAGE for w in writers),
            LOAD_TIMEOUT_S,
            "every writer to be acknowledged after the outage",
        )
    finally:
        for writer in writers:
            writer.stop.set()
        for writer in writers:
            writer.join(timeout=30)
    assert not any(writer.is_alive() for writer in writers), "a writer did not finish"

    attempts = [attempt for writer in writers for attempt in writer.attempts]
    during = [a for a in attempts if a.started >= down_at and a.ended <= up_at]
    failed = [a for a in attempts if not a.acknowledged]
    statuses: dict[str | int, int] = {}
    for attempt in attempts:
        key = "no answer" if attempt.status is None else attempt.status
        statuses[key] = statuses.get(key, 0) + 1
    summary = (
        f"{len(attempts)} submissions ({len(during)} within the outage): statuses {statuses}, "
        f"{len(failed)} not acknowledged"
    )
    print(summary)
    assert not failed, summary
    assert sum(1 for a in during if a.acknowledged) >= WRITERS, (
        f"too few writes in the outage: {summary}"
    )

    stored = _stored_payees(app_db, f"Outage {run} ")
    acknowledged = {a.payee for a in attempts if a.acknowledged}
    assert stored == dict.fromkeys(acknowledged, 1), (
        "a write was lost, duplicated or unacknowledged"
    )
    assert "Traceback" not in outage_web.log_text()


def _is_signed_in(client: DashClient) -> bool:
    status = client.get("/_dash-layout").status_code
    assert status in (200, 401), status
    return status == 200


def test_a_logout_in_the_outage_survives_redis_coming_back_with_the_old_copy(
    outage_web, outage_redis, signed_in
):
    leaving, staying = signed_in(), signed_in()
    stolen_cookie = leaving.http.cookies.get("ft_session")
    redis_client = outage_redis.client()
    stale_key = _copy_key(stolen_cookie)
    # Copied to Redis once the workers use it (after any back-off from an earlier outage).
    wait_for(
        lambda: _is_signed_in(leaving) and redis_client.exists(stale_key),
        RECOVERY_TIMEOUT_S,
        "the session's copy in Redis",
    )
    store = filters_store(staying)
    before = kpi_texts(kpi_response(staying, store))

    outage_redis.stop()
    try:
        # Signed-in reads, a login and a logout all work while Redis is down.
        assert kpi_texts(kpi_response(staying, store)) == before
        newcomer = signed_in()
        assert _is_signed_in(newcomer)
        logout_page = leaving.get("/logout")
        assert logout_page.status_code == 200
        token = logout_page.text.split('name="csrf_token" value="')[1].split('"')[0]
        logout = leaving.http.post(
            outage_web.url + "/logout",
            data={"csrf_token": token},
            headers={"Origin": outage_web.url},
            allow_redirects=False,
            timeout=20,
        )
        assert logout.status_code == 302, logout.status_code
    finally:
        outage_redis.start()

    # appendonly: Redis is back holding the session the logout ended (no request has run since).
    newcomer_key = _copy_key(newcomer.http.cookies.get("ft_session"))
    assert redis_client.exists(stale_key) == 1
    assert redis_client.exists(newcomer_key) == 0, "the newcomer's session began in the outage"
    replayed = DashClient(outage_web.url)
    replayed.http.cookies.set("ft_session", stolen_cookie)

    def copies_in_use_again() -> bool:
        # Every answer meanwhile is right, whether a worker still reads the database (its
        # back-off after the outage) or Redis again.
        assert not _is_signed_in(replayed)
        assert _is_signed_in(newcomer)
        assert kpi_texts(kpi_response(staying, store)) == before
        # A worker met the stale copy, refused it and deleted it; the newcomer's was copied.
        return not redis_client.exists(stale_key) and redis_client.exists(newcomer_key)

    wait_for(copies_in_use_again, RECOVERY_TIMEOUT_S, "the workers to read Redis again")
    for _ in range(4):  # on new connections: both workers
        assert not _is_signed_in(replayed)
        assert _is_signed_in(newcomer)
    replayed.close()
    redis_client.close()


def _copy_key(cookie: str) -> str:
    """Where the app keeps a session's copy: compose's key prefix, the id's sha256."""
    return "ft:session:" + hashlib.sha256(cookie.encode()).hexdigest()
