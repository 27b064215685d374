"""Split transactions: one bank line divided among categories, its parts summing to its amount.

Everything that groups by category counts the parts: the same spending entered once as a split
and once as separate transactions gives the same figures, on both dialects.
"""

from __future__ import annotations

import uuid
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from data import lookups, queries, setup_writes, writes
from data.budget_status import budget_status
from data.entries import Entry, Split, Transaction, Transfer
from data.filters import Filters
from data.lookups import GridRequest
from data.schema import transaction_splits, transactions
from data.validation import TRANSFER_NOT_SPLIT, NotFound, ValidationError
from tests.conftest import make_user

MARCH = date(2026, 3, 10)
Q1 = Filters(date(2026, 1, 1), date(2026, 3, 31))


def household(engine: Engine, name: str) -> dict[str, int]:
    user_id = make_user(engine, name)
    ids = {"user": user_id}
    ids["checking"] = setup_writes.create_account(engine, user_id, "Checking", "checking")
    ids["savings"] = setup_writes.create_account(engine, user_id, "Savings", "savings")
    for name_, kind in (("Groceries", "expense"), ("Household", "expense"), ("Salary", "income")):
        ids[name_.lower()] = setup_writes.create_category(engine, user_id, name_, kind)
    return ids


@pytest.fixture
def home(engine) -> dict[str, int]:
    return household(engine, "alice")


def market(home: dict[str, int], *parts: Split, category: int | None = None) -> Transaction:
    return Transaction(
        home["checking"], MARCH, sum(p.amount_minor for p in parts), "Market", "", category,
        splits=parts,
    )  # fmt: skip


def add(engine: Engine, home: dict[str, int], txn: Transaction) -> int:
    return writes.create_transaction(engine, home["user"], txn)


def figures(engine: Engine, user_id: int, filters: Filters) -> dict[str, object]:
    """Every read model that groups by category, as comparable plain values."""
    by_month = queries.spending_by_month_category(engine, user_id, filters)
    budget = budget_status(engine, user_id, date(2026, 3, 1), date(2026, 3, 20))
    payees = queries.top_payees(engine, user_id, filters)
    return {
        "totals": queries.totals(engine, user_id, filters),
        "by_category": queries.spending_by_category(engine, user_id, filters)[
            ["category", "spending_minor"]
        ].to_dict("records"),
        "by_month": queries.income_spending_by_month(engine, user_id, filters).to_dict("records"),
        "by_month_category": by_month.to_dict(),
        "budget": budget[["category", "spent_minor", "projected_minor"]].to_dict("records"),
        "payees": payees[["payee", "spending_minor"]].to_dict("records"),
        "grid_total": lookups.transactions_page(engine, user_id, filters).total_minor,
    }


def test_a_split_counts_exactly_as_separate_transactions_would(engine):
    split, separate = household(engine, "split"), household(engine, "separate")
    for ids in (split, separate):
        writes.set_budget(engine, ids["user"], ids["groceries"], date(2026, 3, 1), 10_000)
        add(engine, ids, Transaction(ids["checking"], MARCH, 250_000, "Work", "", ids["salary"]))
    add(engine, split, market(
        split, Split(-3_010, split["groceries"], "bread"), Split(-1_995, split["household"]),
        Split(-7, None, "bag"), Split(500, split["groceries"], "deposit back"),
    ))  # fmt: skip
    for amount, category in ((-3_010, "groceries"), (-1_995, "household"), (-7, None),
                             (500, "groceries")):  # fmt: skip
        category_id = None if category is None else separate[category]
        add(engine, separate, Transaction(separate["checking"], MARCH, amount, "Market", "",
                                          category_id))  # fmt: skip

    for filters in (Q1, Filters(Q1.date_from, Q1.date_to, category_ids=())):
        assert figures(engine, split["user"], filters) == figures(engine, separate["user"], filters)
    for category in ("groceries", "household"):
        only = Filters(Q1.date_from, Q1.date_to, category_ids=(split[category],))
        same = Filters(Q1.date_from, Q1.date_to, category_ids=(separate[category],))
        assert queries.totals(engine, split["user"], only) == queries.totals(
            engine, separate["user"], same
        )
        split_grid = lookups.transactions_page(engine, split["user"], only)
        separate_grid = lookups.transactions_page(engine, separate["user"], same)
        assert split_grid.total_minor == separate_grid.total_minor
    # Top payees count transactions: the split is one, the separate rows four (the deposit
    # back, in an expense category, is a refund: spending too).
    counts = [
        queries.top_payees(engine, ids["user"], Q1).set_index("payee").loc["Market", "transactions"]
        for ids in (split, separate)
    ]
    assert counts == [1, 4]
    groceries = queries.spending_by_category(engine, split["user"], Q1)
    assert groceries.set_index("category").loc["Groceries", "spending_minor"] == 3_010 - 500


def test_parts_must_add_up_to_the_amount_and_nothing_is_written_otherwise(engine, home):
    short = Transaction(home["checking"], MARCH, -5_000, "Market", splits=(
        Split(-3_000, home["groceries"]), Split(-1_000, home["household"])))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        add(engine, home, short)
    assert refused.value.field_errors == {"splits": "-€10.00 is left to assign to the parts."}
    assert count(engine, transactions) == count(engine, transaction_splits) == 0


@pytest.mark.parametrize(
    ("parts", "category", "field", "message"),
    [
        ((Split(-100, None),), None, "splits", "Split into 2 to 100 parts."),
        ((Split(-100, None), Split(0, None)), None, "splits", "Part 2: Enter an amount other"),
        ((Split(-50, None), Split(-50, None, "x" * 2001)), None, "splits", "Part 2: At most"),
        ((Split(-50, None), Split(-50, None)), "groceries", "category_id", "A split transaction"),
        ((Split(-1, None),) * 101, None, "splits", "Split into 2 to 100 parts."),
    ],
)
def test_a_malformed_split_is_refused_with_a_message(engine, home, parts, category, field, message):
    txn = market(home, *parts, category=None if category is None else home[category])
    with pytest.raises(ValidationError) as refused:
        add(engine, home, txn)
    assert refused.value.field_errors[field].startswith(message)
    assert count(engine, transactions) == 0


def test_a_part_in_another_users_category_is_not_found(engine, home):
    bob = household(engine, "bob")
    with pytest.raises(NotFound):
        add(engine, home, market(home, Split(-100, bob["groceries"]), Split(-100, None)))
    assert count(engine, transactions) == 0


def test_an_archived_category_is_refused_for_a_new_part_but_kept_by_an_edit(engine, home):
    txn = market(home, Split(-100, home["groceries"]), Split(-200, home["household"]))
    txn_id = add(engine, home, txn)
    setup_writes.set_category_archived(engine, home["user"], home["household"], True)
    writes.update_transaction(engine, home["user"], txn_id, txn)  # keeps its archived part
    with pytest.raises(ValidationError) as refused:
        add(engine, home, txn)
    assert refused.value.field_errors == {"splits": "Part 2: that category is archived."}


def test_a_transfer_is_not_split(engine, home):
    out, into = Transfer(home["checking"], home["savings"], MARCH, 1_000).legs()
    split_out = Transaction(out.account_id, MARCH, -1_000, splits=(
        Split(-500, None), Split(-500, None)))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        writes.restore_entry(engine, home["user"], Entry((split_out, into), str(uuid.uuid4())))
    assert refused.value.field_errors["splits"] == TRANSFER_NOT_SPLIT
    out_id, _in_id = writes.create_transfer(
        engine, home["user"], Transfer(home["checking"], home["savings"], MARCH, 1_000)
    )
    with pytest.raises(ValidationError) as edited:
        writes.update_transaction(engine, home["user"], out_id, split_out)
    assert edited.value.field_errors["splits"] == TRANSFER_NOT_SPLIT


def test_an_edit_replaces_the_parts_and_unsplitting_removes_them(engine, home):
    txn_id = add(engine, home, market(home, Split(-100, home["groceries"]), Split(-200, None)))
    three = market(
        home, Split(-50, home["household"]), Split(-150, None, "b"), Split(-100, home["groceries"])
    )
    writes.update_transaction(engine, home["user"], txn_id, three)
    assert lookups.stored_transaction(engine, home["user"], txn_id) == three
    whole = Transaction(home["checking"], MARCH, -300, "Market", "", home["groceries"])
    writes.update_transaction(engine, home["user"], txn_id, whole)
    assert lookups.stored_transaction(engine, home["user"], txn_id) == whole
    assert count(engine, transaction_splits) == 0


def test_deleting_a_split_deletes_its_parts_and_restoring_brings_every_part_back(engine, home):
    txn = market(home, Split(-100, home["groceries"], "a"), Split(-200, None, "b"))
    txn_id = writes.create_transaction(engine, home["user"], txn, submission_key=str(uuid.uuid4()))
    entry = lookups.get_entry(engine, home["user"], txn_id)
    writes.delete_transaction(engine, home["user"], txn_id)
    assert count(engine, transaction_splits) == 0
    assert entry is not None
    [restored] = writes.restore_entry(engine, home["user"], entry)
    assert lookups.stored_transaction(engine, home["user"], restored) == txn


def test_the_grid_lists_a_split_once_marked_finds_it_by_a_part_and_its_parts_memo(engine, home):
    txn_id = add(engine, home, market(
        home, Split(-100, home["groceries"], "Sourdough"), Split(-200, home["household"])
    ))  # fmt: skip
    add(engine, home, Transaction(home["checking"], MARCH, -999, "Kiosk", "", home["groceries"]))
    everything = lookups.transactions_page(engine, home["user"], Q1)
    by_part = Filters(Q1.date_from, Q1.date_to, category_ids=(home["household"],))
    household_rows = lookups.transactions_page(engine, home["user"], by_part)
    searched = lookups.transactions_page(engine, home["user"], Q1, GridRequest("sourDOUGH"))

    assert everything.total_count == 2 and everything.total_minor == -1_299
    assert everything.rows.set_index("id")["parts"].to_dict()[txn_id] == 2
    assert household_rows.rows["id"].tolist() == [txn_id] and household_rows.total_minor == -200
    assert searched.rows["id"].tolist() == [txn_id]
    parts = lookups.split_parts(engine, home["user"], [txn_id])
    assert parts[["category", "amount_minor", "memo"]].to_dict("records") == [
        {"category": "Groceries", "amount_minor": -100, "memo": "Sourdough"},
        {"category": "Household", "amount_minor": -200, "memo": ""},
    ]


def test_another_users_parts_are_never_read(engine, home):
    bob = household(engine, "bob")
    bobs = add(engine, bob, market(bob, Split(-100, bob["groceries"]), Split(-200, None)))
    assert lookups.split_parts(engine, home["user"], [bobs]).empty
    assert lookups.stored_transaction(engine, home["user"], bobs) is None
    assert queries.spending_by_category(engine, home["user"], Q1).empty
    assert isinstance(lookups.split_parts(engine, bob["user"], [bobs]), pd.DataFrame)


def count(engine: Engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()
