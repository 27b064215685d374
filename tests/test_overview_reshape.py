"""balances_by_month and spending_by_month_category reshape their rows in plain Python; these
are pandas' reshapes they replaced (the code of 6c6a8fa), kept here as the reference: the same
frames, values, dtypes, order and index, from random rows and from the rows of both dialects
(rollups and base table alike)."""

from __future__ import annotations

import random
from contextlib import nullcontext
from datetime import date

import pandas as pd
import pytest

from data import queries, setup_writes, writes
from data.classification import UNCATEGORISED
from data.entries import Split, Transaction, Transfer
from data.filters import Filters
from data.lookups import read_frame
from data.months import month_keys
from data.rollup_reads import base_table_only
from tests.conftest import make_user

MONTHS = month_keys(date(2026, 1, 1), date(2026, 6, 30))


def pandas_balances(moves: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """balances_by_month's reshape before it was plain Python (the conversion of foreign
    balances left out: it follows both alike)."""
    moves = moves.astype(
        {"account_id": "int64", "opening_balance_minor": "int64", "moved_minor": "int64"}
    )
    names = moves.drop_duplicates("account_id").set_index("account_id")
    history = sorted(set(moves["month"].dropna()) | set(months))
    every_month = pd.MultiIndex.from_product([names.index, history], names=["account_id", "month"])
    moved = (
        moves.dropna(subset=["month"])
        .set_index(["account_id", "month"])["moved_minor"]
        .reindex(every_month, fill_value=0)
    )
    balance = (
        moved.groupby(level="account_id").cumsum()
        + moved.index.get_level_values("account_id").map(names["opening_balance_minor"]).to_numpy()
    )
    frame = balance.rename("balance_minor").reset_index()
    frame = frame[frame["month"].isin(months)]
    frame["account"] = frame["account_id"].map(names["account"])
    return frame[["month", "account_id", "account", "balance_minor"]].sort_values(
        ["month", "account", "account_id"], ignore_index=True
    )


def pandas_month_category(sums: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """spending_by_month_category's reshape before it was plain Python."""
    sums["category"] = sums["category"].fillna(UNCATEGORISED)
    wide = sums.pivot_table(
        index="month", columns="category", values="spending_minor", aggfunc="sum", fill_value=0
    )
    totals_by_category = wide.sum().sort_index().sort_values(ascending=False, kind="stable")
    wide = wide[totals_by_category[totals_by_category > 0].index]
    wide = wide.reindex(pd.Index(months, name="month"), fill_value=0).astype("int64")
    wide.columns.name = None
    return wide


def _new_balances(rows: list[tuple], months: list[str]) -> pd.DataFrame:
    found = queries.balances_from_moves(rows, months)
    frame = pd.DataFrame(found, columns=["month", "account_id", "account", "balance_minor"])
    return frame.astype({"account_id": "int64", "balance_minor": "int64"})


def _random_moves(rng: random.Random) -> list[tuple]:
    rows = []
    # Names that tie and sort before their ids, months before the range and inside it.
    names = ["Cash", "Bank", "Bank", "Card", "Zeta"]
    for account_id in rng.sample(range(1, 40), rng.randrange(1, 6)):
        name, opening = rng.choice(names), rng.randrange(-(10**6), 10**6)
        history = ["2025-11", "2025-12", *MONTHS]
        moved_in = rng.sample(history, rng.randrange(0, len(history)))
        if not moved_in:
            rows.append((account_id, name, opening, None, 0, False))
        for month in moved_in:
            rows.append((account_id, name, opening, month, rng.randrange(-(10**7), 10**7), False))
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize("seed", range(40))
def test_balances_equal_pandas_reshape(seed):
    rows = _random_moves(random.Random(seed))
    columns = ["account_id", "account", "opening_balance_minor", "month", "moved_minor", "foreign"]
    expected = pandas_balances(pd.DataFrame(rows, columns=columns), MONTHS)
    pd.testing.assert_frame_equal(_new_balances(rows, MONTHS), expected)


@pytest.mark.parametrize("seed", range(40))
def test_month_category_equals_pandas_pivot(seed):
    rng = random.Random(seed)
    labels = ["Food", "Rent", "Fun", None, UNCATEGORISED, "Aa"]
    rows = [
        (month, category, rng.choice([-1, 1, 1]) * rng.randrange(0, 3) * 1000)
        for month in rng.sample(MONTHS, rng.randrange(1, len(MONTHS)))
        for category in rng.sample(labels, rng.randrange(1, len(labels)))
    ]
    expected = pandas_month_category(
        pd.DataFrame(rows, columns=["month", "category", "spending_minor"]), MONTHS
    )
    pd.testing.assert_frame_equal(queries.month_category_frame(rows, MONTHS), expected)


def test_equal_sums_keep_label_order_and_zero_totals_are_left_out():
    rows = [("2026-01", "B", 5), ("2026-02", "A", 5), ("2026-03", "C", 7), ("2026-01", "D", 0)]
    assert list(queries.month_category_frame(rows, MONTHS).columns) == ["C", "A", "B"]


@pytest.fixture
def household(engine):
    """Two accounts in the reporting currency, one never used, refunds and an uncategorised
    split part, rows before the range and on its edges."""
    user = make_user(engine, "reshape")
    checking = setup_writes.create_account(engine, user, "Checking", "checking", None, 50_000)
    savings = setup_writes.create_account(engine, user, "Savings", "savings")
    setup_writes.create_account(engine, user, "Unused", "checking", None, 700)
    food = setup_writes.create_category(engine, user, "Food", "expense")
    fun = setup_writes.create_category(engine, user, "Fun", "expense")
    rng = random.Random(7)
    for _ in range(120):
        day = date(2025, 11, 1).toordinal() + rng.randrange(0, 260)
        amount = rng.choice([-1, -1, 1]) * rng.randrange(1, 20_000)
        account = rng.choice([checking, savings])
        if rng.random() < 0.2:
            splits = (Split(amount - 100, food), Split(100, None))
            txn = Transaction(account, date.fromordinal(day), amount, "Shop", splits=splits)
        else:
            category = rng.choice([food, fun, None])
            txn = Transaction(account, date.fromordinal(day), amount, "Shop", category_id=category)
        writes.create_transaction(engine, user, txn)
    transfer = Transfer(checking, savings, date(2026, 2, 3), 1_234)
    writes.create_transfer(engine, user, transfer)
    return user


@pytest.mark.parametrize("base", [False, True], ids=["rollups", "base table"])
@pytest.mark.parametrize(
    "span", [(date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 1, 15), date(2026, 5, 20))]
)
def test_both_dialects_answer_as_the_pandas_reshape(engine, household, base, span):
    filters = Filters(date_from=span[0], date_to=span[1])
    months = month_keys(*span)
    with base_table_only() if base else nullcontext():
        moves = read_frame(engine, queries.balances_query(household, filters))
        sums = read_frame(engine, queries.month_category_query(engine, household, filters))
        balances = queries.balances_by_month(engine, household, filters)
        wide = queries.spending_by_month_category(engine, household, filters)
    pd.testing.assert_frame_equal(balances, pandas_balances(moves, months))
    pd.testing.assert_frame_equal(wide, pandas_month_category(sums, months))
    assert len(balances) == 3 * len(months) and wide.shape[1] >= 2
