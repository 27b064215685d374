"""The callbacks that take typed text, called as plain functions on real databases: a date that
is not one and a text over its limit are refused with a message, and nothing is stored or
filtered (issue 9, items 1 and 2). The browser side is tests/e2e/test_form_inputs.py."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from dash import no_update
from sqlalchemy import select

from dashboard import ids
from dashboard.callbacks import accounts as accounts_callbacks
from dashboard.callbacks import transaction_edit as edit
from dashboard.callbacks import transaction_entry as entry
from dashboard.callbacks import transactions as grid
from dashboard.callbacks.shell import update_filters
from dashboard.forms import NO_CATEGORY
from data import setup_writes, writes
from data.entries import Transaction
from data.schema import accounts, categories, transactions
from tests.conftest import as_user, make_user

BAD_DATES = ("2023-02-30", "2023/02/30", "2023-13-01", "yesterday-ish")
TODAY = date(2024, 6, 15)
LONG = 100_000


@pytest.fixture
def home(engine):
    """alice with two EUR accounts and a category; no transactions."""
    user_id = make_user(engine, "alice")
    return {
        "user": user_id,
        "checking": setup_writes.create_account(engine, user_id, "Checking", "checking"),
        "savings": setup_writes.create_account(engine, user_id, "Savings", "savings"),
        "food": setup_writes.create_category(engine, user_id, "Food", "expense"),
    }


def table_rows(engine, table) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(table).order_by(table.c.id))]


def submit(home, mode="transaction", date_value="2024-05-01", payee="Shop", memo=""):
    """The entry form's callback, with a fresh submission key: only the typed fields can fail."""
    amount = "10" if mode == "transfer" else "-10"
    form = {
        "mode": mode, "date": date_value, "amount": amount, "account": str(home["checking"]),
        "to_account": str(home["savings"]), "category": NO_CATEGORY, "payee": payee,
        "memo": memo, "submission_key": str(uuid.uuid4()),
    }  # fmt: skip
    return entry.submit_entry(home["user"], form, 3)


def edit_form(date_value: str, amount: str, account: int, payee: str, memo: str = "") -> dict:
    """The edit modal's values, keyed as its save callback hands them over."""
    return {
        "date": date_value, "amount": amount, "account": str(account), "category": "",
        "payee": payee, "memo": memo,
    }  # fmt: skip


# Item 1: dates.


@pytest.mark.parametrize("mode", ["transaction", "transfer"])
@pytest.mark.parametrize("typed", BAD_DATES)
def test_the_entry_form_stores_nothing_for_a_date_that_is_not_one(app, engine, home, mode, typed):
    with as_user(app, home["user"]):
        outcome = submit(home, mode, date_value=typed)
    assert not outcome.saved
    assert outcome.field_errors == {"date": f"Not a date: {typed}. Use YYYY-MM-DD."}
    assert table_rows(engine, transactions) == []


@pytest.mark.parametrize("typed", BAD_DATES)
def test_the_edit_modal_changes_nothing_for_a_date_that_is_not_one(app, engine, home, typed):
    txn = writes.create_transaction(
        engine, home["user"], Transaction(home["checking"], TODAY, -500, "Shop", "", None)
    )
    before = table_rows(engine, transactions)
    with as_user(app, home["user"]):
        outcome = edit.save_edit(
            home["user"], txn, edit_form(typed, "-7.00", home["checking"], "Other"), 1
        )
    assert not outcome.saved
    assert outcome.field_errors == {"date": f"Not a date: {typed}. Use YYYY-MM-DD."}
    assert table_rows(engine, transactions) == before


def test_a_typed_date_is_stored_as_typed(app, engine, home):
    with as_user(app, home["user"]):
        outcome = submit(home, date_value=" 2024-02-29 ")
    assert outcome.saved
    with engine.connect() as conn:
        assert conn.execute(select(transactions.c.date)).scalar_one() == date(2024, 2, 29)


def bar(preset, start, end, account_ids, category_ids) -> dict:
    """The filter bar's values, keyed as its callback hands them to update_filters."""
    return {
        "preset": preset, "start": start, "end": end,
        "account_ids": account_ids, "category_ids": category_ids,
    }  # fmt: skip


@pytest.mark.parametrize("field", [ids.DATE_FROM, ids.DATE_TO])
@pytest.mark.parametrize("typed", BAD_DATES)
def test_a_custom_range_date_that_is_not_one_changes_no_filter(field, typed):
    start, end = ("2024-01-05", "2024-02-10")
    start, end = (typed, end) if field == ids.DATE_FROM else (start, typed)
    answer = update_filters(bar("last_12_months", start, end, [1], []), field, TODAY)
    label = "From" if field == ids.DATE_FROM else "To"
    assert answer == {
        "store": no_update,
        "preset": no_update,
        "start_text": no_update,
        "end_text": no_update,
        "message": f"{label}: Not a date: {typed}. Use YYYY-MM-DD.",
    }


def test_a_custom_range_that_is_not_one_holds_back_other_filter_changes_too():
    # The range is what the person sees in the bar: filtering by some other period is not it.
    answer = update_filters(
        bar("custom", "2023-02-30", "2024-02-10", [1], []), ids.ACCOUNTS_FILTER, TODAY
    )
    assert "Not a date: 2023-02-30" in answer.pop("message")
    assert all(value is no_update for value in answer.values())


def test_a_typed_custom_range_filters_by_it_and_keeps_the_text():
    answer = update_filters(
        bar("last_12_months", "2024-01-05", "2024-02-10", [1], [2]), ids.DATE_TO, TODAY
    )
    assert answer["store"] == {
        "preset": "custom",
        "start": "2024-01-05",
        "end": "2024-02-10",
        "account_ids": [1],
        "category_ids": [2],
        "tag_ids": [],
        "all_tags": False,
    }
    assert answer["preset"] == "custom" and answer["message"] == ""
    assert answer["start_text"] is no_update and answer["end_text"] is no_update


def test_a_preset_fills_the_dates_and_clears_the_message():
    answer = update_filters(
        bar("this_month", "2023-02-30", "nonsense", None, None), ids.PRESET, TODAY
    )
    store = answer["store"]
    assert (store["start"], store["end"], answer["start_text"], answer["end_text"]) == (
        "2024-06-01",
        "2024-06-15",
        "2024-06-01",
        "2024-06-15",
    )
    assert (answer["preset"], answer["message"]) == ("this_month", "")


# Item 2: long texts are refused with the limit and the length, never cut.


@pytest.mark.parametrize("mode", ["transaction", "transfer"])
@pytest.mark.parametrize(
    ("field", "limit"), [("memo", "2,000"), ("payee", "200")], ids=["memo", "payee"]
)
def test_the_entry_form_refuses_a_pasted_100000_character_text(
    app, engine, home, mode, field, limit
):
    with as_user(app, home["user"]):
        outcome = submit(home, mode, **{field: "x" * LONG})
    assert not outcome.saved
    assert outcome.field_errors == {field: f"At most {limit} characters (this one has 100,000)."}
    assert table_rows(engine, transactions) == []


def test_the_edit_modal_refuses_a_pasted_100000_character_memo(app, engine, home):
    txn = writes.create_transaction(
        engine, home["user"], Transaction(home["checking"], TODAY, -500, "Shop", "", None)
    )
    before = table_rows(engine, transactions)
    with as_user(app, home["user"]):
        typed = edit_form("2024-06-01", "-5", home["checking"], "Shop", "m" * LONG)
        outcome = edit.save_edit(home["user"], txn, typed, 1)
    assert outcome.field_errors == {"memo": "At most 2,000 characters (this one has 100,000)."}
    assert table_rows(engine, transactions) == before


def test_settings_refuse_long_names_and_a_four_letter_currency(app, engine, home):
    accounts_before, categories_before = (
        table_rows(engine, accounts),
        table_rows(engine, categories),
    )
    with as_user(app, home["user"]):
        long_account = accounts_callbacks.add_account("n" * LONG, "checking", "EUR", "")
        long_category = accounts_callbacks.add_category("n" * LONG, "expense", "#112233")
        renamed = accounts_callbacks.rename_account(home["checking"], "r" * 101)
        euro = accounts_callbacks.add_account("Euro account", "checking", "EURO", "")
    too_long = {"name": "At most 100 characters (this one has 100,000)."}
    assert not long_account.saved and long_account.field_errors == too_long
    assert not long_category.saved and long_category.field_errors == too_long
    assert renamed.field_errors == {"name": "At most 100 characters (this one has 101)."}
    assert euro.field_errors == {"currency": "Enter a three-letter currency code such as EUR."}
    assert table_rows(engine, accounts) == accounts_before
    assert table_rows(engine, categories) == categories_before


def test_a_search_over_its_limit_finds_nothing_and_says_why(app, engine, home):
    # A cut search would show rows for words the person did not type.
    writes.create_transaction(
        engine, home["user"], Transaction(home["checking"], TODAY, -500, "a" * 200, "", None)
    )
    request = {"startRow": 0, "endRow": 100, "sortModel": []}
    with as_user(app, home["user"]):
        response, totals, empty = grid.grid_page(
            home["user"], request, {"preset": "last_12_months"}, {}, "a" * 201, TODAY
        )
        found, _, _ = grid.grid_page(
            home["user"], request, {"preset": "last_12_months"}, {}, "a" * 200, TODAY
        )
    assert response == {"rowData": [], "rowCount": 0}
    assert empty == "Search: at most 200 characters (this one has 201)."
    assert totals.children == empty
    assert found["rowCount"] == 1


def test_a_payee_longer_than_any_stored_one_brings_no_category(app, engine, home):
    writes.create_transaction(
        engine,
        home["user"],
        Transaction(home["checking"], TODAY, -500, "p" * 200, "", home["food"]),
    )
    with as_user(app, home["user"]):
        assert entry.category_for_payee(home["user"], "p" * 200) == str(home["food"])
        assert entry.category_for_payee(home["user"], "p" * 201) is None
