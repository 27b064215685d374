"""The /rates callbacks and the overview's currency line, called as plain functions inside a
request acting as a user."""

from __future__ import annotations

import base64
from datetime import date
from pathlib import Path

from dashboard import ids, routing
from dashboard.callbacks import overview_currencies
from dashboard.callbacks import rates as cb
from dashboard.callbacks.transaction_common import account_options
from dashboard.callbacks.transactions import totals_line
from dashboard.callbacks.transfer_currencies import received_view
from dashboard.forms import parse_transfer_form
from dashboard.shell import NAV_ITEMS
from data import setup_writes, writes
from data.entries import Transaction, Transfer
from data.filters import Filters
from data.lookups import list_accounts
from data.rates import list_rates
from tests.conftest import as_user, make_user
from tests.test_dashboard_budgets import texts, walk

ECB_FILE = Path(__file__).parent / "fixtures" / "rates" / "eurofxref-hist.csv"


def data_url(content: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode()


def test_the_rates_page_is_routed_and_in_the_navbar():
    shown = {
        c.id for c in walk(routing.render_page("/rates")) if isinstance(getattr(c, "id", None), str)
    }
    assert {ids.RATES_NEEDED, ids.RATES_LIST, ids.RATE_SAVE, ids.RATES_UPLOAD} <= shown
    assert any(href == "/rates" for href, _label, _icon in NAV_ITEMS)


def test_a_rate_entered_by_hand_is_validated_then_saved_and_listed(app, engine):
    alice = make_user(engine, "alice")
    setup_writes.create_account(engine, alice, "Dollars", "checking", "USD")
    with as_user(app, alice):
        errors, saved = cb.save_rate("usd", "2024-02-30", "1.1234567")
        assert saved is None
        assert errors["on_date"].startswith("Not a date: 2024-02-30")
        assert "6 decimals" in errors["rate"]
        errors, saved = cb.save_rate("EUR", "2024-02-01", "1")
        assert "reporting currency" in errors["currency"]
        assert list_rates(engine, alice).empty
        errors, saved = cb.save_rate("usd", "2024-02-01", "1.0823")
        assert errors == {} and saved == "Saved: 1 EUR = 1.0823 USD on 2024-02-01."
        tables = cb.page_tables()
        assert "1 EUR = 1.0823 USD on 2024-02-01" in texts(tables["needed"])
        assert "1 EUR = 1.0823 USD" in texts(tables["list"])
        assert "reporting currency is EUR" in tables["base"]


def test_a_currency_without_a_rate_is_named_on_the_page(app, engine):
    alice = make_user(engine, "alice")
    setup_writes.create_account(engine, alice, "Yen", "checking", "JPY")
    with as_user(app, alice):
        assert "no rate yet" in texts(cb.page_tables()["needed"])


def test_deleting_another_users_rate_is_refused(app, engine):
    alice, bob = make_user(engine, "alice"), make_user(engine, "bob")
    setup_writes.create_account(engine, alice, "Dollars", "checking", "USD")
    with as_user(app, alice):
        cb.save_rate("USD", "2024-02-01", "1.1")
    rate_id = int(list_rates(engine, alice)["id"].iloc[0])
    with as_user(app, bob):
        assert cb.delete_rate(rate_id) == "That rate was not found."
        assert cb.delete_rate("1; DROP TABLE") == "That rate was not found."
    assert len(list_rates(engine, alice)) == 1
    with as_user(app, alice):
        assert cb.delete_rate(rate_id) == "Deleted the rate."
    assert list_rates(engine, alice).empty


def test_the_ecb_file_imports_the_currencies_the_accounts_need(app, engine):
    alice = make_user(engine, "alice")
    setup_writes.create_account(engine, alice, "Dollars", "checking", "USD")
    setup_writes.create_account(engine, alice, "Francs", "checking", "CHF")
    with as_user(app, alice):
        ok, message = cb.import_file(data_url(ECB_FILE.read_bytes()), "eurofxref-hist.csv")
        assert ok, message
        assert message.startswith("Imported 2 rates of USD from eurofxref-hist.csv.")
        assert "no rates of CHF" in message
        ok, message = cb.import_file(data_url(b"not,a,rate,file\n"), "x.csv")
        assert not ok and "Date,USD" in message
        ok, message = cb.import_file("data:text/csv;base64,@@@", "x.csv")
        assert not ok and "damaged" in message
    assert sorted(list_rates(engine, alice)["rate_micro"]) == [1_075_000, 1_080_000]


def test_a_single_currency_user_is_told_no_rate_is_needed(app, engine):
    alice = make_user(engine, "alice")
    with as_user(app, alice):
        ok, message = cb.import_file(data_url(ECB_FILE.read_bytes()), "eurofxref-hist.csv")
        assert not ok and "no rate is needed" in message
        assert (
            overview_currencies.currency_note(alice, Filters(date(2024, 1, 1), date.today()))
            is None
        )


def test_the_overview_line_shows_the_rate_on_hover_and_amounts_without_one_apart(app, engine):
    alice = make_user(engine, "alice")
    dollars = setup_writes.create_account(engine, alice, "Dollars", "checking", "USD")
    writes.create_transaction(
        engine, alice, Transaction(dollars, date(2024, 1, 3), -12_000, "Shop")
    )
    writes.create_transaction(engine, alice, Transaction(dollars, date(2024, 3, 3), -1_000, "Shop"))
    period = Filters(date(2024, 1, 1), date(2024, 3, 31))
    with as_user(app, alice):
        cb.save_rate("USD", "2024-02-01", "1.25")
        note = overview_currencies.currency_note(alice, period)
        [line] = [
            c for c in walk(note) if getattr(c, "id", None) == f"{ids.OVERVIEW_CURRENCY_NOTE}-rates"
        ]
        assert "1 EUR = 1.25 USD" in line.title
        assert "Totals in EUR" in texts(line)
        assert (
            "$120.00 of spending in USD could not be converted (no rate on or before 2024-01-03)"
            in texts(note)
        )


def test_the_grid_total_says_how_many_rows_had_no_rate(app, engine):
    alice = make_user(engine, "alice")
    with as_user(app, alice):
        assert "2 without an exchange rate" in texts(totals_line(alice, 5, 1_000, None, 2))
        assert "without an exchange rate" not in texts(totals_line(alice, 5, 1_000, None))


def test_a_transfer_between_currencies_asks_for_the_amount_received(app, engine):
    alice = make_user(engine, "alice")
    euros = setup_writes.create_account(engine, alice, "Checking", "checking", "EUR")
    dollars = setup_writes.create_account(engine, alice, "Dollars", "checking", "USD")
    cash = setup_writes.create_account(engine, alice, "Cash", "cash", "EUR")
    with as_user(app, alice):
        shown = received_view(alice, "transfer", str(euros), str(dollars))
        assert shown == {"style": {}, "label": "Amount received (USD)"}
        assert received_view(alice, "transfer", str(euros), str(cash))["style"] == {
            "display": "none"
        }
        assert received_view(alice, "transaction", str(euros), str(dollars))["style"] == {
            "display": "none"
        }
    currencies = {euros: "EUR", dollars: "USD", cash: "EUR"}
    form = {"date": "2024-01-10", "amount": "100.00", "account": str(euros),
            "to_account": str(dollars), "received": "108.23"}  # fmt: skip
    assert parse_transfer_form(form, currencies) == Transfer(
        euros, dollars, date(2024, 1, 10), 10_000, received_minor=10_823
    )
    assert (
        "Enter the amount that arrived, in USD"
        in parse_transfer_form({**form, "received": ""}, currencies)["received"]
    )
    assert (
        "2 decimals" in parse_transfer_form({**form, "received": "1.234"}, currencies)["received"]
    )
    assert (
        "one currency"
        in parse_transfer_form({**form, "to_account": str(cash)}, currencies)["received"]
    )
    assert parse_transfer_form({**form, "to_account": str(cash), "received": ""}, currencies) == (
        Transfer(euros, cash, date(2024, 1, 10), 10_000)
    )


def test_account_choices_name_their_currency_when_there_are_several(engine):
    alice = make_user(engine, "alice")
    setup_writes.create_account(engine, alice, "Checking", "checking", "EUR")
    assert [o["label"] for o in account_options(list_accounts(engine, alice))] == ["Checking"]
    setup_writes.create_account(engine, alice, "Dollars", "checking", "USD")
    labels = [o["label"] for o in account_options(list_accounts(engine, alice))]
    assert labels == ["Checking (EUR)", "Dollars (USD)"]
