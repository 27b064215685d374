"""The overview's reads in process, uncached, on a database loaded once: for before/after runs.

  python -m bench.overview_reads load --admin-url URL --count 1000000      # prints the DB URL
  python -m bench.overview_reads time --database-url URL --rounds 7        # median per store
  python -m bench.overview_reads write --database-url URL --rounds 21    # one write, median
  python -m bench.overview_reads drop --admin-url URL --database-url URL

`time` runs what the overview's callbacks read (bench/floors.overview_reads: the same function
the full benchmark's "data layer" row times) for the page load's and a filter change's stores,
so two checkouts of the code can be timed alternately against the same rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date

from sqlalchemy import create_engine, text

from bench.floors import FLOOR_STATEMENT_TIMEOUT_MS, overview_reads
from bench.load import BenchDatabase, load_household
from bench.overview import CHANGED_PRESET, LOAD_PRESET
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
    drop = commands.add_parser("drop")
    drop.add_argument("--admin-url", default="postgresql+psycopg2://postgres@127.0.0.1/postgres")
    drop.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    {"load": _load, "time": _time, "write": _write, "drop": _drop}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
