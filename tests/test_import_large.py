"""A large import (5,000 lines) on both dialects: the bulk paths (chunked inserts, ids read back
on SQLite, the collector paused, cleaned payees cached) store exactly what the plan says, line by
line, with each split part and tag on its own line's row; duplicates, probable matches and rules
as a per-line reading of the file says; a re-import adds nothing and undo removes exactly the
batch."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from data import setup_writes
from data.imports import commit as commit_module
from data.imports import matching
from data.imports.commit import ImportSource, commit_import, store_import, undo_batch
from data.imports.matching import plan_import
from data.imports.ruled import rules_transform
from data.imports.statement import Statement, StatementLine, StatementSplit
from data.ownership import owned_row
from data.rules.model import Action, Condition, Rule
from data.rules.store import create_rule
from data.schema import accounts, tags, transaction_splits, transaction_tags, transactions
from tests.conftest import make_user

SOURCE = ImportSource("large.csv", "0" * 64, "csv")
LINES = 5_000
FIRST_DAY = date(2026, 1, 1)
MERCHANTS = ("MARKET HALL 0042 BERLIN", "Bakery Gross", "CITY TRANSIT", "Power Utility",
             "COFFEE BAR", "Book Shop", "Back\\slash\\N Bar")  # fmt: skip
# The first lines were imported before; a hand entry for every 50th of the others.
IMPORTED_BEFORE, HAND_EVERY = 400, 50


def _lines() -> list[StatementLine]:
    """Varied lines: twins (the same day, amount and payee), a bank reference repeated in the
    file, split lines, unreadable and zero amounts."""
    draw = random.Random(3)
    found = []
    for number in range(1, LINES + 1):
        day = FIRST_DAY + timedelta(days=(number - 1) * 200 // LINES)
        cents = -draw.randint(100, 90_000)
        payee, memo = draw.choice(MERCHANTS), f"card {draw.randint(1, 30_000)}"
        ref: str | None = f"R{number}" if number % 7 else None
        splits: tuple[StatementSplit, ...] = ()
        amount: Decimal | None = Decimal(cents).scaleb(-2)
        error = None
        if number % 97 == 0:  # a twin of the line before
            twin = found[-1]
            payee, memo, amount, day, ref = twin.payee, twin.memo, twin.amount, twin.date, None
        elif number % 311 == 0:  # the bank repeats a reference it gave before
            ref = "R1"
        elif number % 83 == 0:
            half = Decimal(cents // 2).scaleb(-2)
            rest = Decimal(cents).scaleb(-2) - half
            splits = (StatementSplit(half, "Groceries", "food"), StatementSplit(rest, "Home"))
        elif number % 149 == 0:
            amount, error = None, "Amount 'x' is not a number."
        elif number % 151 == 0:
            amount = Decimal("0.00")
        found.append(
            StatementLine(number, day, amount, payee, memo, ref, splits=splits, error=error)
        )
    return found


@pytest.fixture
def home(engine) -> dict[str, int]:
    user_id = make_user(engine, "alice")
    ids = {
        "user": user_id,
        "checking": setup_writes.create_account(engine, user_id, "Checking", "checking"),
        "food": setup_writes.create_category(engine, user_id, "Groceries", "expense"),
        "home": setup_writes.create_category(engine, user_id, "Home", "expense"),
        "travel": setup_writes.create_category(engine, user_id, "Travel", "expense"),
    }
    rules = [
        Rule(None, "Market", True, "all", (Condition("payee", "contains", "market hall"),),
             (Action("set_category", ids["food"]), Action("add_tags", ("groceries",)))),
        Rule(None, "Transit", True, "all", (Condition("payee", "starts_with", "city transit"),),
             (Action("set_category", ids["travel"]), Action("rename_payee", "City Transit"))),
        Rule(None, "Big card", True, "all", (Condition("memo", "matches", r"^card 1\d{4}$"),),
             (Action("add_tags", ("big card",)),)),
    ]  # fmt: skip
    for rule in rules:
        create_rule(engine, user_id, rule)
    return ids


def _hand_entries(engine, home, lines: list[StatementLine]) -> set[int]:
    """A hand entry (the next day, the merchant's first word) for every HAND_EVERY-th line not
    imported before; returns those lines' numbers."""
    chosen = [
        line for line in lines[IMPORTED_BEFORE:]
        if line.number % HAND_EVERY == 0 and line.amount and not line.splits
        # Not a twin (its first would be matched) nor a repeated reference (a duplicate).
        and line.number % 97 and line.number % 311
    ]  # fmt: skip
    rows = [
        {"user_id": home["user"], "account_id": home["checking"], "date": line.date
         + timedelta(days=1), "amount_minor": int(line.amount * 100),
         "payee": line.payee.split()[0].title(), "memo": ""}
        for line in chosen if line.amount is not None and line.date is not None
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(transactions), rows)
    return {line.number for line in chosen}


def _stored(engine, user_id: int, batch_id: int) -> list[tuple]:
    """The batch's rows in id order, each with its tags and split parts."""
    t = transactions.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.id, t.date, t.amount_minor, t.payee, t.memo, t.category_id,
                   t.import_fingerprint, t.bank_ref)
            .where(t.user_id == user_id, t.import_batch_id == batch_id).order_by(t.id)
        ).all()  # fmt: skip
        tagged: dict[int, set[str]] = {}
        for row_id, name in conn.execute(
            select(transaction_tags.c.transaction_id, tags.c.name).join(
                tags, tags.c.id == transaction_tags.c.tag_id
            )
        ):
            tagged.setdefault(row_id, set()).add(name)
        parts: dict[int, list[tuple]] = {}
        s = transaction_splits.c
        for row_id, amount, category, memo in conn.execute(
            select(s.transaction_id, s.amount_minor, s.category_id, s.memo).order_by(s.position)
        ):
            parts.setdefault(row_id, []).append((amount, category, memo))
    return [(*row[1:], tagged.get(row.id, set()), parts.get(row.id, [])) for row in rows]


def test_a_large_import_stores_exactly_the_plan_line_by_line(engine, home, monkeypatch):
    # Chunks smaller than the file: the ids of several executemany calls must stay in order.
    monkeypatch.setattr(commit_module, "INSERT_CHUNK", 700)
    lines = _lines()
    user_id, account_id = home["user"], home["checking"]
    earlier = commit_import(
        engine, user_id, account_id, Statement("csv", tuple(lines[:IMPORTED_BEFORE])), SOURCE
    )
    hand = _hand_entries(engine, home, lines)
    statement = Statement("csv", tuple(lines))
    with engine.connect() as conn:
        account = owned_row(conn, accounts, user_id, account_id, "account")
        plan = plan_import(conn, user_id, account, statement, rules=rules_transform(conn, user_id))

    # The fates as a per-line reading of the file says.
    fates = {p.line.number: p.fate for p in plan.lines}
    errors = {line.number for line in lines if line.error or line.amount is None}
    zeros = {line.number for line in lines if line.amount == 0}
    assert {n for n, fate in fates.items() if fate == "error"} == errors
    assert {n for n, fate in fates.items() if fate == "skipped"} == zeros
    before = {line.number for line in lines[:IMPORTED_BEFORE]} - errors - zeros
    repeated_refs = {n for n in range(311, LINES + 1, 311) if n % 97}
    duplicates = {n for n, fate in fates.items() if fate.startswith("duplicate")}
    assert duplicates == before | (repeated_refs - before)
    assert {n for n, fate in fates.items() if fate == "probable"} == hand
    twins = [p for p in plan.lines if p.line.number % 97 == 0 and p.fate == "new"]
    prints = {p.line.number: p.transaction.import_fingerprint for p in plan.lines if p.transaction}
    assert twins and all(prints[p.line.number] != prints[p.line.number - 1] for p in twins)

    # The plan above in one chunk, the commit in many: the fates and the rows must not change
    # where a chunk ends (twins, repeated references, hand entries taken by an earlier line).
    monkeypatch.setattr(matching, "PLAN_CHUNK", 775)  # line 776 is a twin of 775
    result = commit_import(engine, user_id, account_id, statement, SOURCE)
    assert [(p.line.number, p.fate, p.transaction, p.match) for p in result.plan.lines] == [
        (p.line.number, p.fate, p.transaction, p.match) for p in plan.lines
    ]
    new = [p for p in plan.lines if p.fate == "new"]
    assert result.counts["imported_count"] == len(new)
    assert result.counts["probable_count"] == len(hand)

    # The per-line reference: each new line's planned transaction, its tags and parts, in order.
    expected = [
        (t.date, t.amount_minor, t.payee, t.memo, t.category_id, t.import_fingerprint,
         t.bank_ref, set(t.tags),
         [(part.amount_minor, part.category_id, part.memo) for part in t.splits])
        for t in (p.transaction for p in new) if t is not None
    ]  # fmt: skip
    stored = _stored(engine, user_id, result.batch_id)
    assert stored == expected

    # The rules, read from the bank's own text of each stored line.
    by_number = {line.number: line for line in lines}
    for planned, row in zip(new, stored, strict=True):
        bank = by_number[planned.line.number]
        market = "MARKET HALL" in bank.payee
        assert ("groceries" in row[7]) == market
        # Over the stored memo: the bank's payee is kept at its end when the payee was cleaned.
        assert ("big card" in row[7]) == bool(
            re.fullmatch(r"card 1\d{4}", " ".join(row[3].split()))
        )
        if bank.payee == "CITY TRANSIT":
            assert (row[2], row[4]) == ("City Transit", None if bank.splits else home["travel"])
        if market:
            assert row[4] == (None if bank.splits else home["food"])

    again = commit_import(engine, user_id, account_id, statement, SOURCE)
    assert again.counts["imported_count"] == 0
    assert again.counts["probable_count"] == len(hand)

    undo_batch(engine, user_id, result.batch_id)
    assert _stored(engine, user_id, result.batch_id) == []
    assert len(_stored(engine, user_id, earlier.batch_id)) == earlier.counts["imported_count"]
    with engine.connect() as conn:
        kept = conn.execute(
            select(transactions.c.id).where(transactions.c.import_batch_id.is_(None))
        ).all()
    assert len(kept) == len(hand)
    # After the undo the same file stores the same rows again (as the commit job stores them:
    # the result without its lines).
    redo = store_import(engine, user_id, account_id, statement, SOURCE)
    assert redo.plan.lines == ()
    assert redo.counts == result.counts
    assert _stored(engine, user_id, redo.batch_id) == expected
