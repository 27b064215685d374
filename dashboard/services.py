"""Memoized read models over data/: the only module that talks to the cache.

Every read model is keyed by (user_id, data_version, arguments). A write bumps the user's
data_version in its own transaction, so the next read in any worker builds a new key: nothing
is ever deleted from the cache, stale entries just become unreachable and expire.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from dashboard.extensions import cache, get_engine
from data import queries, users

T = TypeVar("T")


def data_version(user_id: int) -> int:
    """Read on every request (one indexed row): it is what makes cached reads correct."""
    return queries.data_version(get_engine(), user_id)


def _read_model(query: Callable[..., T]) -> Callable[..., T]:
    """Wrap `query(engine, user_id, *args)` as `read(user_id, *args)`, memoized by version."""

    def cached(user_id: int, version: int, *args: Any) -> T:
        return query(get_engine(), user_id, *args)

    # flask-caching namespaces keys by module and qualified name: make them unique per query.
    cached.__name__ = cached.__qualname__ = f"read_model_{query.__name__}"
    cached.__module__ = __name__
    memoized = cache.memoize()(cached)

    @functools.wraps(query)
    def read(user_id: int, *args: Any) -> T:
        return memoized(user_id, data_version(user_id), *args)

    read.uncached = query  # type: ignore[attr-defined]
    return read


totals = _read_model(queries.totals)
spending_by_category = _read_model(queries.spending_by_category)
income_spending_by_month = _read_model(queries.income_spending_by_month)
spending_by_month_category = _read_model(queries.spending_by_month_category)
budget_status = _read_model(queries.budget_status)
top_payees = _read_model(queries.top_payees)
account_balances = _read_model(queries.account_balances)
net_worth_by_month = _read_model(queries.net_worth_by_month)
balances_by_month = _read_model(queries.balances_by_month)
transactions_page = _read_model(queries.transactions_page)
list_accounts = _read_model(queries.list_accounts)
list_categories = _read_model(queries.list_categories)
payee_suggestions = _read_model(queries.payee_suggestions)
budgets_for_month = _read_model(queries.budgets_for_month)
user_currency = _read_model(users.user_currency)


def cache_is_shared() -> bool:
    """True when the cache lives in Redis (shared by workers), False for the in-process one."""
    return hasattr(cache.cache, "ping")


def cache_ping() -> bool:
    """A real round trip to the cache backend, for /health."""
    backend = cache.cache
    if hasattr(backend, "ping"):
        return backend.ping()
    return True
