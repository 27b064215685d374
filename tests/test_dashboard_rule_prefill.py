"""Rules on manual entry: the entry form's category is pre-filled by the user's rules when the
payee field is left (account and amount as typed), before the payee's last category."""

from __future__ import annotations

from datetime import date

from dash import no_update

from dashboard.callbacks.model_warmup import warm
from dashboard.callbacks.transaction_entry import PRESELECT, model_suggestions, payee_category
from data import lookups, setup_writes, writes
from data.entries import Transaction
from data.rules.model import Action, Condition, Rule
from data.rules.store import create_rule
from tests.conftest import as_user, make_user


def form(payee: str, account: int, amount: str = "", mode: str = "expense") -> dict:
    return {"payee": payee, "account": str(account), "amount": amount, "mode": mode}


def test_a_rule_prefills_the_category_before_the_payees_last_one(app, engine):
    alice = make_user(engine, "alice")
    bob = make_user(engine, "bob")
    checking = setup_writes.create_account(engine, alice, "Checking", "checking")
    food = setup_writes.create_category(engine, alice, "Food", "expense")
    fun = setup_writes.create_category(engine, alice, "Fun", "expense")
    writes.create_transaction(
        engine, alice, Transaction(checking, date(2026, 11, 1), -500, "Netflix", category_id=fun)
    )
    big_spend = Condition("amount", "between", (-1_000_000, -10_000))
    rule = Rule(None, "Big Netflix is food", True, "all",
                (Condition("payee", "contains", "netflix"), big_spend),
                (Action("set_category", food),))  # fmt: skip
    create_rule(engine, alice, rule)
    with as_user(app, alice):
        assert payee_category(alice, form("NETFLIX.COM", checking, "-150.00"))[0] == str(food)
        # The rule does not hold for a small amount: the payee's last category.
        assert payee_category(alice, form("Netflix", checking, "-5.00"))[0] == str(fun)
        transfer = payee_category(alice, form("Netflix", checking, "-150", "transfer"))
        assert transfer == (no_update, "")
        assert payee_category(alice, form("Unknown shop", checking, "-150"))[0] is no_update
    with as_user(app, bob):
        assert payee_category(bob, form("NETFLIX.COM", checking, "-150.00"))[0] is no_update


def test_the_model_suggests_with_its_confidence_and_preselects_only_when_sure(app, engine):
    from datetime import timedelta

    alice = make_user(engine, "alice")
    checking = setup_writes.create_account(engine, alice, "Checking", "checking")
    subs = setup_writes.create_category(engine, alice, "Subscriptions", "expense")
    food = setup_writes.create_category(engine, alice, "Food", "expense")
    for n in range(15):
        day = date(2026, 1, 1) + timedelta(days=7 * n)
        for payee, amount, category in (("Netflix", -1299, subs), ("Rewe Markt", -4210, food)):
            writes.create_transaction(
                engine, alice, Transaction(checking, day, amount, payee, category_id=category)
            )
    with as_user(app, alice):
        # The form never trains during a request: nothing until the model is trained.
        assert payee_category(alice, form("NETFLIX.COM/BILL", checking, "-12.99"))[1] == ""
        assert warm(alice) == lookups.data_version(engine, alice)
        # A payee never typed: no last category, no rule; the model knows it by its tokens.
        category, line = payee_category(alice, form("NETFLIX.COM/BILL", checking, "-12.99"))
        assert line.startswith("Suggested: Subscriptions") and "%" in line
        [first, *_rest] = model_suggestions(alice, form("NETFLIX.COM/BILL", checking, "-12.99"))
        assert first.category_id == subs
        assert category == (str(subs) if first.probability >= PRESELECT else no_update)
    bob = make_user(engine, "bob")
    with as_user(app, bob):  # no history of his own: no guess, and never alice's
        assert payee_category(bob, form("NETFLIX.COM/BILL", checking, "-12.99")) == (
            no_update, "",
        )  # fmt: skip
