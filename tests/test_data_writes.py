"""data/writes.py (with setup_writes, ownership and validation) on SQLite and PostgreSQL.

Every refusal is checked the same way: the right field errors, and not one row or data_version
changed anywhere (a snapshot of every table before and after).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Engine, Table, func, select, update

from data import receipt_writes, setup_writes, writes
from data.entries import Transaction, Transfer
from data.money import max_abs_minor
from data.ownership import bump_version
from data.schema import (
    accounts,
    budgets,
    categories,
    category_groups,
    metadata,
    receipts,
    transactions,
    users,
)
from data.validation import NotFound, ValidationError
from tests.conftest import make_user

JAN = date(2024, 1, 10)
FEB = date(2024, 2, 1)
TODAY = date.today()
EUR_CAP = max_abs_minor("EUR")


# Each write is imported from the module where it lives.
WRITE_MODULES = (writes, setup_writes, receipt_writes)


class Writer:
    """The writes with the engine and the user filled in: alice.create_account("Cash", "cash")."""

    def __init__(self, engine: Engine, user_id: int) -> None:
        self.engine, self.user_id = engine, user_id

    def __getattr__(self, name: str) -> Callable[..., Any]:
        module = next(module for module in WRITE_MODULES if hasattr(module, name))
        return partial(getattr(module, name), self.engine, self.user_id)


@dataclass(frozen=True)
class Ledger:
    """Ids of alice's rows, and of another user's (bob's) to try to reach."""

    checking: int
    savings: int
    dollars: int
    closed: int
    groceries: int
    salary: int
    retired: int
    shop: int
    other_user: int
    other_account: int
    other_category: int
    other_txn: int
    other_receipt: int
    housing: int
    other_group: int


def receipt_fields(tag: str = "a") -> dict[str, object]:
    return {
        "storage_name": f"{tag}-0f3c9a.pdf",
        "original_name": "Receipt from the shop.pdf",
        "content_type": "application/pdf",
        "size_bytes": 2048,
        "sha256": "ab" * 32,
    }


@pytest.fixture
def alice(engine: Engine, user_id: int) -> Writer:
    return Writer(engine, user_id)


@pytest.fixture
def ledger(engine: Engine, alice: Writer) -> Ledger:
    closed, retired = (
        alice.create_account("Closed", "cash"),
        alice.create_category("Old", "expense"),
    )
    alice.set_account_archived(closed, True)
    alice.set_category_archived(retired, True)
    checking, groceries = (
        alice.create_account("Checking", "checking"),
        alice.create_category("Groceries", "expense"),
    )
    bob = Writer(engine, make_user(engine, "bob"))
    bob_account = bob.create_account("Checking", "checking")
    bob_txn = bob.create_transaction(Transaction(bob_account, JAN, -500))
    return Ledger(
        checking=checking,
        savings=alice.create_account("Savings", "savings"),
        dollars=alice.create_account("Dollars", "checking", currency="USD"),
        closed=closed,
        groceries=groceries,
        salary=alice.create_category("Salary", "income"),
        retired=retired,
        shop=alice.create_transaction(Transaction(checking, JAN, -1250, "Shop", "", groceries)),
        other_user=bob.user_id,
        other_account=bob_account,
        other_category=bob.create_category("Groceries", "expense"),
        other_txn=bob_txn,
        other_receipt=bob.attach_receipt(bob_txn, **receipt_fields("bob")),
        housing=alice.create_group("Housing"),
        other_group=bob.create_group("Housing"),
    )


def spend(ids: Ledger, **changes: object) -> Transaction:
    base = Transaction(ids.checking, JAN, -1250, "Corner Shop", "", ids.groceries)
    return replace(base, **changes)


def with_ids(ids: Ledger, changes: dict[str, object]) -> dict[str, object]:
    """Parameters name ledger rows ("closed") for *_id fields: the ids exist only at run time."""
    return {
        key: getattr(ids, value) if key.endswith("_id") else value for key, value in changes.items()
    }


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(found)
                for found in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in metadata.sorted_tables
        }


def row(engine: Engine, table: Table, row_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(table).where(table.c.id == row_id)).one()


def ids_of(engine: Engine, table: Table, *where: Any) -> list[int]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(table.c.id).where(*where)).scalars())


def version(engine: Engine, user_id: int) -> int:
    return row(engine, users, user_id).data_version


def assert_refused(engine: Engine, write: Callable[[], object], *fields: str) -> ValidationError:
    """The write raises a ValidationError naming exactly `fields`, and changes nothing."""
    before = snapshot(engine)
    with pytest.raises(ValidationError) as refused:
        write()
    assert set(refused.value.field_errors) == set(fields), refused.value.field_errors
    assert all(refused.value.field_errors.values())
    assert snapshot(engine) == before
    return refused.value


def assert_not_found(engine: Engine, write: Callable[[], object]) -> None:
    before = snapshot(engine)
    with pytest.raises(NotFound):
        write()
    assert snapshot(engine) == before


# Users


def test_create_user_stores_the_cleaned_row(engine):
    carol = row(
        engine, users, setup_writes.create_user(engine, " carol.b-1 ", "Carol B", "usd", "$h$1")
    )
    assert (carol.username, carol.display_name, carol.currency) == ("carol.b-1", "Carol B", "USD")
    assert (carol.password_hash, carol.data_version) == ("$h$1", 0)
    assert row(engine, users, setup_writes.create_user(engine, "dave")).password_hash is None


@pytest.mark.parametrize(
    ("username", "display_name", "currency", "fields"),
    [
        ("ab", "", "EUR", {"username"}),
        ("a" * 65, "", "EUR", {"username"}),
        ("with space", "", "EUR", {"username"}),
        ("jürgen", "", "EUR", {"username"}),
        ("ALICE", "", "EUR", {"username"}),  # alice exists: the names differ by case only
        ("carol", "x" * 101, "EURO", {"display_name", "currency"}),
        ("carol", "Carol\x00", "E1R", {"display_name", "currency"}),
    ],
)
def test_create_user_refuses_bad_input(engine, user_id, username, display_name, currency, fields):
    assert_refused(
        engine, lambda: setup_writes.create_user(engine, username, display_name, currency), *fields
    )


def test_create_user_refuses_an_empty_password_hash(engine):
    assert_refused(
        engine,
        lambda: setup_writes.create_user(engine, "carol", password_hash=" "),
        "password_hash",
    )


# Accounts and categories


def test_create_account_defaults_to_the_users_currency(engine):
    kenji = Writer(engine, make_user(engine, "kenji", currency="JPY"))
    wallet = row(
        engine, accounts, kenji.create_account("  Wallet ", "cash", opening_balance_minor=5000)
    )
    assert (wallet.user_id, wallet.name, wallet.type, wallet.archived) == (
        kenji.user_id,
        "Wallet",
        "cash",
        False,
    )
    assert (wallet.currency, wallet.opening_balance_minor) == ("JPY", 5000)
    assert row(engine, accounts, kenji.create_account("US", "savings", "usd")).currency == "USD"


@pytest.mark.parametrize(
    ("name", "account_type", "currency", "opening", "fields"),
    [
        ("", "cash", None, 0, {"name"}),
        ("   ", "cash", None, 0, {"name"}),
        (None, "cash", None, 0, {"name"}),
        ("x" * 101, "cash", None, 0, {"name"}),
        ("Tab\tname", "cash", None, 0, {"name"}),
        ("Checking", "cash", None, 0, {"name"}),  # alice has one
        ("Wallet", "bank", "EU", 0, {"type", "currency"}),
        ("Wallet", "cash", None, 12.5, {"opening_balance_minor"}),
        ("Wallet", "cash", "EUR", EUR_CAP + 1, {"opening_balance_minor"}),
        (7, None, "", "10", {"name", "type", "currency"}),
    ],
)
def test_create_account_refuses_bad_input(
    engine, alice, ledger, name, account_type, currency, opening, fields
):
    assert_refused(
        engine, lambda: alice.create_account(name, account_type, currency, opening), *fields
    )


def test_account_names_are_unique_per_user_only(engine, ledger):
    assert (
        row(engine, accounts, ledger.other_account).name
        == row(engine, accounts, ledger.checking).name
    )


def test_rename_and_archive_an_account(engine, alice, ledger):
    alice.rename_account(ledger.savings, " Rainy day ")
    alice.rename_account(ledger.savings, "Rainy day")  # its own name is not a duplicate
    alice.set_account_archived(ledger.savings, True)
    stored = row(engine, accounts, ledger.savings)
    assert (stored.name, stored.archived) == ("Rainy day", True)
    alice.set_account_archived(ledger.savings, False)
    assert row(engine, accounts, ledger.savings).archived is False
    assert_refused(engine, lambda: alice.rename_account(ledger.savings, "Checking"), "name")
    assert_refused(engine, lambda: alice.set_account_archived(ledger.savings, "yes"), "archived")


def test_create_category_with_parent_and_colour(engine, alice, ledger):
    fruit = row(
        engine, categories, alice.create_category("Fruit", "expense", ledger.groceries, "#A1B2C3")
    )
    assert (fruit.name, fruit.kind, fruit.parent_id, fruit.color) == (
        "Fruit",
        "expense",
        ledger.groceries,
        "#a1b2c3",
    )
    assert row(engine, categories, ledger.salary).color is None


@pytest.mark.parametrize(
    ("name", "kind", "color", "fields"),
    [
        ("Groceries", "expense", None, {"name"}),
        ("Fun", "spending", "red", {"kind", "color"}),
        ("Fun", "expense", "#12345", {"color"}),
        ("Fun", "expense", "#12345g", {"color"}),
        ("Bonus", "income", None, {"parent_id"}),  # the parent, Groceries, is an expense
    ],
)
def test_create_category_refuses_bad_input(engine, alice, ledger, name, kind, color, fields):
    assert_refused(
        engine, lambda: alice.create_category(name, kind, ledger.groceries, color), *fields
    )


def test_rename_and_archive_a_category(engine, alice, ledger):
    alice.rename_category(ledger.salary, "Wages")
    alice.set_category_archived(ledger.salary, True)
    stored = row(engine, categories, ledger.salary)
    assert (stored.name, stored.archived) == ("Wages", True)
    assert_refused(engine, lambda: alice.rename_category(ledger.salary, "Groceries"), "name")
    assert_refused(engine, lambda: alice.rename_category(ledger.salary, "\x1b[31mRed"), "name")


def test_groups_are_created_renamed_chosen_and_deleted(engine, alice, ledger):
    food = alice.create_group(" Food ")
    assert row(engine, category_groups, food).name == "Food"
    alice.rename_group(food, "Eating")
    alice.set_category_group(ledger.groceries, food)
    alice.set_category_group(ledger.salary, ledger.housing)
    assert row(engine, categories, ledger.groceries).group_id == food
    alice.set_category_group(ledger.salary, None)
    assert row(engine, categories, ledger.salary).group_id is None
    alice.delete_group(food)
    assert ids_of(engine, category_groups, category_groups.c.id == food) == []
    # The category stays, without a group.
    assert row(engine, categories, ledger.groceries).group_id is None
    assert row(engine, categories, ledger.groceries).name == "Groceries"


@pytest.mark.parametrize(
    ("write", "fields"),
    [
        (lambda alice, ids: alice.create_group("Housing"), {"name"}),
        (lambda alice, ids: alice.create_group("  "), {"name"}),
        (lambda alice, ids: alice.create_group("x" * 101), {"name"}),
        (lambda alice, ids: alice.create_group("\x1b[31mRed"), {"name"}),
        (lambda alice, ids: alice.rename_group(ids.housing, ""), {"name"}),
    ],
)
def test_group_names_are_validated_like_category_names(engine, alice, ledger, write, fields):
    assert_refused(engine, lambda: write(alice, ledger), *fields)


def test_a_taken_group_name_says_so(engine, alice, ledger):
    refused = assert_refused(engine, lambda: alice.create_group("Housing"), "name")
    assert refused.field_errors["name"] == "You already have a group with that name."


def test_a_group_may_share_a_categorys_name_and_another_users_group_name(engine, alice, ledger):
    alice.create_group("Groceries")
    Writer(engine, ledger.other_user).create_group("Groceries")


# Transactions


def test_create_transaction_stores_every_column(engine, alice, ledger):
    memo = "Weekly shop\n\tmilk, bread\r\nand eggs"
    stored = row(
        engine,
        transactions,
        alice.create_transaction(spend(ledger, payee=" Corner Shop ", memo=memo)),
    )
    assert (stored.user_id, stored.account_id, stored.category_id) == (
        alice.user_id,
        ledger.checking,
        ledger.groceries,
    )
    assert (stored.date, stored.amount_minor) == (JAN, -1250)
    assert (stored.payee, stored.memo) == ("Corner Shop", "Weekly shop\n\tmilk, bread\nand eggs")
    assert (stored.transfer_peer_id, stored.receipt_id) == (None, None)


def test_create_transaction_accepts_the_limits(engine, alice, ledger):
    for txn in (
        spend(ledger, date=date(1970, 1, 1), amount_minor=EUR_CAP, category_id=None),
        spend(ledger, date=TODAY + timedelta(days=366), amount_minor=-EUR_CAP),
        spend(ledger, payee="p" * 200, memo="m" * 2000),
    ):
        stored = row(engine, transactions, alice.create_transaction(txn))
        assert (stored.date, stored.amount_minor, stored.category_id) == (
            txn.date,
            txn.amount_minor,
            txn.category_id,
        )
        assert (stored.payee, stored.memo) == (txn.payee, txn.memo)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"amount_minor": 0}, {"amount_minor"}),
        ({"amount_minor": 12.5}, {"amount_minor"}),
        ({"amount_minor": 10.0}, {"amount_minor"}),
        ({"amount_minor": True}, {"amount_minor"}),
        ({"amount_minor": Decimal("10")}, {"amount_minor"}),
        ({"amount_minor": "10"}, {"amount_minor"}),
        ({"amount_minor": EUR_CAP + 1}, {"amount_minor"}),
        ({"amount_minor": -EUR_CAP - 1}, {"amount_minor"}),
        ({"date": datetime(2024, 1, 10, 12, 0)}, {"date"}),
        ({"date": "2024-01-10"}, {"date"}),
        ({"date": date(1969, 12, 31)}, {"date"}),
        ({"date": TODAY + timedelta(days=367)}, {"date"}),
        ({"payee": "p" * 201}, {"payee"}),
        ({"payee": "Shop\x00"}, {"payee"}),
        ({"payee": "Two\nlines"}, {"payee"}),
        ({"memo": "m" * 2001}, {"memo"}),
        ({"memo": "bell\x07"}, {"memo"}),
        ({"memo": "lone surrogate \ud800"}, {"memo"}),
        ({"account_id": "closed"}, {"account_id"}),
        ({"category_id": "retired"}, {"category_id"}),
        (
            {"amount_minor": 0.1, "date": None, "payee": 5, "memo": "\x00"},
            {"amount_minor", "date", "payee", "memo"},
        ),
    ],
)
def test_create_transaction_refuses_bad_input(engine, alice, ledger, changes, fields):
    txn = spend(ledger, **with_ids(ledger, changes))
    assert_refused(engine, lambda: alice.create_transaction(txn), *fields)


@pytest.mark.parametrize("currency", ["JPY", "KWD"])
def test_the_amount_cap_follows_the_accounts_currency(engine, alice, ledger, currency):
    account, cap = alice.create_account(currency, "cash", currency), max_abs_minor(currency)
    assert cap != EUR_CAP
    txn_id = alice.create_transaction(spend(ledger, account_id=account, amount_minor=-cap))
    assert row(engine, transactions, txn_id).amount_minor == -cap
    too_much = spend(ledger, account_id=account, amount_minor=cap + 1)
    assert_refused(engine, lambda: alice.create_transaction(too_much), "amount_minor")


def test_sums_in_sql_are_exact(engine, alice, ledger):
    pot, big = alice.create_account("Pot", "cash"), alice.create_account("Big", "investment")
    for amount in (10, 20):  # 0.10 + 0.20
        alice.create_transaction(spend(ledger, account_id=pot, amount_minor=amount))
    for amount in (EUR_CAP, EUR_CAP, -EUR_CAP + 1):
        alice.create_transaction(spend(ledger, account_id=big, amount_minor=amount))
    total = select(func.sum(transactions.c.amount_minor))
    with engine.connect() as conn:
        small = conn.execute(total.where(transactions.c.account_id == pot)).scalar_one()
        large = conn.execute(total.where(transactions.c.account_id == big)).scalar_one()
    # PostgreSQL's SUM(bigint) is NUMERIC (a Decimal here), SQLite's an integer: exact either way.
    assert small == 30 and isinstance(small, int | Decimal)
    assert large == EUR_CAP + 1 and isinstance(large, int | Decimal)


def test_update_transaction_replaces_the_columns(engine, alice, ledger):
    with engine.begin() as conn:
        long_ago = datetime(2000, 1, 1, tzinfo=UTC)
        conn.execute(
            update(transactions).where(transactions.c.id == ledger.shop).values(updated_at=long_ago)
        )
    alice.update_transaction(
        ledger.shop, Transaction(ledger.savings, FEB, 4000, "Refund", "back", ledger.salary)
    )
    stored = row(engine, transactions, ledger.shop)
    assert (stored.account_id, stored.date, stored.amount_minor) == (ledger.savings, FEB, 4000)
    assert (stored.payee, stored.memo, stored.category_id) == ("Refund", "back", ledger.salary)
    assert stored.updated_at.year > 2000


def test_an_edit_may_keep_an_archived_account_but_not_move_to_one(engine, alice, ledger):
    alice.set_account_archived(ledger.checking, True)
    alice.update_transaction(ledger.shop, spend(ledger, amount_minor=-99))
    assert row(engine, transactions, ledger.shop).amount_minor == -99
    assert_refused(
        engine,
        lambda: alice.update_transaction(ledger.shop, spend(ledger, account_id=ledger.closed)),
        "account_id",
    )
    assert_refused(
        engine,
        lambda: alice.update_transaction(ledger.shop, spend(ledger, category_id=ledger.retired)),
        "category_id",
    )


def test_delete_transaction_returns_and_removes_its_receipt(engine, alice, ledger):
    assert alice.delete_transaction(ledger.shop) == []
    txn_id = alice.create_transaction(spend(ledger))
    receipt_id = alice.attach_receipt(txn_id, **receipt_fields())
    assert alice.delete_transaction(txn_id) == [receipt_id]
    assert ids_of(engine, transactions, transactions.c.user_id == alice.user_id) == []
    assert ids_of(engine, receipts) == [ledger.other_receipt]


# Transfers


def test_create_transfer_links_two_legs(engine, alice, ledger):
    out_id, in_id = alice.create_transfer(Transfer(ledger.checking, ledger.savings, JAN, 5000))
    out_leg, in_leg = row(engine, transactions, out_id), row(engine, transactions, in_id)
    assert (out_leg.account_id, out_leg.amount_minor, out_leg.transfer_peer_id) == (
        ledger.checking,
        -5000,
        in_id,
    )
    assert (in_leg.account_id, in_leg.amount_minor, in_leg.transfer_peer_id) == (
        ledger.savings,
        5000,
        out_id,
    )
    for leg in (out_leg, in_leg):
        assert (leg.date, leg.payee, leg.category_id, leg.user_id) == (
            JAN,
            "Transfer",
            None,
            alice.user_id,
        )


@pytest.mark.parametrize(
    ("source", "target", "amount", "received", "fields"),
    [
        ("checking", "checking", 100, None, {"to_account_id"}),
        ("closed", "savings", 100, None, {"from_account_id"}),
        ("checking", "savings", 0, None, {"amount_minor"}),
        ("checking", "savings", -100, None, {"amount_minor"}),
        ("checking", "savings", 1.0, None, {"amount_minor"}),
        # One currency: what arrives is what left.
        ("checking", "savings", 100, 90, {"amount_minor"}),
        # Two currencies: each amount valid in its own currency.
        ("checking", "dollars", 100, 0, {"received_minor"}),
        ("checking", "dollars", 100, -108, {"received_minor"}),
        ("checking", "dollars", -100, 108, {"amount_minor"}),
        ("checking", "dollars", 100, 1.08, {"received_minor"}),
    ],
)
def test_create_transfer_refuses_bad_input(
    engine, alice, ledger, source, target, amount, received, fields
):
    transfer = Transfer(
        getattr(ledger, source), getattr(ledger, target), JAN, amount, received_minor=received
    )
    write = partial(alice.create_transfer, transfer)
    assert_refused(engine, write, *fields)


def test_a_transfer_between_currencies_keeps_both_amounts_exactly(engine, alice, ledger):
    # €100.00 left checking, $108.23 arrived: two legs, each in its account's currency.
    out_id, in_id = alice.create_transfer(
        Transfer(ledger.checking, ledger.dollars, JAN, 10_000, received_minor=10_823)
    )
    out_leg, in_leg = row(engine, transactions, out_id), row(engine, transactions, in_id)
    assert (out_leg.account_id, out_leg.amount_minor) == (ledger.checking, -10_000)
    assert (in_leg.account_id, in_leg.amount_minor) == (ledger.dollars, 10_823)
    assert (out_leg.transfer_peer_id, in_leg.transfer_peer_id) == (in_id, out_id)
    # Editing one leg changes its own amount; the other keeps what arrived, the date follows.
    alice.update_transaction(out_id, Transaction(ledger.checking, FEB, -9_900, "Transfer"))
    assert row(engine, transactions, in_id).amount_minor == 10_823
    assert row(engine, transactions, in_id).date == FEB
    assert row(engine, transactions, out_id).amount_minor == -9_900


@pytest.mark.parametrize("deleted_leg", [0, 1])
def test_deleting_either_leg_deletes_both_with_their_receipts(engine, alice, ledger, deleted_leg):
    legs = alice.create_transfer(Transfer(ledger.checking, ledger.savings, JAN, 700))
    receipt_ids = [alice.attach_receipt(leg, **receipt_fields(f"leg{leg}")) for leg in legs]
    assert alice.delete_transaction(legs[deleted_leg]) == sorted(receipt_ids)
    assert ids_of(engine, transactions, transactions.c.id.in_(legs)) == []
    assert ids_of(engine, receipts, receipts.c.id.in_(receipt_ids)) == []
    assert ids_of(engine, transactions, transactions.c.user_id == alice.user_id) == [ledger.shop]


def test_editing_a_transfer_leg_moves_the_other_leg_too(engine, alice, ledger):
    out_id, in_id = alice.create_transfer(Transfer(ledger.checking, ledger.savings, JAN, 5000))
    alice.update_transaction(
        out_id, Transaction(ledger.checking, FEB, -7500, "To savings", "monthly")
    )
    out_leg, in_leg = row(engine, transactions, out_id), row(engine, transactions, in_id)
    assert (out_leg.date, out_leg.amount_minor, out_leg.payee, out_leg.memo) == (
        FEB,
        -7500,
        "To savings",
        "monthly",
    )
    assert (in_leg.date, in_leg.amount_minor, in_leg.account_id, in_leg.payee) == (
        FEB,
        7500,
        ledger.savings,
        "Transfer",
    )
    assert (out_leg.transfer_peer_id, in_leg.transfer_peer_id) == (in_id, out_id)
    cash = alice.create_account("Cash", "cash")
    alice.update_transaction(in_id, Transaction(cash, FEB, 7500, "Transfer"))
    assert row(engine, transactions, in_id).account_id == cash
    assert row(engine, transactions, out_id).account_id == ledger.checking


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"account_id": "savings"}, {"account_id"}),  # the other leg's account
        # Into another currency the peer keeps its amount: the leg must keep its direction.
        ({"account_id": "dollars", "amount_minor": 5000}, {"amount_minor"}),
        ({"category_id": "groceries"}, {"category_id"}),
        ({"amount_minor": 0}, {"amount_minor"}),
    ],
)
def test_a_transfer_leg_stays_a_transfer(engine, alice, ledger, changes, fields):
    out_id, _in_id = alice.create_transfer(Transfer(ledger.checking, ledger.savings, JAN, 5000))
    edited = replace(
        Transaction(ledger.checking, JAN, -5000, "Transfer"), **with_ids(ledger, changes)
    )
    assert_refused(engine, lambda: alice.update_transaction(out_id, edited), *fields)


# Receipts


def test_attach_receipt_links_it_once(engine, alice, ledger):
    receipt_id = alice.attach_receipt(ledger.shop, **receipt_fields())
    stored = row(engine, receipts, receipt_id)
    assert {key: getattr(stored, key) for key in receipt_fields()} == receipt_fields()
    assert stored.user_id == alice.user_id
    assert row(engine, transactions, ledger.shop).receipt_id == receipt_id
    assert_refused(
        engine, lambda: alice.attach_receipt(ledger.shop, **receipt_fields("b")), "transaction_id"
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"storage_name": "../etc/passwd"}, {"storage_name"}),
        ({"storage_name": ".hidden"}, {"storage_name"}),
        ({"storage_name": "bob-0f3c9a.pdf"}, {"storage_name"}),  # bob's receipt has that file
        ({"original_name": "  "}, {"original_name"}),
        ({"original_name": "a" * 256, "content_type": "x" * 51}, {"original_name", "content_type"}),
        ({"size_bytes": 0}, {"size_bytes"}),
        ({"size_bytes": 2**31}, {"size_bytes"}),
        ({"sha256": "AB" * 32}, {"sha256"}),
        ({"sha256": "ab" * 31}, {"sha256"}),
    ],
)
def test_attach_receipt_refuses_bad_input(engine, alice, ledger, changes, fields):
    assert_refused(
        engine, lambda: alice.attach_receipt(ledger.shop, **(receipt_fields() | changes)), *fields
    )


def test_create_transaction_with_a_receipt_no_other_transaction_has(engine, alice, ledger):
    receipt_id = alice.attach_receipt(ledger.shop, **receipt_fields())
    assert_refused(
        engine, lambda: alice.create_transaction(spend(ledger), receipt_id), "receipt_id"
    )
    alice.update_transaction(ledger.shop, spend(ledger, amount_minor=-1))  # keeps its receipt
    assert row(engine, transactions, ledger.shop).receipt_id == receipt_id
    alice.delete_transaction(ledger.shop)  # and the receipt row with it
    assert_not_found(engine, lambda: alice.create_transaction(spend(ledger), receipt_id))


# Budgets


def budget_rows(engine: Engine, user_id: int) -> list[tuple]:
    query = select(budgets.c.category_id, budgets.c.month, budgets.c.limit_minor)
    with engine.connect() as conn:
        return sorted(
            tuple(found) for found in conn.execute(query.where(budgets.c.user_id == user_id))
        )


def test_set_budget_upserts_on_the_first_of_the_month(engine, alice, ledger):
    alice.set_budget(ledger.groceries, date(2024, 1, 17), 40000)
    alice.set_budget(ledger.groceries, date(2024, 1, 31), 45000)
    alice.set_budget(ledger.groceries, FEB, 0)
    assert budget_rows(engine, alice.user_id) == [
        (ledger.groceries, date(2024, 1, 1), 45000),
        (ledger.groceries, FEB, 0),
    ]


@pytest.mark.parametrize(
    ("category", "month", "limit", "fields"),
    [
        ("salary", JAN, 100, {"category_id"}),
        ("retired", JAN, 100, {"category_id"}),
        ("groceries", JAN, -1, {"limit_minor"}),
        ("groceries", JAN, 99.5, {"limit_minor"}),
        ("groceries", JAN, EUR_CAP + 1, {"limit_minor"}),
        ("groceries", "2024-01", 100, {"month"}),
        ("groceries", date(1969, 12, 1), None, {"month", "limit_minor"}),
    ],
)
def test_set_budget_refuses_bad_input(engine, alice, ledger, category, month, limit, fields):
    assert_refused(
        engine, lambda: alice.set_budget(getattr(ledger, category), month, limit), *fields
    )


def test_clear_budget_removes_one_month(engine, alice, ledger):
    alice.set_budget(ledger.groceries, JAN, 100)
    alice.set_budget(ledger.groceries, FEB, 200)
    alice.clear_budget(ledger.groceries, date(2024, 1, 25))
    assert budget_rows(engine, alice.user_id) == [(ledger.groceries, FEB, 200)]
    assert_refused(
        engine, lambda: alice.clear_budget(ledger.groceries, datetime(2024, 2, 1)), "month"
    )


def test_copy_budgets_keeps_existing_limits_unless_told(engine, alice, ledger):
    fuel, gone = alice.create_category("Fuel", "expense"), alice.create_category("Gone", "expense")
    for category, limit in ((ledger.groceries, 40000), (fuel, 9000), (gone, 100)):
        alice.set_budget(category, JAN, limit)
    alice.set_category_archived(gone, True)  # an archived category's limit is not carried on
    alice.set_budget(fuel, FEB, 12000)
    assert alice.copy_budgets(JAN, date(2024, 2, 20)) == 1
    february = [(ledger.groceries, FEB, 40000), (fuel, FEB, 12000)]
    assert [found for found in budget_rows(engine, alice.user_id) if found[1] == FEB] == sorted(
        february
    )
    assert alice.copy_budgets(JAN, FEB, overwrite=True) == 2
    february = [(ledger.groceries, FEB, 40000), (fuel, FEB, 9000)]
    assert [found for found in budget_rows(engine, alice.user_id) if found[1] == FEB] == sorted(
        february
    )
    assert alice.copy_budgets(date(2023, 5, 1), FEB) == 0
    assert_refused(engine, lambda: alice.copy_budgets(JAN, date(2024, 1, 31)), "to_month")
    assert_refused(engine, lambda: alice.copy_budgets(JAN, FEB, "yes"), "overwrite")


# Across every write: the version and the owner


SUCCESSFUL_WRITES = {
    "create_transaction": lambda alice, ids: alice.create_transaction(spend(ids)),
    "update_transaction": lambda alice, ids: alice.update_transaction(
        ids.shop, spend(ids, amount_minor=-1)
    ),
    "delete_transaction": lambda alice, ids: alice.delete_transaction(ids.shop),
    "create_transfer": lambda alice, ids: alice.create_transfer(
        Transfer(ids.checking, ids.savings, JAN, 1)
    ),
    "attach_receipt": lambda alice, ids: alice.attach_receipt(ids.shop, **receipt_fields()),
    "set_budget": lambda alice, ids: alice.set_budget(ids.groceries, JAN, 1),
    "clear_budget": lambda alice, ids: alice.clear_budget(ids.groceries, JAN),
    "copy_budgets": lambda alice, ids: alice.copy_budgets(JAN, FEB),
    "create_account": lambda alice, ids: alice.create_account("Wallet", "cash"),
    "rename_account": lambda alice, ids: alice.rename_account(ids.savings, "Pot"),
    "set_account_archived": lambda alice, ids: alice.set_account_archived(ids.savings, True),
    "create_category": lambda alice, ids: alice.create_category("Fuel", "expense"),
    "rename_category": lambda alice, ids: alice.rename_category(ids.salary, "Pay"),
    "set_category_archived": lambda alice, ids: alice.set_category_archived(ids.salary, True),
    "create_group": lambda alice, ids: alice.create_group("Food"),
    "rename_group": lambda alice, ids: alice.rename_group(ids.housing, "Home"),
    "delete_group": lambda alice, ids: alice.delete_group(ids.housing),
    "set_category_group": lambda alice, ids: alice.set_category_group(ids.groceries, ids.housing),
}


@pytest.mark.parametrize("write", SUCCESSFUL_WRITES.values(), ids=SUCCESSFUL_WRITES.keys())
def test_every_write_bumps_its_owners_data_version_once(engine, alice, ledger, write):
    alices, bobs = version(engine, alice.user_id), version(engine, ledger.other_user)
    write(alice, ledger)
    assert (version(engine, alice.user_id), version(engine, ledger.other_user)) == (
        alices + 1,
        bobs,
    )


# Alice reaches for bob's rows: the answer must not reveal that they exist.
OTHER_USERS_IDS = {
    "account": lambda alice, ids: alice.create_transaction(
        spend(ids, account_id=ids.other_account)
    ),
    "category": lambda alice, ids: alice.create_transaction(
        spend(ids, category_id=ids.other_category)
    ),
    "receipt": lambda alice, ids: alice.create_transaction(spend(ids), ids.other_receipt),
    "update": lambda alice, ids: alice.update_transaction(ids.other_txn, spend(ids)),
    "update into": lambda alice, ids: alice.update_transaction(
        ids.shop, spend(ids, category_id=ids.other_category)
    ),
    "delete": lambda alice, ids: alice.delete_transaction(ids.other_txn),
    "transfer from": lambda alice, ids: alice.create_transfer(
        Transfer(ids.other_account, ids.checking, JAN, 1)
    ),
    "transfer to": lambda alice, ids: alice.create_transfer(
        Transfer(ids.checking, ids.other_account, JAN, 1)
    ),
    "attach": lambda alice, ids: alice.attach_receipt(ids.other_txn, **receipt_fields()),
    "set budget": lambda alice, ids: alice.set_budget(ids.other_category, JAN, 1),
    "clear budget": lambda alice, ids: alice.clear_budget(ids.other_category, JAN),
    "rename account": lambda alice, ids: alice.rename_account(ids.other_account, "Mine"),
    "archive account": lambda alice, ids: alice.set_account_archived(ids.other_account, True),
    "parent": lambda alice, ids: alice.create_category("Sub", "expense", ids.other_category),
    "rename category": lambda alice, ids: alice.rename_category(ids.other_category, "Mine"),
    "archive category": lambda alice, ids: alice.set_category_archived(ids.other_category, True),
    "rename group": lambda alice, ids: alice.rename_group(ids.other_group, "Mine"),
    "delete group": lambda alice, ids: alice.delete_group(ids.other_group),
    "group of": lambda alice, ids: alice.set_category_group(ids.other_category, ids.housing),
    "group into": lambda alice, ids: alice.set_category_group(ids.groceries, ids.other_group),
    "no group of": lambda alice, ids: alice.set_category_group(ids.other_category, None),
}


@pytest.mark.parametrize("write", OTHER_USERS_IDS.values(), ids=OTHER_USERS_IDS.keys())
def test_another_users_ids_are_not_found_and_change_nothing(engine, alice, ledger, write):
    assert_not_found(engine, lambda: write(alice, ledger))


@pytest.mark.parametrize("missing", [999_999, 0, -1, 2**63, "1", None, True, 1.0])
def test_ids_that_cannot_exist_are_not_found(engine, alice, ledger, missing):
    assert_not_found(engine, lambda: alice.rename_account(missing, "Mine"))
    assert_not_found(engine, lambda: alice.delete_transaction(missing))
    assert_not_found(engine, lambda: Writer(engine, missing).create_account("Wallet", "cash"))


def test_validation_error_reads_as_one_line(engine, alice, ledger):
    refused = assert_refused(engine, lambda: alice.create_account("", "bank"), "name", "type")
    assert "\n" not in str(refused) and "name" in str(refused) and "type" in str(refused)


def test_one_users_writes_wait_for_each_other(engine, alice, ledger):
    """A duplicate name created meanwhile is a field error, not an IntegrityError."""
    outcome: list[object] = []

    def create_wallet() -> None:
        try:
            outcome.append(alice.create_account("Wallet", "cash"))
        except Exception as error:  # noqa: BLE001 - the test inspects whatever happened
            outcome.append(error)

    with engine.begin() as conn:
        bump_version(conn, alice.user_id)
        racer = threading.Thread(target=create_wallet)
        racer.start()
        time.sleep(0.5)  # lets the racer reach the owner's row lock (or run past it, if broken)
        conn.execute(
            accounts.insert().values(
                user_id=alice.user_id, name="Wallet", type="cash", currency="EUR"
            )
        )
    racer.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], ValidationError), outcome
    assert outcome[0].field_errors.keys() == {"name"}
    assert len(ids_of(engine, accounts, accounts.c.name == "Wallet")) == 1
