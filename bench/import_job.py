"""The import figure: a bank's CSV of 50,000 lines from bytes to committed, in a process of its
own so that its peak RSS is the import's (the worker's, as a background job runs it).

  python -m bench.import_job --database-url URL [--rows 50000]

Creates a user with one account in the database, writes a German-style CSV (semicolons, decimal
commas, a preamble, cp1252) whose lines all differ, and prints one JSON object: seconds for
reading, planning (duplicate and probable-match lookups against the ledger) and committing, the
same file imported again (every line a duplicate), and the process's peak RSS in MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta

from data.db import make_engine
from data.imports.commit import ImportSource, commit_import
from data.imports.matching import plan_import
from data.imports.reading import read_file
from data.migrate import upgrade_to_head
from data.ownership import owned_row
from data.schema import accounts
from data.setup_writes import create_account, create_user

PAYEES = ("REWE Markt", "Bäckerei Groß", "Deutsche Bahn", "Stadtwerke", "Amazon EU", "Café Müller")


def statement_csv(rows: int, seed: int = 7) -> bytes:
    """A preamble, a header and `rows` distinct lines over the last two years."""
    draw = random.Random(seed)
    start = date.today() - timedelta(days=730)
    lines = ['"Kontonummer:";"DE89 3704 0044 0532 0130 00";', "", "Buchungstag;Verwendungszweck;"
             "Beguenstigter/Zahlungspflichtiger;Betrag;Waehrung"]  # fmt: skip
    for number in range(rows):
        day = start + timedelta(days=number * 730 // rows)
        cents = -draw.randint(100, 250_000) if draw.random() < 0.9 else draw.randint(1_000, 400_000)
        amount = f"{cents / 100:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        lines.append(f"{day:%d.%m.%Y};Ref {number};{draw.choice(PAYEES)};{amount};EUR")
    return ("\n".join(lines) + "\n").encode("cp1252")


def run(database_url: str, rows: int) -> dict[str, float]:
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    user_id = create_user(engine, f"bench-import-{uuid.uuid4().hex[:8]}")
    account_id = create_account(engine, user_id, "Giro", "checking", "EUR")
    content = statement_csv(rows)
    source = ImportSource("bench.csv", "0" * 64, "csv")
    figures: dict[str, float] = {"rows": rows, "megabytes": round(len(content) / 2**20, 2)}

    started = time.perf_counter()
    reading = read_file(content, "bench.csv")
    figures["read_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    with engine.connect() as conn:
        account = owned_row(conn, accounts, user_id, account_id, "account")
        plan_import(conn, user_id, account, reading.statement)
    figures["plan_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    result = commit_import(engine, user_id, account_id, reading.statement, source)
    figures["commit_s"] = round(time.perf_counter() - started, 2)
    assert result.counts["imported_count"] == rows, result.counts
    started = time.perf_counter()
    again = commit_import(engine, user_id, account_id, read_file(content).statement, source)
    figures["reimport_s"] = round(time.perf_counter() - started, 2)
    assert again.counts["imported_count"] == 0, again.counts
    figures["total_s"] = round(figures["read_s"] + figures["plan_s"] + figures["commit_s"], 2)
    # ru_maxrss is in KiB on Linux.
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    engine.dispose()
    return figures


def measure_import(database_url: str, rows: int, timeout_s: float) -> dict[str, float]:
    """The figures of one import, run in a child process (its own peak RSS), bounded in time."""
    command = [sys.executable, "-m", "bench.import_job", "--database-url", database_url,
               "--rows", str(rows)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.import_job")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.database_url, args.rows)))


if __name__ == "__main__":
    main(sys.argv[1:])
