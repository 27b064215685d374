"""What an import holds and reads is bounded by the file, not by the ledger (on both dialects):
the ledger's reads for matching cover the account around the file's days only, and the commit
job (store_import) holds no more than one chunk of planned lines at a time."""

from __future__ import annotations

import gc
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from data import setup_writes
from data.imports import commit as commit_module
from data.imports import matching
from data.imports.commit import ImportSource, commit_import, store_import
from data.imports.matching import PlannedLine
from data.imports.statement import Statement, StatementLine
from data.schema import transactions
from tests.conftest import make_user

SOURCE = ImportSource("bounded.csv", "0" * 64, "csv")
FIRST_DAY = date(2026, 3, 1)
LINES, CHUNK = 1_300, 200


def _statement(lines: int = LINES) -> Statement:
    return Statement(
        "csv",
        tuple(
            StatementLine(n, FIRST_DAY + timedelta(days=n % 30), Decimal(-n).scaleb(-2),
                          f"Shop {n % 13}", f"ref {n}")
            for n in range(1, lines + 1)
        ),
    )  # fmt: skip


@pytest.fixture
def home(engine) -> dict[str, int]:
    """An account with history outside the file's days, and another account in them."""
    user_id = make_user(engine, "alice")
    checking = setup_writes.create_account(engine, user_id, "Checking", "checking")
    savings = setup_writes.create_account(engine, user_id, "Savings", "savings")
    old = [
        {"user_id": user_id, "account_id": checking, "amount_minor": -n, "payee": "Old",
         "date": FIRST_DAY - timedelta(days=10 + n % 300), "memo": ""}
        for n in range(1, 901)
    ]  # fmt: skip
    other = [
        {"user_id": user_id, "account_id": savings, "amount_minor": -n, "payee": "Shop 1",
         "date": FIRST_DAY + timedelta(days=n % 30), "memo": ""}
        for n in range(1, 501)
    ]  # fmt: skip
    # In the file's days, in the account: two hand entries a line may be.
    near = [
        {"user_id": user_id, "account_id": checking, "amount_minor": -n, "payee": "Shop",
         "date": FIRST_DAY + timedelta(days=n % 30), "memo": ""}
        for n in (5, 6)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(transactions), old + other + near)
    return {"user": user_id, "checking": checking, "savings": savings}


def test_matching_reads_only_the_account_around_the_files_days(engine, home, monkeypatch):
    read: dict[str, int] = {}

    def counted(name):
        original = getattr(matching, name)

        def wrapper(*args, **kwargs):
            found = original(*args, **kwargs)
            read[name] = read.get(name, 0) + sum(
                len(rows) if isinstance(rows, list) else 1 for rows in found.values()
            )
            return found

        monkeypatch.setattr(matching, name, wrapper)

    counted("_hand_entries")
    counted("_stored_fingerprints")
    user_id, checking = home["user"], home["checking"]
    first = commit_import(engine, user_id, checking, _statement(100), SOURCE)
    assert first.counts["probable_count"] == 2
    read.clear()
    store_import(engine, user_id, checking, _statement(), SOURCE)
    # 1,400 rows of the user's ledger are not in the file's account and days; none is read:
    # the two hand entries (left alone by the first import) and its 98 stored lines are.
    assert read == {"_hand_entries": 2, "_stored_fingerprints": 98}


def test_the_commit_job_holds_one_chunk_of_planned_lines_at_a_time(engine, home, monkeypatch):
    monkeypatch.setattr(matching, "PLAN_CHUNK", CHUNK)
    held: list[int] = []
    store_lines = commit_module._store_lines

    def counting(rows, user_id, batch_id, lines):
        held.append(sum(1 for o in gc.get_objects() if isinstance(o, PlannedLine)))
        return store_lines(rows, user_id, batch_id, lines)

    monkeypatch.setattr(commit_module, "_store_lines", counting)
    user_id, checking = home["user"], home["checking"]
    result = store_import(engine, user_id, checking, _statement(), SOURCE)
    assert result.counts["imported_count"] == LINES - 2
    assert len(held) == -(-LINES // CHUNK)
    # The chunk being stored (its lines, and their copies the rules or matches made).
    assert max(held) <= 2 * CHUNK
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.count()).where(transactions.c.import_batch_id == result.batch_id)
        ).scalar_one()
    assert stored == LINES - 2

    # commit_import keeps every line for its result: the count grows with the file.
    held.clear()
    commit_import(engine, user_id, home["savings"], _statement(), SOURCE)
    assert max(held) > LINES - CHUNK
