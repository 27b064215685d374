"""The overview's reads in process, uncached, on a database loaded once: for before/after runs.

  python -m bench.overview_reads load --admin-url URL --count 1000000      # prints the DB URL
  python -m bench.overview_reads time --database-url URL --rounds 7        # median per store
  python -m bench.overview_reads write --database-url URL --rounds 21    # one write, median
  python -m bench.overview_reads http --database-url URL --rounds 7     # served, over HTTP
  python -m bench.overview_reads drop --admin-url URL --database-url URL

`time` runs what the overview's callbacks read (bench/floors.overview_reads: the same function
the full benchmark's "data layer" row times) for the page load's and a filter change's stores,
so two checkouts of the code can be timed alternately against the same rows. `http` serves the
checkout it runs from (bench/server.py: gunicorn, 2 workers, Redis) on those rows and times the
full benchmark's two cold figures: the overview page as the browser loads it from a flushed
cache, and write + refreshed overview (bench/driver.py), each a median of --rounds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.cache import BenchCache
from bench.client import Browser
from bench.dataset import month_starts
from bench.driver import AppDriver
from bench.floors import FLOOR_STATEMENT_TIMEOUT_MS, overview_reads
from bench.load import BenchDatabase, Household, load_household
from bench.measure import Deadline
from bench.overview import CHANGED_PRESET, LOAD_PRESET, OverviewRequests
from bench.server import AppServer
from dashboard.security.passwords import set_password
from data.db import make_engine
from data.entries import Transaction
from data.migrate import upgrade_to_head
from data.users import user_id_by_username
from data.writes import create_transaction, delete_transaction

STORES = {"load": {"preset": LOAD_PRESET}, "change": {"preset": CHANGED_PRESET}}


def _load(args: argparse.Namespace) -> None:
    database = BenchDatabase(args.admin_url)
    household = load_household(database.url, args.count, date.today())
    print(json.dumps({"database_url": database.url, "user_id": household.user_id}))


def _time(args: argparse.Namespace) -> None:
    engine = make_engine(args.database_url, statement_timeout_ms=FLOOR_STATEMENT_TIMEOUT_MS)
    try:
        # The code being timed may be newer than the rows: its migrations first.
        upgrade_to_head(engine)
        user_id = user_id_by_username(engine, args.username)
        if user_id is None:
            raise SystemExit(f"no user {args.username!r} in {args.database_url}")
        found: dict[str, object] = {}
        for name, store in STORES.items():
            rounds = []
            overview_reads(engine, user_id, store, date.today(), name == "load")  # warm-up
            for _ in range(args.rounds):
                started = time.perf_counter()
                overview_reads(engine, user_id, store, date.today(), name == "load")
                rounds.append((time.perf_counter() - started) * 1000)
            found[f"{name}_median_ms"] = round(statistics.median(rounds), 1)
            found[f"{name}_rounds_ms"] = [round(value, 1) for value in rounds]
        print(json.dumps(found))
    finally:
        engine.dispose()


def _write(args: argparse.Namespace) -> None:
    """create_transaction of one expense (its database transaction: checks, insert, and
    whatever triggers run with it), then its delete_transaction; both rows are gone after."""
    engine = make_engine(args.database_url, statement_timeout_ms=FLOOR_STATEMENT_TIMEOUT_MS)
    try:
        upgrade_to_head(engine)
        user_id = user_id_by_username(engine, args.username)
        if user_id is None:
            raise SystemExit(f"no user {args.username!r} in {args.database_url}")
        with engine.connect() as conn:
            account_id, category_id = conn.execute(
                text(
                    "SELECT a.id, c.id FROM accounts a JOIN categories c ON c.user_id = a.user_id "
                    "WHERE a.user_id = :u AND c.kind = 'expense' AND a.currency = "
                    "(SELECT currency FROM users WHERE id = :u) ORDER BY a.id, c.id LIMIT 1"
                ),
                {"u": user_id},
            ).one()
        txn = Transaction(account_id, date.today(), -1234, "Bench", category_id=category_id)
        creates, deletes = [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            txn_id = create_transaction(engine, user_id, txn)
            creates.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            delete_transaction(engine, user_id, txn_id)
            deletes.append((time.perf_counter() - started) * 1000)
        print(
            json.dumps(
                {
                    "create_median_ms": round(statistics.median(creates), 2),
                    "delete_median_ms": round(statistics.median(deletes), 2),
                }
            )
        )
    finally:
        engine.dispose()


def _household(database_url: str, username: str) -> Household:
    """The loaded household, read back from its rows, with a password set for this run."""
    engine = make_engine(database_url)
    try:
        user_id = user_id_by_username(engine, username)
        if user_id is None:
            raise SystemExit(f"no user {username!r} in {database_url}")
        password = secrets.token_urlsafe(18)
        set_password(engine, user_id, password)
        with engine.connect() as conn:
            accounts = conn.execute(
                text("SELECT name, id FROM accounts WHERE user_id = :u"), {"u": user_id}
            ).all()
            categories = conn.execute(
                text("SELECT name, id FROM categories WHERE user_id = :u"), {"u": user_id}
            ).all()
            count = conn.execute(
                text("SELECT count(*) FROM transactions WHERE user_id = :u"), {"u": user_id}
            ).scalar_one()
    finally:
        engine.dispose()
    today = date.today()
    return Household(
        database_url=database_url,
        user_id=user_id,
        username=username,
        password=password,
        account_ids=dict(accounts),
        category_ids=dict(categories),
        first_day=month_starts(today)[0],
        last_day=today,
        transactions=count,
    )


def _http(args: argparse.Namespace) -> None:
    """The cold page and write + refresh through gunicorn, as the full benchmark times them."""
    household = _household(args.database_url, args.username)
    deadline = Deadline(args.seconds)
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ft-bench-")))
        cache = BenchCache(args.redis_url)
        stack.callback(cache.close)
        server = AppServer(args.database_url, args.redis_url, cache.prefix, scratch)
        stack.callback(server.stop)
        server.start()
        browser = Browser(server.url, household.username, household.password)
        stack.callback(browser.close)
        driver = AppDriver(server, browser, OverviewRequests(browser, household), cache)
        driver.overview(0, 1, cold=True, deadline=deadline)  # warm-up: imports, pools
        cold = driver.overview(0, args.rounds, cold=True, deadline=deadline)
        write = driver.write_then_refresh(args.rounds, household.last_day, deadline)
        print(
            json.dumps(
                {
                    "cold_page_p50_ms": cold["page_wall_p50_ms"],
                    "cold_errors": cold["errors"],
                    "write_refresh_p50_ms": write["p50_ms"],
                    "write_request_p50_ms": write["write_p50_ms"],
                    "write_rounds": write["rounds"],
                    "write_errors": write["errors"],
                    "write_not_shown": write["not_shown"],
                }
            )
        )


def _drop(args: argparse.Namespace) -> None:
    name = make_engine(args.database_url).url.database
    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.overview_reads", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load")
    load.add_argument("--admin-url", default="postgresql+psycopg2://postgres@127.0.0.1/postgres")
    load.add_argument("--count", type=int, default=1_000_000)
    timing = commands.add_parser("time")
    timing.add_argument("--database-url", required=True)
    timing.add_argument("--username", default="bench")
    timing.add_argument("--rounds", type=int, default=7)
    write = commands.add_parser("write")
    write.add_argument("--database-url", required=True)
    write.add_argument("--username", default="bench")
    write.add_argument("--rounds", type=int, default=21)
    served = commands.add_parser("http")
    served.add_argument("--database-url", required=True)
    served.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    served.add_argument("--username", default="bench")
    served.add_argument("--rounds", type=int, default=7)
    served.add_argument("--seconds", type=float, default=150)
    drop = commands.add_parser("drop")
    drop.add_argument("--admin-url", default="postgresql+psycopg2://postgres@127.0.0.1/postgres")
    drop.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    commands_run = {"load": _load, "time": _time, "write": _write, "http": _http, "drop": _drop}
    commands_run[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
