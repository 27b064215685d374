"""Rules learned from edits (data/rules/learned.py, dashboard/callbacks/rule_offers.py): after
the same payee was put in the same category by hand twice, a rule is offered, created only on
the person's word, and not offered again once a rule does it; never for another user."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update

from dashboard.callbacks.rule_offers import create_offered_rule, offer_view
from data import setup_writes, writes
from data.entries import Transaction
from data.rules.engine import apply_rules
from data.rules.learned import offer_after_edit
from data.rules.store import list_rules, load_compiled
from data.schema import transactions
from tests.conftest import as_user, make_user


def edited_into(engine, user_id: int, account: int, category: int, day: int) -> int:
    """A Netflix row stored uncategorised, then edited into `category` (a later updated_at)."""
    txn = Transaction(account, date(2026, 10, day), -1299, "Netflix")
    txn_id = writes.create_transaction(engine, user_id, txn)
    writes.update_transaction(engine, user_id, txn_id, Transaction(
        account, date(2026, 10, day), -1299, "Netflix", category_id=category))  # fmt: skip
    with engine.begin() as conn:  # stored long before the edit, whatever the clock's resolution
        conn.execute(
            update(transactions)
            .where(transactions.c.id == txn_id)
            .values(created_at=datetime(2026, 1, 1, tzinfo=UTC))
        )
    return txn_id


def test_two_edits_of_a_payee_into_a_category_offer_a_rule_created_on_request(app, engine):
    alice, bob = make_user(engine, "alice"), make_user(engine, "bob")
    checking = setup_writes.create_account(engine, alice, "Checking", "checking")
    subs = setup_writes.create_category(engine, alice, "Subscriptions", "expense")
    first = edited_into(engine, alice, checking, subs, 1)
    assert offer_after_edit(engine, alice, first) is None  # once is not a habit
    second = edited_into(engine, alice, checking, subs, 2)
    offer = offer_after_edit(engine, alice, second)
    assert offer is not None and (offer.payee, offer.category_id, offer.times) == (
        "Netflix", subs, 2,
    )  # fmt: skip
    assert offer_after_edit(engine, bob, second) is None
    assert list_rules(engine, alice) == []  # offered, not created

    with as_user(app, alice):
        is_open, text, stored, _style = offer_view(alice, second)
        assert is_open and "Always do that?" in str(text)
        message, created = create_offered_rule(alice, stored)
    assert created and "Rule created" in message
    outcome = apply_rules(
        load_compiled(engine, alice), Transaction(checking, date.today(), -1, "netflix")
    )
    assert outcome.transaction.category_id == subs
    assert offer_after_edit(engine, alice, second) is None  # a rule does it now


def test_an_offer_naming_another_users_category_creates_nothing(app, engine):
    alice, bob = make_user(engine, "alice"), make_user(engine, "bob")
    bobs = setup_writes.create_category(engine, bob, "Bob's", "expense")
    with as_user(app, alice):
        message, created = create_offered_rule(alice, {"payee": "Netflix", "category_id": bobs})
        assert not created and "no rule" in message
        assert create_offered_rule(alice, "junk") == ("There is no rule to create.", False)
    assert list_rules(engine, alice) == [] and list_rules(engine, bob) == []


def test_renaming_an_imported_payee_offers_a_rule_that_names_the_next_import(app, engine):
    from decimal import Decimal

    from sqlalchemy import select

    from dashboard.callbacks.transaction_edit import edit_saved, save_edit
    from data.imports.commit import ImportSource, commit_import
    from data.imports.statement import Statement, StatementLine

    alice = make_user(engine, "alice")
    checking = setup_writes.create_account(engine, alice, "Checking", "checking")
    bank = StatementLine(1, date(2026, 10, 3), Decimal("-45.10"), "WHOLEFDS MKT #10234 SEATTLE WA")
    source = ImportSource("a.csv", "0" * 64, "csv")
    commit_import(engine, alice, checking, Statement("csv", (bank,)), source)
    with engine.connect() as conn:
        row_id = conn.execute(select(transactions.c.id)).scalar_one()
    form = {"date": "2026-10-03", "amount": "-45.10", "account": str(checking),
            "category": "", "payee": "Whole Foods", "memo": "", "tags": []}  # fmt: skip
    with as_user(app, alice):
        outcome = save_edit(alice, row_id, form, 0)
        assert outcome.saved and outcome.offer == {
            "kind": "rename", "from": "Wholefds Mkt", "to": "Whole Foods",
        }  # fmt: skip
        shown = edit_saved(outcome)
        assert shown["offer_open"] and "Always call it that" in str(shown["offer_text"])
        message, created = create_offered_rule(alice, outcome.offer)
    assert created and "Whole Foods" in message
    later = StatementLine(1, date(2026, 11, 3), Decimal("-12.00"), "WHOLEFDS MKT #10234 SEATTLE WA")
    result = commit_import(engine, alice, checking, Statement("csv", (later,)), source)
    [line] = result.plan.lines
    assert line.transaction.payee == "Whole Foods" and line.rule_ids
