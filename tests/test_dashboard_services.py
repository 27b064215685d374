"""dashboard/services.py: memoized read models, invalidated by data_version, on real caches."""

from __future__ import annotations

import socket
from datetime import date

import pytest
import redis
from sqlalchemy import event

from dashboard import services
from data.entries import Transaction
from data.filters import Filters
from data.setup_writes import create_account, create_category
from data.writes import create_transaction
from tests.conftest import as_user, build_app, make_user

PERIOD = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))


def _household(engine, user_id: int, spent: int = -1000) -> tuple[int, int]:
    account = create_account(engine, user_id, "Checking", "checking")
    groceries = create_category(engine, user_id, "Groceries", "expense")
    _spend(engine, user_id, account, groceries, spent)
    return account, groceries


def _spend(engine, user_id: int, account: int, category: int, amount: int) -> None:
    txn = Transaction(account, date(2026, 1, 5), amount, "Shop", "", category)
    create_transaction(engine, user_id, txn)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _db_url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(params=["in-process", "redis"])
def cache_options(request) -> dict:
    if request.param == "in-process":
        return {}
    return {
        "redis_url": request.getfixturevalue("redis_url"),
        "cache_key_prefix": request.getfixturevalue("redis_key_prefix"),
    }


def test_second_read_comes_from_the_cache(engine, tmp_path, cache_options):
    user_id = make_user(engine)
    _household(engine, user_id)
    app = build_app(_db_url(engine), tmp_path, **cache_options)
    app_engine = app.server.extensions["ft_engine"]
    statements: list[str] = []
    event.listen(app_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with as_user(app, user_id):
        first = services.totals(user_id, PERIOD)
        after_first = len(statements)
        again = services.totals(user_id, PERIOD)
        # Within one request the version is known: a cached read costs no SQL at all.
        assert len(statements) == after_first
    statements.clear()
    with as_user(app, user_id):
        next_request = services.totals(user_id, PERIOD)
    assert first == again == next_request
    assert first["spending_minor"] == 1000
    # A new request costs one statement: loading the signed-in user, which carries the version.
    assert len(statements) == 1
    assert "data_version" in statements[0] and "session_epoch" in statements[0]


def test_a_write_inside_a_request_is_seen_by_its_later_reads(engine, tmp_path, cache_options):
    user_id = make_user(engine)
    account, groceries = _household(engine, user_id)
    app = build_app(_db_url(engine), tmp_path, **cache_options)
    with as_user(app, user_id):
        assert services.totals(user_id, PERIOD)["spending_minor"] == 1000
        _spend(engine, user_id, account, groceries, -1)
        assert services.totals(user_id, PERIOD)["spending_minor"] == 1001


def test_a_write_is_visible_on_the_next_read_in_every_worker(engine, tmp_path, cache_options):
    user_id = make_user(engine)
    account, groceries = _household(engine, user_id)
    worker_a = build_app(_db_url(engine), tmp_path, **cache_options)
    worker_b = build_app(_db_url(engine), tmp_path / "b", **cache_options)
    for worker in (worker_a, worker_b):
        with as_user(worker, user_id):
            assert services.totals(user_id, PERIOD)["spending_minor"] == 1000
    _spend(engine, user_id, account, groceries, -2)
    for worker in (worker_a, worker_b):
        with as_user(worker, user_id):
            assert services.totals(user_id, PERIOD)["spending_minor"] == 1002
            by_category = services.spending_by_category(user_id, PERIOD)
            assert by_category["spending_minor"].tolist() == [1002]


def test_users_never_see_each_others_cached_numbers(engine, tmp_path, cache_options):
    alice = make_user(engine, "alice")
    bob = make_user(engine, "bob")
    _household(engine, alice, -1000)
    _household(engine, bob, -7)
    app = build_app(_db_url(engine), tmp_path, **cache_options)
    with as_user(app, alice):
        assert services.totals(alice, PERIOD)["spending_minor"] == 1000
    with as_user(app, bob):
        assert services.totals(bob, PERIOD)["spending_minor"] == 7


def test_the_redis_cache_really_holds_the_entries(engine, tmp_path, redis_url, redis_key_prefix):
    user_id = make_user(engine)
    _household(engine, user_id)
    app = build_app(
        _db_url(engine), tmp_path, redis_url=redis_url, cache_key_prefix=redis_key_prefix
    )
    with as_user(app, user_id):
        services.totals(user_id, PERIOD)
        assert services.cache_ping() is True
    client = redis.Redis.from_url(redis_url)
    assert list(client.scan_iter(match=redis_key_prefix + "*"))
    client.close()


def test_reads_work_and_nothing_raises_with_redis_unreachable(engine, tmp_path):
    user_id = make_user(engine)
    account, groceries = _household(engine, user_id)
    dead_redis = f"redis://127.0.0.1:{_closed_port()}/0"
    app = build_app(_db_url(engine), tmp_path, redis_url=dead_redis)
    with as_user(app, user_id):
        assert services.totals(user_id, PERIOD)["spending_minor"] == 1000
        _spend(engine, user_id, account, groceries, -5)
        assert services.totals(user_id, PERIOD)["spending_minor"] == 1005
        assert services.cache_ping() is False
    response = app.server.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "down",
        "sessions": "ok",
    }


def test_the_currency_plan_is_read_once_per_version_and_follows_a_new_account(
    engine, tmp_path, cache_options
):
    """Cold reads that convert share one plan query per data_version; an account in another
    currency (a write: the version moves) is in the next reads' plan."""
    user_id = make_user(engine)
    _household(engine, user_id)
    app = build_app(_db_url(engine), tmp_path, **cache_options)
    app_engine = app.server.extensions["ft_engine"]
    statements: list[str] = []
    event.listen(app_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def plan_queries() -> int:
        return sum("accounts.currency != users.currency" in s for s in statements)

    with as_user(app, user_id):
        services.totals(user_id, PERIOD)
        services.spending_by_category(user_id, PERIOD)
        services.top_payees(user_id, PERIOD, 10)
        assert plan_queries() == 1
    with as_user(app, user_id):
        dollars = create_account(engine, user_id, "Dollars", "checking", "USD")
        unconverted = services.unconverted(user_id, PERIOD)
        assert plan_queries() == 2
        _spend(engine, user_id, dollars, None, -700)
        unconverted = services.unconverted(user_id, PERIOD)
    # The USD line has no rate: the plan knows the account, so it is counted as unconverted;
    # the write moved the version, so its plan was read again, once.
    assert len(unconverted) == 1 and plan_queries() == 3


def test_a_cold_read_model_runs_its_statements_on_one_checkout(engine, tmp_path):
    """Each checkout cost the pool's ping and a rollback (data/db.one_connection): a read model
    of several statements (budget projection: limits, schedules, history, rollover) takes one
    connection, and gives it back."""
    user_id = make_user(engine)
    _household(engine, user_id)
    app = build_app(_db_url(engine), tmp_path)
    app_engine = app.server.extensions["ft_engine"]
    checkouts: list[int] = []
    statements: list[str] = []
    event.listen(app_engine.pool, "checkout", lambda *a: checkouts.append(1))
    with as_user(app, user_id):
        services.data_version(user_id)
        checkouts.clear()
        event.listen(app_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        status = services.budget_projection(user_id, date(2026, 1, 1), date(2026, 1, 20), ())
        services.month_end_outlook(user_id, date(2026, 1, 20), ())
    assert status.empty
    assert len(statements) > 6 and len(checkouts) == 2
    assert app_engine.pool.checkedout() == 0
