"""data/lookups.py: lists and lookups for forms, and the server-side transactions grid.

Alice's May 2024 has ties on every sortable column and memos with LIKE wildcards in them; Bob
shares her payees, so a leak of his rows shows up in every list.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, update

from data import lookups, setup_writes
from data.filters import Filters
from data.schema import accounts, budgets, categories, receipts, transactions, users
from tests.conftest import make_user

MAY = Filters(date(2024, 5, 1), date(2024, 5, 31))


def add_row(engine: Engine, table, **values) -> int:
    with engine.begin() as conn:
        return conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()


@pytest.fixture
def home(engine) -> SimpleNamespace:
    h = SimpleNamespace(engine=engine)
    h.alice = a = make_user(engine, "alice")
    h.bob = b = make_user(engine, "bob")

    def account(user_id, name, kind, opening=0, archived=False):
        row = dict(user_id=user_id, name=name, type=kind, opening_balance_minor=opening)
        return add_row(engine, accounts, **row, currency="EUR", archived=archived)

    def category(user_id, name, kind, parent_id=None, archived=False):
        row = dict(user_id=user_id, name=name, kind=kind)
        return add_row(engine, categories, **row, parent_id=parent_id, archived=archived)

    def tx(user_id, account_id, day, amount, payee, memo="", category_id=None):
        row = dict(user_id=user_id, account_id=account_id, date=day, amount_minor=amount)
        return add_row(engine, transactions, **row, payee=payee, memo=memo, category_id=category_id)

    h.checking = account(a, "Checking", "checking", 10_000)
    h.savings = account(a, "savings", "savings")
    h.old_card = account(a, "Old card", "credit_card", -500, archived=True)
    h.food = category(a, "Food", "expense")
    h.restaurants = category(a, "Restaurants", "expense", parent_id=h.food)
    h.salary = category(a, "Salary", "income")
    h.old = category(a, "Old", "expense", archived=True)

    tx(a, h.checking, date(2024, 4, 15), -100, "50% Off")
    tx(a, h.checking, date(2024, 4, 20), -5, "")
    tx(a, h.checking, date(2024, 4, 30), -10, "Lidl", category_id=h.food)
    h.lidl = tx(a, h.checking, date(2024, 5, 1), -1_000, "Lidl", "weekly shop", h.food)
    h.lidl_lower = tx(a, h.checking, date(2024, 5, 1), -1_000, "lidl", "", h.food)
    h.pay = tx(a, h.savings, date(2024, 5, 2), 5_000, "ACME", "pay", h.salary)
    h.kiosk_percent = tx(a, h.checking, date(2024, 5, 3), -250, "Kiosk", "100% cotton_bag")
    h.kiosk_plain = tx(a, h.checking, date(2024, 5, 3), -250, "Kiosk", "100 percent cotton bag")
    h.bistro = tx(a, h.checking, date(2024, 5, 4), -300, "Bistro", "C:\\path", h.restaurants)
    h.transfer_out = tx(a, h.checking, date(2024, 5, 5), -2_000, "Transfer")
    h.transfer_in = tx(a, h.savings, date(2024, 5, 5), 2_000, "Transfer")
    with engine.begin() as conn:
        for one, other in ((h.transfer_out, h.transfer_in), (h.transfer_in, h.transfer_out)):
            conn.execute(
                update(transactions).where(transactions.c.id == one).values(transfer_peer_id=other)
            )
    h.shop = tx(a, h.old_card, date(2024, 5, 6), -700, "Shop", category_id=h.old)
    tx(a, h.checking, date(2024, 6, 1), -20, "Lidl")
    h.may_ids = {h.lidl, h.lidl_lower, h.pay, h.kiosk_percent, h.kiosk_plain, h.bistro}
    h.may_ids |= {h.transfer_out, h.transfer_in, h.shop}
    for category_id, month, limit in [
        (h.food, date(2024, 5, 1), 20_000),
        (h.restaurants, date(2024, 5, 1), 5_000),
        (h.food, date(2024, 6, 1), 1),
    ]:
        add_row(engine, budgets, user_id=a, category_id=category_id, month=month, limit_minor=limit)

    h.bob_checking = account(b, "Checking", "checking", 1)
    h.bob_food = category(b, "Food", "expense")
    h.bob_lidl = tx(b, h.bob_checking, date(2024, 5, 1), -4_444, "Lidl", "weekly shop", h.bob_food)
    tx(b, h.bob_checking, date(2024, 7, 1), -1, "Lidl", category_id=h.bob_food)
    tx(b, h.bob_checking, date(2024, 5, 2), -1, "Bobshop 100%")
    add_row(
        engine, budgets, user_id=b, category_id=h.bob_food, month=date(2024, 5, 1), limit_minor=9
    )
    return h


def page(home, **kwargs) -> lookups.TransactionsPage:
    filters = kwargs.pop("filters", MAY)
    return lookups.transactions_page(
        home.engine, home.alice, filters, lookups.GridRequest(**kwargs)
    )


def page_ids(home, **kwargs) -> list[int]:
    return page(home, **kwargs).rows["id"].tolist()


# small lookups


def test_data_version_reads_the_counter_and_rejects_unknown_users(engine):
    user_id = make_user(engine, "versioned")
    assert lookups.data_version(engine, user_id) == 0
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(data_version=7))
    assert lookups.data_version(engine, user_id) == 7
    with pytest.raises(LookupError):
        lookups.data_version(engine, user_id + 1000)


def test_list_accounts_hides_archived_ones_unless_asked(home):
    active = lookups.list_accounts(home.engine, home.alice)
    assert active.columns.tolist() == [
        "id", "name", "type", "currency", "archived", "opening_balance_minor",
    ]  # fmt: skip
    assert active["name"].tolist() == ["Checking", "savings"]
    everything = lookups.list_accounts(home.engine, home.alice, include_archived=True)
    assert everything["name"].tolist() == ["Checking", "Old card", "savings"]
    assert everything["archived"].tolist() == [False, True, False]
    assert everything["opening_balance_minor"].tolist() == [10_000, -500, 0]
    assert everything["opening_balance_minor"].dtype == "int64"
    assert lookups.list_accounts(home.engine, home.bob)["id"].tolist() == [home.bob_checking]


def test_list_categories_hides_archived_ones_and_keeps_parents(home):
    active = lookups.list_categories(home.engine, home.alice)
    assert active.columns.tolist() == [
        "id", "name", "kind", "parent_id", "color", "archived", "group_id", "group",
    ]  # fmt: skip
    assert active["name"].tolist() == ["Food", "Restaurants", "Salary"]
    assert active["kind"].tolist() == ["expense", "expense", "income"]
    assert active["parent_id"].isna().tolist() == [True, False, True]
    assert active["parent_id"].iloc[1] == home.food
    everything = lookups.list_categories(home.engine, home.alice, include_archived=True)
    assert everything["name"].tolist() == ["Food", "Old", "Restaurants", "Salary"]
    assert lookups.list_categories(home.engine, home.bob)["id"].tolist() == [home.bob_food]
    assert active["group_id"].isna().all() and active["group"].isna().all()


def test_category_groups_are_listed_with_their_categories_by_owner(home):
    housing = setup_writes.create_group(home.engine, home.alice, "Housing")
    setup_writes.create_group(home.engine, home.alice, "Empty")
    bobs = setup_writes.create_group(home.engine, home.bob, "BOB-GROUP")
    setup_writes.set_category_group(home.engine, home.alice, home.food, housing)
    setup_writes.set_category_group(home.engine, home.bob, home.bob_food, bobs)
    groups = lookups.list_category_groups(home.engine, home.alice)
    assert groups.columns.tolist() == ["id", "name", "categories"]
    assert groups["name"].tolist() == ["Empty", "Housing"]
    assert groups["categories"].tolist() == [0, 1]
    listed = lookups.list_categories(home.engine, home.alice).set_index("name")
    assert listed.loc["Food", "group_id"] == housing and listed.loc["Food", "group"] == "Housing"
    assert pd.isna(listed.loc["Salary", "group_id"]) and pd.isna(listed.loc["Salary", "group"])
    assert lookups.list_category_groups(home.engine, home.bob)["name"].tolist() == ["BOB-GROUP"]


def test_get_transaction_is_looked_up_with_its_owner(home):
    assert lookups.get_transaction(home.engine, home.alice, home.bistro) == {
        "id": home.bistro,
        "date": date(2024, 5, 4),
        "account_id": home.checking,
        "account": "Checking",
        "category_id": home.restaurants,
        "category": "Restaurants",
        "payee": "Bistro",
        "memo": "C:\\path",
        "amount_minor": -300,
        "transfer_peer_id": None,
        "receipt_id": None,
        "currency": "EUR",
    }
    assert (
        lookups.get_transaction(home.engine, home.alice, home.transfer_out)["transfer_peer_id"]
        == home.transfer_in
    )
    assert lookups.get_transaction(home.engine, home.alice, home.bob_lidl) is None
    assert lookups.get_transaction(home.engine, home.bob, home.bistro) is None
    assert lookups.get_transaction(home.engine, home.alice, 999_999) is None


def test_get_receipt_is_looked_up_with_its_owner(home):
    file = {
        "storage_name": "a" * 32 + ".png",
        "original_name": "lunch.png",
        "content_type": "image/png",
        "size_bytes": 120,
        "sha256": "b" * 64,
    }
    receipt_id = add_row(home.engine, receipts, user_id=home.alice, **file)
    found = lookups.get_receipt(home.engine, home.alice, receipt_id)
    assert found is not None
    assert {key: found[key] for key in ("id", "user_id", *file)} == {
        "id": receipt_id,
        "user_id": home.alice,
        **file,
    }
    assert lookups.get_receipt(home.engine, home.bob, receipt_id) is None
    assert lookups.get_receipt(home.engine, home.alice, receipt_id + 1) is None
    # Ids from a URL or the browser: anything no row can have finds nothing, never an error.
    for impossible in (None, str(receipt_id), True, 0, -1, 2**63):
        assert lookups.get_receipt(home.engine, home.alice, impossible) is None


def test_payee_suggestions_put_the_most_used_first(home):
    # Lidl 3 rows; Kiosk and Transfer 2 each; then the singles by name; never the empty payee.
    assert lookups.payee_suggestions(home.engine, home.alice) == [
        "Lidl", "Kiosk", "Transfer", "50% Off", "ACME", "Bistro", "Shop", "lidl",
    ]  # fmt: skip
    assert lookups.payee_suggestions(home.engine, home.alice, limit=2) == ["Lidl", "Kiosk"]
    assert lookups.payee_suggestions(home.engine, home.bob) == ["Lidl", "Bobshop 100%"]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("li", ["Lidl", "lidl"]),
        ("LIDL", ["Lidl", "lidl"]),
        ("50%", ["50% Off"]),
        ("%", []),
        ("_", []),
        ("\\", []),
        ("idl", []),
    ],
)
def test_payee_suggestions_match_a_literal_prefix_in_any_case(home, prefix, expected):
    assert lookups.payee_suggestions(home.engine, home.alice, prefix) == expected


def test_last_category_for_payee_skips_uncategorised_and_archived(home):
    # The newest Lidl row (June) is uncategorised; Bob's later Lidl row is his own.
    assert lookups.last_category_for_payee(home.engine, home.alice, "Lidl") == home.food
    assert lookups.last_category_for_payee(home.engine, home.alice, "Bistro") == home.restaurants
    assert lookups.last_category_for_payee(home.engine, home.alice, "Shop") is None
    assert lookups.last_category_for_payee(home.engine, home.alice, "Nobody") is None
    assert lookups.last_category_for_payee(home.engine, home.bob, "Lidl") == home.bob_food


def test_budgets_for_month_takes_any_day_of_the_month(home):
    frame = lookups.budgets_for_month(home.engine, home.alice, date(2024, 5, 17))
    assert frame.to_dict("list") == {
        "category_id": [home.food, home.restaurants],
        "limit_minor": [20_000, 5_000],
    }
    assert frame["limit_minor"].dtype == "int64"
    assert lookups.budgets_for_month(home.engine, home.alice, date(2024, 7, 1)).empty
    assert lookups.budgets_for_month(home.engine, home.bob, date(2024, 5, 1))[
        "limit_minor"
    ].tolist() == [9]


def test_account_balances_add_every_row_to_the_opening_balance(home):
    balances = lookups.account_balances(home.engine, home.alice)
    assert balances.columns.tolist() == [
        "account_id", "account", "type", "currency", "archived", "balance_minor",
    ]  # fmt: skip
    # Checking: 10000 - 100 - 5 - 10 - 1000 - 1000 - 250 - 250 - 300 - 2000 (transfer) - 20.
    assert balances[["account", "balance_minor"]].to_dict("records") == [
        {"account": "Checking", "balance_minor": 5_065},
        {"account": "savings", "balance_minor": 7_000},
    ]
    assert balances["balance_minor"].dtype == "int64"
    with_archived = lookups.account_balances(home.engine, home.alice, include_archived=True)
    assert with_archived["balance_minor"].tolist() == [5_065, -1_200, 7_000]
    assert with_archived["archived"].tolist() == [False, True, False]
    as_of = lookups.account_balances(home.engine, home.alice, as_of=date(2024, 5, 2))
    assert as_of["balance_minor"].tolist() == [7_885, 5_000]
    assert lookups.account_balances(home.engine, home.bob)["balance_minor"].tolist() == [
        1 - 4_444 - 1 - 1
    ]


# the transactions grid


def test_transactions_page_lists_every_filtered_row_transfers_included(home):
    result = page(home, limit=500)
    assert set(result.rows["id"]) == home.may_ids
    assert result.total_count == 9
    assert result.total_minor == -1_000 - 1_000 + 5_000 - 250 - 250 - 300 - 2_000 + 2_000 - 700
    assert result.rows.columns.tolist() == [
        "id", "date", "account_id", "account", "category_id", "category", "payee", "memo",
        "amount_minor", "transfer_peer_id", "receipt_id", "currency", "parts",
    ]  # fmt: skip
    assert result.rows["amount_minor"].dtype == "int64"
    assert type(result.total_count) is int and type(result.total_minor) is int
    kiosk = result.rows.set_index("id").loc[home.kiosk_plain]
    assert pd.isna(kiosk["category_id"]) and pd.isna(kiosk["category"])
    assert kiosk["account"] == "Checking"


def test_transactions_page_default_order_is_newest_first_ties_by_id(home):
    assert page_ids(home) == [
        home.shop, home.transfer_in, home.transfer_out, home.bistro, home.kiosk_plain,
        home.kiosk_percent, home.pay, home.lidl_lower, home.lidl,
    ]  # fmt: skip


def test_transactions_page_filters_apply_to_the_rows_and_the_totals(home):
    food = page(home, filters=Filters(MAY.date_from, MAY.date_to, category_ids=(home.food,)))
    assert food.rows["id"].tolist() == [home.lidl_lower, home.lidl]
    assert (food.total_count, food.total_minor) == (2, -2_000)
    on_savings = page(
        home, filters=Filters(MAY.date_from, MAY.date_to, account_ids=(home.savings,))
    )
    assert on_savings.rows["id"].tolist() == [home.transfer_in, home.pay]
    assert lookups.transactions_page(home.engine, home.bob, MAY).total_count == 2


def test_transactions_page_pages_never_overlap_and_keep_the_totals(home):
    everything = page_ids(home, sort=(("payee", "asc"),), limit=500)
    pages = [page(home, sort=(("payee", "asc"),), offset=offset, limit=4) for offset in (0, 4, 8)]
    assert [len(p.rows) for p in pages] == [4, 4, 1]
    assert sum((p.rows["id"].tolist() for p in pages), []) == everything
    assert {(p.total_count, p.total_minor) for p in pages} == {(9, 1_500)}
    beyond = page(home, offset=100)
    assert beyond.rows.empty and beyond.total_count == 9


def test_transactions_page_clamps_limit_and_offset(home):
    assert len(page(home, limit=0).rows) == 1
    assert page_ids(home, offset=-5, limit=3) == page_ids(home, offset=0, limit=3)
    many = make_user(home.engine, "many")
    account_id = add_row(home.engine, accounts, user_id=many, name="A", type="cash", currency="EUR")
    with home.engine.begin() as conn:
        row = {
            "user_id": many,
            "account_id": account_id,
            "date": date(2024, 5, 1),
            "amount_minor": -1,
        }
        conn.execute(insert(transactions), [row] * (lookups.PAGE_SIZE_MAX + 5))
    result = lookups.transactions_page(home.engine, many, MAY, lookups.GridRequest(limit=10_000))
    assert len(result.rows) == lookups.PAGE_SIZE_MAX
    assert result.total_count == lookups.PAGE_SIZE_MAX + 5
    assert result.total_minor == -(lookups.PAGE_SIZE_MAX + 5)


SORT_KEYS = {
    "date": lambda row: row["date"],
    "amount_minor": lambda row: row["amount_minor"],
    "payee": lambda row: row["payee"].lower(),
    "account": lambda row: row["account"].lower(),
    "category": lambda row: None if row["category"] is None else row["category"].lower(),
}


def expected_order(rows: list[dict], column: str, direction: str) -> list[int]:
    """Newest id first among equals; rows without a value (no category) last either way."""
    by_id = sorted(rows, key=lambda row: row["id"], reverse=True)
    key = SORT_KEYS[column]
    present = [row for row in by_id if key(row) is not None]
    missing = [row for row in by_id if key(row) is None]
    ordered = sorted(present, key=key, reverse=direction == "desc") + missing
    return [row["id"] for row in ordered]


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("column", list(SORT_KEYS))
def test_transactions_page_sorts_every_column_both_ways_stably(home, column, direction):
    rows = [
        lookups.get_transaction(home.engine, home.alice, tx_id) for tx_id in sorted(home.may_ids)
    ]
    expected = expected_order(rows, column, direction)
    assert page_ids(home, sort=((column, direction),)) == expected
    first, second = (page_ids(home, sort=((column, direction),), offset=o, limit=5) for o in (0, 5))
    assert first + second == expected


def test_transactions_page_sorts_by_several_columns(home):
    assert page_ids(home, sort=(("account", "asc"), ("amount_minor", "asc"))) == [
        home.transfer_out, home.lidl_lower, home.lidl, home.bistro, home.kiosk_plain,
        home.kiosk_percent, home.shop, home.transfer_in, home.pay,
    ]  # fmt: skip


@pytest.mark.parametrize(
    "sort",
    [(("memo", "asc"),), (("date", "up"),), (("date", "ASC"),), (("id; DROP TABLE", "asc"),)],
)
def test_transactions_page_rejects_unknown_sorts(home, sort):
    with pytest.raises(ValueError):
        page(home, sort=sort)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("%", {"kiosk_percent"}),
        ("_", {"kiosk_percent"}),
        ("0% c", {"kiosk_percent"}),
        ("\\", {"bistro"}),
        ("LIDL", {"lidl", "lidl_lower"}),
        ("WEEKLY", {"lidl"}),
        ("cotton", {"kiosk_percent", "kiosk_plain"}),
        ("  transfer ", {"transfer_in", "transfer_out"}),
        ("no such text", set()),
    ],
)
def test_transactions_page_search_is_a_literal_case_insensitive_substring(home, search, expected):
    result = page(home, search=search)
    assert set(result.rows["id"]) == {getattr(home, name) for name in expected}
    assert result.total_count == len(expected)


def test_an_empty_search_matches_everything(home):
    assert page(home, search="").total_count == page(home, search="   ").total_count == 9
