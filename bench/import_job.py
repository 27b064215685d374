"""The import figure: a bank's CSV of 50,000 lines from bytes to committed, in a process of its
own so that its peak RSS is the import's (the worker's, as a background job runs it).

  python -m bench.import_job --database-url URL [--rows 50000] [--rules 12] [--history 20000]

A child process first makes the household (so its memory is not counted): a user with one
account that already has history (`--history` categorised rows before the file's period, the
file's first twentieth imported before, and a hand entry for every 40th of the other lines, a
day later under the merchant's short name), `--rules` rules, and the category model trained
and stored. Then this process imports a German-style CSV (semicolons, decimal commas, a
preamble, cp1252) whose lines all differ, with varied payees (merchants, store numbers, towns),
as the page runs it: the preview (read, plan, the suggestions of the review) and the commit job
(the staged upload read again, then planned and stored in one transaction: commit_upload). It
prints one
JSON object: the seconds of each stage, `end_to_end_s` (the commit job: read + commit), the
same file imported again (every line a duplicate), its undo, and peak RSS in MB: the commit
job's (`peak_rss_mb`, also as `peak_rss_commit_mb`), the preview job's (`peak_rss_preview_mb`),
and this process's after the re-import too (`peak_rss_with_reimport_mb`: in the app the
re-import is a job of its own, in a process of its own).

The preview runs in a child process of its own, and the commit in this process after it has
loaded what a background job's process holds (the job server's preloaded modules and the app
built by create_app, as dashboard/job_processes.run_job does; `--bare` leaves that out): each
job is a process of its own in the app too, so the commit's peak RSS is the commit job's.
Peak RSS is the kernel's high-water mark of this process's memory (VmHWM): ru_maxrss is not,
it keeps the RSS of the process that started this one (the benchmark, which holds the 1M
ledger's frames: that was the "1,149 MB next to 1M").
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from data.db import make_engine
from data.imports.commit import ImportSource, commit_import, undo_batch
from data.imports.matching import plan_import
from data.imports.pipeline import commit_upload
from data.imports.reading import read_file
from data.imports.ruled import rules_transform
from data.imports.stages import Stages, recording, stage
from data.imports.uploads import load_upload, stage_upload
from data.lookups import data_version
from data.migrate import upgrade_to_head
from data.ownership import owned_row
from data.rules.model import Action, Condition, Rule
from data.rules.store import create_rule
from data.schema import accounts
from data.schema import transactions as txns
from data.setup_writes import create_account, create_category, create_user
from data.suggest.features import Example
from data.suggest.stored import model_for

MERCHANTS = ("REWE Markt", "EDEKA Center", "Lidl", "ALDI SUED", "dm-drogerie markt",
             "Rossmann", "Bäckerei Groß", "Café Müller", "Deutsche Bahn", "BVG Ticket",
             "Shell Tankstelle", "ARAL Station", "Stadtwerke", "Vodafone GmbH", "Telekom",
             "Amazon EU", "Zalando SE", "IKEA", "MediaMarkt", "Apotheke am Markt",
             "Netflix", "Spotify AB", "Lieferando", "Kino Cinemaxx", "Hornbach")  # fmt: skip
TOWNS = ("Berlin", "Hamburg", "München", "Köln", "Leipzig", "Dresden")
PREAMBLE = [
    '"Kontonummer:";"DE89 3704 0044 0532 0130 00";',
    "",
    "Buchungstag;Verwendungszweck;Beguenstigter/Zahlungspflichtiger;Betrag;Waehrung",
]
# The share of the file imported before, and every how many of the other lines a hand entry is.
OVERLAP_SHARE, HAND_EVERY = 20, 40


def _lines(rows: int, seed: int = 7) -> list[tuple[date, str, str, int]]:
    """(day, memo, payee, cents) of `rows` distinct lines over the last two years."""
    draw = random.Random(seed)
    start = date.today() - timedelta(days=730)
    found = []
    for number in range(rows):
        day = start + timedelta(days=number * 730 // rows)
        cents = -draw.randint(100, 250_000) if draw.random() < 0.9 else draw.randint(1_000, 400_000)
        merchant = draw.choice(MERCHANTS)
        payee = f"{merchant} {draw.randint(1, 40):04d} {draw.choice(TOWNS)}"
        found.append((day, f"Kartenzahlung Ref {number}", payee, cents))
    return found


def _csv(lines: list[tuple[date, str, str, int]]) -> bytes:
    out = list(PREAMBLE)
    for day, memo, payee, cents in lines:
        amount = f"{cents / 100:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        out.append(f"{day:%d.%m.%Y};{memo};{payee};{amount};EUR")
    return ("\n".join(out) + "\n").encode("cp1252")


def statement_csv(rows: int, seed: int = 7) -> bytes:
    """A preamble, a header and `rows` distinct lines over the last two years."""
    return _csv(_lines(rows, seed))


def make_rules(engine: Engine, user_id: int, count: int, categories: list[int]) -> None:
    """`count` rules of the user, as a household writes them: a merchant's category (the first
    also tags), a pattern on the memo, an amount range, a rename; the rest name merchants the
    file does not have, as a household's rules mostly miss a given line."""
    for number in range(count):
        actions = [Action("set_category", categories[number % len(categories)])]
        if number < 8:
            condition = Condition("payee", "contains", MERCHANTS[number])
        elif number == 8:
            condition = Condition("memo", "matches", r"ref 1\d*7$")
        elif number == 9:
            condition = Condition("amount", "between", (-1_500, -1_000))
            actions = [Action("add_tags", ("small",))]
        elif number == 10:
            condition = Condition("payee", "starts_with", "Deutsche Bahn")
            actions.append(Action("rename_payee", "Deutsche Bahn"))
        else:
            condition = Condition("payee", "starts_with", f"merchant {number}")
        if number == 0:
            actions.append(Action("add_tags", ("groceries",)))
        rule = Rule(None, f"Rule {number}", True, "all", (condition,), tuple(actions))
        create_rule(engine, user_id, rule)


def setup(database_url: str, rows: int, rule_count: int, history: int) -> dict[str, int]:
    """The household the import goes into (run in a child process: its memory is not the
    import's); returns the user's and the account's ids."""
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    user_id = create_user(engine, f"bench-import-{uuid.uuid4().hex[:8]}")
    account_id = create_account(engine, user_id, "Giro", "checking", "EUR")
    categories = [create_category(engine, user_id, f"Category {n}", "expense") for n in range(10)]
    make_rules(engine, user_id, rule_count, categories)
    lines = _lines(rows)
    draw = random.Random(11)
    first_day = lines[0][0] if lines else date.today()
    older = [
        {"user_id": user_id, "account_id": account_id, "amount_minor": -draw.randint(100, 90_000),
         "date": first_day - timedelta(days=10 + number * 1_000 // max(history, 1)),
         "payee": draw.choice(MERCHANTS), "memo": "", "category_id": draw.choice(categories)}
        for number in range(history)
    ]  # fmt: skip
    hand = [
        {"user_id": user_id, "account_id": account_id, "amount_minor": cents,
         "date": day + timedelta(days=1), "payee": payee.split()[0].title(), "memo": "",
         "category_id": categories[number % len(categories)]}
        for number, (day, _memo, payee, cents) in enumerate(lines)
        if number >= rows // OVERLAP_SHARE and number % HAND_EVERY == 0
    ]  # fmt: skip
    with engine.begin() as conn:
        for start in range(0, len(older), 5_000):
            conn.execute(insert(txns), older[start : start + 5_000])
        if hand:
            conn.execute(insert(txns), hand)
    overlap = lines[: rows // OVERLAP_SHARE]
    if overlap:
        before = read_file(_csv(overlap), "before.csv").statement
        earlier = ImportSource("before.csv", "1" * 64, "csv")
        commit_import(engine, user_id, account_id, before, earlier)
    model_for(engine, user_id, data_version(engine, user_id), train=True)
    engine.dispose()
    return {"user_id": user_id, "account_id": account_id, "hand_entries": len(hand),
            "imported_before": len(overlap)}  # fmt: skip


def _seconds(found: Stages, prefix: str) -> dict[str, float]:
    """Each stage's seconds on the clock and of this process's CPU."""
    wall = {f"{prefix}{name}_s": round(value, 3) for name, value in found.wall.items()}
    cpu = {f"{prefix}{name}_cpu_s": round(value, 3) for name, value in found.cpu.items()}
    return {**wall, **cpu}


def _rss_mb(field: str = "VmHWM") -> float:
    """The process's peak RSS so far (VmHWM), or its RSS now (VmRSS), in MB. Not ru_maxrss:
    Linux carries the starting process's peak into it across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no {field} in /proc/self/status")


def _as_job_process(database_url: str) -> None:
    """What a background job's process holds before its job: the job server's preloaded
    modules, then the app built again from its settings (dashboard/job_processes.run_job)."""
    import importlib
    import tempfile

    from dashboard.job_processes import DEFAULT_APP_FACTORY, PRELOAD
    from dashboard.settings import Settings

    for module in PRELOAD:
        importlib.import_module(module)
    module, _, name = DEFAULT_APP_FACTORY.partition(":")
    factory = getattr(importlib.import_module(module), name)
    instance = tempfile.mkdtemp(prefix="ft-bench-import-")
    env = {"DATABASE_URL": database_url, "FT_INSTANCE_PATH": instance, "LOAD_DEMO_DATA": "false"}
    factory(Settings.from_env(env))


def _child(database_url: str, rows: int, rule_count: int, history: int, *extra: str) -> Any:
    """This module run again in a child process with `extra`; the JSON it printed last."""
    command = [sys.executable, "-m", "bench.import_job", "--database-url", database_url,
               "--rows", str(rows), "--rules", str(rule_count), "--history", str(history),
               *extra]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(
    database_url: str, rows: int, rule_count: int, history: int, bare: bool = False
) -> dict[str, Any]:
    made = _child(database_url, rows, rule_count, history, "--setup")
    user_id, account_id = made["user_id"], made["account_id"]
    figures: dict[str, Any] = {"rows": rows, "rules": rule_count, "history": history,
                               "hand_entries": made["hand_entries"],
                               "imported_before": made["imported_before"]}  # fmt: skip
    ids = ("--user-id", str(user_id), "--account-id", str(account_id))
    figures.update(_child(database_url, rows, rule_count, history, "--preview", *ids))
    if not bare:
        _as_job_process(database_url)
    figures.update(_commit(database_url, rows, user_id, account_id, figures))
    return figures


def _preview(database_url: str, rows: int, user_id: int, account_id: int) -> dict[str, Any]:
    """The preview, as the review's job runs it: read, plan, the suggestions for open lines."""
    engine = make_engine(database_url)
    content = statement_csv(rows)
    figures: dict[str, Any] = {"megabytes": round(len(content) / 2**20, 2)}
    figures["preview_rss_before_mb"] = _rss_mb()
    with recording() as previewing:
        with stage("read"):
            reading = read_file(content, "bench.csv")
        with stage("plan"), engine.connect() as conn:
            account = owned_row(conn, accounts, user_id, account_id, "account")
            rules = rules_transform(conn, user_id)
            plan = plan_import(conn, user_id, account, reading.statement, rules=rules)
        with stage("suggest"):
            figures["suggested_lines"] = _suggest(engine, user_id, plan.lines)
    figures.update(_seconds(previewing, "preview_"))
    for name in ("read", "plan", "suggest"):
        figures[f"{name}_s"] = round(previewing.wall[name], 2)
    figures["ruled_lines"] = sum(1 for line in plan.lines if line.rule_ids)
    counts = plan.counts()
    figures.update({f"planned_{fate}": count for fate, count in counts.items() if count})
    preview = figures["read_s"] + figures["plan_s"] + figures["suggest_s"]
    figures["preview_total_s"] = round(preview, 2)
    figures["peak_rss_preview_mb"] = _rss_mb()
    engine.dispose()
    return figures


def _commit(
    database_url: str, rows: int, user_id: int, account_id: int, preview: dict[str, Any]
) -> dict[str, Any]:
    """The commit job: the file read again, then one DB transaction; then the same file again
    (all duplicates) and the undo."""
    engine = make_engine(database_url)
    content = statement_csv(rows)
    # What this process holds before the import: the modules (and the app, unless --bare),
    # the engine, the file's bytes.
    figures: dict[str, Any] = {"rss_before_mb": _rss_mb("VmRSS")}
    # Staged as the upload's request does; the job loads it and commits as the page's job does
    # (data/imports/pipeline.commit_upload: read, then commit_import in one transaction).
    staged = stage_upload(engine, user_id, "bench.csv", content).id
    started, cpu = time.perf_counter(), time.process_time()
    with recording() as committing:
        result = commit_upload(engine, user_id, load_upload(engine, user_id, staged), account_id)
    figures["end_to_end_s"] = round(time.perf_counter() - started, 2)
    figures["end_to_end_cpu_s"] = round(time.process_time() - cpu, 2)
    if "read" in committing.wall:  # a tree before the read was a stage of commit_upload
        figures["commit_s"] = round(figures["end_to_end_s"] - committing.wall["read"], 2)
    figures.update(_seconds(committing, "commit_"))
    figures["peak_rss_commit_mb"] = figures["peak_rss_mb"] = _rss_mb()
    assert result.counts["imported_count"] == preview["planned_new"], result.counts
    figures["imported"] = result.counts["imported_count"]
    # The commit job ends here: what it held is not the next job's.
    batch_id = result.batch_id
    del result
    started = time.perf_counter()
    staged = stage_upload(engine, user_id, "bench.csv", content).id
    again = commit_upload(engine, user_id, load_upload(engine, user_id, staged), account_id)
    figures["reimport_s"] = round(time.perf_counter() - started, 2)
    assert again.counts["imported_count"] == 0, again.counts
    figures["total_s"] = round(preview["preview_total_s"] + figures["end_to_end_s"], 2)
    figures["peak_rss_with_reimport_mb"] = _rss_mb()
    started = time.perf_counter()
    undo_batch(engine, user_id, batch_id)
    figures["undo_s"] = round(time.perf_counter() - started, 2)
    engine.dispose()
    return figures


def _suggest(engine: Engine, user_id: int, lines: Any) -> int:
    """The review's suggestions (dashboard/callbacks/import_review._add_suggestions): the
    stored model, asked about every storable line without a category."""
    open_txns = [p.transaction for p in lines if p.fate in ("new", "probable")
                 and p.transaction is not None and p.transaction.category_id is None
                 and not p.transaction.splits]  # fmt: skip
    model = model_for(engine, user_id, data_version(engine, user_id), train=False)
    if model is None or not open_txns:
        return 0
    examples = [Example(t.payee, t.memo, t.amount_minor, t.account_id, t.date.day)
                for t in open_txns]  # fmt: skip
    return sum(1 for found in model.suggest_many(examples) if found)


def measure_import(
    database_url: str, rows: int, rule_count: int, timeout_s: float, history: int = 20_000
) -> dict[str, Any]:
    """The figures of one import, run in a child process (its own peak RSS), bounded in time."""
    command = [sys.executable, "-m", "bench.import_job", "--database-url", database_url,
               "--rows", str(rows), "--rules", str(rule_count),
               "--history", str(history)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.import_job")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rules", type=int, default=12, help="the user's rules, run on import")
    parser.add_argument("--history", type=int, default=20_000, help="older rows of the account")
    parser.add_argument(
        "--bare", action="store_true", help="commit without the job process's app loaded first"
    )
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--preview", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--user-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--account-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        found = setup(args.database_url, args.rows, args.rules, args.history)
    elif args.preview:
        found = _preview(args.database_url, args.rows, args.user_id, args.account_id)
    else:
        found = run(args.database_url, args.rows, args.rules, args.history, args.bare)
    print(json.dumps(found))


if __name__ == "__main__":
    main(sys.argv[1:])
