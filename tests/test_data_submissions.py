"""Keyed creates (data/submissions.py through data/writes.py) on SQLite and PostgreSQL: the same
submission replayed, one after the other or at the same moment from two engines (two app
processes), stores exactly one transaction and answers every attempt with it."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from data import setup_writes, writes
from data.db import make_engine
from data.entries import Transaction, Transfer
from data.schema import receipts, transactions, users
from data.submissions import KEY_OF_ANOTHER_KIND
from data.validation import SUBMISSION_KEY_INVALID, ValidationError
from tests.conftest import make_user

DAY = date(2024, 3, 5)
# Attempts sent at the same moment: a double click, a retry racing its lost original.
CONCURRENT_ATTEMPTS = 4
JOIN_TIMEOUT_S = 60


def new_key() -> str:
    return str(uuid.uuid4())


def receipt_file(tag: str) -> dict[str, object]:
    return {
        "storage_name": f"{tag}-5be0c1.png",
        "original_name": f"{tag}.png",
        "content_type": "image/png",
        "size_bytes": 512,
        "sha256": "cd" * 32,
    }


@pytest.fixture
def home(engine) -> dict[str, int]:
    user_id = make_user(engine, "alice")
    return {
        "user": user_id,
        "checking": setup_writes.create_account(engine, user_id, "Checking", "checking"),
        "savings": setup_writes.create_account(engine, user_id, "Savings", "savings"),
    }


def rows(engine: Engine, user_id: int) -> list[tuple]:
    t = transactions.c
    query = (
        select(t.id, t.account_id, t.amount_minor, t.payee, t.submission_key, t.receipt_id)
        .where(t.user_id == user_id)
        .order_by(t.id)
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def receipt_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(receipts)).scalar_one()


def data_version(engine: Engine, user_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(select(users.c.data_version).where(users.c.id == user_id)).scalar_one()


def spend(home: dict[str, int], amount: int = -1250, payee: str = "Bakery") -> Transaction:
    return Transaction(home["checking"], DAY, amount, payee)


def at_once(engine: Engine, attempt: Callable[[Engine], Any]) -> list[Any]:
    """`attempt` from CONCURRENT_ATTEMPTS threads released together, each thread on its own
    engine (its own pool: another gunicorn worker); their results, or the errors raised."""
    url = engine.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(CONCURRENT_ATTEMPTS)]
    start = threading.Barrier(CONCURRENT_ATTEMPTS, timeout=JOIN_TIMEOUT_S)
    results: list[Any] = [None] * CONCURRENT_ATTEMPTS

    def run(number: int) -> None:
        start.wait()
        try:
            results[number] = attempt(engines[number])
        except Exception as error:  # noqa: BLE001 - reported as a result, asserted by the test
            results[number] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CONCURRENT_ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "an attempt did not finish"
    for each in engines:
        each.dispose()
    return results


def test_a_replayed_transaction_stores_nothing_and_answers_the_first_id(engine, home):
    key = new_key()
    first = writes.create_transaction(engine, home["user"], spend(home), submission_key=key)
    stored, version = rows(engine, home["user"]), data_version(engine, home["user"])

    again = writes.create_transaction(engine, home["user"], spend(home), submission_key=key)
    # What a replay carries besides the key does not matter: the first submission was stored.
    changed = spend(home, amount=-99_999, payee="Changed")
    upper = writes.create_transaction(engine, home["user"], changed, submission_key=key.upper())

    assert again == upper == first
    assert stored == [(first, home["checking"], -1250, "Bakery", key, None)]
    assert rows(engine, home["user"]) == stored
    # The replay rolled back its own version bump: no cache was made stale for nothing.
    assert data_version(engine, home["user"]) == version


def test_a_replayed_transfer_stores_two_legs_once(engine, home):
    key = new_key()

    def transfer(on: Engine = engine) -> tuple[int, int]:
        return writes.create_transfer(
            on, home["user"], Transfer(home["checking"], home["savings"], DAY, 5000),
            submission_key=key,
        )  # fmt: skip

    first = transfer()
    assert transfer() == first
    assert at_once(engine, transfer) == [first] * CONCURRENT_ATTEMPTS
    out_id, in_id = first
    assert rows(engine, home["user"]) == [
        (out_id, home["checking"], -5000, "Transfer", key, None),
        (in_id, home["savings"], 5000, "Transfer", None, None),
    ]


def test_concurrent_attempts_from_two_engines_store_one_row(engine, home):
    key = new_key()

    def attempt(on: Engine) -> int:
        return writes.create_transaction(on, home["user"], spend(home), submission_key=key)

    results = at_once(engine, attempt)

    [stored] = rows(engine, home["user"])
    assert results == [stored[0]] * CONCURRENT_ATTEMPTS
    assert stored[4] == key


def test_distinct_keys_store_distinct_rows_and_rows_without_keys_never_collide(engine, home):
    keyed = [
        writes.create_transaction(engine, home["user"], spend(home), submission_key=new_key())
        for _ in range(2)
    ]
    plain = [writes.create_transaction(engine, home["user"], spend(home)) for _ in range(2)]
    assert len(set(keyed + plain)) == 4
    assert [row[4] is None for row in rows(engine, home["user"])] == [False, False, True, True]


def test_a_replayed_receipt_is_recorded_once_with_the_first_transaction(engine, home):
    key = new_key()
    first = writes.create_transaction(
        engine, home["user"], spend(home), submission_key=key, receipt_file=receipt_file("one")
    )

    def replay(on: Engine) -> int:
        other = receipt_file(f"r{uuid.uuid4().hex[:8]}")
        return writes.create_transaction(
            on, home["user"], spend(home), submission_key=key, receipt_file=other
        )

    assert replay(engine) == first
    assert at_once(engine, replay) == [first] * CONCURRENT_ATTEMPTS
    [stored] = rows(engine, home["user"])
    assert stored[5] is not None and receipt_count(engine) == 1
    with engine.connect() as conn:
        name = conn.execute(select(receipts.c.storage_name)).scalar_one()
    assert name == "one-5be0c1.png"


def test_a_transfers_receipt_goes_with_its_outflow_leg(engine, home):
    out_id, in_id = writes.create_transfer(
        engine, home["user"], Transfer(home["checking"], home["savings"], DAY, 700),
        submission_key=new_key(), receipt_file=receipt_file("slip"),
    )  # fmt: skip
    linked = {row[0]: row[5] for row in rows(engine, home["user"])}
    assert linked[out_id] is not None and linked[in_id] is None


def test_a_refused_receipt_stores_no_transaction(engine, home):
    bad = {**receipt_file("bad"), "sha256": "not a digest"}
    with pytest.raises(ValidationError) as refused:
        writes.create_transaction(
            engine, home["user"], spend(home), submission_key=new_key(), receipt_file=bad
        )
    assert set(refused.value.field_errors) == {"sha256"}
    assert rows(engine, home["user"]) == [] and receipt_count(engine) == 0


def test_keys_are_per_user_bob_replaying_alices_key_stores_his_own_row(engine, home):
    key = new_key()
    alices = writes.create_transaction(engine, home["user"], spend(home), submission_key=key)
    bob = make_user(engine, "bob")
    bobs_account = setup_writes.create_account(engine, bob, "Wallet", "cash")
    bobs_entry = Transaction(bobs_account, DAY, -300, "Kiosk")

    bobs = writes.create_transaction(engine, bob, bobs_entry, submission_key=key)

    assert bobs != alices
    assert rows(engine, bob) == [(bobs, bobs_account, -300, "Kiosk", key, None)]
    assert rows(engine, home["user"]) == [(alices, home["checking"], -1250, "Bakery", key, None)]


def test_a_key_used_for_one_kind_of_entry_is_refused_for_the_other(engine, home):
    key, other = new_key(), new_key()
    writes.create_transaction(engine, home["user"], spend(home), submission_key=key)
    writes.create_transfer(
        engine,
        home["user"],
        Transfer(home["checking"], home["savings"], DAY, 1),
        submission_key=other,
    )
    before = rows(engine, home["user"])
    with pytest.raises(ValidationError) as as_transfer:
        writes.create_transfer(
            engine,
            home["user"],
            Transfer(home["checking"], home["savings"], DAY, 1),
            submission_key=key,
        )
    with pytest.raises(ValidationError) as as_transaction:
        writes.create_transaction(engine, home["user"], spend(home), submission_key=other)
    for refused in (as_transfer, as_transaction):
        assert refused.value.field_errors == {"submission_key": KEY_OF_ANOTHER_KIND}
    assert rows(engine, home["user"]) == before


@pytest.mark.parametrize(
    "key",
    [
        "",
        "not-a-uuid",
        "{" + "0" * 8 + "-0000-0000-0000-" + "0" * 12 + "}",
        str(uuid.uuid4()) + " ",
        "0" * 32,
        "a" * 100_000,
        12345,
        ["x"],
    ],
)
def test_a_malformed_key_is_a_field_error_and_stores_nothing(engine, home, key):
    version = data_version(engine, home["user"])
    with pytest.raises(ValidationError) as refused:
        writes.create_transaction(engine, home["user"], spend(home), submission_key=key)
    assert refused.value.field_errors == {"submission_key": SUBMISSION_KEY_INVALID}
    assert rows(engine, home["user"]) == []
    assert data_version(engine, home["user"]) == version
