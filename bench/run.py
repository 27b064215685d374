"""One size N, end to end: data, the served app and its figures, the floors, the peer.

Everything started here is stopped here, in reverse order, whatever fails: the peer, gunicorn,
the cache keys of this run, the database. Every phase has a deadline.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bench import floors
from bench.cache import BenchCache
from bench.client import Browser
from bench.driver import AppDriver
from bench.import_job import measure_import
from bench.ledger import write_ledger
from bench.load import BenchDatabase, Household, load_household
from bench.measure import Deadline
from bench.overview import OverviewRequests
from bench.page_paint import measure_page
from bench.peer import measure_fava, peer_venv
from bench.report import ratios
from bench.server import AppServer
from data.db import make_engine


@dataclass(frozen=True)
class Plan:
    """How much of each phase to run, and for how long at most (seconds)."""

    cold_rounds: int
    warm_rounds: int
    page_rounds: int
    grid_rounds: int
    write_rounds: int
    floor_rounds: int
    throughput_s: float
    concurrencies: tuple[int, ...]
    phase_s: float
    peer_s: float
    # Lines of the CSV the import phase commits next to the ledger (bench/import_job.py), the
    # rules its user has, and the older rows of the account it goes into.
    import_rows: int
    import_rules: int
    import_history: int
    # First visits of the overview in headless Chromium (each followed by 3 warm reloads).
    paint_rounds: int


FULL = Plan(
    cold_rounds=5,
    warm_rounds=20,
    page_rounds=5,
    grid_rounds=8,
    write_rounds=5,
    floor_rounds=5,
    throughput_s=15,
    concurrencies=(8, 32),
    phase_s=150,
    peer_s=600,
    import_rows=50_000,
    import_rules=12,
    import_history=20_000,
    paint_rounds=3,
)
SMOKE = Plan(
    cold_rounds=2,
    warm_rounds=2,
    page_rounds=1,
    grid_rounds=2,
    write_rounds=2,
    floor_rounds=2,
    throughput_s=1.5,
    concurrencies=(8, 32),
    phase_s=30,
    peer_s=120,
    import_rows=500,
    import_rules=20,
    import_history=500,
    paint_rounds=1,
)


@dataclass(frozen=True)
class Options:
    pg_admin_url: str
    redis_url: str
    plan: Plan
    with_peer: bool
    fava_max: int
    peer_venv: Path


T = TypeVar("T")


def _timed(result: dict[str, Any], name: str, phase: Callable[[], T]) -> T:
    started = time.perf_counter()
    value = phase()
    result.setdefault("phase_seconds", {})[name] = round(time.perf_counter() - started, 1)
    return value


def run_size(count: int, options: Options, log: Callable[[str], None]) -> dict[str, Any]:
    """Every figure for `count` transactions; `log` gets one line per phase."""
    plan, today = options.plan, date.today()
    result: dict[str, Any] = {"n": count, "load_average_at_start": _load_average()}
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ft-bench-")))
        database = BenchDatabase(options.pg_admin_url)
        stack.callback(database.close)
        log(f"N={count}: generating and loading into {database.name}")
        household = _timed(result, "load", lambda: load_household(database.url, count, today))
        cache = BenchCache(options.redis_url)
        stack.callback(cache.close)
        server = AppServer(database.url, options.redis_url, cache.prefix, scratch)
        stack.callback(server.stop)
        _timed(result, "start", server.start)
        browser = Browser(server.url, household.username, household.password)
        stack.callback(browser.close)
        requests = OverviewRequests(browser, household)
        driver = AppDriver(server, browser, requests, cache)
        _measure_app(result, driver, household, plan, log)
        log(f"N={count}: the overview drawn in headless Chromium")
        result["paint"] = _timed(
            result,
            "paint",
            lambda: measure_page(
                server.url,
                household.username,
                household.password,
                plan.paint_rounds,
                Deadline(plan.phase_s),
            ),
        )
        result["worker_peak_rss_mb"] = round(server.peak_worker_rss_mb, 1)
        log(f"N={count}: importing a {plan.import_rows:,}-line CSV next to the ledger")
        result["import"] = _timed(
            result,
            "import",
            lambda: measure_import(
                database.url, plan.import_rows, plan.import_rules, plan.phase_s, plan.import_history
            ),
        )
        # Idle keep-alive connections would hold up gunicorn's graceful stop.
        browser.close()
        server.stop()
        if options.with_peer:
            result["peer"] = _timed(
                result, "peer", lambda: _measure_peer(household, options, scratch, count, log)
            )
    result["load_average_at_end"] = _load_average()
    result["ratios"] = ratios(result)
    return result


def _load_average() -> list[float]:
    """Other work on the machine skews every figure: the 1, 5 and 15 minute load averages."""
    return [round(value, 2) for value in os.getloadavg()]


def _measure_app(
    result: dict[str, Any],
    driver: AppDriver,
    household: Household,
    plan: Plan,
    log: Callable[[str], None],
) -> None:
    """The app's figures over `household` (its last day is "today" for writes)."""
    requests, today = driver.requests, household.last_day

    def phase(seconds: float | None = None) -> Deadline:
        return Deadline(seconds or plan.phase_s)

    log("  cold overview")
    result["cold"] = _timed(
        result,
        "cold",
        lambda: driver.overview(plan.cold_rounds, plan.page_rounds, cold=True, deadline=phase()),
    )
    log("  warm overview")
    result["warm"] = _timed(
        result,
        "warm",
        lambda: driver.overview(plan.warm_rounds, plan.page_rounds, cold=False, deadline=phase()),
    )
    floors_found: dict[str, Any] = {"redis": floors.redis_floor(driver.cache, plan.floor_rounds)}
    log("  floors: raw SQL, data layer")
    stores = {"load": requests.load_store, "change": requests.changed_store}
    floors_found["sql"] = _timed(
        result,
        "sql_floor",
        lambda: floors.sql_floor(
            household.database_url, household.user_id, stores, plan.floor_rounds, phase()
        ),
    )
    log("  grid and search")
    result["grid"] = driver.grid(requests.grid_page(), plan.grid_rounds, phase())
    result["search"] = driver.grid(requests.search(), plan.grid_rounds, phase())
    result["throughput"] = {}
    # The grid phases flushed the cache: warm the overview again, or the first throughput
    # requests would all miss at once and measure a cold stampede instead.
    driver.overview(1, 0, cold=False, deadline=phase())
    for concurrency in plan.concurrencies:
        log(f"  throughput at concurrency {concurrency}")
        result["throughput"][str(concurrency)] = driver.throughput(concurrency, plan.throughput_s)
    log("  write, then the refreshed overview")
    result["write_refresh"] = _timed(
        result,
        "write_refresh",
        lambda: driver.write_then_refresh(plan.write_rounds, today, phase()),
    )
    log("  naive pandas baseline")
    floors_found["naive"] = _timed(
        result, "naive", lambda: floors.naive_baseline(household.database_url, household.user_id)
    )
    result["floors"] = floors_found


def _measure_peer(
    household: Household, options: Options, scratch: Path, count: int, log: Callable[[str], None]
) -> dict[str, Any]:
    if count > options.fava_max:
        return {"skipped": f"N above --fava-max {options.fava_max}"}
    log("  peer: writing the ledger, installing Fava if needed")
    fava = peer_venv(options.peer_venv)
    ledger = scratch / "ledger.beancount"
    engine = make_engine(household.database_url)
    try:
        written = write_ledger(engine, household.user_id, ledger)
    finally:
        engine.dispose()
    log(f"  peer: Fava on {written:,} beancount transactions")
    found = measure_fava(fava, ledger, scratch, Deadline(options.plan.peer_s))
    return {"ledger_transactions": written, **found}
