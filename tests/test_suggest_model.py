"""data/suggest/: the per-person category model and the history it learns from.

No timing asserts here: speed lives in bench/suggestions.py.
"""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import insert, select, update

from data.db import make_engine
from data.schema import accounts, categories, transaction_splits, transactions, users
from data.suggest import model as model_module
from data.suggest.features import Example, HistoryRow
from data.suggest.history import train_for_user, training_rows
from data.suggest.model import MIN_ROWS, CategoryModel, train_model
from tests.conftest import make_user

SUBSCRIPTIONS, GROCERIES, FUEL, DINING = 7, 4, 9, 10
START = date(2025, 1, 1)


def rows_of(payee, category, count, amount=-1_599, account=1, memo=""):
    return [
        HistoryRow(payee, memo, amount - k % 7, account, START + timedelta(days=3 * k), category)
        for k in range(count)
    ]


@pytest.fixture(scope="module")
def history():
    return (
        rows_of("Netflix", SUBSCRIPTIONS, 30)
        + rows_of("Lidl", GROCERIES, 40, amount=-2_450)
        + rows_of("Shell", FUEL, 25, amount=-6_000, account=3)
        + rows_of("Noodle Bar", DINING, 25, amount=-1_250, account=3)
    )


@pytest.fixture(scope="module")
def model(history):
    trained = train_model(history)
    assert trained is not None
    return trained


def test_no_history_no_model():
    assert train_model([]) is None
    short = rows_of("Netflix", SUBSCRIPTIONS, 10) + rows_of("Lidl", GROCERIES, MIN_ROWS - 11)
    assert train_model(short) is None
    assert train_model(short + rows_of("Aldi", GROCERIES, 1)) is not None
    # Plenty of lines, but one category: nothing to choose between, so no guess either.
    assert train_model(rows_of("Netflix", SUBSCRIPTIONS, 50)) is None


def test_two_categories_are_enough(history):
    two = rows_of("Netflix", SUBSCRIPTIONS, 15) + rows_of("Lidl", GROCERIES, 15, amount=-2_450)
    model = train_model(two)
    assert model is not None
    [first, second] = model.suggest("Lidl", "", -2_300, 1, 12)
    assert (first.category_id, second.category_id) == (GROCERIES, SUBSCRIPTIONS)
    assert first.probability > 0.5


def test_learns_payee_to_category(model):
    [top, *_rest] = model.suggest("Netflix", "", -1_599, 1, 9)
    assert top.category_id == SUBSCRIPTIONS
    assert top.probability > 0.5
    assert model.suggest("Shell", "", -5_500, 3, date(2026, 3, 14))[0].category_id == FUEL


def test_probabilities_are_sorted_and_sum_at_most_one(model):
    for example in [("Netflix", "", -1_599, 1, 9), ("Someone new", "", 100_000, 2, 30)]:
        suggestions = model.suggest(*example)
        probabilities = [s.probability for s in suggestions]
        assert len(suggestions) == 3
        assert len({s.category_id for s in suggestions}) == 3
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(0.0 <= p <= 1.0 for p in probabilities)
        assert sum(probabilities) <= 1.0 + 1e-9


def test_an_unseen_payee_is_not_suggested_with_confidence(model):
    assert model.suggest("Zyxwv Qpon", "", -1_000, 2, 15)[0].probability < 0.9


@pytest.mark.parametrize(
    ("bank_text", "category"),
    [
        ("PAYPAL *NETFLIX 4029357733 CA", SUBSCRIPTIONS),
        ("NETFLIX.COM 866-579-7172 CA", SUBSCRIPTIONS),
        ("POS LIDL #4711 BERLIN DE XXXX1234", GROCERIES),
        ("KARTENZAHLUNG LIDL DIENSTL. FIL. 0815 HAMBURG DE", GROCERIES),
        ("SHELL OIL 57444345 HOUSTON TX", FUEL),
        ("SQ *NOODLE BAR", DINING),
    ],
)
def test_the_payee_as_a_bank_writes_it_still_maps(model, bank_text, category):
    assert model.suggest(bank_text, "", -2_000, 1, 10)[0].category_id == category


def test_suggest_many_is_suggest_for_each(model):
    examples = [Example("Netflix", "", -1_599, 1, 9), Example("SHELL 1234", "", -6_100, 3, 2)]
    assert model.suggest_many(examples) == [model.suggest(*e) for e in examples]
    assert model.suggest_many([]) == []


def test_suggest_many_in_chunks_answers_exactly_as_in_one_pass(model, monkeypatch):
    payees = ("Netflix", "SHELL 1234", "REWE 0042 BERLIN", "Unknown shop", "")
    examples = [
        Example(payees[n % len(payees)], f"memo {n}", -(n * 137 % 90_000), 1 + n % 3, 1 + n % 28)
        for n in range(60)
    ]
    monkeypatch.setattr(model_module, "SUGGEST_CHUNK", 10_000)
    whole = model.suggest_many(examples)
    monkeypatch.setattr(model_module, "SUGGEST_CHUNK", 7)
    assert model.suggest_many(examples) == whole
    assert len(whole) == 60 and all(whole)


def test_bytes_round_trip_gives_identical_suggestions(model):
    copy = CategoryModel.from_bytes(model.to_bytes())
    examples = [Example("Netflix", "", -1_599, 1, 9), Example("Anything", "memo", 5, 4, 31)]
    assert copy.suggest_many(examples) == model.suggest_many(examples)
    assert copy.temperature == model.temperature
    assert np.array_equal(copy.category_ids, model.category_ids)


def test_bytes_are_not_a_pickle(model):
    with pytest.raises(ValueError):
        CategoryModel.from_bytes(pickle.dumps(model))


def test_temperature_is_fitted_on_enough_history(model):
    assert 0.5 <= model.temperature <= 4.0


# --- the history in the database, on both dialects ---


def _household(engine, name, names):
    """A user with an account, the named expense categories and 25 lines per category (the
    payee is the category's name with 'shop'); returns (user id, {name: category id})."""
    user = make_user(engine, name)
    with engine.begin() as conn:
        account = conn.execute(
            insert(accounts)
            .values(user_id=user, name="Main", type="checking", currency="EUR")
            .returning(accounts.c.id)
        ).scalar_one()
        ids = {
            n: conn.execute(
                insert(categories)
                .values(user_id=user, name=n, kind="expense")
                .returning(categories.c.id)
            ).scalar_one()
            for n in names
        }
        conn.execute(
            insert(transactions),
            [
                {"user_id": user, "account_id": account, "date": START + timedelta(days=k),
                 "amount_minor": -1_000 - k, "payee": f"{n} shop", "memo": "",
                 "category_id": ids[n]}
                for n in names for k in range(25)
            ],
        )  # fmt: skip
    return user, account, ids


def _add_edge_lines(engine, user, account, ids):
    """A split (two parts), a transfer pair, an uncategorised line, a line of a transfer-kind
    category and one of an archived category: only the split's parts are training lines."""
    names = list(ids)
    with engine.begin() as conn:
        kinds = {}
        for label, kind, archived in (("Moves", "transfer", False), ("Old", "expense", True)):
            kinds[label] = conn.execute(
                insert(categories)
                .values(user_id=user, name=label, kind=kind, archived=archived)
                .returning(categories.c.id)
            ).scalar_one()

        def line(payee, amount, category=None):
            return conn.execute(
                insert(transactions)
                .values(user_id=user, account_id=account, date=date(2025, 6, 1),
                        amount_minor=amount, payee=payee, memo="big shop", category_id=category)
                .returning(transactions.c.id)
            ).scalar_one()  # fmt: skip

        split = line("Mixed shop", -5_000)
        conn.execute(
            insert(transaction_splits),
            [
                {"user_id": user, "transaction_id": split, "position": 0,
                 "category_id": ids[names[0]], "amount_minor": -4_000, "memo": "food"},
                {"user_id": user, "transaction_id": split, "position": 1,
                 "category_id": ids[names[1]], "amount_minor": -1_000, "memo": "home"},
            ],
        )  # fmt: skip
        out, into = line("Transfer out", -700, ids[names[0]]), line("Transfer in", 700)
        conn.execute(
            update(transactions).where(transactions.c.id == out).values(transfer_peer_id=into)
        )
        conn.execute(
            update(transactions).where(transactions.c.id == into).values(transfer_peer_id=out)
        )
        line("Nobody knows", -300)
        line("Moving money", -400, kinds["Moves"])
        line("Old habit", -500, kinds["Old"])


def test_training_rows_are_the_owners_categorised_lines(engine):
    alice, account, alice_ids = _household(engine, "alice", ["Groceries", "Home", "Fuel"])
    _bob, _bob_account, _bob_ids = _household(engine, "bob", ["Pets", "Garden"])
    _add_edge_lines(engine, alice, account, alice_ids)
    rows = training_rows(engine, alice)
    assert len(rows) == 3 * 25 + 2
    assert {row.category_id for row in rows} == set(alice_ids.values())
    assert {row.payee for row in rows} == {"Groceries shop", "Home shop", "Fuel shop", "Mixed shop"}
    parts = sorted((r.amount_minor, r.category_id, r.memo) for r in rows if r.payee == "Mixed shop")
    assert parts == [
        (-4_000, alice_ids["Groceries"], "big shop food"),
        (-1_000, alice_ids["Home"], "big shop home"),
    ]
    assert [row.date for row in rows] == sorted(row.date for row in rows)


def test_a_model_never_suggests_another_users_categories(engine):
    alice, _a, alice_ids = _household(engine, "alice", ["Groceries", "Home", "Fuel"])
    bob, _b, bob_ids = _household(engine, "bob", ["Pets", "Garden"])
    examples = [Example(f"{n} shop", "", -1_010, 1, 5) for n in [*alice_ids, *bob_ids]]
    for user, own in ((alice, alice_ids), (bob, bob_ids)):
        model = train_for_user(engine, user)
        assert model is not None
        suggested = {s.category_id for row in model.suggest_many(examples) for s in row}
        assert suggested <= set(own.values())
        assert set(model.category_ids.tolist()) == set(own.values())


def test_a_user_without_history_gets_no_model(engine, user_id):
    assert training_rows(engine, user_id) == []
    assert train_for_user(engine, user_id) is None


def test_the_demo_household_learns_its_habits(demo_db_url):
    engine = make_engine(demo_db_url)
    try:
        with engine.connect() as conn:
            demo_user = conn.execute(select(users.c.id)).scalar_one()
        model = train_for_user(engine, demo_user)
    finally:
        engine.dispose()
    assert model is not None
    assert model.suggest("NETFLIX.COM 866-579-7172 CA", "", -1_599, 3, 9)[0].category_id == 7
    assert model.suggest("POS ALDI #4711", "", -2_100, 1, 4)[0].category_id == 4
