"""The /transactions callbacks (grid, entry form, edit modal), called as plain functions inside a
request acting as a user, on real databases."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from dash import no_update
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, or_, select

from dashboard import ids, services
from dashboard.callbacks import transaction_delete as deleting
from dashboard.callbacks import transaction_edit as edit
from dashboard.callbacks import transaction_entry as entry
from dashboard.callbacks import transactions as grid
from dashboard.components import GRID_BLOCK_SIZE
from dashboard.forms import (
    NO_CATEGORY,
    FormChoices,
    form_field_errors,
    parse_filters,
    parse_id,
    parse_transaction_form,
    parse_transfer_form,
    search_text,
)
from dashboard.pages import transactions as page
from dashboard.transaction_forms import TRANSFER_AMOUNT_HELP
from data import lookups, receipt_writes, setup_writes, writes
from data.db import make_engine
from data.demo import DEMO_USER_ID
from data.entries import Split, Transaction, Transfer
from data.money import format_amount, max_abs_minor
from data.schema import transactions
from tests.conftest import as_user, make_user

TODAY = date.today()
LAST_12_MONTHS = {"preset": "last_12_months"}


def walk(component):
    if component is None or isinstance(component, str | int | float):
        return
    if isinstance(component, list | tuple):
        for child in component:
            yield from walk(child)
        return
    yield component
    yield from walk(getattr(component, "children", None))


def text_of(component) -> str:
    if isinstance(component, str):
        return component
    parts = []
    for node in walk(component):
        children = getattr(node, "children", None)
        parts.extend(c for c in (children if isinstance(children, list) else [children]))
    return " ".join(p for p in parts if isinstance(p, str))


def rows_of(engine, user_id: int) -> list[tuple]:
    query = (
        select(
            transactions.c.account_id,
            transactions.c.date,
            transactions.c.amount_minor,
            transactions.c.payee,
            transactions.c.memo,
            transactions.c.category_id,
            transactions.c.transfer_peer_id.is_not(None),
        )
        .where(transactions.c.user_id == user_id)
        .order_by(transactions.c.amount_minor, transactions.c.account_id)
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


@pytest.fixture
def household(engine):
    """alice with two EUR accounts, a JPY account and two categories; no transactions."""
    user_id = make_user(engine, "alice")
    made = {
        "user": user_id,
        "checking": setup_writes.create_account(engine, user_id, "Checking", "checking"),
        "savings": setup_writes.create_account(engine, user_id, "Savings", "savings"),
        "yen": setup_writes.create_account(engine, user_id, "Yen wallet", "cash", "JPY"),
        "food": setup_writes.create_category(engine, user_id, "Food", "expense"),
        "salary": setup_writes.create_category(engine, user_id, "Salary", "income"),
    }
    return made


def add(engine, home, amount, payee="", category=None, account=None, day=TODAY, memo=""):
    txn = Transaction(account or home["checking"], day, amount, payee, memo, category)
    return writes.create_transaction(engine, home["user"], txn)


def submit(home, amount, mode="transaction", **fields):
    """The entry form's callback; each call is a new entry (its own key) unless `key` is given."""
    form = {
        "mode": mode,
        "date": TODAY.isoformat(),
        "amount": amount,
        "account": str(home["checking"]),
        "to_account": str(home["savings"]),
        "category": NO_CATEGORY,
        "payee": "",
        "memo": "",
        "submission_key": str(uuid.uuid4()),
        **fields,
    }
    return entry.submit_entry(home["user"], form, 5)


def form_of(date_value, amount, account, category="", payee="", memo="", to_account=None):
    """The entry or edit form's values, keyed as the callbacks hand them to the parsers."""
    return {
        "date": date_value, "amount": amount, "account": account, "category": category,
        "payee": payee, "memo": memo, "to_account": to_account,
    }  # fmt: skip


# The grid, over the demo household (read-only).


def _demo_count(demo_db_url, filters, search=None) -> int:
    engine = make_engine(demo_db_url)
    t = transactions.c
    query = select(func.count()).where(
        t.user_id == DEMO_USER_ID, t.date.between(filters.date_from, filters.date_to)
    )
    if search:
        query = query.where(or_(t.payee.ilike(f"%{search}%"), t.memo.ilike(f"%{search}%")))
    with engine.connect() as conn:
        count = conn.execute(query).scalar_one()
    engine.dispose()
    return count


def test_the_grid_answers_one_sorted_page_and_the_count_of_all_rows(demo_app, demo_db_url):
    request = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "amount", "sort": "asc"}]}
    with as_user(demo_app, DEMO_USER_ID):
        response, totals, _empty = grid.grid_page(
            DEMO_USER_ID, request, LAST_12_MONTHS, {}, "", TODAY
        )
        greedy, *_ = grid.grid_page(
            DEMO_USER_ID, {"startRow": 0, "endRow": 100_000}, LAST_12_MONTHS, {}, None, TODAY
        )
    expected = _demo_count(demo_db_url, parse_filters(LAST_12_MONTHS, {}, TODAY))
    amounts = [row["amount_minor"] for row in response["rowData"]]
    assert expected > GRID_BLOCK_SIZE
    assert response["rowCount"] == expected
    assert len(amounts) == GRID_BLOCK_SIZE
    assert amounts == sorted(amounts) and amounts[0] < 0
    assert len(greedy["rowData"]) == GRID_BLOCK_SIZE
    assert f"{expected:,} transactions" in text_of(totals)
    first = response["rowData"][0]
    assert first["amount"].startswith("-€") and first["amount_minor"] < 0


def test_the_next_block_continues_where_the_first_ended(demo_app):
    first = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "date", "sort": "desc"}]}
    second = {**first, "startRow": 100, "endRow": 200}
    with as_user(demo_app, DEMO_USER_ID):
        one, *_ = grid.grid_page(DEMO_USER_ID, first, LAST_12_MONTHS, {}, None, TODAY)
        two, *_ = grid.grid_page(DEMO_USER_ID, second, LAST_12_MONTHS, {}, None, TODAY)
    ids_one = {row["id"] for row in one["rowData"]}
    ids_two = {row["id"] for row in two["rowData"]}
    assert len(ids_one) == len(ids_two) == 100 and not ids_one & ids_two
    assert one["rowData"][-1]["date"] >= two["rowData"][0]["date"]


def test_search_and_the_filter_stores_narrow_the_grid(demo_app, demo_db_url):
    with as_user(demo_app, DEMO_USER_ID):
        every, *_ = grid.grid_page(DEMO_USER_ID, {}, LAST_12_MONTHS, {}, None, TODAY)
        payee = every["rowData"][0]["payee"]
        search = payee[1:4].upper()
        found, totals, _empty = grid.grid_page(
            DEMO_USER_ID, {}, LAST_12_MONTHS, {}, f"  {search} ", TODAY
        )
        account = every["rowData"][0]["account"]
        account_id = int(services.list_accounts(DEMO_USER_ID).set_index("name").loc[account, "id"])
        store = {**LAST_12_MONTHS, "account_ids": [account_id]}
        cross = {"payee": payee}
        narrowed, *_ = grid.grid_page(DEMO_USER_ID, {}, store, cross, None, TODAY)
    filters = parse_filters(LAST_12_MONTHS, {}, TODAY)
    assert found["rowCount"] == _demo_count(demo_db_url, filters, search)
    assert 0 < found["rowCount"] < every["rowCount"]
    assert all(search.lower() in (row["payee"] + row["memo"]).lower() for row in found["rowData"])
    assert f"{found['rowCount']:,} transaction" in text_of(totals)
    assert narrowed["rowCount"] > 0
    assert {(r["account"], r["payee"]) for r in narrowed["rowData"]} == {(account, payee)}


def test_unknown_sort_columns_and_odd_requests_fall_back_safely():
    assert grid.grid_sort([{"colId": "memo", "sort": "asc"}, "x"]) == grid.DEFAULT_SORT
    assert grid.grid_sort([{"colId": "payee", "sort": "asc"}]) == (("payee", "asc"),)
    assert grid.grid_window({"startRow": -5, "endRow": True}) == (0, GRID_BLOCK_SIZE)
    assert grid.grid_window({"startRow": 200, "endRow": 250}) == (200, 50)
    assert search_text("   ") is None and search_text(["x"]) is None


def test_grid_rows_label_transfers_uncategorised_rows_and_receipts(app, engine, household):
    home = household
    with as_user(app, home["user"]):
        writes.create_transfer(
            engine, home["user"], Transfer(home["checking"], home["savings"], TODAY, 500)
        )
        plain = add(engine, home, -250, "Kiosk")
        receipt_writes.attach_receipt(
            engine, home["user"], plain, storage_name="r1.pdf", original_name="r.pdf",
            content_type="application/pdf", size_bytes=10, sha256="a" * 64,
        )  # fmt: skip
        response, *_ = grid.grid_page(home["user"], {}, LAST_12_MONTHS, {}, None, TODAY)
    by_amount = {row["amount_minor"]: row for row in response["rowData"]}
    assert by_amount[-500]["category"] == by_amount[500]["category"] == "Transfer"
    assert by_amount[-250]["category"] == "Uncategorised"
    assert by_amount[-250]["receipt"] == grid.RECEIPT_MARK and by_amount[500]["receipt"] == ""
    assert by_amount[-250]["amount"] == "-€2.50" and by_amount[-250]["row_id"] == str(plain)


def test_an_empty_grid_says_whether_nothing_exists_or_nothing_matches(app, engine, household):
    home = household
    with as_user(app, home["user"]):
        response, totals, empty = grid.grid_page(home["user"], {}, {}, {}, None, TODAY)
        add(engine, home, -100, "Kiosk")
        _found, _totals, nothing_yet_anymore = grid.grid_page(home["user"], {}, {}, {}, None, TODAY)
        _none, no_match, filtered = grid.grid_page(home["user"], {}, {}, {}, "zzz", TODAY)
    assert response == {"rowData": [], "rowCount": 0}
    assert empty == grid.NONE_YET and text_of(totals) == "No transactions yet."
    assert nothing_yet_anymore is None
    assert (
        filtered == grid.NONE_MATCH and text_of(no_match) == "No transactions match these filters."
    )
    patch = grid.overlay_update({"cacheBlockSize": 100}, empty)
    operation = patch.to_plotly_json()["operations"][0]
    assert operation["location"] == [grid.OVERLAY_OPTION]
    assert operation["params"]["value"] == {"noRows": {"overlayText": grid.NONE_YET}}
    shown = {grid.OVERLAY_OPTION: grid.no_rows_overlay(grid.NONE_YET)}
    assert grid.overlay_update(shown, grid.NONE_YET) is no_update
    assert grid.overlay_update(shown, None) is no_update


def test_the_grid_callback_fills_its_outputs_by_name():
    rows = {"rowData": [], "rowCount": 0}
    page = grid.GridPage(response=rows, totals="0 transactions", empty=grid.NONE_YET)
    shown = grid.grid_outputs(page, {})
    assert set(shown) == set(grid.ROWS_OUTPUTS)
    assert (shown["response"], shown["totals"]) == (rows, "0 transactions")
    assert shown["grid_options"] is not no_update, "a new empty message patches the grid"
    unchanged = grid.grid_outputs(page._replace(empty=None), {})
    assert unchanged["grid_options"] is no_update


def test_a_user_without_accounts_is_sent_to_settings_instead_of_the_form(app, engine):
    user_id = make_user(engine, "newbie")
    with as_user(app, user_id):
        options = entry.entry_options(user_id, None, None)
    assert set(options) == set(entry.OPTIONS_OUTPUTS)
    assert "Add an account first" in text_of(options["empty"])
    assert [n.href for n in walk(options["empty"]) if getattr(n, "href", None)] == ["/accounts"]
    assert options["card_style"] == {"display": "none"} and options["account_options"] == []


def test_entry_options_list_active_accounts_and_categories_by_kind(app, engine, household):
    home = household
    setup_writes.set_account_archived(engine, home["user"], home["yen"], True)
    with as_user(app, home["user"]):
        options = entry.entry_options(home["user"], "999", None)
    assert set(options) == set(entry.OPTIONS_OUTPUTS)
    assert options["empty"] is None and options["card_style"] == {}
    assert [o["label"] for o in options["account_options"]] == ["Checking", "Savings"]
    assert (options["account"], options["to_account"]) == (
        str(home["checking"]),
        str(home["savings"]),
    )
    categories = options["category_options"]
    assert categories[0] == {"label": "No category", "value": NO_CATEGORY}
    labels = [o["label"] for o in categories]
    assert labels == ["No category", "── Expense ──", "Food", "── Income ──", "Salary"]
    assert all(o.get("disabled") for o in categories if o["label"].startswith("──"))


# Parsing the form.


def test_parse_transaction_form_reads_a_signed_amount_in_the_account_currency():
    choices = FormChoices({1: "EUR", 2: "JPY"}, {7})
    parsed = parse_transaction_form(form_of("2024-05-01", "-12.50", "1", "7", " Bakery "), choices)
    assert parsed == Transaction(1, date(2024, 5, 1), -1250, "Bakery", "", 7)
    assert parse_transaction_form(
        form_of("2024-05-01", "1,500", 2, NO_CATEGORY, "", None), choices
    ) == (Transaction(2, date(2024, 5, 1), 1500, "", "", None))
    assert parse_transaction_form(form_of("x", "12.5", "2", "8", 3), choices) == {
        "date": "Not a date: x. Use YYYY-MM-DD.",
        "amount": "JPY amounts have no decimals.",
        "category": "Choose a category from the list.",
        "payee": "Enter text.",
    }
    assert parse_transaction_form(form_of("2024-05-01", "0", "3"), choices) == {
        "account": "Choose an account.",
        "amount": "Enter an amount other than zero.",
    }


def test_parse_transfer_form_wants_a_positive_amount_and_two_accounts():
    currencies = {1: "EUR", 2: "EUR"}
    parsed = parse_transfer_form(
        form_of("2024-05-01", "100", "1", memo="rent", to_account="2"), currencies
    )
    assert parsed == Transfer(1, 2, date(2024, 5, 1), 10000, "Transfer", "rent")
    errors = parse_transfer_form(form_of("2024-05-01", "-100", "1", to_account="1"), currencies)
    assert set(errors) == {"amount", "to_account"}
    assert form_field_errors({"amount_minor": "a", "to_account_id": "b", "memo": "c"}) == {
        "amount": "a",
        "to_account": "b",
        "memo": "c",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5), ("12", 12), (" 3 ", 3), (0, None), (True, None), ("1e3", None), ("１", None),
     ("12345678901", None), (None, None), (2.0, None)],
)  # fmt: skip
def test_parse_id_accepts_only_plain_positive_integers(value, expected):
    assert parse_id(value) == expected


@given(st.integers(min_value=-max_abs_minor("EUR"), max_value=max_abs_minor("EUR")))
def test_a_formatted_amount_parses_back_to_the_same_integer(minor):
    text = format_amount(minor, "EUR")
    parsed = parse_transaction_form(form_of("2024-01-31", text, "1"), FormChoices({1: "EUR"}))
    if minor == 0:
        assert parsed == {"amount": "Enter an amount other than zero."}
    else:
        assert parsed.amount_minor == minor


# The entry form.


def test_an_invalid_amount_shows_its_message_and_stores_nothing(app, engine, household):
    add(engine, household, -100)
    before = rows_of(engine, household["user"])
    with as_user(app, household["user"]):
        outcome = submit(household, "12.345", payee="Bakery")
    assert outcome == entry.FormOutcome(
        saved=False, field_errors={"amount": "Use at most 2 decimals for EUR."}
    )
    assert rows_of(engine, household["user"]) == before
    shown = entry.entry_submitted(outcome)
    assert set(shown) == set(entry.SUBMIT_OUTPUTS)
    assert shown["feedback"] == "" and shown["errors"] == ""
    assert shown["amount_message"] == "Use at most 2 decimals for EUR."
    assert shown["payee_message"] == ""
    flags = {name: shown[f"{name}_invalid"] for name in entry.INVALID_CAPABLE}
    assert flags == {name: name == "amount" for name in entry.INVALID_CAPABLE}
    # A refusal keeps what was typed and the refresh store as they are.
    assert shown["amount_value"] is no_update and shown["refresh"] is no_update
    assert shown["receipt"] is no_update


def test_a_valid_entry_stores_the_exact_amount_and_bumps_the_refresh(app, engine, household):
    home = household
    with as_user(app, home["user"]):
        outcome = submit(home, "0.10", category=str(home["salary"]), payee=" Refund ", memo="m")
    assert outcome.saved and outcome.refresh == 6
    assert outcome.message == f"Added €0.10 · Refund on {TODAY.isoformat()}."
    assert rows_of(engine, home["user"]) == [
        (home["checking"], TODAY, 10, "Refund", "m", home["salary"], False)
    ]


def test_a_write_refusal_lands_on_its_field(app, engine, household):
    with as_user(app, household["user"]):
        outcome = submit(household, "-1", date="1960-01-01")
    assert not outcome.saved and set(outcome.field_errors) == {"date"}
    assert rows_of(engine, household["user"]) == []


def test_transfer_mode_creates_two_linked_legs(app, engine, household):
    home = household
    with as_user(app, home["user"]):
        outcome = submit(home, "250.00", mode="transfer", memo="savings")
        same = submit(home, "1", mode="transfer", to_account=str(home["checking"]))
    assert outcome.saved and outcome.message.startswith("Moved €250.00 from Checking to Savings")
    assert rows_of(engine, home["user"]) == [
        (home["checking"], TODAY, -25000, "Transfer", "savings", None, True),
        (home["savings"], TODAY, 25000, "Transfer", "savings", None, True),
    ]
    with engine.connect() as conn:
        legs = dict(conn.execute(select(transactions.c.id, transactions.c.transfer_peer_id)).all())
    assert sorted(legs.values()) == sorted(legs) and all(legs[legs[i]] == i for i in legs)
    assert same.field_errors == {"to_account": "Choose a different account to transfer to."}


def test_a_known_payee_is_suggested_and_brings_its_last_category(app, engine, household):
    home = household
    add(engine, home, -300, "Bakery", home["salary"], day=date(2024, 1, 1))
    add(engine, home, -400, "Bakery", home["food"], day=date(2024, 2, 1))
    add(engine, home, -500, "Bakery")
    add(engine, home, -100, "Butcher", home["food"])
    with as_user(app, home["user"]):
        payees = entry.entry_options(home["user"], None, None)["payee_options"]
        assert [option.value for option in payees] == ["Bakery", "Butcher"]
        assert entry.category_for_payee(home["user"], " Bakery ") == str(home["food"])
        assert entry.category_for_payee(home["user"], "bakery") is None
        assert entry.category_for_payee(home["user"], "") is None


def test_entry_mode_shows_the_transfer_fields():
    transfer = entry.entry_mode_view("transfer")
    assert transfer == {
        "account_label": "From account",
        "to_account_style": {},
        "category_style": {"display": "none"},
        "amount_help": TRANSFER_AMOUNT_HELP,
        "split_style": {"display": "none"},
    }
    plain = entry.entry_mode_view("transaction")
    assert (plain["to_account_style"], plain["category_style"]) == ({"display": "none"}, {})
    assert plain["split_style"] == {"display": "none"}
    split = entry.entry_mode_view("split")
    assert (split["category_style"], split["split_style"]) == ({"display": "none"}, {})


# The edit modal.


def test_edit_is_prefilled_and_saves(app, engine, household):
    home = household
    txn = add(engine, home, -1250, "Bakery", home["food"], memo="bread")
    with as_user(app, home["user"]):
        view = edit.open_edit(home["user"], str(txn))
        outcome = edit.save_edit(
            home["user"],
            txn,
            form_of(view["date"], "-20.00", view["account"], "", "Baker", "rolls"),
            1,
        )
    assert view["found"] and view["amount"] == "-12.50" and view["category"] == str(home["food"])
    assert (view["payee"], view["memo"], view["category_disabled"]) == ("Bakery", "bread", False)
    assert outcome.saved and outcome.refresh == 2
    assert rows_of(engine, home["user"]) == [
        (home["checking"], TODAY, -2000, "Baker", "rolls", None, False)
    ]


def test_the_edit_modal_and_its_save_fill_their_outputs_by_name(app, engine, household):
    home = household
    txn = add(engine, home, -1250, "Bakery", home["food"], memo="bread")
    with as_user(app, home["user"]):
        shown = edit.edit_modal(home["user"], str(txn))
        missing = edit.edit_modal(home["user"], "999999")
    assert set(shown) == set(missing) == set(edit.OPEN_OUTPUTS)
    assert (shown["is_open"], shown["id"], shown["amount"], shown["memo"]) == (
        True,
        txn,
        "-12.50",
        "bread",
    )
    assert (shown["save_disabled"], shown["errors"], shown["amount_invalid"]) == (False, "", False)
    assert (missing["is_open"], missing["id"], missing["errors"]) == (True, None, edit.NOT_FOUND)
    assert missing["fields_style"] == {"display": "none"} and missing["save_disabled"]
    assert missing["amount"] is no_update and missing["receipt_current"] is no_update

    refused = edit.edit_saved(edit.FormOutcome(saved=False, field_errors={"amount": "No."}))
    saved = edit.edit_saved(edit.FormOutcome(saved=True, message="Transaction saved.", refresh=3))
    assert set(refused) == set(saved) == set(edit.SAVE_OUTPUTS)
    assert refused["is_open"] is no_update and refused["refresh"] is no_update
    assert (refused["amount_message"], refused["amount_invalid"]) == ("No.", True)
    assert (saved["is_open"], saved["undo_open"], saved["refresh"]) == (False, True, 3)
    assert saved["undo_message"] == "Transaction saved." and saved["amount_message"] == ""


def test_edit_errors_show_on_their_fields_and_change_nothing(app, engine, household):
    home = household
    txn = add(engine, home, -1250, "Bakery")
    before = rows_of(engine, home["user"])
    with as_user(app, home["user"]):
        bad_amount = edit.save_edit(home["user"], txn, form_of(TODAY.isoformat(), "abc", ""), 1)
        too_long = edit.save_edit(
            home["user"],
            txn,
            form_of(TODAY.isoformat(), "-1", str(home["checking"]), "", "p" * 201),
            1,
        )
    assert bad_amount.field_errors == {
        "account": "Choose an account.",
        "amount": "Enter a number such as 1234.56 or -12.50.",
    }
    assert too_long.field_errors == {"payee": "At most 200 characters (this one has 201)."}
    assert rows_of(engine, home["user"]) == before


def test_an_archived_account_and_category_stay_choosable_for_their_transaction(
    app, engine, household
):
    home = household
    txn = add(engine, home, -700, "Old", home["food"], account=home["savings"])
    setup_writes.set_account_archived(engine, home["user"], home["savings"], True)
    setup_writes.set_category_archived(engine, home["user"], home["food"], True)
    with as_user(app, home["user"]):
        view = edit.open_edit(home["user"], txn)
        outcome = edit.save_edit(
            home["user"],
            txn,
            form_of(view["date"], "-8", view["account"], view["category"], "Old"),
            0,
        )
    assert str(home["savings"]) in [o["value"] for o in view["account_options"]]
    assert str(home["food"]) in [o["value"] for o in view["category_options"]]
    assert outcome.saved
    assert rows_of(engine, home["user"])[0][2] == -800


def test_a_transfer_leg_is_edited_without_a_category(app, engine, household):
    home = household
    out_id, _in_id = writes.create_transfer(
        engine, home["user"], Transfer(home["checking"], home["savings"], TODAY, 1000)
    )
    with as_user(app, home["user"]):
        view = edit.open_edit(home["user"], out_id)
        typed = form_of(view["date"], "-15", view["account"], view["category"], "Transfer")
        outcome = edit.save_edit(home["user"], out_id, typed, 0)
    assert view["category_disabled"] and view["category_options"] == edit.TRANSFER_CATEGORY
    assert "Both of its legs" in view["confirm"]
    assert outcome.saved
    assert [row[2] for row in rows_of(engine, home["user"])] == [-1500, 1500]


def test_another_users_transaction_is_not_found_and_left_alone(app, engine, household):
    bob = make_user(engine, "bob")
    bobs_account = setup_writes.create_account(engine, bob, "Bob's", "checking")
    bobs = writes.create_transaction(engine, bob, Transaction(bobs_account, TODAY, -999, "Secret"))
    before = rows_of(engine, bob)
    alice = household["user"]
    with as_user(app, alice):
        view = edit.open_edit(alice, str(bobs))
        saved = edit.save_edit(alice, bobs, form_of(TODAY.isoformat(), "-1", str(bobs_account)), 0)
        deleted = deleting.delete_transaction(alice, bobs, 0)
    with as_user(app, bob):
        snapshot = deleting.delete_snapshot(bob, bobs)
    with as_user(app, alice):
        undone = deleting.undo_delete(alice, snapshot, 0)
    assert view == {"found": False, "id": None, "error": edit.NOT_FOUND}
    assert saved == entry.FormOutcome(saved=False, error=edit.NOT_FOUND)
    # What a repeated delete of one's own gone transaction answers: the same for an id that was
    # never alice's, so the answer tells her nothing of bob's rows.
    assert deleted == {
        "deleted": True,
        "message": deleting.ALREADY_DELETED,
        "undo": None,
        "refresh": 1,
    }
    assert undone == {"restored": False, "message": "Could not undo: No such account."}
    assert rows_of(engine, bob) == before and rows_of(engine, alice) == []


def test_delete_then_undo_restores_the_transaction(app, engine, household):
    home = household
    txn = add(engine, home, -1234, "Bakery", home["food"], memo="cake")
    before = rows_of(engine, home["user"])
    with as_user(app, home["user"]):
        deleted = deleting.delete_transaction(home["user"], str(txn), 3)
        gone = rows_of(engine, home["user"])
        undone = deleting.undo_delete(home["user"], deleted["undo"], deleted["refresh"])
        again = deleting.undo_delete(home["user"], None, 0)
    assert deleted["deleted"] and deleted["refresh"] == 4 and gone == []
    assert undone == {"restored": True, "message": "Restored.", "refresh": 5}
    assert rows_of(engine, home["user"]) == before
    assert again["restored"] is False


def test_deleting_a_transfer_removes_both_legs_and_undo_brings_both_back(app, engine, household):
    home = household
    _out, in_id = writes.create_transfer(
        engine, home["user"], Transfer(home["checking"], home["savings"], TODAY, 4200, "Move", "m")
    )
    writes.update_transaction(
        engine, home["user"], in_id,
        Transaction(home["savings"], TODAY, 4200, "Incoming", "note"),
    )  # fmt: skip
    before = rows_of(engine, home["user"])
    with as_user(app, home["user"]):
        deleted = deleting.delete_transaction(home["user"], in_id, 0)
        gone = rows_of(engine, home["user"])
        undone = deleting.undo_delete(home["user"], deleted["undo"], 1)
    assert deleted["message"] == "Transfer deleted." and gone == []
    assert undone["restored"]
    assert rows_of(engine, home["user"]) == before


KEY = {"submission_key": "6f1c1c1e-8d4b-4a51-9a39-5a8e1b7e0c11"}


@pytest.mark.parametrize(
    "snapshot",
    [
        {"legs": [{"account_id": 1, "date": "2024-01-01", "amount_minor": 1}]},
        {"legs": [{"account_id": 1, "date": "2024-01-01", "amount_minor": 1}], "key": "k"},
        {"legs": [{"account_id": True, "date": "2024-01-01", "amount_minor": 1}], **KEY},
        {"legs": [{"account_id": 1, "date": "2024-01-01", "amount_minor": 1.5}], **KEY},
        {"legs": [{"account_id": 1, "date": "2024-01-01", "amount_minor": 1}] * 3, **KEY},
        {"legs": "nope", **KEY},
        {"legs": ["x", {"account_id": 1, "date": "2024-01-01", "amount_minor": 1}], **KEY},
        {"legs": [{"account_id": 1, "date": "2024-1-1", "amount_minor": 1}], **KEY},
        {"legs": [{"account_id": 1, "date": "2024-01-01", "amount_minor": 1, "x": 1}], **KEY},
        {"legs": [{"account_id": 1, "date": "2024-01-01", "amount_minor": 1, "memo": 3}], **KEY},
        {"legs": [{"account_id": 1, "date": "2024-01-01"}], **KEY},
        [],
        None,
        {
            "legs": [
                {"account_id": 1, "date": "2024-01-01", "amount_minor": 1, "category_id": "a"}
            ],
            **KEY,
        },
    ],
)
def test_a_tampered_undo_snapshot_stores_nothing(app, engine, household, snapshot):
    with as_user(app, household["user"]):
        undone = deleting.undo_delete(household["user"], snapshot, 0)
    assert undone == {"restored": False, "message": "There is nothing to undo."}
    assert rows_of(engine, household["user"]) == []


def test_a_well_formed_snapshot_is_checked_as_a_new_entry(app, engine, household):
    home = household
    inflow_first = {
        "legs": [
            {"account_id": home["checking"], "date": TODAY.isoformat(), "amount_minor": 5},
            {"account_id": home["savings"], "date": TODAY.isoformat(), "amount_minor": -5},
        ],
        **KEY,
    }
    with as_user(app, home["user"]):
        undone = deleting.undo_delete(home["user"], inflow_first, 0)
    assert undone["restored"] is False and undone["message"].startswith("Could not undo: ")
    assert rows_of(engine, home["user"]) == []


def test_the_page_layout_pages_on_the_server():
    layout = page.layout()
    grids = [n for n in walk(layout) if getattr(n, "id", None) == ids.GRID]
    assert len(grids) == 1
    assert grids[0].rowModelType == "infinite" and not getattr(grids[0], "rowData", None)
    assert grids[0].dashGridOptions["cacheBlockSize"] == GRID_BLOCK_SIZE
    found = {getattr(n, "id", None) for n in walk(layout)}
    assert {ids.ENTRY_FORM, ids.SEARCH, ids.EDIT_MODAL, ids.UNDO_TOAST} <= found


@pytest.mark.parametrize(
    ("cell", "key_event", "from_key", "expected"),
    [
        ({"rowId": "7", "colId": "payee", "value": "Aldi"}, None, False, "7"),
        # A click on a receipt's paperclip opens the file, not the modal.
        ({"rowId": "7", "colId": edit.RECEIPT_COLUMN, "value": "[📎](/r/1)"}, None, False, None),
        ({"rowId": "7", "colId": edit.RECEIPT_COLUMN, "value": ""}, None, False, "7"),
        # Enter on a focused cell (the grid's eventData), whatever the last click was.
        ({"rowId": "7"}, {"data": {"rowId": "9", "colId": "date"}, "timestamp": 1}, True, "9"),
        (None, {"data": {"rowId": "9", "colId": edit.RECEIPT_COLUMN}}, True, "9"),
        (None, {"data": "not a dict"}, True, None),
        (None, None, True, None),
        ("garbage", None, False, None),
    ],
)
def test_row_to_open_from_a_click_or_the_enter_key(cell, key_event, from_key, expected):
    assert edit.row_to_open(cell, key_event, from_key) == expected


def test_editing_and_undoing_keep_what_the_form_does_not_show(app, engine, household):
    home = household
    imported = Transaction(home["checking"], TODAY, -990, "CARD 1234 KIOSK", "", None, "bank:7")
    txn = writes.create_transaction(engine, home["user"], imported)
    with as_user(app, home["user"]):
        saved = edit.save_edit(home["user"], txn, form_of(TODAY.isoformat(), "-9.90", str(
            home["checking"]), str(home["food"]), "Kiosk"), 1)  # fmt: skip
        deleted = deleting.delete_transaction(home["user"], txn, 2)
        undone = deleting.undo_delete(home["user"], deleted["undo"], 3)
    assert saved.saved and undone["restored"]
    with engine.connect() as conn:
        row = conn.execute(select(transactions)).mappings().one()
    assert (row["payee"], row["category_id"], row["import_fingerprint"]) == (
        "Kiosk",
        home["food"],
        "bank:7",
    )


# Split transactions through the forms.


def split_lists(*parts: tuple[str, str, str]) -> dict[str, list]:
    """The part inputs' values as the callbacks' ALL states hand them over."""
    return {
        "split_categories": [category for category, _amount, _memo in parts],
        "split_amounts": [amount for _category, amount, _memo in parts],
        "split_memos": [memo for _category, _amount, memo in parts],
    }


def test_the_entry_form_saves_a_split_and_wants_two_parts(app, engine, household):
    home = household
    food, salary = str(home["food"]), str(home["salary"])
    with as_user(app, home["user"]):
        typed = split_lists(
            (food, "-10.00", "bread"), (NO_CATEGORY, "-2.50", ""), (NO_CATEGORY, "", "")
        )
        saved = submit(home, "-12.50", mode="split", **typed)
        none = submit(home, "-1", mode="split", **split_lists((NO_CATEGORY, "", "")))
        one = submit(home, "-1", mode="split", **split_lists((food, "-1", "")))
        bad = submit(home, "-1", mode="split", **split_lists((food, "x", ""), (salary, "-1", "")))
        ignored = submit(home, "-3", category=food, **split_lists((food, "-1", "")))
    assert saved.saved and ignored.saved
    assert none.field_errors == {"splits": entry.NO_PARTS}
    assert one.field_errors == {"splits": "Split into two parts or more, or choose one category."}
    assert bad.field_errors["splits"].startswith("Part 1: Enter a number")
    [split_id] = [row_id for row_id in ids_of(engine, home["user"]) if row_id != ignored_id(engine)]
    stored = writes_stored(engine, home["user"], split_id)
    assert stored.category_id is None and [(p.category_id, p.amount_minor, p.memo) for p in
        stored.splits] == [(home["food"], -1000, "bread"), (None, -250, "")]  # fmt: skip


def ids_of(engine, user_id: int) -> list[int]:
    with engine.connect() as conn:
        query = select(transactions.c.id).where(transactions.c.user_id == user_id)
        return list(conn.execute(query.order_by(transactions.c.id)).scalars())


def ignored_id(engine) -> int:
    """The transaction entered in "Income or expense" mode with hidden parts typed: it is whole."""
    with engine.connect() as conn:
        query = select(transactions.c.id).where(transactions.c.amount_minor == -300)
        return conn.execute(query).scalar_one()


def writes_stored(engine, user_id: int, transaction_id: int) -> Transaction:
    stored = lookups.stored_transaction(engine, user_id, transaction_id)
    assert stored is not None
    return stored


def test_the_edit_modal_shows_and_saves_the_parts(app, engine, household):
    home = household
    parts = (Split(-1000, home["food"], "bread"), Split(-250, None, "bag"))
    txn = writes.create_transaction(engine, home["user"], Transaction(
        home["checking"], TODAY, -1250, "Market", splits=parts))  # fmt: skip
    with as_user(app, home["user"]):
        view = edit.open_edit(home["user"], txn)
        parts_typed = split_lists((str(home["food"]), "-11", "bread"), (NO_CATEGORY, "-2", "bag"))
        typed = {**form_of(view["date"], "-13.00", view["account"], NO_CATEGORY, "Market"),
                 **parts_typed}  # fmt: skip
        saved = edit.save_edit(home["user"], txn, typed, 1)
        unsplit = {**form_of(view["date"], "-13.00", view["account"], str(home["food"]), "M"),
                   **split_lists((NO_CATEGORY, "", ""), (NO_CATEGORY, "", ""))}  # fmt: skip
        whole = edit.save_edit(home["user"], txn, unsplit, 2)
    assert len(view["split_parts"]) == 2 and view["category_style"] == {"display": "none"}
    assert saved.saved and whole.saved
    stored = writes_stored(engine, home["user"], txn)
    assert (stored.category_id, stored.splits) == (home["food"], ())


def test_undo_of_a_deleted_split_restores_every_part(app, engine, household):
    home = household
    parts = (Split(-1000, home["food"], "bread"), Split(-250, None, "bag"))
    txn = writes.create_transaction(engine, home["user"], Transaction(
        home["checking"], TODAY, -1250, "Market", splits=parts))  # fmt: skip
    with as_user(app, home["user"]):
        deleted = deleting.delete_transaction(home["user"], txn, 0)
        undone = deleting.undo_delete(home["user"], deleted["undo"], 1)
    assert undone["restored"]
    [restored] = ids_of(engine, home["user"])
    assert writes_stored(engine, home["user"], restored).splits == parts


def test_a_split_parts_tags_are_saved_and_the_grid_row_lists_its_parts(app, engine, household):
    home = household
    food = str(home["food"])
    typed = {
        **split_lists((food, "-10.00", "bread"), (NO_CATEGORY, "-2.50", "")),
        "split_tags": [["breakfast", "Kids"], []],
    }
    with as_user(app, home["user"]):
        saved = submit(home, "-12.50", mode="split", payee="Market", **typed)
        bad = submit(home, "-1", mode="split", **{
            **split_lists((food, "-0.50", ""), (food, "-0.50", "")),
            "split_tags": [["x" * 51], []],
        })  # fmt: skip
        rows = grid.grid_page(home["user"], {"startRow": 0, "endRow": 10}, None, {}, {}, TODAY)
    assert saved.saved
    assert bad.field_errors["splits"].startswith("Part 1: A tag has at most 50 characters")
    [split_id] = ids_of(engine, home["user"])
    stored = writes_stored(engine, home["user"], split_id)
    assert [part.tags for part in stored.splits] == [("breakfast", "Kids"), ()]
    [row] = rows.response["rowData"]
    assert row["category"] == "✂ Split · 2 parts"
    assert row["parts_text"] == "Food -€10.00 (bread) · Uncategorised -€2.50"
