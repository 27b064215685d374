"""dashboard/single_flight.py: concurrent cold reads of one read model compute it once.

Real caches (the in-process one and Redis under this test's own prefix), real SQL counted with a
before_cursor_execute listener. The read model under test is a real aggregate behind a pause, so
that the 32 threads surely overlap: without single flight each of them runs the SQL.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
import redis
from sqlalchemy import event

from dashboard import services, single_flight
from data import queries
from data.entries import Transaction
from data.filters import Filters
from data.setup_writes import create_account, create_category
from data.writes import create_transaction
from tests.conftest import as_user, build_app, make_user

PERIOD = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
THREADS = 32
# Every join and wait of these tests is bounded: a hang fails the test instead of the suite.
JOIN_S = 30


@pytest.fixture(params=["in-process", "redis"])
def cache_options(request) -> dict:
    if request.param == "in-process":
        return {}
    return {
        "redis_url": request.getfixturevalue("redis_url"),
        "cache_key_prefix": request.getfixturevalue("redis_key_prefix"),
        # 32 threads on a shared, busy machine: a round trip slower than the default 0.25 s
        # would count as an outage, and during one every caller computes (by design).
        "redis_socket_timeout_s": 2.0,
    }


def _db_url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _redis_app(engine, tmp_path, redis_url: str, prefix: str):
    """An app on Redis under this test's prefix (2 s socket timeout on a busy machine)."""
    return build_app(
        _db_url(engine),
        tmp_path,
        redis_url=redis_url,
        cache_key_prefix=prefix,
        redis_socket_timeout_s=2.0,
    )


def _key_of(app, user_id: int, name: str) -> str:
    """The cache key of read model `name` over PERIOD for the user's current data version."""
    with as_user(app, user_id):
        return services.read_model_key(name, user_id, services.data_version(user_id), (PERIOD,))


def _household(engine, user_id: int, spent: int) -> None:
    account = create_account(engine, user_id, "Checking", "checking")
    groceries = create_category(engine, user_id, "Groceries", "expense")
    txn = Transaction(account, date(2026, 1, 5), spent, "Shop", "", groceries)
    create_transaction(engine, user_id, txn)


class SlowTotals:
    """queries.totals after a pause, counting its calls; `fail_first` makes the first one raise
    after the pause (a holder that fails while others wait)."""

    def __init__(self, pause_s: float = 0.3, fail_first: bool = False) -> None:
        self.pause_s, self.fail_first = pause_s, fail_first
        self.calls = 0
        self._lock = threading.Lock()
        self.__name__ = f"slow_totals_{id(self)}"

    def __call__(self, engine, user_id: int, filters: Filters) -> queries.Totals:
        with self._lock:
            self.calls += 1
            first = self.calls == 1
        time.sleep(self.pause_s)
        if first and self.fail_first:
            raise RuntimeError("the holder failed")
        return queries.totals(engine, user_id, filters)


def _aggregate_sql(statements: list[str]) -> list[str]:
    # Loading the signed-in user (one per request, with its data_version) is not the read model;
    # nor is the currency plan, a read model of its own (cached per version by the first read).
    return [
        s
        for s in statements
        if "session_epoch" not in s
        and "data_version" not in s
        and "accounts.currency != users.currency" not in s
    ]


def _in_threads(apps, user_ids: list[int], read) -> tuple[list, list[BaseException]]:
    """`read(user_id)` in one request per thread, all let go at once; app i % len(apps)."""
    results: list = [None] * len(user_ids)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(user_ids))

    def run(index: int) -> None:
        app = apps[index % len(apps)]
        try:
            with as_user(app, user_ids[index]):
                barrier.wait(timeout=JOIN_S)
                results[index] = read(user_ids[index])
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(user_ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_S)
    assert not any(thread.is_alive() for thread in threads), "a reader hung"
    return results, errors


def test_32_concurrent_cold_reads_compute_once(engine, tmp_path, cache_options):
    user_id = make_user(engine)
    _household(engine, user_id, -1234)
    # With Redis two apps, as two gunicorn workers sharing the cache, take half the threads.
    apps = [build_app(_db_url(engine), tmp_path / "a", **cache_options)]
    if cache_options:
        apps.append(build_app(_db_url(engine), tmp_path / "b", **cache_options))
    statements: list[str] = []
    for app in apps:
        app_engine = app.server.extensions["ft_engine"]
        event.listen(app_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    alone = SlowTotals(pause_s=0)
    with as_user(apps[0], user_id):
        expected = services._read_model(alone)(user_id, PERIOD)
    sql_of_one = len(_aggregate_sql(statements))
    assert sql_of_one > 0 and expected["spending_minor"] == 1234

    statements.clear()
    query = SlowTotals()
    read = services._read_model(query)
    results, errors = _in_threads(apps, [user_id] * THREADS, lambda uid: read(uid, PERIOD))
    assert errors == []
    assert query.calls == 1
    assert len(_aggregate_sql(statements)) == sql_of_one
    assert all(result == expected for result in results)


def test_concurrent_cold_reads_of_two_users_each_get_their_own(engine, tmp_path, cache_options):
    alice, bob = make_user(engine, "alice"), make_user(engine, "bob")
    _household(engine, alice, -1000)
    _household(engine, bob, -7)
    app = build_app(_db_url(engine), tmp_path, **cache_options)
    query = SlowTotals(pause_s=0.1)
    read = services._read_model(query)
    users = [alice, bob] * 8
    results, errors = _in_threads([app], users, lambda uid: read(uid, PERIOD))
    assert errors == []
    assert query.calls == 2
    spent = {alice: 1000, bob: 7}
    assert [r["spending_minor"] for r in results] == [spent[uid] for uid in users]


def test_a_holder_that_raises_lets_the_waiters_compute(engine, tmp_path, cache_options):
    user_id = make_user(engine)
    _household(engine, user_id, -500)
    app = build_app(_db_url(engine), tmp_path, **cache_options)
    query = SlowTotals(pause_s=0.3, fail_first=True)
    read = services._read_model(query)
    started = time.monotonic()
    results, errors = _in_threads([app], [user_id] * 8, lambda uid: read(uid, PERIOD))
    # The holder's own request fails; one waiter takes over, the others get its value.
    assert [str(error) for error in errors] == ["the holder failed"]
    assert query.calls == 2
    values = [r["spending_minor"] for r in results if r is not None]
    assert values == [500] * 7
    assert time.monotonic() - started < single_flight.MAX_WAIT_S


def _hold_the_lock(app, user_id: int, name: str, release: threading.Event) -> threading.Thread:
    """A holder that never finishes (a killed worker): it takes the key's lock and keeps it
    until `release` (in Redis it also expires after the TTL given)."""
    with as_user(app, user_id):
        key = services.read_model_key(name, user_id, services.data_version(user_id), (PERIOD,))
        backend = app.server.extensions["cache"][services.cache]

    taken = threading.Event()

    def hold() -> None:
        if hasattr(backend, "try_lock"):
            assert backend.try_lock(f"flight:{key}", "dead-holder", 60_000)
            taken.set()
            return
        with single_flight._local_locks.held((id(backend), key), JOIN_S):
            taken.set()
            release.wait(JOIN_S)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(JOIN_S)
    return thread


def test_a_waiter_computes_itself_when_the_holder_never_finishes(
    engine, tmp_path, cache_options, monkeypatch
):
    user_id = make_user(engine)
    _household(engine, user_id, -42)
    app = build_app(_db_url(engine), tmp_path, **cache_options)
    monkeypatch.setattr(single_flight, "MAX_WAIT_S", 0.5)
    query = SlowTotals(pause_s=0)
    read = services._read_model(query)
    release = threading.Event()
    holder = _hold_the_lock(app, user_id, query.__name__, release)
    try:
        started = time.monotonic()
        with as_user(app, user_id):
            assert read(user_id, PERIOD)["spending_minor"] == 42
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(JOIN_S)
    assert query.calls == 1
    assert 0.5 <= waited < 5


def test_an_expired_lock_of_a_dead_holder_is_taken_over(
    engine, tmp_path, redis_url, redis_key_prefix
):
    user_id = make_user(engine)
    _household(engine, user_id, -9)
    app = _redis_app(engine, tmp_path, redis_url, redis_key_prefix)
    query = SlowTotals(pause_s=0)
    read = services._read_model(query)
    key = _key_of(app, user_id, query.__name__)
    client = redis.Redis.from_url(redis_url)
    lock = f"{redis_key_prefix}flight:{key}"
    client.set(lock, "dead-holder", px=400)
    started = time.monotonic()
    with as_user(app, user_id):
        assert read(user_id, PERIOD)["spending_minor"] == 9
    waited = time.monotonic() - started
    # Waited for the TTL, not for MAX_WAIT_S; and the lock is released after.
    assert 0.3 <= waited < single_flight.MAX_WAIT_S / 2
    assert query.calls == 1
    assert client.exists(lock) == 0
    client.close()


def test_a_holder_never_releases_a_lock_that_is_no_longer_its_own(redis_url, redis_key_prefix):
    from dashboard.cache_backend import ResilientRedisCache

    backend = ResilientRedisCache(host=redis.Redis.from_url(redis_url), key_prefix=redis_key_prefix)
    assert backend.try_lock("flight:k", "first", 60_000)
    assert not backend.try_lock("flight:k", "second", 60_000)
    backend.unlock("flight:k", "second")
    assert backend.value_and_lock("k", "flight:k") == (None, True)
    backend.unlock("flight:k", "first")
    assert backend.value_and_lock("k", "flight:k") == (None, False)


def test_no_lock_is_left_behind_in_process(engine, tmp_path):
    user_id = make_user(engine)
    _household(engine, user_id, -3)
    app = build_app(_db_url(engine), tmp_path)
    read = services._read_model(SlowTotals(pause_s=0.05))
    _in_threads([app], [user_id] * 8, lambda uid: read(uid, PERIOD))
    assert len(single_flight._local_locks) == 0


def test_waiters_in_the_holders_process_are_woken_without_polling(
    engine, tmp_path, redis_url, redis_key_prefix, monkeypatch
):
    """With Redis, threads of the holder's own process (a cold overview's request waiting for
    its worker's warm-up threads) wait on the holder's event: not one poll of Redis, one
    computation, every waiter gets the value, and nothing is left registered."""
    user_id = make_user(engine)
    _household(engine, user_id, -77)
    app = _redis_app(engine, tmp_path, redis_url, redis_key_prefix)
    backend = app.server.extensions["cache"][services.cache]
    polls: list[str] = []
    real_poll = type(backend).value_and_lock

    def counted_poll(self, key: str, name: str):
        polls.append(key)
        return real_poll(self, key, name)

    monkeypatch.setattr(type(backend), "value_and_lock", counted_poll)
    query = SlowTotals(pause_s=0.3)
    read = services._read_model(query)
    results, errors = _in_threads([app], [user_id] * 8, lambda uid: read(uid, PERIOD))
    assert errors == []
    assert query.calls == 1
    assert [r["spending_minor"] for r in results] == [77] * 8
    assert len(polls) <= 7
    assert len(single_flight._local_holders) == 0


def test_a_waiter_in_another_process_still_polls(engine, tmp_path, redis_url, redis_key_prefix):
    """A holder elsewhere (another worker: here, a lock taken outside this process's holders)
    is waited for by polling, and its value is found once stored."""
    user_id = make_user(engine)
    _household(engine, user_id, -5)
    app = _redis_app(engine, tmp_path, redis_url, redis_key_prefix)
    query = SlowTotals(pause_s=0)
    read = services._read_model(query)
    key = _key_of(app, user_id, query.__name__)
    client = redis.Redis.from_url(redis_url)
    lock = f"{redis_key_prefix}flight:{key}"
    client.set(lock, "other-worker", px=60_000)

    def other_worker_stores() -> None:
        time.sleep(0.2)
        with as_user(app, user_id):
            engine_of_app = app.server.extensions["ft_engine"]
            services.cache.set(key, queries.totals(engine_of_app, user_id, PERIOD))
        client.delete(lock)

    storer = threading.Thread(target=other_worker_stores)
    storer.start()
    try:
        with as_user(app, user_id):
            assert read(user_id, PERIOD)["spending_minor"] == 5
    finally:
        storer.join(JOIN_S)
        client.close()
    assert query.calls == 0
