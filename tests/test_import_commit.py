"""Matching, commit and undo of imports (data/imports/matching.py, commit.py), on both dialects:
duplicates found and never dropped, probable hand entries, all-or-nothing, undo exactly."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from data import lookups, setup_writes, writes
from data.entries import Transaction
from data.imports.commit import (
    ImportChoices,
    ImportSource,
    commit_import,
    undo_batch,
    undo_preview,
)
from data.imports.matching import plan_import, to_minor
from data.imports.statement import Statement, StatementLine, StatementSplit
from data.ownership import owned_row
from data.rules.model import Action, Condition, Rule
from data.rules.store import create_rule
from data.schema import accounts, import_batches, transaction_splits, transactions
from data.validation import NotFound, ValidationError
from tests.conftest import make_user

SOURCE = ImportSource("statement.csv", "0" * 64, "csv")


def line(number: int, day: int, amount: str, payee: str, ref: str | None = None) -> StatementLine:
    return StatementLine(number, date(2026, 10, day), Decimal(amount), payee, bank_ref=ref)


def statement(*lines: StatementLine, currency: str | None = None) -> Statement:
    return Statement("csv", tuple(lines), currency)


@pytest.fixture
def home(engine) -> dict[str, int]:
    user_id = make_user(engine, "alice")
    return {
        "user": user_id,
        "checking": setup_writes.create_account(engine, user_id, "Checking", "checking"),
        "food": setup_writes.create_category(engine, user_id, "Groceries", "expense"),
        "home": setup_writes.create_category(engine, user_id, "Home", "expense"),
    }


def stored(engine, user_id: int) -> list[tuple]:
    query = select(transactions.c.date, transactions.c.amount_minor, transactions.c.payee).where(
        transactions.c.user_id == user_id
    )
    with engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(query))


def plan(engine, home, st_: Statement):
    with engine.connect() as conn:
        account = owned_row(conn, accounts, home["user"], home["checking"], "account")
        return plan_import(conn, home["user"], account, st_)


COFFEES = statement(
    line(1, 3, "-3.20", "Coffee Bar"),
    line(2, 3, "-3.20", "Coffee Bar"),
    line(3, 4, "-45.10", "Market"),
)


def test_two_identical_coffees_are_both_imported_and_a_reimport_adds_nothing(engine, home):
    first = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    assert first.counts["imported_count"] == 3
    assert stored(engine, home["user"]).count((date(2026, 10, 3), -320, "Coffee Bar")) == 2

    again = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    assert again.counts["imported_count"] == 0
    assert again.counts["duplicate_fingerprint_count"] == 3
    assert len(stored(engine, home["user"])) == 3


def test_a_third_coffee_in_a_later_statement_of_the_same_day_is_new(engine, home):
    commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    more = statement(*COFFEES.lines[:2], line(3, 3, "-3.20", "Coffee Bar"))
    result = commit_import(engine, home["user"], home["checking"], more, SOURCE)
    assert result.counts["imported_count"] == 1
    assert stored(engine, home["user"]).count((date(2026, 10, 3), -320, "Coffee Bar")) == 3


def test_a_bank_reference_identifies_a_line_whatever_its_text(engine, home):
    ofx = statement(line(1, 3, "-3.20", "COFFEE BAR 123", "FIT1"), line(2, 5, "-9", "X", "FIT2"))
    commit_import(engine, home["user"], home["checking"], ofx, SOURCE)
    renamed = statement(line(1, 3, "-3.20", "Coffee Bar", "FIT1"), line(2, 6, "-9", "Y", "FIT3"))
    result = commit_import(engine, home["user"], home["checking"], renamed, SOURCE)
    assert result.counts["duplicate_ref_count"] == 1 and result.counts["imported_count"] == 1


def test_a_hand_entry_is_a_probable_match_and_the_person_decides(engine, home):
    entered = Transaction(
        home["checking"], date(2026, 10, 2), -4510, "market", category_id=home["food"]
    )
    hand_id = writes.create_transaction(engine, home["user"], entered)
    planned = plan(engine, home, COFFEES)
    probable = [p for p in planned.lines if p.fate == "probable"]
    assert len(probable) == 1 and probable[0].match.transaction_id == hand_id
    assert "Probably your entry of 2 Oct 2026" in probable[0].note

    skipped = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    assert skipped.counts["skipped_count"] == 1 and len(stored(engine, home["user"])) == 3
    undo_batch(engine, home["user"], skipped.batch_id)

    choices = ImportChoices({3: "link"})
    linked = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE, choices)
    assert linked.counts["linked_count"] == 1 and len(stored(engine, home["user"])) == 3
    again = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    assert again.counts["imported_count"] == 0 and again.counts["probable_count"] == 0

    undo_batch(engine, home["user"], linked.batch_id)
    assert stored(engine, home["user"]) == [(date(2026, 10, 2), -4510, "market")]


def test_no_probable_match_beyond_the_window_or_for_another_amount(engine, home):
    writes.create_transaction(
        engine, home["user"], Transaction(home["checking"], date(2026, 9, 20), -4510, "Market")
    )
    writes.create_transaction(
        engine, home["user"], Transaction(home["checking"], date(2026, 10, 4), -4511, "Market")
    )
    assert {p.fate for p in plan(engine, home, COFFEES).lines} == {"new"}


def test_undo_removes_exactly_the_batch_and_says_what_was_edited(engine, home):
    kept = writes.create_transaction(
        engine, home["user"], Transaction(home["checking"], date(2026, 10, 1), -100, "Kept")
    )
    result = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    with engine.begin() as conn:  # an edit after the import, as update_transaction stamps it
        created = conn.execute(select(import_batches.c.created_at)).scalar_one()
        conn.execute(
            transactions.update()
            .where(transactions.c.payee == "Market")
            .values(memo="edited", updated_at=created + timedelta(seconds=5))
        )
    preview = undo_preview(engine, home["user"], result.batch_id)
    assert (preview.rows, preview.edited_since, preview.undone) == (3, 1, False)
    undo_batch(engine, home["user"], result.batch_id)
    assert stored(engine, home["user"]) == [(date(2026, 10, 1), -100, "Kept")]
    assert undo_preview(engine, home["user"], result.batch_id).undone
    with pytest.raises(NotFound):
        undo_batch(engine, home["user"], result.batch_id)
    again = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    assert again.counts["imported_count"] == 3 and kept


def test_another_user_cannot_undo_or_import_into_anothers_account(engine, home):
    bob = make_user(engine, "bob")
    result = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    with pytest.raises(NotFound):
        undo_batch(engine, bob, result.batch_id)
    with pytest.raises(NotFound):
        undo_preview(engine, bob, result.batch_id)
    with pytest.raises(NotFound):
        commit_import(engine, bob, home["checking"], COFFEES, SOURCE)
    assert len(stored(engine, home["user"])) == 3 and stored(engine, bob) == []


def test_a_file_in_another_currency_stores_nothing(engine, home):
    usd = statement(*COFFEES.lines, currency="USD")
    with pytest.raises(ValidationError, match="in USD"):
        commit_import(engine, home["user"], home["checking"], usd, SOURCE)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(import_batches)).scalar_one() == 0
    assert stored(engine, home["user"]) == []


def test_errors_and_pending_lines_are_shown_and_never_stored(engine, home):
    bad = StatementLine(4, None, None, "Broken", error="Amount '12,3,4' is not a number")
    pending = StatementLine(
        5, date(2026, 10, 5), Decimal("-9"), "Soon", skipped="pending at the bank"
    )
    zero = line(6, 5, "0.00", "Info")
    result = commit_import(
        engine,
        home["user"],
        home["checking"],
        statement(*COFFEES.lines, bad, pending, zero),
        SOURCE,
    )
    counts = result.counts
    assert (counts["imported_count"], counts["error_count"], counts["skipped_count"]) == (3, 1, 2)
    notes = {p.line.number: p.note for p in result.plan.lines}
    assert "12,3,4" in notes[4] and notes[5] == "pending at the bank"


def test_a_split_line_becomes_a_split_transaction_with_the_users_categories(engine, home):
    parts = (
        StatementSplit(Decimal("-80"), "Food:Groceries"),
        StatementSplit(Decimal("-20.50"), "home", "bulbs"),
    )
    split = StatementLine(1, date(2026, 10, 7), Decimal("-100.50"), "Hypermarket", splits=parts)
    commit_import(engine, home["user"], home["checking"], statement(split), SOURCE)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                transaction_splits.c.category_id,
                transaction_splits.c.amount_minor,
                transaction_splits.c.memo,
            ).order_by(transaction_splits.c.position)
        ).all()
    assert [tuple(r) for r in rows] == [(home["food"], -8000, ""), (home["home"], -2050, "bulbs")]


def test_amounts_with_more_decimals_are_rounded_half_away_from_zero_with_a_note():
    assert to_minor(Decimal("-4.125"), "EUR") == (-413, "Amount -4.125 rounded to -4.13.")
    assert to_minor(Decimal("-12.50000"), "EUR") == (-1250, "")
    assert to_minor(Decimal("1500"), "JPY") == (1500, "")


PEOPLE = itertools.count()
# Statements cover whole days: any cut into overlapping day ranges imports the same set.
DAYS = st.lists(
    st.tuples(
        st.integers(1, 6),
        st.sampled_from(["-3.20", "-3.20", "-10", "25"]),
        st.sampled_from(["Coffee", "Shop"]),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=DAYS, cut=st.integers(1, 6), overlap=st.integers(0, 3))
def test_any_overlapping_cut_by_days_imports_the_same_set_as_the_whole(engine, rows, cut, overlap):
    user = make_user(engine, f"p{next(PEOPLE)}")
    account = setup_writes.create_account(engine, user, "A", "checking")
    ordered = sorted(rows, key=lambda r: r[0])
    lines = [line(i + 1, day, amount, payee) for i, (day, amount, payee) in enumerate(ordered)]
    whole = statement(*lines)
    first = statement(*[item for item in lines if item.date.day <= cut])
    second = statement(*[item for item in lines if item.date.day > cut - overlap])
    for part in (first, second, whole, second):
        commit_import(engine, user, account, part, SOURCE)
    assert len(stored(engine, user)) == len(lines)
    assert sorted(stored(engine, user)) == sorted(
        (item.date, to_minor(item.amount, "EUR")[0], item.payee) for item in lines
    )


def test_a_row_moved_to_another_account_since_its_import_is_still_a_duplicate(engine, home):
    """The fast lookup reads the account's days; the unique index catches a row moved away,
    and the commit runs again looking every fingerprint up: nothing stored twice, no error."""
    savings = setup_writes.create_account(engine, home["user"], "Savings", "savings")
    commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    with engine.begin() as conn:
        conn.execute(
            transactions.update()
            .where(transactions.c.payee == "Market")
            .values(account_id=savings, date=date(2026, 1, 1))
        )
    again = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    assert again.counts["imported_count"] == 0
    assert again.counts["duplicate_fingerprint_count"] == 3
    assert len(stored(engine, home["user"])) == 3


def test_the_users_rules_run_on_import_after_the_fingerprint_and_before_the_review(engine, home):
    rule = Rule(
        None, "Market is food", True, "all", (Condition("payee", "contains", "market"),),
        (Action("set_category", home["food"]), Action("rename_payee", "Weekly market"),
         Action("add_tags", ("groceries",))),
    )  # fmt: skip
    rule_id = create_rule(engine, home["user"], rule)
    planned = plan(engine, home, COFFEES)
    market = next(p for p in planned.lines if p.line.payee == "Market")
    assert market.rule_ids == () and market.transaction.category_id is None  # plan() has no rules

    result = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    stored_market = next(p for p in result.plan.lines if p.line.payee == "Market")
    assert stored_market.rule_ids == (rule_id,)
    with engine.connect() as conn:
        row = conn.execute(
            select(transactions.c.payee, transactions.c.category_id).where(
                transactions.c.amount_minor == -4510
            )
        ).one()
    assert tuple(row) == ("Weekly market", home["food"])
    assert lookups.get_entry(engine, home["user"], _id_of(engine, -4510)).legs[0].tags == (
        "groceries",
    )
    # The fingerprint is the bank's text's: the same file again is all duplicates.
    again = commit_import(engine, home["user"], home["checking"], COFFEES, SOURCE)
    assert again.counts["imported_count"] == 0 and again.counts["duplicate_fingerprint_count"] == 3


def _id_of(engine, amount_minor: int) -> int:
    with engine.connect() as conn:
        query = select(transactions.c.id).where(transactions.c.amount_minor == amount_minor)
        return conn.execute(query).scalar_one()


def test_an_imported_payee_is_cleaned_and_the_banks_text_kept_in_the_memo(engine, home):
    bank = statement(line(1, 3, "-45.10", "WHOLEFDS MKT #10234 SEATTLE WA"))
    commit_import(engine, home["user"], home["checking"], bank, SOURCE)
    with engine.connect() as conn:
        row = conn.execute(select(transactions.c.payee, transactions.c.memo)).one()
    assert tuple(row) == ("Wholefds Mkt", "WHOLEFDS MKT #10234 SEATTLE WA")
    # The fingerprint is the bank's text's: the same line again is a duplicate.
    again = commit_import(engine, home["user"], home["checking"], bank, SOURCE)
    assert again.counts["duplicate_fingerprint_count"] == 1
