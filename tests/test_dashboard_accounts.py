"""The /accounts callbacks, called as plain functions inside a request acting as a user."""

from __future__ import annotations

from datetime import date

import pytest
from dash import no_update

from dashboard import ids, routing
from dashboard.callbacks import accounts as cb
from dashboard.callbacks.shell import PAGES_WITHOUT_FILTERS
from dashboard.shell import NAV_ITEMS
from data import lookups, setup_writes, writes
from data import tags as tag_data
from data.entries import Transaction
from tests.conftest import as_user, make_user
from tests.test_dashboard_budgets import component_key, run_callback, texts, walk

TOO_LONG = "x" * 101


@pytest.mark.parametrize("path", ["/accounts", "/accounts/", "/settings", "/settings/"])
def test_the_accounts_page_answers_at_accounts_and_at_its_old_address(path):
    # /settings was its address: old bookmarks still open it, without the filter bar.
    assert routing.PAGES[path.rstrip("/")].TITLE == "Accounts, categories & tags"
    shown = {
        c.id for c in walk(routing.render_page(path)) if isinstance(getattr(c, "id", None), str)
    }
    assert {ids.ACCOUNTS_TABLE, ids.CATEGORIES_TABLE, ids.ACCOUNTS_START_HERE} <= shown
    assert path.rstrip("/") in PAGES_WITHOUT_FILTERS


def test_the_navbar_links_the_accounts_page_at_accounts():
    assert ("/accounts", "Accounts, categories & tags", "bi-gear") in NAV_ITEMS
    assert all(href != "/settings" for href, _label, _icon in NAV_ITEMS)


def account_rows(engine, user_id: int) -> list[tuple]:
    frame = lookups.list_accounts(engine, user_id, True)
    return list(
        frame[["name", "type", "currency", "opening_balance_minor", "archived"]].itertuples(
            index=False, name=None
        )
    )


def category_rows(engine, user_id: int) -> list[tuple]:
    frame = lookups.list_categories(engine, user_id, True)
    return list(frame[["name", "kind", "color", "archived"]].itertuples(index=False, name=None))


def test_a_new_user_is_told_to_start_with_an_account(app, engine):
    user_id = make_user(engine, "newbie")
    with as_user(app, user_id):
        tables = cb.accounts_tables()
        hint = tables["start_here"]
        assert "Start here: add your first account" in texts(hint)
        assert cb.add_account("Wallet", "cash", "", "").saved
        tables = cb.accounts_tables()
        accounts = tables["accounts"]
        hint = tables["start_here"]
    assert hint is None
    assert "Wallet" in [getattr(n, "value", None) for n in walk(accounts)]


def test_add_account_parses_the_opening_balance_and_shows_the_balance(app, engine):
    user_id = make_user(engine, "alice")
    with as_user(app, user_id):
        assert cb.default_currency() == "EUR"
        outcome = cb.add_account("  Everyday  ", "credit_card", "", "-1,234.56")
        tables = cb.accounts_tables()
        accounts = tables["accounts"]
    assert outcome == cb.FormOutcome(True, "Added the account Everyday.")
    assert account_rows(engine, user_id) == [("Everyday", "credit_card", "EUR", -123456, False)]
    assert "-€1,234.56" in texts(accounts) and "Credit card" in texts(accounts)


def test_an_account_in_another_currency_uses_its_decimals(app, engine):
    user_id = make_user(engine, "kenji", currency="USD")
    with as_user(app, user_id):
        assert cb.default_currency() == "USD"
        refused = cb.add_account("Yen", "cash", "jpy", "1.5")
        added = cb.add_account("Yen", "cash", "jpy", "1,500")
    assert refused.field_errors == {"opening_balance_minor": "JPY amounts have no decimals."}
    assert added.saved
    assert account_rows(engine, user_id) == [("Yen", "cash", "JPY", 1500, False)]


@pytest.mark.parametrize(
    ("name", "account_type", "currency", "opening", "errors"),
    [
        ("Checking", "checking", "", "", {"name": "That name is already in use."}),
        ("   ", "checking", "", "", {"name": "Enter a name."}),
        (TOO_LONG, "checking", "", "", {"name": "At most 100 characters (this one has 101)."}),
        (
            "New",
            "checking",
            "",
            "abc",
            {"opening_balance_minor": "Enter a number such as 1234.56 or -12.50."},
        ),
        (
            "New",
            "piggy",
            "EU",
            "",
            {
                "type": "Choose one of: checking, savings, credit_card, cash, investment, loan.",
                "currency": "Enter a three-letter currency code such as EUR.",
            },
        ),
    ],
)
def test_add_account_reports_field_errors_and_adds_nothing(
    app, engine, name, account_type, currency, opening, errors
):
    user_id = make_user(engine, "alice")
    setup_writes.create_account(engine, user_id, "Checking", "checking")
    before = account_rows(engine, user_id)
    with as_user(app, user_id):
        outcome = cb.add_account(name, account_type, currency, opening)
    assert not outcome.saved
    assert outcome.field_errors == errors
    assert account_rows(engine, user_id) == before
    shown = cb.form_outputs(outcome, ids.NEW_ACCOUNT_FIELDS)
    messages = [shown[f"{name}_message"] for name in ids.NEW_ACCOUNT_FIELDS]
    assert [m for m in messages if m] == list(errors.values())
    assert sum(shown[f"{name}_invalid"] for name in ids.NEW_ACCOUNT_FIELDS) == len(errors)


def test_rename_archive_and_unarchive_an_account(app, engine):
    user_id = make_user(engine, "alice")
    checking = setup_writes.create_account(engine, user_id, "Checking", "checking")
    setup_writes.create_account(engine, user_id, "Savings", "savings")
    with as_user(app, user_id):
        assert cb.rename_account(checking, "Main").message == "Renamed Checking to Main."
        assert cb.rename_account(checking, "Savings").field_errors == {
            "name": "That name is already in use."
        }
        assert cb.rename_account(checking, "").field_errors == {"name": "Enter a name."}
        assert cb.rename_account(checking, TOO_LONG).field_errors == {
            "name": "At most 100 characters (this one has 101)."
        }
        archived = cb.set_account_archived(checking, True)
        rows_archived = account_rows(engine, user_id)
        tables = cb.accounts_tables()
        accounts = tables["accounts"]
        restored = cb.set_account_archived(checking, False)
    assert archived == cb.FormOutcome(True, "Archived the account Main.")
    assert ("Main", "checking", "EUR", 0, True) in rows_archived
    # An archived account stays listed, marked, with a button to bring it back.
    assert "Archived" in texts(accounts) and "Unarchive" in texts(accounts)
    assert restored.saved
    assert account_rows(engine, user_id)[0] == ("Main", "checking", "EUR", 0, False)


def test_an_unchanged_name_writes_nothing(app, engine):
    """The name inputs are re-rendered after each write: re-sending a name must not write."""
    user_id = make_user(engine, "alice")
    checking = setup_writes.create_account(engine, user_id, "Checking", "checking")
    version = lookups.data_version(engine, user_id)
    with as_user(app, user_id):
        assert cb.rename_account(checking, "Checking ") == cb.FormOutcome(False)
    assert lookups.data_version(engine, user_id) == version


def test_add_rename_archive_a_category(app, engine):
    user_id = make_user(engine, "alice")
    with as_user(app, user_id):
        added = cb.add_category("Groceries", "expense", "#FF8800")
        [category_id] = lookups.list_categories(engine, user_id)["id"].tolist()
        renamed = cb.rename_category(category_id, "Food")
        archived = cb.set_category_archived(category_id, True)
        tables = cb.accounts_tables()
        categories = tables["categories"]
    assert added == cb.FormOutcome(True, "Added the category Groceries.")
    assert renamed.saved and archived.saved
    assert category_rows(engine, user_id) == [("Food", "expense", "#ff8800", True)]
    swatches = [n for n in walk(categories) if getattr(n, "className", None) == "color-swatch"]
    assert swatches[0].style == {"backgroundColor": "#ff8800"}
    assert "Expense" in texts(categories) and "Unarchive" in texts(categories)


@pytest.mark.parametrize(
    ("name", "kind", "color", "errors"),
    [
        ("Rent", "expense", "#112233", {"name": "That name is already in use."}),
        ("", "expense", "#112233", {"name": "Enter a name."}),
        (TOO_LONG, "income", "#112233", {"name": "At most 100 characters (this one has 101)."}),
        (
            "Bonus",
            "gift",
            "red",
            {
                "kind": "Choose one of: income, expense, transfer.",
                "color": "Enter a colour such as #1f77b4.",
            },
        ),
    ],
)
def test_add_category_reports_field_errors_and_adds_nothing(app, engine, name, kind, color, errors):
    user_id = make_user(engine, "alice")
    setup_writes.create_category(engine, user_id, "Rent", "expense")
    before = category_rows(engine, user_id)
    with as_user(app, user_id):
        outcome = cb.add_category(name, kind, color)
    assert outcome.field_errors == errors
    assert category_rows(engine, user_id) == before
    shown = cb.form_outputs(outcome, ids.NEW_CATEGORY_FIELDS)
    messages = [shown[f"{name}_message"] for name in ids.NEW_CATEGORY_FIELDS]
    assert [m for m in messages if m] == list(errors.values())


def test_rename_category_errors(app, engine):
    user_id = make_user(engine, "alice")
    rent = setup_writes.create_category(engine, user_id, "Rent", "expense")
    setup_writes.create_category(engine, user_id, "Food", "expense")
    with as_user(app, user_id):
        assert cb.rename_category(rent, "Food").field_errors == {
            "name": "That name is already in use."
        }
        assert cb.rename_category(rent, " ").field_errors == {"name": "Enter a name."}
        assert cb.rename_category(rent, TOO_LONG).field_errors == {
            "name": "At most 100 characters (this one has 101)."
        }
    assert [row[0] for row in category_rows(engine, user_id)] == ["Food", "Rent"]


def test_another_users_ids_are_not_found_and_nothing_changes(app, engine):
    alice = make_user(engine, "alice")
    bob = make_user(engine, "bob")
    account = setup_writes.create_account(engine, bob, "Bob's bank", "checking")
    category = setup_writes.create_category(engine, bob, "Bob's fun", "expense")
    accounts_before, categories_before = account_rows(engine, bob), category_rows(engine, bob)
    with as_user(app, alice):
        outcomes = [
            cb.rename_account(account, "Mine now"),
            cb.set_account_archived(account, True),
            cb.rename_category(category, "Mine now"),
            cb.set_category_archived(category, True),
            cb.rename_account("1", "Mine now"),
            cb.set_category_archived(True, True),
        ]
    for outcome in outcomes:
        assert not outcome.saved
        assert "not found" in outcome.message
    assert account_rows(engine, bob) == accounts_before
    assert category_rows(engine, bob) == categories_before


def test_form_outputs_put_unknown_fields_in_the_alert():
    outcome = cb.FormOutcome(False, "", {"name": "Enter a name.", "parent_id": "Wrong parent."})
    shown = cb.form_outputs(outcome, ids.NEW_CATEGORY_FIELDS)
    assert [shown[f"{name}_message"] for name in ids.NEW_CATEGORY_FIELDS] == [
        "Enter a name.",
        "",
        "",
    ]
    assert [shown[f"{name}_invalid"] for name in ids.NEW_CATEGORY_FIELDS] == [True, False, False]
    assert "Wrong parent." in texts(shown["feedback"])


def test_an_add_form_is_emptied_and_refreshes_only_after_a_save():
    outputs = cb.form_outputs_of(cb.ACCOUNT_FORM)
    refused = cb.form_submitted(
        cb.FormOutcome(False, "", {"type": "Choose a type."}), cb.ACCOUNT_FORM, outputs, 2
    )
    assert set(refused) == set(outputs)
    assert refused["type_message"] == "Choose a type." and refused["type_invalid"]
    assert refused["name_value"] is no_update and refused["refresh"] is no_update
    saved = cb.form_submitted(cb.FormOutcome(True, "Added."), cb.ACCOUNT_FORM, outputs, 2)
    assert (saved["name_value"], saved["opening_balance_minor_value"], saved["refresh"]) == (
        "",
        "",
        3,
    )
    assert "currency_value" not in saved, "the chosen currency stays for the next account"


def test_the_archive_button_acts_on_a_click_only(app, engine, logged_in_client, login_user_id):
    account = setup_writes.create_account(engine, login_user_id, "Checking", "checking")
    button = {"action": "archive", "id": account, "type": ids.ACCOUNT_ARCHIVE}
    outputs = [
        {"id": ids.ACCOUNTS_FEEDBACK, "property": "children"},
        {"id": ids.REFRESH_STORE, "property": "data"},
    ]
    state = [{"id": ids.REFRESH_STORE, "property": "data", "value": 7}]
    changed = [component_key(button) + ".n_clicks"]

    def press(clicks):
        inputs = [[{"id": button, "property": "n_clicks", "value": clicks}]]
        return run_callback(
            logged_in_client, app, ids.ACCOUNT_ARCHIVE, outputs, inputs, state, changed
        )

    # A re-rendered button reports no clicks: nothing happens.
    assert press(None) == (204, None)
    assert account_rows(engine, login_user_id) == [("Checking", "checking", "EUR", 0, False)]
    status, response = press(1)
    assert status == 200 and response[ids.REFRESH_STORE] == {"data": 8}
    assert account_rows(engine, login_user_id) == [("Checking", "checking", "EUR", 0, True)]


# --- Category groups ---------------------------------------------------------------------------


def group_of(engine, user_id: int) -> dict[str, str | None]:
    """category name -> its group's name."""
    listed = lookups.list_categories(engine, user_id, include_archived=True)
    return {
        name: (None if group is None or group != group else group)
        for name, group in zip(listed["name"], listed["group"], strict=True)
    }


def test_add_rename_choose_and_delete_a_group(app, engine):
    user_id = make_user(engine, "alice")
    rent = setup_writes.create_category(engine, user_id, "Rent", "expense")
    setup_writes.create_category(engine, user_id, "Gifts", "expense")
    with as_user(app, user_id):
        added = cb.add_group(" Housing ")
        [housing] = lookups.list_category_groups(engine, user_id)["id"].tolist()
        moved = cb.set_category_group(rent, str(housing))
        unchanged = cb.set_category_group(rent, str(housing))
        renamed = cb.rename_group(housing, "Home")
        tables = cb.accounts_tables()
        deleted = cb.delete_group(housing)
        after = cb.accounts_tables()
    assert added == cb.FormOutcome(True, "Added the group Housing.")
    assert moved == cb.FormOutcome(True, "Moved Rent to Housing.")
    assert unchanged == cb.FormOutcome(False)
    assert renamed == cb.FormOutcome(True, "Renamed Housing to Home.")
    assert deleted == cb.FormOutcome(
        True, "Deleted the group Home; its categories are in no group now."
    )
    assert group_of(engine, user_id) == {"Gifts": None, "Rent": None}
    selects = {
        node.id["id"]: node
        for node in walk(tables["categories"])
        if isinstance(getattr(node, "id", None), dict)
        and node.id["type"] == ids.CATEGORY_GROUP_SELECT
    }
    assert selects[rent].value == str(housing)
    assert [o["label"] for o in selects[rent].options] == ["No group", "Home"]
    assert "1 category" in texts(tables["groups"])
    assert "No groups yet" in texts(after["groups"])


def test_a_category_leaves_its_group_with_no_group(app, engine):
    user_id = make_user(engine, "alice")
    rent = setup_writes.create_category(engine, user_id, "Rent", "expense")
    housing = setup_writes.create_group(engine, user_id, "Housing")
    setup_writes.set_category_group(engine, user_id, rent, housing)
    with as_user(app, user_id):
        outcome = cb.set_category_group(rent, "")
    assert outcome == cb.FormOutcome(True, "Rent is in no group now.")
    assert group_of(engine, user_id) == {"Rent": None}


def test_group_names_are_checked_and_a_taken_one_says_so(app, engine):
    user_id = make_user(engine, "alice")
    setup_writes.create_group(engine, user_id, "Housing")
    food = setup_writes.create_group(engine, user_id, "Food")
    with as_user(app, user_id):
        taken = cb.add_group("Housing")
        empty = cb.add_group("  ")
        too_long = cb.rename_group(food, TOO_LONG)
    assert taken.field_errors == {"name": "You already have a group with that name."}
    assert empty.field_errors == {"name": "Enter a name."}
    assert too_long.field_errors == {"name": "At most 100 characters (this one has 101)."}
    assert lookups.list_category_groups(engine, user_id)["name"].tolist() == ["Food", "Housing"]


@pytest.mark.parametrize("choice", ["abc", "-1", "1.0", True, 2.5, ["1"]])
def test_a_group_choice_that_is_no_id_is_not_found(app, engine, choice):
    user_id = make_user(engine, "alice")
    rent = setup_writes.create_category(engine, user_id, "Rent", "expense")
    version = lookups.data_version(engine, user_id)
    with as_user(app, user_id):
        outcome = cb.set_category_group(rent, choice)
    assert not outcome.saved and "not found" in outcome.message
    assert lookups.data_version(engine, user_id) == version


def test_another_users_groups_are_not_found_and_nothing_changes(app, engine):
    alice = make_user(engine, "alice")
    bob = make_user(engine, "bob")
    bobs_group = setup_writes.create_group(engine, bob, "Bob's group")
    bobs_category = setup_writes.create_category(engine, bob, "Bob's fun", "expense")
    rent = setup_writes.create_category(engine, alice, "Rent", "expense")
    before = lookups.list_category_groups(engine, bob), group_of(engine, bob)
    with as_user(app, alice):
        outcomes = [
            cb.rename_group(bobs_group, "Mine now"),
            cb.delete_group(bobs_group),
            cb.set_category_group(rent, str(bobs_group)),
            cb.set_category_group(bobs_category, ""),
        ]
    for outcome in outcomes:
        assert not outcome.saved
        assert "not found" in outcome.message
    assert lookups.list_category_groups(engine, bob).equals(before[0])
    assert group_of(engine, bob) == before[1]
    assert group_of(engine, alice) == {"Rent": None}


def test_the_tags_card_renames_merges_and_deletes_tags(app, engine):
    user_id = make_user(engine, "tagger")
    account = setup_writes.create_account(engine, user_id, "Cash", "cash")
    txn = Transaction(account, date(2026, 1, 5), -100, "Shop", tags=("trip", "Trip 2026"))
    writes.create_transaction(engine, user_id, txn)
    ids_by_name = tag_data.list_tags(engine, user_id).set_index("name")["id"].to_dict()
    with as_user(app, user_id):
        tables = cb.accounts_tables()
        renamed = cb.rename_tag(ids_by_name["trip"], "Holiday")
        nothing = cb.merge_tag(ids_by_name["trip"], "")
        merged = cb.merge_tag(ids_by_name["trip"], str(ids_by_name["Trip 2026"]))
        missing = cb.merge_tag(ids_by_name["trip"], str(ids_by_name["Trip 2026"]))
        deleted = cb.delete_tag(ids_by_name["Trip 2026"])
    assert "Holiday" not in texts(tables["tags"]) and "trip" in texts(tables["tags"])
    assert renamed.saved and renamed.message == "Renamed trip to Holiday."
    assert not nothing.saved and not nothing.message
    assert merged.saved and merged.message == "Merged Holiday into Trip 2026."
    assert missing.message == "That tag was not found."
    assert deleted.saved and tag_data.list_tags(engine, user_id).empty
