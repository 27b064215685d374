"""Each user's category model in the database (data/suggest/stored.py): trained only when
asked, shared by every process, the last one used (never trained) during a request, per user."""

from __future__ import annotations

from datetime import date, timedelta

from data import setup_writes, writes
from data.entries import Transaction
from data.lookups import data_version
from data.suggest.stored import model_for, stored_version
from tests.conftest import make_user


def history(engine, user_id: int) -> int:
    account = setup_writes.create_account(engine, user_id, "Checking", "checking")
    subs = setup_writes.create_category(engine, user_id, "Subscriptions", "expense")
    food = setup_writes.create_category(engine, user_id, "Food", "expense")
    for n in range(15):
        day = date(2026, 1, 1) + timedelta(days=7 * n)
        for payee, amount, category in (("Netflix", -1299, subs), ("Rewe", -4210, food)):
            txn = Transaction(account, day, amount, payee, category_id=category)
            writes.create_transaction(engine, user_id, txn)
    return subs


def test_a_model_is_trained_when_asked_and_the_last_one_serves_without_training(engine):
    alice, bob = make_user(engine, "alice"), make_user(engine, "bob")
    subs = history(engine, alice)
    version = data_version(engine, alice)
    assert model_for(engine, alice, version, train=False) is None  # a request never trains
    trained = model_for(engine, alice, version, train=True)
    assert trained is not None and stored_version(engine, alice) == version
    # Another process reads the same model; a newer version without training: the last one.
    again = model_for(engine, alice, version + 5, train=False)
    assert again is not None
    assert again.suggest("Netflix", "", -1299, 1, 3)[0].category_id == subs
    assert stored_version(engine, alice) == version
    # Per user: bob has no history, so no model, and never alice's.
    assert model_for(engine, bob, data_version(engine, bob), train=True) is None
    assert model_for(engine, bob, 999, train=False) is None
