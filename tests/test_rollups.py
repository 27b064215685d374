"""monthly_rollups on both dialects: what the triggers store for a split, a transfer and a
delete; the operators' commands (dashboard/cli_rollups.py); the migration's first filling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import select, text

from data import setup_writes, writes
from data.entries import Split, Transaction, Transfer
from data.rollups import differences, rebuild
from data.schema import monthly_rollups
from tests.conftest import make_user

_m = monthly_rollups.c


def stored(engine, user_id: int) -> set[tuple]:
    query = select(
        _m.month, _m.account_id, _m.category_id, _m.is_transfer,
        _m.inflow_minor, _m.outflow_minor, _m.line_count,
    ).where(_m.user_id == user_id, _m.line_count != 0)  # fmt: skip
    with engine.connect() as conn:
        return {(str(r[0]), *r[1:]) for r in conn.execute(query)}


def test_a_split_counts_as_its_parts_and_a_transfer_apart(engine):
    user = make_user(engine)
    checking = setup_writes.create_account(engine, user, "Checking", "checking")
    savings = setup_writes.create_account(engine, user, "Savings", "savings")
    food = setup_writes.create_category(engine, user, "Food", "expense")
    home = setup_writes.create_category(engine, user, "Home", "expense")
    parts = (Split(-3_000, food), Split(-2_000, home))
    split = writes.create_transaction(
        engine, user, Transaction(checking, date(2026, 3, 9), -5_000, "Shop", splits=parts)
    )
    writes.create_transaction(engine, user, Transaction(checking, date(2026, 3, 31), 700, "Gift"))
    writes.create_transfer(engine, user, Transfer(checking, savings, date(2026, 4, 1), 1_000))
    assert stored(engine, user) == {
        ("2026-03-01", checking, food, 0, 0, -3_000, 1),
        ("2026-03-01", checking, home, 0, 0, -2_000, 1),
        ("2026-03-01", checking, 0, 0, 700, 0, 1),
        ("2026-04-01", checking, 0, 1, 0, -1_000, 1),
        ("2026-04-01", savings, 0, 1, 1_000, 0, 1),
    }
    # The split made whole again: its own line comes back, in May with the edit.
    whole = Transaction(checking, date(2026, 5, 2), -5_000, "Shop", category_id=food)
    writes.update_transaction(engine, user, split, whole)
    assert ("2026-05-01", checking, food, 0, 0, -5_000, 1) in stored(engine, user)
    assert not {row for row in stored(engine, user) if row[0] == "2026-03-01" and row[2] != 0}
    writes.delete_transaction(engine, user, split)
    assert differences(engine) == []
    assert {row[0] for row in stored(engine, user)} == {"2026-03-01", "2026-04-01"}


def test_check_reports_a_tampered_row_and_rebuild_repairs_it(app, engine):
    user = make_user(engine, "carol")
    account = setup_writes.create_account(engine, user, "Checking", "checking")
    writes.create_transaction(engine, user, Transaction(account, date(2026, 2, 3), -900, "Cafe"))
    runner = app.server.test_cli_runner()
    clean = runner.invoke(args=["check-rollups"])
    assert clean.exit_code == 0 and "match" in clean.output
    with engine.begin() as conn:
        conn.execute(text("UPDATE monthly_rollups SET outflow_minor = -1"))
    broken = runner.invoke(args=["check-rollups", "--user", "carol"])
    assert broken.exit_code == 1
    assert "monthly_rollups" in broken.output
    assert "stored (0, -1, 1), expected (0, -900, 1)" in broken.output
    # The daily table is checked too.
    with engine.begin() as conn:
        conn.execute(text("UPDATE monthly_rollups SET outflow_minor = -900"))
        conn.execute(text("UPDATE daily_rollups SET line_count = 5"))
    broken = runner.invoke(args=["check-rollups", "--user", "carol"])
    assert broken.exit_code == 1
    assert "daily_rollups {'user_id'" in broken.output and "'day': '2026-02-03'" in broken.output
    assert "stored (0, -900, 5), expected (0, -900, 1)" in broken.output
    repaired = runner.invoke(args=["rebuild-rollups", "--user", "carol"])
    assert repaired.exit_code == 0
    assert "monthly_rollups 1 rows, daily_rollups 1 rows, payee_rollups 1 rows" in repaired.output
    assert runner.invoke(args=["check-rollups"]).exit_code == 0
    assert runner.invoke(args=["check-rollups", "--user", "nobody"]).exit_code != 0


def test_rebuild_of_everyone_equals_what_the_triggers_kept(engine):
    user = make_user(engine, "dave")
    account = setup_writes.create_account(engine, user, "Checking", "checking")
    for day in (1, 15, 28):
        txn = Transaction(account, date(2026, 6, day), -100 * day, "Shop")
        writes.create_transaction(engine, user, txn)
    kept = stored(engine, user)
    assert rebuild(engine) == {"monthly_rollups": 1, "daily_rollups": 3, "payee_rollups": 1}
    assert stored(engine, user) == kept == {("2026-06-01", account, 0, 0, 0, -4_400, 3)}


def test_concurrent_writes_of_one_month_lose_no_delta(engine):
    """Eight threads writing the same user's month at once: the upserts add deltas, so no
    write's sum is lost to another's (a recomputation from a snapshot would lose some)."""
    user = make_user(engine, "erin")
    account = setup_writes.create_account(engine, user, "Checking", "checking")
    food = setup_writes.create_category(engine, user, "Food", "expense")

    def write(n: int) -> None:
        for k in range(5):
            parts = (Split(-n - k, food), Split(-1, None))
            txn = Transaction(account, date(2026, 7, 1 + k), -n - k - 1, "Shop", splits=parts)
            writes.create_transaction(engine, user, txn)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(1, 9)))
    assert differences(engine) == []
    assert (
        "2026-07-01",
        account,
        food,
        0,
        0,
        -sum(n + k for n in range(1, 9) for k in range(5)),
        40,
    ) in stored(engine, user)
