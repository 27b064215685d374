"""data/queries.py: the dashboard aggregates, checked to the minor unit on both dialects.

The household below is small enough to add up by hand. Alice has a checking account, a savings
account and an archived cash box; Bob has rows in the same months with the same payees, so any
leak of his rows into Alice's results changes a number.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import Engine, event, insert, update

from data import queries
from data.budget_status import budget_status
from data.classification import UNCATEGORISED
from data.filters import Filters
from data.schema import accounts, budgets, categories, transactions
from tests.conftest import make_user

Q1 = Filters(date(2024, 1, 1), date(2024, 3, 31))
MONTHS_Q1 = ["2024-01", "2024-02", "2024-03"]


def add_row(engine: Engine, table, **values) -> int:
    with engine.begin() as conn:
        return conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()


def link_transfer(engine: Engine, out_id: int, in_id: int) -> None:
    with engine.begin() as conn:
        for one, other in ((out_id, in_id), (in_id, out_id)):
            conn.execute(
                update(transactions).where(transactions.c.id == one).values(transfer_peer_id=other)
            )


@pytest.fixture
def home(engine) -> SimpleNamespace:
    h = SimpleNamespace(engine=engine)
    h.alice = a = make_user(engine, "alice")
    h.bob = b = make_user(engine, "bob")

    def account(user_id, name, kind, opening, archived=False):
        row = dict(user_id=user_id, name=name, type=kind, opening_balance_minor=opening)
        return add_row(engine, accounts, **row, currency="EUR", archived=archived)

    def category(user_id, name, kind, color=None):
        return add_row(engine, categories, user_id=user_id, name=name, kind=kind, color=color)

    def tx(user_id, account_id, day, amount, payee="", memo="", category_id=None):
        row = dict(user_id=user_id, account_id=account_id, date=day, amount_minor=amount)
        return add_row(engine, transactions, **row, payee=payee, memo=memo, category_id=category_id)

    h.checking = account(a, "Checking", "checking", 100_000)
    h.savings = account(a, "Savings", "savings", 50_000)
    h.old_cash = account(a, "Old cash", "cash", 2_000, archived=True)
    h.salary = category(a, "Salary", "income", "#2ca02c")
    h.groceries = category(a, "Groceries", "expense", "#1f77b4")
    h.rent = category(a, "Rent", "expense", "#ff7f0e")
    h.dining = category(a, "Dining", "expense")
    h.card_payment = category(a, "Card payment", "transfer")

    tx(a, h.checking, date(2023, 12, 20), 200_000, "ACME", category_id=h.salary)
    tx(a, h.checking, date(2023, 12, 22), -5_000, "Lidl", category_id=h.groceries)
    tx(a, h.checking, date(2024, 1, 1), 300_000, "ACME", "January pay", h.salary)
    tx(a, h.checking, date(2024, 1, 5), -4_550, "Lidl", "weekly", h.groceries)
    tx(a, h.checking, date(2024, 1, 10), -120_000, "Landlord", category_id=h.rent)
    link_transfer(
        engine,
        tx(a, h.checking, date(2024, 1, 15), -50_000, "To savings"),
        tx(a, h.savings, date(2024, 1, 15), 50_000, "From checking"),
    )
    tx(a, h.checking, date(2024, 1, 20), 1_000, "Lidl", "refund", h.groceries)
    tx(a, h.checking, date(2024, 1, 25), -700, "Kiosk")
    tx(a, h.savings, date(2024, 1, 31), 123, "Bank", "interest")
    # February has no rows at all.
    tx(a, h.checking, date(2024, 3, 1), 300_000, "ACME", category_id=h.salary)
    tx(a, h.checking, date(2024, 3, 2), -10, "Cafe", "0.10", h.dining)
    tx(a, h.checking, date(2024, 3, 2), -20, "Cafe", "0.20", h.dining)
    tx(a, h.checking, date(2024, 3, 10), -20_000, "Card", category_id=h.card_payment)
    tx(a, h.checking, date(2024, 3, 31), -3_000, "Lidl", category_id=h.groceries)
    tx(a, h.checking, date(2024, 4, 1), -999, "Lidl", category_id=h.groceries)

    for month, category_id, limit in [
        (date(2024, 1, 1), h.groceries, 5_000),
        (date(2024, 1, 1), h.rent, 100_000),
        (date(2024, 2, 1), h.groceries, 8_000),
        (date(2024, 3, 1), h.groceries, 10_000),
        (date(2024, 3, 1), h.dining, 5_000),
        (date(2024, 3, 1), h.rent, 120_000),
    ]:
        add_row(engine, budgets, user_id=a, category_id=category_id, month=month, limit_minor=limit)

    h.bob_checking = account(b, "Checking", "checking", 9_000)
    h.bob_groceries = category(b, "Groceries", "expense", "#000000")
    h.bob_salary = category(b, "Salary", "income")
    tx(b, h.bob_checking, date(2024, 1, 1), 100_000, "ACME", category_id=h.bob_salary)
    tx(b, h.bob_checking, date(2024, 1, 10), -7_777, "Lidl", category_id=h.bob_groceries)
    tx(b, h.bob_checking, date(2024, 3, 5), -500, "Kiosk")
    add_row(
        engine,
        budgets,
        user_id=b,
        category_id=h.bob_groceries,
        month=date(2024, 3, 1),
        limit_minor=1,
    )
    return h


# data/conversion.currency_plan: which accounts are in another currency, read before an
# aggregate so that a user with one currency runs the same SQL as before rates existed.
CURRENCY_PLAN = "SELECT users.currency, accounts.currency AS currency_1, accounts.id"


@contextlib.contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The statements sent, without the small currency-plan query before each aggregate."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        if not statement.lstrip().startswith(CURRENCY_PLAN):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


# Filters


def test_filters_are_normalised_so_equal_filters_have_equal_keys():
    messy = Filters(date(2024, 1, 1), date(2024, 1, 31), account_ids=[3, 1, 3], category_ids=(9, 2))
    clean = Filters(date(2024, 1, 1), date(2024, 1, 31), account_ids=(1, 3), category_ids=(2, 9))
    assert messy == clean
    assert hash(messy) == hash(clean)
    assert messy.account_ids == (1, 3)
    assert {messy: "cached"}[clean] == "cached"
    assert Filters(date(2024, 1, 1), date(2024, 1, 31), payee="Lidl") != clean


def test_filters_reject_a_range_that_ends_before_it_starts():
    with pytest.raises(ValueError):
        Filters(date(2024, 2, 1), date(2024, 1, 31))


def test_previous_period_steps_back_by_whole_months_or_by_days():
    march = Filters(date(2024, 3, 1), date(2024, 3, 31), account_ids=(4,), payee="Lidl")
    assert march.previous_period() == Filters(
        date(2024, 2, 1), date(2024, 2, 29), account_ids=(4,), payee="Lidl"
    )
    assert Q1.previous_period() == Filters(date(2023, 10, 1), date(2023, 12, 31))
    ten_days = Filters(date(2024, 3, 5), date(2024, 3, 14))
    assert ten_days.previous_period() == Filters(date(2024, 2, 24), date(2024, 3, 4))
    one_day = Filters(date(2024, 1, 1), date(2024, 1, 1))
    assert one_day.previous_period() == Filters(date(2023, 12, 31), date(2023, 12, 31))


# totals


def test_totals_exclude_transfers_count_refunds_and_uncategorised_rows(home):
    result = queries.totals(home.engine, home.alice, Q1)
    # Income: two salaries and the uncategorised interest. Spending: groceries net of the
    # refund (4550 - 1000 + 3000), rent, dining and the uncategorised kiosk; no transfers.
    assert result == {
        "income_minor": 600_123,
        "spending_minor": 6_550 + 120_000 + 30 + 700,
        "net_minor": 600_123 - 127_280,
        "savings_rate": pytest.approx(472_843 / 600_123),
    }
    assert all(type(result[key]) is int for key in ("income_minor", "spending_minor", "net_minor"))


def test_totals_of_the_other_user_hold_only_his_rows(home):
    assert queries.totals(home.engine, home.bob, Q1) == {
        "income_minor": 100_000,
        "spending_minor": 8_277,
        "net_minor": 91_723,
        "savings_rate": pytest.approx(91_723 / 100_000),
    }


def test_totals_include_both_ends_of_the_range(home):
    first_day = Filters(date(2024, 1, 1), date(2024, 1, 1))
    last_day = Filters(date(2024, 3, 31), date(2024, 3, 31))
    assert queries.totals(home.engine, home.alice, first_day)["income_minor"] == 300_000
    assert queries.totals(home.engine, home.alice, last_day)["spending_minor"] == 3_000


@pytest.mark.parametrize(
    ("narrowing", "income", "spending"),
    [
        ({"account_ids": ("savings",)}, 123, 0),
        ({"category_ids": ("groceries",)}, 0, 6_550),
        ({"category_ids": ("groceries", "salary")}, 600_000, 6_550),
        ({"payee": "Lidl"}, 0, 6_550),
        ({"payee": "To savings"}, 0, 0),
    ],
)
def test_totals_honour_account_category_and_payee_filters(home, narrowing, income, spending):
    values = {
        key: tuple(getattr(home, name) for name in value) if key.endswith("_ids") else value
        for key, value in narrowing.items()
    }
    result = queries.totals(home.engine, home.alice, Filters(Q1.date_from, Q1.date_to, **values))
    assert (result["income_minor"], result["spending_minor"]) == (income, spending)
    assert result["savings_rate"] == (None if income == 0 else pytest.approx(1 - spending / income))


def test_an_account_filter_with_another_users_account_finds_nothing(home):
    filters = Filters(Q1.date_from, Q1.date_to, account_ids=(home.bob_checking,))
    result = queries.totals(home.engine, home.alice, filters)
    assert (result["income_minor"], result["spending_minor"]) == (0, 0)


def test_a_refund_alone_is_negative_spending_and_no_category_or_payee(home):
    refund_day = Filters(date(2024, 1, 20), date(2024, 1, 20))
    assert queries.totals(home.engine, home.alice, refund_day)["spending_minor"] == -1_000
    assert queries.spending_by_category(home.engine, home.alice, refund_day).empty
    assert queries.top_payees(home.engine, home.alice, refund_day).empty


# breakdowns


def test_spending_by_category_is_net_of_refunds_and_sorted(home):
    frame = queries.spending_by_category(home.engine, home.alice, Q1)
    assert list(frame.columns) == ["category_id", "category", "color", "spending_minor"]
    assert frame["category"].tolist() == ["Rent", "Groceries", UNCATEGORISED, "Dining"]
    assert frame["spending_minor"].tolist() == [120_000, 6_550, 700, 30]
    assert frame["category_id"].tolist()[:2] == [home.rent, home.groceries]
    assert frame["category_id"].isna().tolist() == [False, False, True, False]
    assert frame["color"].tolist()[:2] == ["#ff7f0e", "#1f77b4"]
    assert frame["spending_minor"].dtype == "int64"


def test_ten_and_twenty_cents_add_up_to_exactly_thirty(home):
    cafe = Filters(Q1.date_from, Q1.date_to, payee="Cafe")
    frame = queries.spending_by_category(home.engine, home.alice, cafe)
    assert frame["spending_minor"].tolist() == [30]
    assert frame["spending_minor"].dtype == "int64"
    assert queries.totals(home.engine, home.alice, cafe)["spending_minor"] == 30


def test_income_and_spending_by_month_fill_empty_months_with_zeros(home):
    frame = queries.income_spending_by_month(home.engine, home.alice, Q1)
    expected = pd.DataFrame(
        {
            "month": MONTHS_Q1,
            "income_minor": [300_123, 0, 300_000],
            "spending_minor": [124_250, 0, 3_030],
            "net_minor": [175_873, 0, 296_970],
        }
    ).astype({"income_minor": "int64", "spending_minor": "int64", "net_minor": "int64"})
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert frame.dtypes[1:].tolist() == ["int64"] * 3


def test_income_and_spending_by_month_of_an_empty_range_is_all_zeros(home):
    frame = queries.income_spending_by_month(
        home.engine, home.alice, Filters(date(2025, 1, 15), date(2025, 2, 3))
    )
    assert frame["month"].tolist() == ["2025-01", "2025-02"]
    assert frame[["income_minor", "spending_minor", "net_minor"]].to_numpy().sum() == 0
    assert frame["net_minor"].dtype == "int64"


def test_spending_by_month_category_is_wide_with_every_month(home):
    wide = queries.spending_by_month_category(home.engine, home.alice, Q1)
    assert wide.index.tolist() == MONTHS_Q1
    assert wide.index.name == "month"
    assert wide.columns.tolist() == ["Rent", "Groceries", UNCATEGORISED, "Dining"]
    assert wide.to_dict("list") == {
        "Rent": [120_000, 0, 0],
        "Groceries": [3_550, 0, 3_000],
        UNCATEGORISED: [700, 0, 0],
        "Dining": [0, 0, 30],
    }
    assert {str(dtype) for dtype in wide.dtypes} == {"int64"}


def test_spending_by_month_category_without_spending_has_months_and_no_columns(home):
    wide = queries.spending_by_month_category(
        home.engine, home.alice, Filters(date(2024, 2, 1), date(2024, 2, 29))
    )
    assert wide.index.tolist() == ["2024-02"]
    assert wide.columns.tolist() == []


def test_top_payees_rank_net_spending_and_count_rows(home):
    frame = queries.top_payees(home.engine, home.alice, Q1)
    assert frame.to_dict("list") == {
        "payee": ["Landlord", "Lidl", "Kiosk", "Cafe"],
        "spending_minor": [120_000, 6_550, 700, 30],
        "transactions": [1, 3, 1, 2],
    }
    assert frame["spending_minor"].dtype == "int64"
    assert queries.top_payees(home.engine, home.alice, Q1, limit=2)["payee"].tolist() == [
        "Landlord",
        "Lidl",
    ]


# budgets


def test_budget_status_of_the_current_month_projects_to_the_month_end(home):
    frame = budget_status(home.engine, home.alice, date(2024, 3, 1), date(2024, 3, 4))
    assert frame.columns.tolist() == [
        "category_id", "category", "color", "limit_minor", "spent_minor",
        "remaining_minor", "elapsed_share", "projected_minor",
        "rollover", "carried_minor", "available_minor",
    ]  # fmt: skip
    assert frame["category"].tolist() == ["Dining", "Groceries", "Rent"]
    assert frame["category_id"].tolist() == [home.dining, home.groceries, home.rent]
    assert frame["limit_minor"].tolist() == [5_000, 10_000, 120_000]
    assert frame["spent_minor"].tolist() == [30, 3_000, 0]
    assert frame["remaining_minor"].tolist() == [4_970, 7_000, 120_000]
    assert frame["elapsed_share"].tolist() == pytest.approx([4 / 31] * 3)
    # Dining has no history: the linear pace, 30 * 31 / 4 = 232.5, rounded half away from zero.
    # Groceries and rent add what Dec-Feb spent after the 4th, on average: groceries
    # (5,000 + 4,550 - 1,000 refund) / 3 = 2,850; rent 120,000 / 3 = 40,000.
    assert frame["projected_minor"].tolist() == [233, 3_000 + 2_850, 40_000]
    assert {str(frame[c].dtype) for c in frame.columns if c.endswith("_minor")} == {"int64"}


def test_a_bill_paid_early_in_the_month_projects_to_itself_not_to_the_pace(engine):
    alice = make_user(engine, "rent-payer")
    checking = add_row(
        engine, accounts, user_id=alice, name="Checking", type="checking", currency="EUR"
    )
    rent = add_row(engine, categories, user_id=alice, name="Rent", kind="expense")
    for month in (1, 2, 3, 4):
        add_row(
            engine,
            transactions,
            user_id=alice,
            account_id=checking,
            date=date(2024, month, 1),
            amount_minor=-120_000,
            category_id=rent,
        )
    add_row(
        engine,
        budgets,
        user_id=alice,
        category_id=rent,
        month=date(2024, 4, 1),
        limit_minor=120_000,
    )
    frame = budget_status(engine, alice, date(2024, 4, 1), date(2024, 4, 20))
    # The linear pace would say 120,000 * 30 / 20 = 180,000: "60,000 over" on a paid bill.
    assert frame["projected_minor"].tolist() == [120_000]


def test_budget_status_of_a_past_month_projects_what_was_spent(home):
    frame = budget_status(home.engine, home.alice, date(2024, 1, 17), date(2024, 3, 4))
    assert frame["category"].tolist() == ["Groceries", "Rent"]
    assert frame["spent_minor"].tolist() == [3_550, 120_000]
    assert frame["remaining_minor"].tolist() == [1_450, -20_000]
    assert frame["elapsed_share"].tolist() == [1.0, 1.0]
    assert frame["projected_minor"].tolist() == [3_550, 120_000]


def test_budget_status_of_a_future_month_projects_nothing(home):
    frame = budget_status(home.engine, home.alice, date(2024, 3, 1), date(2024, 2, 15))
    assert frame["spent_minor"].tolist() == [30, 3_000, 0]
    assert frame["elapsed_share"].tolist() == [0.0, 0.0, 0.0]
    assert frame["projected_minor"].tolist() == [0, 0, 0]


def test_budget_status_counts_a_month_without_rows_as_nothing_spent(home):
    frame = budget_status(home.engine, home.alice, date(2024, 2, 1), date(2024, 2, 29))
    assert frame[["category", "limit_minor", "spent_minor", "projected_minor"]].to_dict(
        "records"
    ) == [{"category": "Groceries", "limit_minor": 8_000, "spent_minor": 0, "projected_minor": 0}]
    assert frame["elapsed_share"].tolist() == [1.0]


def test_budget_status_honours_accounts_and_owner(home):
    on_savings = budget_status(
        home.engine, home.alice, date(2024, 1, 1), date(2024, 3, 4), account_ids=(home.savings,)
    )
    assert on_savings["spent_minor"].tolist() == [0, 0]
    bob = budget_status(home.engine, home.bob, date(2024, 3, 1), date(2024, 3, 4))
    assert bob[["category_id", "limit_minor", "spent_minor"]].to_dict("records") == [
        {"category_id": home.bob_groceries, "limit_minor": 1, "spent_minor": 0}
    ]


# balances


def test_balances_by_month_carry_history_and_include_transfers(home):
    frame = queries.balances_by_month(home.engine, home.alice, Q1)
    assert frame.columns.tolist() == ["month", "account_id", "account", "balance_minor"]
    by_account = frame.pivot(index="month", columns="account", values="balance_minor")
    assert by_account.index.tolist() == MONTHS_Q1
    assert by_account.to_dict("list") == {
        "Checking": [420_750, 420_750, 697_720],
        "Old cash": [2_000, 2_000, 2_000],
        "Savings": [100_123, 100_123, 100_123],
    }
    assert frame["balance_minor"].dtype == "int64"
    assert set(frame["account_id"]) == {home.checking, home.savings, home.old_cash}


def test_balances_stop_at_date_to_and_ignore_category_and_payee_filters(home):
    filters = Filters(
        date(2024, 3, 1),
        date(2024, 3, 15),
        account_ids=(home.checking,),
        category_ids=(home.rent,),
        payee="Landlord",
    )
    frame = queries.balances_by_month(home.engine, home.alice, filters)
    assert frame.to_dict("records") == [
        {"month": "2024-03", "account_id": home.checking, "account": "Checking",
         "balance_minor": 700_720},
    ]  # fmt: skip


def test_net_worth_by_month_sums_the_accounts(home):
    frame = queries.net_worth_by_month(home.engine, home.alice, Q1)
    assert frame.to_dict("list") == {
        "month": MONTHS_Q1,
        "net_worth_minor": [522_873, 522_873, 799_843],
    }
    assert frame["net_worth_minor"].dtype == "int64"
    bob = queries.net_worth_by_month(home.engine, home.bob, Q1)
    assert bob["net_worth_minor"].tolist() == [101_223, 101_223, 100_723]


def test_net_worth_without_accounts_is_zero_every_month(engine):
    lonely = make_user(engine, "lonely")
    frame = queries.net_worth_by_month(engine, lonely, Q1)
    assert frame.to_dict("list") == {"month": MONTHS_Q1, "net_worth_minor": [0, 0, 0]}
    assert queries.balances_by_month(engine, lonely, Q1).empty


# how the aggregates read


def test_totals_is_one_select(home):
    with statements(home.engine) as seen:
        queries.totals(home.engine, home.alice, Q1)
    assert [s for s in seen if s.lstrip().upper().startswith("SELECT")] == seen
    assert len(seen) == 1


@pytest.mark.parametrize(
    "aggregate",
    [
        queries.spending_by_category,
        queries.income_spending_by_month,
        queries.spending_by_month_category,
        queries.balances_by_month,
        queries.net_worth_by_month,
    ],
)
def test_aggregates_are_single_grouped_selects(home, aggregate):
    with statements(home.engine) as seen:
        aggregate(home.engine, home.alice, Q1)
    assert len(seen) == 1
    assert "GROUP BY" in seen[0].upper() and "SUM(" in seen[0].upper()


def test_top_payees_is_one_grouped_select_and_one_over_split_parts(home):
    with statements(home.engine) as seen:
        queries.top_payees(home.engine, home.alice, Q1)
    assert len(seen) == 2 and all("GROUP BY" in sql.upper() for sql in seen)
    assert "transaction_splits.id IS NOT NULL" in seen[1]


def test_budget_status_is_one_grouped_select(home):
    with statements(home.engine) as seen:
        budget_status(home.engine, home.alice, date(2024, 3, 1), date(2024, 3, 4))
    # The grouped select, then data/budget_rollover.py's read of rollover limits (none here,
    # so no second grouped query).
    assert len(seen) == 2
    assert "GROUP BY" in seen[0].upper()
    assert "rollover" in seen[1] and "GROUP BY" not in seen[1].upper()
