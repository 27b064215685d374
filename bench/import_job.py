"""The import figure: a bank's CSV of 50,000 lines from bytes to committed, in a process of its
own so that its peak RSS is the import's (the worker's, as a background job runs it).

  python -m bench.import_job --database-url URL [--rows 50000] [--rules 500]

Creates a user with one account in the database, writes a German-style CSV (semicolons, decimal
commas, a preamble, cp1252) whose lines all differ, and prints one JSON object: seconds for
reading, planning (duplicate and probable-match lookups against the ledger) and committing, the
same file imported again (every line a duplicate), and the process's peak RSS in MB. The user
has `--rules` rules (500 by default), which run on every line as an import's do.
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

from sqlalchemy import Engine

from data.db import make_engine
from data.imports.commit import ImportSource, commit_import
from data.imports.matching import plan_import
from data.imports.reading import read_file
from data.imports.ruled import rules_transform
from data.migrate import upgrade_to_head
from data.ownership import owned_row
from data.rules.model import Action, Condition, Rule
from data.rules.store import create_rule
from data.schema import accounts
from data.setup_writes import create_account, create_category, create_user

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


def make_rules(engine: Engine, user_id: int, count: int) -> None:
    """`count` rules of the user: one per payee of the file (a category; the first also a tag),
    the rest each naming one line's reference in the memo by a pattern, or a merchant the file
    does not have, as a household's rules mostly miss a given line."""
    categories = [create_category(engine, user_id, f"Category {n}", "expense") for n in range(10)]
    for number in range(count):
        if number < len(PAYEES):
            condition = Condition("payee", "contains", PAYEES[number])
        elif number % 2:
            condition = Condition("memo", "matches", rf"^ref {number * 97}$")
        else:
            condition = Condition("payee", "starts_with", f"merchant {number}")
        actions = [Action("set_category", categories[number % len(categories)])]
        if number == 0:
            actions.append(Action("add_tags", ("groceries",)))
        rule = Rule(None, f"Rule {number}", True, "all", (condition,), tuple(actions))
        create_rule(engine, user_id, rule)


def run(database_url: str, rows: int, rule_count: int) -> dict[str, float]:
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    user_id = create_user(engine, f"bench-import-{uuid.uuid4().hex[:8]}")
    account_id = create_account(engine, user_id, "Giro", "checking", "EUR")
    make_rules(engine, user_id, rule_count)
    content = statement_csv(rows)
    source = ImportSource("bench.csv", "0" * 64, "csv")
    figures: dict[str, float] = {"rows": rows, "rules": rule_count,
                                 "megabytes": round(len(content) / 2**20, 2)}  # fmt: skip

    started = time.perf_counter()
    reading = read_file(content, "bench.csv")
    figures["read_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    with engine.connect() as conn:
        account = owned_row(conn, accounts, user_id, account_id, "account")
        rules = rules_transform(conn, user_id)
        plan = plan_import(conn, user_id, account, reading.statement, rules=rules)
    figures["ruled_lines"] = sum(1 for line in plan.lines if line.rule_ids)
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


def measure_import(
    database_url: str, rows: int, rule_count: int, timeout_s: float
) -> dict[str, float]:
    """The figures of one import, run in a child process (its own peak RSS), bounded in time."""
    command = [sys.executable, "-m", "bench.import_job", "--database-url", database_url,
               "--rows", str(rows), "--rules", str(rule_count)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.import_job")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rules", type=int, default=500, help="the user's rules, run on import")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.database_url, args.rows, args.rules)))


if __name__ == "__main__":
    main(sys.argv[1:])
