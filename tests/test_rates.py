"""data/rates.py, data/rates_ecb.py and data/conversion.py: rates stored per user, the ECB's file,
and every aggregate in the reporting currency, checked against sums computed by hand.

Alice reports in EUR and has a EUR, a USD and a JPY account. Her USD rate is 1 EUR = 1.25 USD
from 1 Jan 2024 and 2 USD from 1 Feb; her JPY rate 160 from 10 Jan, so a yen payment on 5 Jan
has no rate. Bob has a JPY rate from 2023: if his rates leaked into hers, that payment would
convert and the numbers below would change.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, insert, select

from data import queries
from data.budget_status import budget_status
from data.conversion import convert_minor, rates_in_effect, unconverted
from data.filters import Filters
from data.lookups import data_version
from data.rates import (
    Rate,
    clean_rate,
    delete_rate,
    format_rate,
    import_rates,
    list_rates,
    needed_currencies,
    parse_rate,
    save_rate,
)
from data.rates_ecb import EcbFileError, parse_ecb
from data.schema import accounts, budgets, categories, exchange_rates, transactions
from data.validation import Invalid, NotFound, ValidationError
from tests.conftest import make_user

ECB_FILE = Path(__file__).parent / "fixtures" / "rates" / "eurofxref-hist.csv"
Q1 = Filters(date(2024, 1, 1), date(2024, 3, 31))


def add_row(engine: Engine, table, **values) -> int:
    with engine.begin() as conn:
        return conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()


@pytest.fixture
def world(engine) -> SimpleNamespace:
    w = SimpleNamespace(engine=engine)
    w.alice = a = make_user(engine, "alice")
    w.bob = b = make_user(engine, "bob")

    def account(user_id, name, currency, opening=0):
        return add_row(
            engine, accounts, user_id=user_id, name=name, type="checking",
            currency=currency, opening_balance_minor=opening,
        )  # fmt: skip

    def tx(account_id, day, amount, category_id=None, user_id=a):
        return add_row(
            engine, transactions, user_id=user_id, account_id=account_id, date=day,
            amount_minor=amount, payee="Shop", category_id=category_id,
        )  # fmt: skip

    w.eur = account(a, "Checking", "EUR")
    w.usd = account(a, "Dollars", "USD", 10_000)
    w.jpy = account(a, "Yen", "JPY")
    w.groceries = add_row(engine, categories, user_id=a, name="Groceries", kind="expense")
    w.rent = add_row(engine, categories, user_id=a, name="Rent", kind="expense")
    w.salary = add_row(engine, categories, user_id=a, name="Salary", kind="income")
    import_rates(engine, a, [
        Rate("USD", date(2024, 1, 1), 1_250_000),
        Rate("USD", date(2024, 2, 1), 2_000_000),
        Rate("JPY", date(2024, 1, 10), 160_000_000),
    ])  # fmt: skip
    tx(w.eur, date(2024, 1, 5), -10_000, w.groceries)
    tx(w.usd, date(2024, 1, 15), -1_000, w.groceries)  # $10 at 1.25: €8.00
    tx(w.usd, date(2024, 1, 31), -2_500, w.groceries)  # 31 Jan: still 1.25, €20.00
    tx(w.jpy, date(2024, 1, 5), -800)  # before the first JPY rate: not converted
    tx(w.jpy, date(2024, 1, 20), -1_600, w.rent)  # ¥1600 at 160: €10.00
    tx(w.usd, date(2024, 2, 10), -3)  # 3 cents at 2: 1.5 cents, half away from zero: 2
    tx(w.usd, date(2024, 2, 11), 5)  # 2.5 cents: 3
    tx(w.usd, date(2024, 2, 15), 10_000, w.salary)  # $100 at 2: €50.00
    bob_yen = account(b, "Bob's yen", "JPY")
    import_rates(engine, b, [Rate("JPY", date(2023, 1, 1), 1_000_000)])
    tx(bob_yen, date(2024, 1, 5), -999, user_id=b)
    return w


# the rate's text


@pytest.mark.parametrize(
    ("text", "micro"),
    [("1.0823", 1_082_300), ("161", 161_000_000), ("0.000001", 1), (" 2.5 ", 2_500_000)],
)
def test_a_rate_is_read_exactly_to_micro_units(text, micro):
    assert parse_rate(text) == micro
    assert parse_rate(format_rate(micro)) == micro


@pytest.mark.parametrize("text", ["", "0", "-1.2", "1.1234567", "abc", "NaN", "Infinity", None])
def test_a_rate_must_be_positive_with_at_most_six_decimals(text):
    with pytest.raises(Invalid):
        parse_rate(text)


def test_a_form_rate_names_each_bad_field():
    with pytest.raises(ValidationError) as raised:
        clean_rate("US", "2024-01-01", "1.2")
    assert set(raised.value.field_errors) == {"currency", "on_date"}
    assert clean_rate("usd", date(2024, 1, 1), "1.2") == Rate("USD", date(2024, 1, 1), 1_200_000)


# the store


def test_saving_a_day_again_replaces_its_rate_and_bumps_the_version(world):
    engine, alice = world.engine, world.alice
    before = data_version(engine, alice)
    save_rate(engine, alice, Rate("USD", date(2024, 1, 1), 1_300_000))
    assert data_version(engine, alice) == before + 1
    rates = list_rates(engine, alice)
    assert len(rates) == 3
    jan = rates[(rates["currency"] == "USD") & (rates["on_date"] == date(2024, 1, 1))]
    assert jan["rate_micro"].tolist() == [1_300_000]


def test_the_reporting_currency_needs_no_rate(world):
    with pytest.raises(ValidationError) as raised:
        save_rate(world.engine, world.alice, Rate("EUR", date(2024, 1, 1), 1_000_000))
    assert "reporting currency" in raised.value.field_errors["currency"]


def test_rates_are_the_owners_own(world):
    engine = world.engine
    bobs = list_rates(engine, world.bob)
    assert bobs["currency"].tolist() == ["JPY"]
    with pytest.raises(NotFound):
        delete_rate(engine, world.alice, int(bobs["id"][0]))
    assert len(list_rates(engine, world.bob)) == 1
    alices = list_rates(engine, world.alice)
    delete_rate(engine, world.alice, int(alices["id"][0]))
    assert len(list_rates(engine, world.alice)) == 2


def test_needed_currencies_list_each_foreign_currency_with_its_latest_rate(world):
    needed = needed_currencies(world.engine, world.alice)
    assert needed["currency"].tolist() == ["JPY", "USD"]
    assert needed["latest_rate_micro"].tolist() == [160_000_000, 2_000_000]
    assert needed["latest_date"].tolist() == [date(2024, 1, 10), date(2024, 2, 1)]


def test_rates_against_another_base_are_not_used_after_the_reporting_currency_changes(world):
    # A rate stored against GBP (the user's reporting currency when it was entered) is never
    # read as a rate against EUR.
    engine = world.engine
    with engine.begin() as conn:
        conn.execute(
            insert(exchange_rates).values(
                user_id=world.alice, base_currency="GBP", currency="JPY",
                on_date=date(2020, 1, 1), rate_micro=1_000_000,
            )
        )  # fmt: skip
    assert unconverted(engine, world.alice, Q1)["spending_minor"].tolist() == [800]


# the ECB's file


def test_ecb_file_for_a_euro_user_keeps_its_values_exactly():
    parsed = parse_ecb(ECB_FILE.read_bytes(), "EUR")
    assert parsed.days == 3
    assert sorted(parsed.rates, key=lambda r: (r.on_date, r.currency)) == [
        Rate("JPY", date(2026, 1, 2), 161_000_000),
        Rate("USD", date(2026, 1, 2), 1_075_000),
        Rate("GBP", date(2026, 1, 5), 860_000),
        Rate("JPY", date(2026, 1, 5), 160_500_000),
        Rate("USD", date(2026, 1, 5), 1_080_000),
    ]


def test_ecb_file_for_a_dollar_user_gives_cross_rates_rounded_once():
    parsed = parse_ecb(ECB_FILE.read_bytes(), "USD", wanted={"EUR", "JPY", "GBP"})
    assert parsed.skipped_days == 1  # 1 Jan: no USD value, so no rate against USD
    assert sorted(parsed.rates, key=lambda r: (r.on_date, r.currency)) == [
        Rate("EUR", date(2026, 1, 2), 930_233),  # 1 / 1.075 = 0.9302325...
        Rate("JPY", date(2026, 1, 2), 149_767_442),  # 161 / 1.075 = 149.7674418...
        Rate("EUR", date(2026, 1, 5), 925_926),  # 1 / 1.08 = 0.9259259...
        Rate("GBP", date(2026, 1, 5), 796_296),  # 0.86 / 1.08 = 0.7962962...
        Rate("JPY", date(2026, 1, 5), 148_611_111),  # 160.5 / 1.08 = 148.6111...
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"Day,USD\n2024-01-01,1.1\n", "Date,USD"),
        (b"Date,US1\n2024-01-01,1.1\n", "currency code"),
        (b"Date,USD\n01/02/2024,1.1\n", "not a date"),
        (b"Date,USD\n2024-01-01,abc\n", "not a rate"),
        (b"Date,USD\n2024-01-01,-1\n", "positive"),
        (b"\xff\xfe\x00", "not text"),
    ],
)
def test_a_file_that_is_not_the_ecbs_is_refused_with_a_reason(data, message):
    with pytest.raises(EcbFileError, match=message):
        parse_ecb(data, "EUR")


def test_a_reporting_currency_the_file_lacks_is_refused():
    with pytest.raises(EcbFileError, match="no CHF column"):
        parse_ecb(ECB_FILE.read_bytes(), "CHF")


def test_an_imported_file_is_stored_and_a_second_import_replaces_its_days(engine):
    alice = make_user(engine, "alice")
    rates = parse_ecb(ECB_FILE.read_bytes(), "EUR").rates
    assert import_rates(engine, alice, rates) == 5
    assert import_rates(engine, alice, rates) == 5
    assert len(list_rates(engine, alice)) == 5


# conversion


def test_convert_minor_rounds_half_away_from_zero():
    assert convert_minor(3, 2_000_000, "USD", "EUR") == 2
    assert convert_minor(-3, 2_000_000, "USD", "EUR") == -2
    assert convert_minor(1_600, 160_000_000, "JPY", "EUR") == 1_000
    assert convert_minor(1_000, 6_250, "EUR", "JPY") == 1_600  # €10 at 0.00625 EUR per yen


def test_totals_convert_each_line_with_the_rate_on_or_before_its_date(world):
    totals = queries.totals(world.engine, world.alice, Q1)
    # Spending: €100 + $10 (€8) + $25 (€20) + ¥1600 (€10) + 3 cents (2): the ¥800 of 5 Jan
    # has no rate and is not in it. Income: 5 cents (3) + $100 (€50).
    assert totals["spending_minor"] == 10_000 + 800 + 2_000 + 1_000 + 2
    assert totals["income_minor"] == 3 + 5_000


def test_every_aggregate_sums_the_same_converted_lines(world):
    engine, alice = world.engine, world.alice
    by_category = queries.spending_by_category(engine, alice, Q1)
    assert dict(zip(by_category["category"], by_category["spending_minor"], strict=True)) == {
        "Groceries": 12_800, "Rent": 1_000, "Uncategorised": 2,
    }  # fmt: skip
    monthly = queries.income_spending_by_month(engine, alice, Q1)
    assert monthly["spending_minor"].tolist() == [13_800, 2, 0]
    assert monthly["income_minor"].tolist() == [0, 5_003, 0]
    wide = queries.spending_by_month_category(engine, alice, Q1)
    assert wide["Groceries"].tolist() == [12_800, 0, 0]
    payees = queries.top_payees(engine, alice, Q1)
    assert payees["spending_minor"].tolist() == [13_802]


def test_budget_spending_is_converted(world):
    add_row(world.engine, budgets, user_id=world.alice, category_id=world.groceries,
            month=date(2024, 1, 1), limit_minor=20_000)  # fmt: skip
    status = budget_status(world.engine, world.alice, date(2024, 1, 1), date(2024, 2, 15))
    assert status["spent_minor"].tolist() == [12_800]


def test_a_line_without_a_rate_is_reported_apart_never_summed(world):
    missing = unconverted(world.engine, world.alice, Q1)
    assert missing.to_dict("records") == [
        {"currency": "JPY", "income_minor": 0, "spending_minor": 800,
         "first_date": date(2024, 1, 5)},
    ]  # fmt: skip
    assert unconverted(world.engine, world.bob, Q1).empty  # Bob's own rate covers his


def test_net_worth_values_each_balance_at_its_months_rate(world):
    balances = queries.balances_by_month(world.engine, world.alice, Q1)
    usd = balances[balances["account"] == "Dollars"]["balance_minor"].tolist()
    jpy = balances[balances["account"] == "Yen"]["balance_minor"].tolist()
    assert usd == [5_200, 8_251, 8_251]  # $65.00 at 1.25; $165.02 at 2 (82.51)
    assert jpy == [-1_500, -1_500, -1_500]  # ¥-2400 at 160
    net = queries.net_worth_by_month(world.engine, world.alice, Q1)
    assert net["net_worth_minor"].tolist() == [-6_300, -3_249, -3_249]


def test_a_balance_without_a_rate_is_left_out_not_added_in_its_currency(world):
    early = Filters(date(2023, 12, 1), date(2023, 12, 31))
    balances = queries.balances_by_month(world.engine, world.alice, early)
    assert balances["account"].tolist() == ["Checking"]


def test_rates_in_effect_name_the_rates_a_period_used(world):
    shown = rates_in_effect(world.engine, world.alice, date(2024, 1, 15), date(2024, 2, 20))
    usd = shown[shown["currency"] == "USD"].iloc[0]
    assert (usd["rates"], usd["low_micro"], usd["high_micro"]) == (2, 1_250_000, 2_000_000)
    assert usd["latest_micro"] == 2_000_000


def test_one_currency_gives_the_same_totals_with_rates_stored(engine):
    alice = make_user(engine, "alice")
    checking = add_row(engine, accounts, user_id=alice, name="C", type="checking", currency="EUR")
    add_row(engine, transactions, user_id=alice, account_id=checking, date=date(2024, 1, 2),
            amount_minor=-1_234, payee="Shop")  # fmt: skip
    before = queries.totals(engine, alice, Q1)
    save_rate(engine, alice, Rate("USD", date(2024, 1, 1), 3_000_000))
    assert queries.totals(engine, alice, Q1) == before
    assert before["spending_minor"] == 1_234
    with engine.connect() as conn:
        assert conn.execute(select(exchange_rates.c.currency)).scalars().all() == ["USD"]
