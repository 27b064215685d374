"""An import stored in many chunks, on both dialects (data/imports/commit.py): on PostgreSQL each
chunk's COPY runs in a thread while the next chunk is planned (`_Rows`). Every line lands once
with its own id, parts and tags; the rollups equal the lines after the import and after its
undo; a COPY's failure in a later chunk is retried, and a failure while a COPY is in flight
leaves nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from data import setup_writes
from data.imports import commit as commit_module
from data.imports import matching
from data.imports.commit import ImportChoices, ImportSource, store_import, undo_batch
from data.imports.statement import Statement, StatementLine, StatementSplit
from data.rollups import differences
from data.rules.model import Action, Condition, Rule
from data.rules.store import create_rule
from data.schema import import_batches, tags, transaction_splits, transaction_tags, users
from data.schema import transactions as txns
from data.validation import ValidationError
from tests.conftest import make_user

SOURCE = ImportSource("chunks.qif", "0" * 64, "qif")
FIRST_DAY = date(2026, 3, 1)
LINES, CHUNK = 430, 40


def _line(number: int) -> StatementLine:
    """Every 7th line split in two parts; every 5th a payee the rule tags."""
    day = FIRST_DAY + timedelta(days=number % 45)
    amount = Decimal(-number).scaleb(-2)
    payee = f"Market {number}" if number % 5 == 0 else f"Shop {number}"
    if number % 7:
        return StatementLine(number, day, amount, payee, f"line {number}")
    half = Decimal(-(number // 2)).scaleb(-2)
    parts = (StatementSplit(half, "Food"), StatementSplit(amount - half, None, f"rest {number}"))
    return StatementLine(number, day, amount, payee, f"line {number}", splits=parts)


STATEMENT = Statement("qif", tuple(_line(n) for n in range(1, LINES + 1)))


@pytest.fixture
def home(engine, monkeypatch) -> dict[str, int]:
    monkeypatch.setattr(matching, "PLAN_CHUNK", CHUNK)
    monkeypatch.setattr(commit_module, "INSERT_CHUNK", CHUNK // 2)
    user_id = make_user(engine, "chunky")
    food = setup_writes.create_category(engine, user_id, "Food", "expense")
    market = Condition("payee", "starts_with", "Market")
    create_rule(engine, user_id, Rule(None, "Markets", True, "all", (market,),
                                      (Action("add_tags", ("market",)),)))  # fmt: skip
    checking = setup_writes.create_account(engine, user_id, "Checking", "checking")
    return {"user": user_id, "checking": checking, "food": food}


def _rows(engine, user_id: int) -> dict[str, tuple[int, int]]:
    """{the line's memo: (id, amount)} of the user's rows (the bank's payee, kept below the
    memo when the payee is cleaned, left out)."""
    query = select(txns.c.memo, txns.c.id, txns.c.amount_minor).where(txns.c.user_id == user_id)
    with engine.connect() as conn:
        return {
            memo.split("\n")[0]: (row_id, amount) for memo, row_id, amount in conn.execute(query)
        }


def _version(engine, user_id: int) -> int:
    with engine.connect() as conn:
        query = select(users.c.data_version).where(users.c.id == user_id)
        return conn.execute(query).scalar_one()


def test_every_chunk_lands_once_with_its_parts_tags_and_rollups(engine, home):
    user_id = home["user"]
    result = store_import(engine, user_id, home["checking"], STATEMENT, SOURCE)
    assert result.counts["imported_count"] == LINES
    rows = _rows(engine, user_id)
    assert {memo: amount for memo, (_id, amount) in rows.items()} == {
        f"line {n}": -n for n in range(1, LINES + 1)
    }
    with engine.connect() as conn:
        parts = conn.execute(
            select(transaction_splits.c.transaction_id, transaction_splits.c.amount_minor)
            .where(transaction_splits.c.user_id == user_id)
            .order_by(transaction_splits.c.transaction_id, transaction_splits.c.position)
        ).all()
        tagged = conn.execute(
            select(transaction_tags.c.transaction_id)
            .join(tags, tags.c.id == transaction_tags.c.tag_id)
            .where(transaction_tags.c.user_id == user_id, tags.c.name == "market")
        ).scalars()
        tagged_ids = set(tagged)
    # Each part on the row of its own line (the ids of a chunk copied in a thread).
    split = [n for n in range(1, LINES + 1) if n % 7 == 0]
    expected_parts = [
        (rows[f"line {n}"][0], amount) for n in split for amount in (-(n // 2), -n + n // 2)
    ]
    assert [tuple(part) for part in parts] == expected_parts
    assert tagged_ids == {rows[f"line {n}"][0] for n in range(5, LINES + 1, 5)}
    assert differences(engine, user_id) == []

    undo_batch(engine, user_id, result.batch_id)
    assert _rows(engine, user_id) == {}
    assert differences(engine, user_id) == []


def test_a_later_chunks_copy_failing_on_a_fingerprint_is_run_again(engine, home):
    """A row imported before and moved out of the fast lookup's reach since: the unique index
    stops that chunk's COPY (a thread's error on PostgreSQL), the commit runs again with every
    fingerprint looked up, and each line is stored once."""
    user_id = home["user"]
    late = Statement("qif", STATEMENT.lines[300:310])
    store_import(engine, user_id, home["checking"], late, SOURCE)
    with engine.begin() as conn:
        conn.execute(update(txns).where(txns.c.user_id == user_id).values(date=date(2025, 1, 1)))
    result = store_import(engine, user_id, home["checking"], STATEMENT, SOURCE)
    assert result.counts["imported_count"] == LINES - 10
    assert result.counts["duplicate_fingerprint_count"] == 10
    assert len(_rows(engine, user_id)) == LINES
    assert differences(engine, user_id) == []


def test_a_failure_while_a_chunk_is_copied_leaves_nothing(engine, home):
    """An unknown decision for a line of the sixth chunk: the chunks before it are stored (the
    last may still be copying) when it is found; the whole import is rolled back."""
    user_id = home["user"]
    before = _version(engine, user_id)
    choices = ImportChoices(decisions={5 * CHUNK + 3: "maybe"})
    with pytest.raises(ValidationError):
        store_import(engine, user_id, home["checking"], STATEMENT, SOURCE, choices)
    assert _rows(engine, user_id) == {}
    with engine.connect() as conn:
        batches = select(func.count()).where(import_batches.c.user_id == user_id)
        assert conn.execute(batches).scalar_one() == 0
    assert _version(engine, user_id) == before
    assert differences(engine, user_id) == []
    # The connection went back to the pool usable: the same import now stores every line.
    assert (
        store_import(engine, user_id, home["checking"], STATEMENT, SOURCE).counts["imported_count"]
        == LINES
    )
