"""data/budget_rollover.py: carried amounts derived across months, the overspending rule, and
available to budget. Both dialects through the `engine` fixture."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import setup_writes, writes
from data.budget_rollover import (
    _carried,
    available_to_budget,
    rollover_history,
    set_category_rollover,
)
from data.budget_status import budget_status
from data.entries import Split, Transaction
from data.lookups import data_version
from data.months import add_months
from data.rates import Rate, save_rate
from data.validation import NotFound
from tests.conftest import make_user

JAN = date(2025, 1, 1)
TODAY = date(2026, 11, 30)
MONTHS = [add_months(JAN, i) for i in range(12)]


@pytest.fixture
def year(engine, user_id):
    """Food (rollover) and Fun (no rollover), each with a 100.00 limit every month of 2025
    but March (no row: a limit of 0), and spending every month."""
    account = setup_writes.create_account(engine, user_id, "Checking", "checking")
    food = setup_writes.create_category(engine, user_id, "Food", "expense")
    fun = setup_writes.create_category(engine, user_id, "Fun", "expense")
    salary = setup_writes.create_category(engine, user_id, "Salary", "income")
    set_category_rollover(engine, user_id, food, True)
    spent = {}
    for index, month in enumerate(MONTHS):
        if month != date(2025, 3, 1):
            writes.set_budget(engine, user_id, food, month, 100_00)
            writes.set_budget(engine, user_id, fun, month, 100_00)
        amount = 60_00 + index * 7_31
        spent[month] = writes.create_transaction(
            engine, user_id, Transaction(account, month.replace(day=10), -amount, category_id=food)
        )
        writes.create_transaction(
            engine, user_id, Transaction(account, month.replace(day=11), -150_00, category_id=fun)
        )
    return {"account": account, "food": food, "fun": fun, "salary": salary, "txn": spent}


def carried_by_month(engine, user_id, category_id) -> dict[date, int]:
    found = {}
    for month in MONTHS:
        frame = budget_status(engine, user_id, month, TODAY)
        rows = frame[frame["category_id"] == category_id]
        if not rows.empty:
            found[month] = int(rows["carried_minor"].iloc[0])
    return found


def test_carried_is_the_sum_of_earlier_limits_minus_spending(engine, user_id, year):
    history = rollover_history(engine, user_id, MONTHS[-1])
    food = history[history["category_id"] == year["food"]].reset_index(drop=True)
    assert food["month"].tolist() == [f"{m:%Y-%m}" for m in MONTHS]
    expected, total = [], 0
    for index, month in enumerate(MONTHS):
        expected.append(total)
        limit = 0 if month == date(2025, 3, 1) else 100_00
        total += limit - (60_00 + index * 7_31)
    assert food["carried_minor"].tolist() == expected
    assert (food["available_minor"] == food["limit_minor"] + food["carried_minor"]).all()
    # Fun rolls nothing over.
    assert year["fun"] not in set(history["category_id"])


def test_a_past_edit_moves_every_later_month_by_exactly_its_amount(engine, user_id, year):
    before = carried_by_month(engine, user_id, year["food"])
    txn_id = year["txn"][MONTHS[1]]
    txn = Transaction(
        year["account"], date(2025, 2, 10), -(60_00 + 7_31 + 12_34), category_id=year["food"]
    )
    writes.update_transaction(engine, user_id, txn_id, txn)
    after = carried_by_month(engine, user_id, year["food"])
    assert set(before) == set(after) == set(MONTHS) - {date(2025, 3, 1)}
    for month in after:
        change = after[month] - before[month]
        assert change == (0 if month <= MONTHS[1] else -12_34), month


def test_a_category_without_rollover_carries_nothing(engine, user_id, year):
    for month in (MONTHS[1], MONTHS[11]):
        frame = budget_status(engine, user_id, month, TODAY).set_index("category_id")
        fun = frame.loc[year["fun"]]
        assert (fun["carried_minor"], fun["available_minor"]) == (0, 100_00)
        assert not fun["rollover"] and fun["remaining_minor"] == -50_00
        assert frame.loc[year["food"], "rollover"]


def test_overspending_carries_as_a_negative_amount(engine, user_id, year):
    # Food in 2025-01: limit 100.00, spent 60.00 -> +40.00 into February.
    feb = budget_status(engine, user_id, MONTHS[1], TODAY).set_index("category_id")
    assert feb.loc[year["food"], "carried_minor"] == 40_00
    # March has no limit: 40.00 + 100.00 - 67.31 = 72.69 in, 72.69 - 74.62 = -1.93 out.
    apr = budget_status(engine, user_id, MONTHS[3], TODAY).set_index("category_id")
    food = apr.loc[year["food"]]
    assert food["carried_minor"] == -1_93
    assert food["available_minor"] == 100_00 - 1_93
    assert food["remaining_minor"] == 100_00 - 1_93 - (60_00 + 3 * 7_31)


def test_turning_rollover_off_forgets_every_carried_amount(engine, user_id, year):
    version = data_version(engine, user_id)
    set_category_rollover(engine, user_id, year["food"], False)
    assert data_version(engine, user_id) == version + 1
    assert set(carried_by_month(engine, user_id, year["food"]).values()) == {0}
    other = make_user(engine, "bob")
    with pytest.raises(NotFound):
        set_category_rollover(engine, other, year["food"], True)


def test_split_parts_count_in_their_own_category(engine, user_id, year):
    txn = Transaction(
        year["account"], date(2025, 1, 20), -50_00,
        splits=(Split(-30_00, year["food"]), Split(-20_00, year["fun"])),
    )  # fmt: skip
    writes.create_transaction(engine, user_id, txn)
    feb = budget_status(engine, user_id, MONTHS[1], TODAY).set_index("category_id")
    assert feb.loc[year["food"], "carried_minor"] == 10_00


def test_available_to_budget_is_income_minus_the_month_s_limits(engine, user_id, year):
    writes.create_transaction(
        engine, user_id,
        Transaction(year["account"], date(2025, 5, 1), 2_500_00, category_id=year["salary"]),
    )  # fmt: skip
    may = available_to_budget(engine, user_id, date(2025, 5, 17))
    assert (may.income_minor, may.assigned_minor, may.available_minor) == (
        2_500_00, 200_00, 2_300_00,
    )  # fmt: skip
    # March: no limits, no income.
    march = available_to_budget(engine, user_id, date(2025, 3, 1))
    assert (march.income_minor, march.assigned_minor, march.available_minor) == (0, 0, 0)
    assert available_to_budget(engine, make_user(engine, "bob"), date(2025, 5, 1)).income_minor == 0


def test_account_filter_applies_to_carried_spending(engine, user_id, year):
    other = setup_writes.create_account(engine, user_id, "Cash", "cash")
    jan = budget_status(engine, user_id, MONTHS[1], TODAY, (other,)).set_index("category_id")
    # Nothing was spent from Cash: January left its whole 100.00.
    assert jan.loc[year["food"], "carried_minor"] == 100_00


months_strategy = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(0, 10**6)), st.integers(-(10**5), 10**6)),
    min_size=1,
    max_size=24,
)


@settings(max_examples=200, deadline=None)
@given(months_strategy)
def test_carried_next_month_is_available_minus_spent(months):
    """carried(m + 1) == available(m) - spent(m), for any limits (or none) and spending."""
    keys = [add_months(JAN, i) for i in range(len(months))]
    limits = pd.DataFrame(
        [(7, key, limit) for key, (limit, _) in zip(keys, months, strict=True) if limit is not None]
        or [(7, keys[0], 0)],
        columns=["category_id", "month", "limit_minor"],
    )
    spent = pd.DataFrame(
        [(7, f"{key:%Y-%m}", amount) for key, (_, amount) in zip(keys, months, strict=True)],
        columns=["category_id", "month", "spent_minor"],
    )
    grid = _carried(limits, spent, keys[-1]).reset_index(drop=True)
    assert grid["carried_minor"].iloc[0] == 0
    for index in range(len(grid) - 1):
        row = grid.iloc[index]
        assert grid["carried_minor"].iloc[index + 1] == row["available_minor"] - row["spent_minor"]
    assert (grid["available_minor"] == grid["limit_minor"] + grid["carried_minor"]).all()


def test_spending_and_income_in_another_currency_count_converted(engine, user_id):
    """A dollar account's lines count in the reporting currency (EUR) at the rate on or before
    their day, never as euros: 1 EUR = 1.25 USD, so $12.50 is €10.00."""
    dollars = setup_writes.create_account(engine, user_id, "Dollars", "checking", "USD")
    food = setup_writes.create_category(engine, user_id, "Food", "expense")
    salary = setup_writes.create_category(engine, user_id, "Salary", "income")
    set_category_rollover(engine, user_id, food, True)
    save_rate(engine, user_id, Rate("USD", JAN, 1_250_000))
    for month in MONTHS[:2]:
        writes.set_budget(engine, user_id, food, month, 100_00)
        txn = Transaction(dollars, month.replace(day=10), -12_50, category_id=food)
        writes.create_transaction(engine, user_id, txn)
    writes.create_transaction(
        engine, user_id, Transaction(dollars, JAN.replace(day=2), 250_00, category_id=salary)
    )
    history = rollover_history(engine, user_id, MONTHS[1])
    assert history["spent_minor"].tolist() == [10_00, 10_00]
    assert history["carried_minor"].tolist() == [0, 90_00]
    assert available_to_budget(engine, user_id, JAN).income_minor == 200_00
