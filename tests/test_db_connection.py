"""data/db.one_connection: the statements of a context share one pooled connection, returned at
its end; other contexts (threads) and other engines keep their own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import event, text

from data import queries
from data.db import connection, one_connection
from data.filters import Filters
from tests.conftest import make_user

PERIOD = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))


def _checkouts(engine) -> list[int]:
    found: list[int] = []
    event.listen(engine.pool, "checkout", lambda *a: found.append(1))
    return found


def test_reads_within_share_one_checkout_and_give_it_back(engine):
    user_id = make_user(engine)
    checkouts = _checkouts(engine)
    with one_connection(engine):
        assert checkouts == []  # checked out at the first use only
        queries.totals(engine, user_id, PERIOD)
        queries.balances_by_month(engine, user_id, PERIOD)
        with one_connection(engine), connection(engine) as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
    assert len(checkouts) == 1
    assert engine.pool.checkedout() == 0
    # Outside, each statement checks out its own: totals reads the currency plan, then sums.
    queries.totals(engine, user_id, PERIOD)
    assert len(checkouts) == 3


def test_another_thread_never_uses_the_held_connection(engine):
    with one_connection(engine), connection(engine) as mine:
        with ThreadPoolExecutor(1) as pool:
            theirs = pool.submit(lambda: _connection_of(engine)).result()
        assert theirs is not mine


def _connection_of(engine):
    with connection(engine) as conn:
        return conn
