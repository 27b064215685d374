"""Memoized read models over data/: the only module that talks to the cache.

Every read model is keyed by (user_id, data_version, arguments). A write bumps the user's
data_version in its own transaction, so the next read in any worker builds a new key: nothing
is ever deleted from the cache, stale entries just become unreachable and expire.

Keys are explicit and read with ONE cache GET. flask-caching's memoize() costs a second round
trip per call for its per-function version key, which we never use (our version is in the key);
the profile of a warm overview showed that, plus a data_version query per read model, as a
quarter of a worker's time.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pandas as pd
from flask import g, has_app_context
from sqlalchemy import Connection, Engine, event

from dashboard.extensions import cache, get_engine
from dashboard.single_flight import compute_once
from data import conversion, lookups, queries, rates, tags, users

# The read model below takes this name: the query is imported under another.
from data.budget_rollover import available_to_budget as available_to_budget_query
from data.budget_rollover import rollover_category_ids as rollover_category_ids_query
from data.budget_status import budget_status as budget_status_query
from data.db import one_connection
from data.goals.pace import goal_statuses as goal_statuses_query
from data.months import month_end, month_start
from data.projection import items_on_accounts, project_budgets, unscheduled_after_day
from data.projection_month_end import MonthEnd, month_end_projection
from data.schedules import due as schedule_due
from data.schedules import store as schedule_store
from data.suggest.model import CategoryModel
from data.suggest.stored import model_for, stored_version

T = TypeVar("T")


def data_version(user_id: int) -> int:
    """Read once per request (one indexed row): it is what makes cached reads correct."""
    versions = g.setdefault("ft_data_versions", {})
    if user_id not in versions:
        versions[user_id] = lookups.data_version(get_engine(), user_id)
    return versions[user_id]


def remember_data_version(user_id: int, version: int) -> None:
    """For the rest of this request (until a commit): the user loader reads it anyway."""
    g.setdefault("ft_data_versions", {})[user_id] = version


@event.listens_for(Engine, "commit")
def _forget_data_versions(_connection: Connection) -> None:
    """Any commit may have been a write: later reads in the same request look the version up
    again, so a callback that writes and then reads sees its own write."""
    if has_app_context():
        g.pop("ft_data_versions", None)


def read_model_key(name: str, user_id: int, version: int, args: tuple[Any, ...]) -> str:
    """The cache key of one read: whoever computes it computes exactly what was asked."""
    # repr() of our arguments (ints, dates, strings, tuples, frozen dataclasses) is stable.
    digest = hashlib.sha1(repr(args).encode(), usedforsecurity=False).hexdigest()
    return f"rm:{name}:{user_id}:{version}:{digest}"


def _read_model(query: Callable[..., T]) -> Callable[..., T]:
    """Wrap `query(engine, user_id, *args)` as `read(user_id, *args)`, cached by version."""
    name = query.__name__

    @functools.wraps(query)
    def read(user_id: int, *args: Any) -> T:
        version = data_version(user_id)
        key = read_model_key(name, user_id, version, args)
        value = cache.get(key)
        if value is None:
            # Concurrent misses of this key (a page's parallel callbacks after a write, other
            # workers) wait for the first one instead of running the same SQL. The currency
            # plan, which most reads need, is a read model of its own.
            with conversion.plan_from(user_id, lambda: _currency_plan(user_id, version)):
                value = compute_once(key, lambda: _computed(query, user_id, args))
        return value

    read.uncached = query  # type: ignore[attr-defined]
    return read


def is_cached(read: Callable[..., Any], user_id: int, *args: Any) -> bool:
    """Whether `read(user_id, *args)`, a read model of this module, is cached (one GET)."""
    key = read_model_key(read.__name__, user_id, data_version(user_id), args)
    return cache.get(key) is not None


def _computed(query: Callable[..., T], user_id: int, args: tuple[Any, ...]) -> T:
    """`query` with its statements on one pooled connection (data/db.one_connection): a
    checkout per statement cost the pool's ping and rollback each, two round trips."""
    engine = get_engine()
    with one_connection(engine):
        return query(engine, user_id, *args)


def _currency_plan(user_id: int, version: int) -> conversion.CurrencyPlan:
    """The user's currency plan at `version`, cached as the read models are (one GET instead
    of a query in each read model that converts)."""
    key = read_model_key("currency_plan", user_id, version, ())
    plan = cache.get(key)
    if plan is None:
        plan = conversion.read_plan(get_engine(), user_id)
        cache.set(key, plan)
    return plan


def projected_budgets(
    engine: Engine, user_id: int, month: date, today: date, account_ids: tuple[int, ...] = ()
) -> pd.DataFrame:
    """budget_status with the projection from the month's schedules and the typical rest
    (data/projection.py): a posted occurrence bumps data_version, so it shows at once."""
    status = budget_status_query(engine, user_id, month, today, account_ids)
    first = month_start(month)
    items = items_on_accounts(
        schedule_due.scheduled_items(engine, user_id, first, month_end(first)), account_ids
    )
    typical = unscheduled_after_day(engine, user_id, month, today, account_ids)
    return project_budgets(status, items, typical)


def month_end_forecast(
    engine: Engine, user_id: int, today: date, account_ids: tuple[int, ...] = ()
) -> MonthEnd:
    """Today's month's end per account and for the month's net (data/projection_month_end.py)."""
    items = schedule_due.scheduled_items(engine, user_id, month_start(today), month_end(today))
    return month_end_projection(engine, user_id, today, items, account_ids)


totals = _read_model(queries.totals)
spending_by_category = _read_model(queries.spending_by_category)
income_spending_by_month = _read_model(queries.income_spending_by_month)
spending_by_month_category = _read_model(queries.spending_by_month_category)
budget_status = _read_model(budget_status_query)
budget_projection = _read_model(projected_budgets)
month_end_outlook = _read_model(month_end_forecast)
top_payees = _read_model(queries.top_payees)
account_balances = _read_model(lookups.account_balances)
net_worth_by_month = _read_model(queries.net_worth_by_month)
balances_by_month = _read_model(queries.balances_by_month)
transactions_page = _read_model(lookups.transactions_page)
list_accounts = _read_model(lookups.list_accounts)
list_categories = _read_model(lookups.list_categories)
list_category_groups = _read_model(lookups.list_category_groups)
payee_suggestions = _read_model(lookups.payee_suggestions)
budgets_for_month = _read_model(lookups.budgets_for_month)
user_currency = _read_model(users.user_currency)
list_tags = _read_model(tags.list_tags)
split_parts = _read_model(lookups.split_parts)
spending_by_tag = _read_model(queries.spending_by_tag)
list_schedules = _read_model(schedule_store.list_schedules)
upcoming_schedules = _read_model(schedule_due.upcoming)
goal_statuses = _read_model(goal_statuses_query)
available_to_budget = _read_model(available_to_budget_query)
rollover_category_ids = _read_model(rollover_category_ids_query)
list_rates = _read_model(rates.list_rates)
needed_currencies = _read_model(rates.needed_currencies)
unconverted = _read_model(conversion.unconverted)
rates_in_effect = _read_model(conversion.rates_in_effect)


def cache_is_shared() -> bool:
    """True when the cache lives in Redis (shared by workers), False for the in-process one."""
    return hasattr(cache.cache, "ping")


def cache_ping() -> bool:
    """A real round trip to the cache backend, for /health."""
    backend = cache.cache
    if hasattr(backend, "ping"):
        return backend.ping()
    return True


def category_model(user_id: int, *, train: bool = True) -> CategoryModel | None:
    """The user's category model (data/suggest/) for their current data_version, kept in the
    cache as its own bytes (no pickle) and in the database for every process. train=False
    (a request): never train, use the last model stored, even one of an older version."""
    version = data_version(user_id)
    key = f"rm:category_model:{user_id}:{version}"
    stored = cache.get(key)
    if isinstance(stored, bytes):
        return CategoryModel.from_bytes(stored) if stored else None
    model = model_for(get_engine(), user_id, version, train=train)
    if train or stored_version(get_engine(), user_id) == version:
        cache.set(key, b"" if model is None else model.to_bytes())
    return model
