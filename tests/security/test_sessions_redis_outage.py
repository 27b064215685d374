"""Sessions through a Redis outage: a private Redis (compose's options: password, appendonly)
is stopped under a signed-in app, on both dialects.

Signed-in reads and writes go on, sign-ins work, and revocation holds: a logout or a password
change made during the outage still ends the session once Redis comes back holding its old copy
(appendonly keeps it), and a session started during the outage outlives it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import event, func, select

from dashboard import ids
from dashboard.security import passwords
from dashboard.security.session_store import COOKIE_NAME, LOGIN_AT
from data.schema import transactions
from data.setup_writes import create_account, create_category
from tests.conftest import TEST_PASSWORD, AuthActions, build_app, make_login_user
from tests.security.conftest import db_url_of
from tests.stack.dash_client import DashClient
from tests.stack.services import PrivateRedis

pytestmark = [pytest.mark.security, pytest.mark.redis]

KPI_OUTPUT = f"{ids.KPI_INCOME}-value.children"
ENTRY_OUTPUT = f"{ids.ENTRY_FEEDBACK}.children"
OVERVIEW_INPUTS = {
    f"{ids.FILTERS_STORE}.data": {"preset": "last_12_months"},
    f"{ids.CROSS_FILTER_STORE}.data": {},
    f"{ids.THEME_SWITCH}.value": False,
}


class TestClientDash(DashClient):
    """The request bodies the Dash renderer sends, through a Flask test client."""

    __test__ = False  # a helper, not a test class

    def __init__(self, client) -> None:
        self.client = client
        self._callbacks = None

    def callbacks(self) -> list[dict]:
        if self._callbacks is None:
            self._callbacks = self.client.get("/_dash-dependencies").get_json()
        return self._callbacks

    def update(self, output: str, values: dict, changed: list[str] | None = None):
        if changed is None:
            first = self.callback_spec(output)["inputs"][0]
            changed = [f"{first['id']}.{first['property']}"]
        return self.client.post(
            "/_dash-update-component",
            json=self.update_body(output, values, changed),
            headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
        )


@pytest.fixture
def outage_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis", uuid.uuid4().hex)
    server.root.mkdir()
    try:
        server.start()
    except FileNotFoundError as error:
        pytest.skip(f"SKIPPED LOUDLY: redis-server is not installed ({error})")
    yield server
    server.close()


@pytest.fixture
def redis_app(engine, tmp_path, outage_redis, login_user_id):
    """alice's app with sessions copied to the private Redis; the copies are tried again at
    once after an error, so the first request after a restart really reads Redis."""
    url = f"redis://:{outage_redis.password}@127.0.0.1:{outage_redis.port}/0"
    app = build_app(db_url_of(engine), tmp_path / "app", redis_url=url)
    app.server.session_interface.copies.retry_after_s = 0
    return app


def signed_in(app, username: str = "alice", password: str = TEST_PASSWORD) -> AuthActions:
    actions = AuthActions(app.server.test_client())
    assert actions.login(username, password).status_code == 302
    return actions


def is_signed_in(client) -> bool:
    status = client.get("/_dash-layout").status_code
    assert status in (200, 401), status
    return status == 200


def sid_of(client) -> str:
    return client.get_cookie(COOKIE_NAME).value


def copy_key(app, sid: str) -> str:
    prefix = app.server.extensions["ft_settings"].cache_key_prefix + "session:"
    return prefix + hashlib.sha256(sid.encode()).hexdigest()


def session_keys(app, server: PrivateRedis) -> list[bytes]:
    prefix = app.server.extensions["ft_settings"].cache_key_prefix + "session:"
    return list(server.client().scan_iter(match=prefix + "*"))


def kpi_ok(client, dash: TestClientDash | None = None) -> bool:
    response = (dash or TestClientDash(client)).update(KPI_OUTPUT, OVERVIEW_INPUTS)
    return response.status_code == 200 and "response" in response.get_json()


def add_transaction(client, account: int, category: int, payee: str):
    values = {
        f"{ids.ENTRY_FORM}.n_submit": 1,
        f"{ids.ENTRY_MODE}.value": "transaction",
        f"{ids.ENTRY_DATE}.value": date.today().isoformat(),
        f"{ids.ENTRY_AMOUNT}.value": "-12.34",
        f"{ids.ENTRY_ACCOUNT}.value": account,
        f"{ids.ENTRY_CATEGORY}.value": category,
        f"{ids.ENTRY_PAYEE}.value": payee,
        f"{ids.REFRESH_STORE}.data": 0,
        # One new entry per call (issue 9 item 12: the page sends a key with each entry).
        f"{ids.ENTRY_SUBMISSION_KEY}.data": str(uuid.uuid4()),
    }
    return TestClientDash(client).update(ENTRY_OUTPUT, values)


def stored(engine, payee: str) -> int:
    query = select(func.count()).where(transactions.c.payee == payee)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_signed_in_reads_and_writes_work_while_redis_is_down(
    redis_app, engine, outage_redis, login_user_id
):
    account = create_account(engine, login_user_id, "Checking", "checking")
    category = create_category(engine, login_user_id, "Groceries", "expense")
    alice = signed_in(redis_app)
    assert kpi_ok(alice.client)

    outage_redis.stop()
    try:
        assert alice.client.get("/").status_code == 200
        assert kpi_ok(alice.client)
        saved = add_transaction(alice.client, account, category, "During the outage")
        assert saved.status_code == 200 and "Added" in saved.get_data(as_text=True)
        assert stored(engine, "During the outage") == 1
        health = redis_app.server.test_client().get("/health")
        assert (health.status_code, health.get_json()) == (
            200,
            {"status": "degraded", "database": "ok", "cache": "down", "sessions": "ok"},
        )
        assert redis_app.server.test_client().get("/health/ready").status_code == 200
    finally:
        outage_redis.start()
    assert is_signed_in(alice.client)
    assert kpi_ok(alice.client)


def test_a_sign_in_during_the_outage_works_and_outlives_it(redis_app, outage_redis):
    outage_redis.stop()
    try:
        newcomer = signed_in(redis_app)
        assert is_signed_in(newcomer.client)
        assert kpi_ok(newcomer.client)
    finally:
        outage_redis.start()
    key = copy_key(redis_app, sid_of(newcomer.client))
    assert outage_redis.client().exists(key) == 0, "Redis never saw this session"
    assert is_signed_in(newcomer.client)
    # Read from the database on the miss, then copied: Redis serves it from now on.
    assert outage_redis.client().exists(key) == 1
    assert is_signed_in(newcomer.client)


def test_a_logout_during_the_outage_holds_when_redis_returns_with_the_old_copy(
    redis_app, outage_redis
):
    alice = signed_in(redis_app)
    sid = sid_of(alice.client)

    outage_redis.stop()
    try:
        response = alice.logout()
        assert (response.status_code, response.headers["Location"]) == (
            302,
            "/login?signed_out=1",
        )
    finally:
        outage_redis.start()
    # appendonly brought the copy back: the session the logout ended, as Redis last saw it.
    key = copy_key(redis_app, sid)
    assert outage_redis.client().exists(key) == 1
    thief = redis_app.server.test_client()
    thief.set_cookie(COOKIE_NAME, sid)
    assert not is_signed_in(thief)
    assert thief.get("/").headers["Location"] == "/login"
    # The refusal also deleted the stale copy.
    assert outage_redis.client().exists(key) == 0


def test_a_password_change_during_the_outage_ends_every_session_also_after_it(
    redis_app, engine, outage_redis, login_user_id
):
    laptop, phone = signed_in(redis_app), signed_in(redis_app)
    make_login_user(engine, "bob")
    bob = signed_in(redis_app, "bob")

    outage_redis.stop()
    try:
        passwords.set_password(engine, login_user_id, "a brand new passphrase")
        assert not is_signed_in(laptop.client)
        assert is_signed_in(bob.client)
    finally:
        outage_redis.start()
    assert outage_redis.client().exists(copy_key(redis_app, sid_of(phone.client))) == 1
    assert not is_signed_in(phone.client)
    assert is_signed_in(bob.client)
    assert signed_in(redis_app, password="a brand new passphrase")


def test_a_copy_older_than_the_row_is_replaced_by_the_row(redis_app, outage_redis):
    alice = signed_in(redis_app)
    [key] = session_keys(redis_app, outage_redis)
    old_copy = outage_redis.client().get(key)

    outage_redis.stop()
    try:
        # Written during the outage, to the database only: a login older than the absolute
        # timeout, which the copy Redis will come back with does not know of.
        with alice.client.session_transaction() as values:
            values[LOGIN_AT] -= 12 * 3600 + 1
    finally:
        outage_redis.start()
    assert outage_redis.client().get(key) == old_copy
    assert not is_signed_in(alice.client)


def test_sign_in_rate_limits_hold_in_memory_while_redis_is_down(redis_app, engine, outage_redis):
    make_login_user(engine, "bob")
    outage_redis.stop()
    try:
        client = redis_app.server.test_client()
        assert client.get("/login").status_code == 200
        guesser = AuthActions(client)
        statuses = [guesser.login(password="not the password").status_code for _ in range(6)]
        # Five failures per account in 15 minutes (settings.py), counted in this process.
        assert statuses == [200] * 5 + [429]
        assert signed_in(redis_app, "bob")
    finally:
        outage_redis.start()


def test_with_redis_unreachable_from_the_start_everything_works(
    engine, tmp_path, unreachable_redis_url, login_user_id
):
    app = build_app(db_url_of(engine), tmp_path, redis_url=unreachable_redis_url)
    alice = signed_in(app)
    for path in ("/", "/transactions"):
        assert alice.client.get(path).status_code == 200
    assert kpi_ok(alice.client)
    assert alice.logout().status_code == 302
    assert not is_signed_in(alice.client)


@pytest.mark.parametrize("with_redis", [True, False], ids=["redis-up", "redis-down"])
def test_a_signed_in_callback_costs_one_sql_statement(redis_app, outage_redis, with_redis):
    alice = signed_in(redis_app)
    dash = TestClientDash(alice.client)
    assert kpi_ok(alice.client, dash)
    assert kpi_ok(alice.client, dash)  # warm: the read models are cached
    statements: list[str] = []
    app_engine = redis_app.server.extensions["ft_engine"]
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    if not with_redis:
        outage_redis.stop()
    event.listen(app_engine, "before_cursor_execute", listener)
    try:
        assert kpi_ok(alice.client, dash)
    finally:
        event.remove(app_engine, "before_cursor_execute", listener)
        if not with_redis:
            outage_redis.start()
    # The user, joined to the session's row (Redis up) or read with it (Redis down), in one
    # statement. With Redis down the read models come from the database too: those aside.
    session_reads = [sql for sql in statements if "session_epoch" in sql]
    assert len(session_reads) == 1, "\n".join(statements)
    assert "user_sessions" in session_reads[0] and "data_version" in session_reads[0]
    if with_redis:
        assert statements == session_reads
