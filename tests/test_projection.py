"""data/projection.py and data/projection_month_end.py: the month's end from schedules and the
typical rest, checked to the minor unit on both dialects.

Today is 15 March 2025, so the history is March 2024 to February 2025, and of each month what
came after the 15th. Alice's groceries after the 15th were, month by month, GROCERIES_AFTER
(one month none at all; June's 600 is a part of a split shop whose other part is Dining); she
also spends 1,000 on groceries on each 15th, which is not after the day. Her rent is posted from
a schedule on every 20th, so it is no part of the typical rest. Bob has bigger rows on the same
days: any leak of them changes a number.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, insert, update

from data.budget_status import budget_status
from data.months import add_months
from data.projection import (
    Band,
    band_of,
    nearest_rank,
    project_budgets,
    unscheduled_after_day,
)
from data.projection_month_end import month_end_projection
from data.schedules.model import ScheduledItem
from data.schema import (
    accounts,
    budgets,
    categories,
    schedule_occurrences,
    schedules,
    transaction_splits,
    transactions,
)
from tests.conftest import make_user

TODAY = date(2025, 3, 15)
MARCH = date(2025, 3, 1)
HISTORY = [add_months(date(2024, 3, 1), k) for k in range(12)]
# Groceries after the 15th of each history month, March 2024 first; June (index 3) is a split.
GROCERIES_AFTER = [100, 200, 0, 600, 400, 500, 700, 800, 900, 1000, 1100, 1200]
SPLIT_MONTH = 3
# Dining after the 15th: the split's other part in June, a plain 500 in May (index 2).
DINING_AFTER = {SPLIT_MONTH: 300, 2: 500}
RENT = 80_000
OPENING = 1_000_000


def add_row(engine: Engine, table, **values) -> int:
    with engine.begin() as conn:
        return conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()


@pytest.fixture
def home(engine) -> SimpleNamespace:
    h = SimpleNamespace(engine=engine, rows=[])
    h.alice = a = make_user(engine, "alice")
    h.bob = b = make_user(engine, "bob")

    def account(user_id, name):
        row = dict(user_id=user_id, name=name, type="checking", currency="EUR")
        return add_row(engine, accounts, **row, opening_balance_minor=OPENING)

    def category(user_id, name, kind):
        return add_row(engine, categories, user_id=user_id, name=name, kind=kind)

    def tx(user_id, account_id, day, amount, category_id=None, payee=""):
        if user_id == a:
            h.rows.append((account_id, day, amount))
        row = dict(user_id=user_id, account_id=account_id, date=day, amount_minor=amount)
        return add_row(engine, transactions, **row, category_id=category_id, payee=payee)

    h.checking, h.savings = account(a, "Checking"), account(a, "Savings")
    h.groceries = category(a, "Groceries", "expense")
    h.dining = category(a, "Dining", "expense")
    h.rent = category(a, "Rent", "expense")
    h.salary = category(a, "Salary", "income")
    bob_account, bob_food = account(b, "Bob's"), category(b, "Food", "expense")
    h.rent_schedule = add_row(
        engine,
        schedules,
        user_id=a,
        name="Rent",
        account_id=h.checking,
        payee="Landlord",
        category_id=h.rent,
        amount_minor=-RENT,
        rrule="FREQ=MONTHLY;BYMONTHDAY=20",
        starts_on=HISTORY[0].replace(day=20),
    )
    for index, first in enumerate(HISTORY):
        tx(a, h.checking, first, 300_000, h.salary, "ACME")
        tx(a, h.checking, first.replace(day=15), -1_000, h.groceries, "Market")
        after = first.replace(day=25)
        if index == SPLIT_MONTH:
            shop = tx(a, h.checking, after, -900, None, "Hypermarket")
            for position, (category_id, part) in enumerate(
                ((h.groceries, -GROCERIES_AFTER[index]), (h.dining, -DINING_AFTER[index]))
            ):
                add_row(
                    engine,
                    transaction_splits,
                    user_id=a,
                    transaction_id=shop,
                    position=position,
                    category_id=category_id,
                    amount_minor=part,
                )
        else:
            if GROCERIES_AFTER[index]:
                tx(a, h.checking, after, -GROCERIES_AFTER[index], h.groceries, "Market")
            if index in DINING_AFTER:
                tx(a, h.checking, after, -DINING_AFTER[index], h.dining, "Bistro")
        rent = tx(a, h.checking, first.replace(day=20), -RENT, h.rent, "Landlord")
        add_row(
            engine,
            schedule_occurrences,
            user_id=a,
            schedule_id=h.rent_schedule,
            due_on=first.replace(day=20),
            status="posted",
            transaction_id=rent,
        )
        tx(b, bob_account, after, -99_999, bob_food, "Market")
    # This month: pay, a shop before today, one entered ahead for the 28th, a transfer.
    tx(a, h.checking, MARCH, 300_000, h.salary, "ACME")
    tx(a, h.checking, date(2025, 3, 3), -1_000, h.groceries, "Market")
    tx(a, h.checking, date(2025, 3, 28), -700, h.groceries, "Market")
    out = tx(a, h.checking, date(2025, 3, 10), -5_000, None, "To savings")
    into = tx(a, h.savings, date(2025, 3, 10), 5_000, None, "From checking")
    with engine.begin() as conn:
        for one, other in ((out, into), (into, out)):
            conn.execute(
                update(transactions).where(transactions.c.id == one).values(transfer_peer_id=other)
            )
    for category_id, limit in ((h.groceries, 5_000), (h.rent, RENT), (h.dining, 2_000)):
        add_row(engine, budgets, user_id=a, category_id=category_id, month=MARCH, limit_minor=limit)
    h.veg_box = item(h, "Veg box", date(2025, 3, 20), h.groceries, -250)
    h.rent_item = item(h, "Rent", date(2025, 3, 20), h.rent, -RENT)
    return h


def item(h, name: str, day: date, category_id: int | None, amount: int, account_id=None):
    return ScheduledItem(
        schedule_id=1,
        name=name,
        due_on=day,
        posts_on=day,
        account_id=h.checking if account_id is None else account_id,
        category_id=category_id,
        amount_minor=amount,
        payee=name,
    )


# Nearest rank, by hand: of 12 values p10 is the 2nd smallest, p50 the 6th, p90 the 11th.
def test_nearest_rank_percentiles_by_hand():
    values = [5, 1, 12, 2, 11, 3, 10, 4, 9, 6, 8, 7]
    assert [nearest_rank(values, p) for p in (10, 50, 90)] == [2, 6, 11]
    assert nearest_rank([7], 10) == 7 and nearest_rank([], 50) == 0
    assert band_of([3, 1, 2]) == Band(1, 2, 3)  # ranks 1, 2, 3 of three


def test_percentiles_of_each_category_after_the_day_with_a_month_of_zero(home):
    typical = unscheduled_after_day(home.engine, home.alice, MARCH, TODAY)
    assert typical.months == 12 and typical.full and typical.after_day == 15
    # Sorted: 0 100 200 400 500 600 700 ...: p10 the 2nd, p50 the 6th, p90 the 11th.
    assert typical.of(home.groceries) == Band(100, 600, 1100)
    # The split's Dining part counts in Dining: ten zeros, 300, 500.
    assert typical.of(home.dining) == Band(0, 0, 300)


def test_schedule_posted_transactions_are_left_out_of_the_history(home):
    typical = unscheduled_after_day(home.engine, home.alice, MARCH, TODAY)
    assert typical.of(home.rent) == Band(0, 0, 0)
    with home.engine.begin() as conn:
        conn.execute(delete(schedule_occurrences))
        conn.execute(delete(schedules))
    again = unscheduled_after_day(home.engine, home.alice, MARCH, TODAY)
    assert again.of(home.rent) == Band(RENT, RENT, RENT), "the control: no schedule, rent counts"


def test_a_later_month_learns_from_whole_months_and_a_past_month_from_none(home):
    april = unscheduled_after_day(home.engine, home.alice, date(2025, 4, 1), TODAY)
    assert april.after_day == 0
    # The 1,000 of every 15th now counts too.
    assert april.of(home.groceries) == Band(1_100, 1_600, 2_100)
    february = unscheduled_after_day(home.engine, home.alice, date(2025, 2, 1), TODAY)
    assert february.after_day is None and february.by_category.empty


def test_the_account_filter_narrows_the_history(home):
    typical = unscheduled_after_day(home.engine, home.alice, MARCH, TODAY, (home.savings,))
    assert typical.by_category.empty
    assert typical.months == 0, "Savings has no transaction before this month"


def test_projection_is_spent_plus_scheduled_still_to_come_plus_p50(home):
    status = budget_status(home.engine, home.alice, MARCH, TODAY)
    typical = unscheduled_after_day(home.engine, home.alice, MARCH, TODAY)
    projected = project_budgets(status, [home.veg_box, home.rent_item], typical)
    by_name = projected.set_index("category")
    groceries = by_name.loc["Groceries"]
    assert int(groceries.spent_minor) == 1_700, "the shop entered ahead is spent already"
    assert int(groceries.scheduled_minor) == 250
    assert int(groceries.projected_minor) == 1_700 + 250 + 600
    assert int(groceries.projected_low_minor) == 1_700 + 250 + 100
    assert int(groceries.projected_high_minor) == 1_700 + 250 + 1_100
    rent = by_name.loc["Rent"]
    assert (int(rent.projected_low_minor), int(rent.projected_minor)) == (RENT, RENT)
    for row in projected.itertuples():
        assert row.projected_low_minor <= row.projected_minor <= row.projected_high_minor


def test_a_past_month_projects_what_was_spent_whatever_is_scheduled(home):
    february = date(2025, 2, 1)
    limit = dict(user_id=home.alice, category_id=home.groceries, month=february)
    add_row(home.engine, budgets, **limit, limit_minor=1_000)
    status = budget_status(home.engine, home.alice, february, TODAY)
    typical = unscheduled_after_day(home.engine, home.alice, february, TODAY)
    late = item(home, "Late", date(2025, 2, 27), home.groceries, -999)
    projected = project_budgets(status, [late], typical)
    # February 2025 is the history's last month: 1,000 on the 15th and 1,200 after it.
    assert list(projected["projected_minor"]) == [1_000 + 1_200] == list(projected["spent_minor"])
    assert list(projected["projected_high_minor"]) == [2_200]


def test_without_twelve_months_of_history_the_budget_status_projection_stays(engine):
    user = make_user(engine, "carol")
    account = add_row(engine, accounts, user_id=user, name="C", type="cash", currency="EUR")
    food = add_row(engine, categories, user_id=user, name="Food", kind="expense")
    for day, amount in ((date(2025, 1, 20), -3_000), (date(2025, 2, 20), -1_000)):
        row = dict(user_id=user, account_id=account, date=day, category_id=food)
        add_row(engine, transactions, **row, amount_minor=amount)
    add_row(engine, budgets, user_id=user, category_id=food, month=MARCH, limit_minor=9_000)
    status = budget_status(engine, user, MARCH, TODAY)
    typical = unscheduled_after_day(engine, user, MARCH, TODAY)
    assert typical.months == 2 and not typical.full
    scheduled = [
        ScheduledItem(1, "Box", TODAY, TODAY, account, food, -5_000, "Box"),
    ]
    projected = project_budgets(status, scheduled, typical)
    assert list(projected["projected_minor"]) == list(status["projected_minor"])
    assert list(projected["projected_low_minor"]) == list(status["projected_minor"])
    assert list(projected["projected_high_minor"]) == list(status["projected_minor"])
    assert int(status["projected_minor"].iloc[0]) == 1_333, "three months' habit: 4,000 / 3"


def balance_today(h, account_id: int) -> int:
    return OPENING + sum(a for acc, day, a in h.rows if acc == account_id and day <= TODAY)


def test_month_end_per_account_with_the_scheduled_items_on_their_accounts(home):
    on_savings = item(home, "Savings plan", date(2025, 3, 27), None, 2_000, home.savings)
    items = [home.veg_box, home.rent_item, on_savings]
    outlook = month_end_projection(home.engine, home.alice, TODAY, items)
    assert outlook.history_months == 12
    by_name = outlook.accounts.set_index("account")
    checking = by_name.loc["Checking"]
    assert int(checking.balance_minor) == balance_today(home, home.checking)
    # Checking's after-the-15th flows: -(groceries + dining) of each month; the schedule's rent
    # is not among them. Ranked as spending, 100 200 400 500 500 700 800 900 900 1000 1100
    # 1200: p10 200, p50 700, p90 1100, so the balance's band is -1100, -700, -200.
    coming = -700 - 250 - RENT
    assert int(checking.coming_minor) == coming
    base = int(checking.balance_minor) + coming
    assert (int(checking.low_minor), int(checking.likely_minor), int(checking.high_minor)) == (
        base - 1_100,
        base - 700,
        base - 200,
    )
    savings = by_name.loc["Savings"]
    assert int(savings.balance_minor) == OPENING + 5_000
    assert int(savings.likely_minor) == int(savings.low_minor) == OPENING + 5_000 + 2_000
    assert [i.name for i in outlook.scheduled] == ["Rent", "Veg box", "Savings plan"]


def test_the_months_net_leaves_transfers_out_and_has_its_band(home):
    outlook = month_end_projection(home.engine, home.alice, TODAY, [home.veg_box, home.rent_item])
    # Pay 300,000, groceries 1,000 and 700; the 5,000 to savings is a transfer.
    assert outlook.net_so_far_minor == 300_000 - 1_700
    scheduled = -250 - RENT
    base = 298_300 + scheduled
    assert outlook.net == Band(base - 1_100, base - 700, base - 200)


def test_the_path_runs_from_today_to_the_month_end_and_ends_at_the_accounts(home):
    outlook = month_end_projection(home.engine, home.alice, TODAY, [home.veg_box, home.rent_item])
    path = outlook.path
    assert list(path["date"]) == [date(2025, 3, d) for d in range(15, 32)]
    total_today = balance_today(home, home.checking) + balance_today(home, home.savings)
    first = path.iloc[0]
    assert (int(first.low_minor), int(first.likely_minor), int(first.high_minor)) == (
        total_today,
        total_today,
        total_today,
    )
    last = path.iloc[-1]
    assert int(last.likely_minor) == int(outlook.accounts["likely_minor"].sum())
    on_20th = path.set_index("date").loc[date(2025, 3, 20)]
    on_19th = path.set_index("date").loc[date(2025, 3, 19)]
    assert int(on_19th.likely_minor) - int(on_20th.likely_minor) >= RENT + 250
    assert (path["low_minor"] <= path["likely_minor"]).all()
    assert (path["likely_minor"] <= path["high_minor"]).all()


def test_the_account_filter_and_no_accounts(home, engine):
    outlook = month_end_projection(home.engine, home.alice, TODAY, [home.veg_box], (home.savings,))
    assert list(outlook.accounts["account"]) == ["Savings"]
    assert outlook.scheduled == (), "the veg box is on Checking"
    nobody = make_user(engine, "dave")
    empty = month_end_projection(engine, nobody, TODAY, [])
    assert empty.accounts.empty and empty.net == Band(0, 0, 0)
    assert isinstance(empty.path, pd.DataFrame)


def test_payments_a_schedule_was_made_from_are_left_out_too(home):
    """Rent paid by hand for a year, then a schedule made from it: no occurrence names those
    payments, yet they are the schedule's; a payment to another payee still counts."""
    with home.engine.begin() as conn:
        conn.execute(delete(schedule_occurrences))
    again = unscheduled_after_day(home.engine, home.alice, MARCH, TODAY)
    assert again.of(home.rent) == Band(0, 0, 0), "Landlord, Rent, within 5 %: the schedule's"
    with home.engine.begin() as conn:
        conn.execute(update(schedules).values(payee="Another landlord"))
    assert unscheduled_after_day(home.engine, home.alice, MARCH, TODAY).of(home.rent) == Band(
        RENT, RENT, RENT
    )
    with home.engine.begin() as conn:
        conn.execute(update(schedules).values(payee="Landlord", amount_minor=-RENT * 2))
    twice = unscheduled_after_day(home.engine, home.alice, MARCH, TODAY)
    assert twice.of(home.rent) == Band(RENT, RENT, RENT), "half the amount is not the schedule"
    with home.engine.begin() as conn:
        conn.execute(update(schedules).values(amount_minor=-RENT, active=False))
    paused = unscheduled_after_day(home.engine, home.alice, MARCH, TODAY)
    assert paused.of(home.rent) == Band(RENT, RENT, RENT), "a paused schedule posts nothing"


def test_the_months_net_and_path_never_add_dollars_to_euros(engine):
    """Each account's end in its own currency; the month's net in the reporting currency
    (converted: 1 EUR = 1.25 USD, $12.50 spent is €10.00); the path over euro accounts only."""
    from data import setup_writes, writes
    from data.entries import Transaction
    from data.rates import Rate, save_rate

    user_id = make_user(engine, "carol")
    euros = setup_writes.create_account(engine, user_id, "Euros", "checking", "EUR", 500_00)
    dollars = setup_writes.create_account(engine, user_id, "Dollars", "checking", "USD", 900_00)
    food = setup_writes.create_category(engine, user_id, "Food", "expense")
    save_rate(engine, user_id, Rate("USD", add_months(TODAY, -1), 1_250_000))
    for account, amount in ((euros, -20_00), (dollars, -12_50)):
        txn = Transaction(account, TODAY.replace(day=3), amount, category_id=food)
        writes.create_transaction(engine, user_id, txn)
    end = month_end_projection(engine, user_id, TODAY, [])
    assert end.net_so_far_minor == -30_00
    balances = dict(zip(end.accounts["account_id"], end.accounts["balance_minor"], strict=True))
    assert balances == {euros: 480_00, dollars: 887_50}
    assert int(end.path["likely_minor"].iloc[0]) == 480_00
