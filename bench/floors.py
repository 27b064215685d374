"""The reference figures ours are judged against, measured on the same data in the same run.

- cold floor: the SQL the overview's read models run, captured from data/queries.py as it
  executes and then replayed raw through psycopg2 (no SQLAlchemy, no pandas, no HTTP);
- warm floor: a Redis GET of each cached read model;
- naive baseline: pandas.read_sql of the whole transactions table and a groupby, which is what a
  tutorial dashboard does on every page view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext

from bench.cache import BenchCache
from bench.measure import Deadline, ms
from dashboard.callbacks.overview_upcoming import UPCOMING_DAYS
from dashboard.forms import parse_filters
from dashboard.services import month_end_forecast, projected_budgets
from data import conversion, lookups, queries, users
from data.db import make_engine
from data.goals.pace import goal_statuses
from data.months import month_start
from data.schedules.due import upcoming

# Long enough for a full scan of a million rows; the bench's phases have their own deadlines.
FLOOR_STATEMENT_TIMEOUT_MS = 120_000
NAIVE_SQL = text("SELECT * FROM transactions WHERE user_id = :user_id")


def overview_reads(
    engine: Engine, user_id: int, store: dict[str, Any], today: date, load: bool
) -> None:
    """What the overview's callbacks read through dashboard/services.py for one filters store
    (see dashboard/callbacks/overview.py and shell.py); `load` adds the page load's lists."""
    filters = parse_filters(store, {}, today)
    users.user_currency(engine, user_id)
    queries.totals(engine, user_id, filters)
    queries.totals(engine, user_id, filters.previous_period())
    queries.spending_by_category(engine, user_id, filters)
    queries.income_spending_by_month(engine, user_id, filters)
    queries.spending_by_month_category(engine, user_id, filters)
    lookups.list_categories(engine, user_id, True)
    queries.balances_by_month(engine, user_id, filters)
    queries.top_payees(engine, user_id, filters, 10)
    projected_budgets(engine, user_id, month_start(today), today, filters.account_ids)
    lookups.transactions_page(engine, user_id, filters, lookups.GridRequest(limit=12))
    conversion.rates_in_effect(engine, user_id, filters.date_from, filters.date_to)
    conversion.unconverted(engine, user_id, filters)
    if load:
        lookups.list_accounts(engine, user_id)
        lookups.list_categories(engine, user_id)
        # The cards that follow writes and the account filter, not the period.
        month_end_forecast(engine, user_id, today, filters.account_ids)
        goal_statuses(engine, user_id, today)
        upcoming(engine, user_id, today, UPCOMING_DAYS)


def captured_sql(engine: Engine, reads: Callable[[Engine], None]) -> list[tuple[str, Any]]:
    """The statements and parameters `reads(engine)` sends to PostgreSQL, in order."""
    statements: list[tuple[str, Any]] = []

    def record(
        _conn: Connection,
        _cursor: DBAPICursor,
        statement: str,
        parameters: Any,
        _context: ExecutionContext | None,
        _many: bool,
    ) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        reads(engine)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def sql_floor(
    database_url: str, user_id: int, stores: dict[str, dict], rounds: int, deadline: Deadline
) -> dict[str, object]:
    """Per filters store: the raw SQL's total (median over rounds), and the data layer's own
    time for the same reads (SQLAlchemy + pandas, in process, uncached)."""
    engine = make_engine(database_url, statement_timeout_ms=FLOOR_STATEMENT_TIMEOUT_MS)
    today = date.today()
    found: dict[str, object] = {}
    try:
        for name, store in stores.items():
            load = name == "load"

            def reads(e: Engine, store: dict[str, Any] = store, load: bool = load) -> None:
                overview_reads(e, user_id, store, today, load)

            statements = captured_sql(engine, reads)
            raw, in_process = [], []
            for _ in range(rounds):
                if deadline.passed():
                    break
                raw.append(_replay(engine, statements))
                started = time.perf_counter()
                reads(engine)
                in_process.append(time.perf_counter() - started)
            found[f"sql_{name}_ms"] = ms(raw, 50)
            found[f"data_layer_{name}_ms"] = ms(in_process, 50)
            found[f"statements_{name}"] = len(statements)
    finally:
        engine.dispose()
    return found


def _replay(engine: Engine, statements: list[tuple[str, Any]]) -> float:
    """Seconds to execute and fetch every statement on one raw psycopg2 connection."""
    raw = engine.raw_connection()
    try:
        with closing(raw.cursor()) as cursor:
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            elapsed = time.perf_counter() - started
        raw.rollback()
    finally:
        raw.close()
    return elapsed


def redis_floor(cache: BenchCache, rounds: int) -> dict[str, object]:
    """GET of every cached read model (the payload a warm callback starts from)."""
    keys = cache.read_model_keys()
    times, sizes = [], []
    for _ in range(rounds):
        for key in keys:
            started = time.perf_counter()
            value = cache.client.get(key)
            times.append(time.perf_counter() - started)
            sizes.append(len(value or b""))
    return {
        "keys": len(keys),
        "get_p50_ms": ms(times, 50),
        "get_p95_ms": ms(times, 95),
        "largest_value_bytes": max(sizes, default=0),
    }


def naive_baseline(database_url: str, user_id: int) -> dict[str, object]:
    """Read the user's whole transactions table into pandas, then group it for two charts."""
    engine = make_engine(database_url, statement_timeout_ms=FLOOR_STATEMENT_TIMEOUT_MS)
    try:
        started = time.perf_counter()
        with engine.connect() as conn:
            frame = pd.read_sql(NAIVE_SQL, conn, params={"user_id": user_id})
        read_s = time.perf_counter() - started
        frame["month"] = pd.to_datetime(frame["date"]).dt.to_period("M")
        frame.groupby("category_id")["amount_minor"].sum()
        frame.groupby("month")["amount_minor"].sum()
        total_s = time.perf_counter() - started
    finally:
        engine.dispose()
    return {
        "rows": len(frame),
        "read_sql_ms": round(read_s * 1000, 1),
        "read_and_group_ms": round(total_s * 1000, 1),
        "frame_mb": round(frame.memory_usage(deep=True).sum() / 2**20, 1),
    }
