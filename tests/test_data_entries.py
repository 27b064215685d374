"""The ledger's value types (data/entries.py): every column of `transactions` travels through
read -> JSON (the undo snapshot in the browser) -> restore, on both dialects."""

from __future__ import annotations

import json
import uuid
from dataclasses import MISSING, fields, replace
from datetime import date

import pytest
from sqlalchemy import Engine, select

from data import lookups, setup_writes, writes
from data.entries import (
    ENTERED_FIELDS,
    NOT_FIELDS,
    ROW_FIELDS,
    SPLIT_NOT_FIELDS,
    Entry,
    Malformed,
    Split,
    Transaction,
    Transfer,
    entry_from_json,
    entry_to_json,
    with_entered,
)
from data.schema import accounts, import_batches, transaction_splits, transactions
from data.validation import ValidationError
from tests.conftest import make_user

DAY = date(2026, 3, 14)
TRANSACTION_FIELDS = [field.name for field in fields(Transaction)]
COLUMN_FIELDS = [name for name in TRANSACTION_FIELDS if name not in ROW_FIELDS]


@pytest.fixture
def home(engine) -> dict[str, int]:
    user_id = make_user(engine, "alice")
    return {
        "user": user_id,
        "checking": setup_writes.create_account(engine, user_id, "Checking", "checking"),
        "savings": setup_writes.create_account(engine, user_id, "Savings", "savings"),
        "food": setup_writes.create_category(engine, user_id, "Food", "expense"),
        "batch": _import_batch(engine, user_id),
    }


def _import_batch(engine: Engine, user_id: int) -> int:
    """A batch row for the import_batch_id field (data/imports/commit.py writes real ones)."""
    counts = dict.fromkeys(
        ("imported_count", "duplicate_ref_count", "duplicate_fingerprint_count",
         "probable_count", "linked_count", "error_count", "skipped_count"), 0,
    )  # fmt: skip
    with engine.begin() as conn:
        account = conn.execute(select(accounts.c.id).where(accounts.c.user_id == user_id))
        return conn.execute(
            import_batches.insert().values(
                user_id=user_id, account_id=account.scalars().first(), file_name="a.ofx",
                sha256="0" * 64, format="ofx", **counts,
            )
        ).inserted_primary_key[0]  # fmt: skip


def stored_rows(engine: Engine, user_id: int) -> list[dict]:
    """Each row's columns that are Transaction fields, and its parts' columns that are Split
    fields: what undo must bring back unchanged."""
    query = select(transactions).where(transactions.c.user_id == user_id)
    parts = select(transaction_splits).order_by(transaction_splits.c.position)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(transactions.c.amount_minor)).mappings().all()
        part_rows = conn.execute(parts).mappings().all()
    split_fields = [field.name for field in fields(Split)]
    return [
        {
            **{name: row[name] for name in COLUMN_FIELDS},
            "splits": [
                {name: part[name] for name in split_fields if name != "tags"}
                for part in part_rows
                if part["transaction_id"] == row["id"]
            ],
        }
        for row in rows
    ]


def every_field_set(home: dict[str, int]) -> list[Transaction]:
    """A whole transaction and a split one: between them, every field has a value other than
    its default (a split transaction has no category of its own)."""
    parts = (Split(-1000, home["food"], "bread", ("Breakfast",)), Split(-234, None, "soap"))
    return [
        Transaction(home["checking"], DAY, -1234, "Bakery", "two\nlines", home["food"], "bank:1",
                    tags=("cash", "Holiday 2026")),
        Transaction(home["savings"], DAY, -1234, "Market", "weekly", None, "bank:2", "FITID-9",
                    home["batch"], parts),
    ]  # fmt: skip


def round_trip(entry: Entry) -> Entry:
    """Through the browser and back: JSON text, as the undo store holds it."""
    return entry_from_json(json.loads(json.dumps(entry_to_json(entry))))


def test_every_column_of_transactions_is_a_field_or_named_with_its_reason():
    columns = {column.name for column in transactions.columns}
    unaccounted = columns - set(TRANSACTION_FIELDS) - set(NOT_FIELDS)
    assert not unaccounted, (
        f"{sorted(unaccounted)}: add it to Transaction in data/entries.py (it then travels "
        "through forms, writes, reads and undo), or to NOT_FIELDS with the reason it does not"
    )
    assert set(NOT_FIELDS) <= columns and not set(NOT_FIELDS) & set(TRANSACTION_FIELDS)
    assert set(ENTERED_FIELDS) <= set(TRANSACTION_FIELDS)


def test_every_column_of_transaction_splits_is_a_field_or_named_with_its_reason():
    columns = {column.name for column in transaction_splits.columns}
    split_fields = {field.name for field in fields(Split)}
    assert columns - split_fields - set(SPLIT_NOT_FIELDS) == set()
    assert set(SPLIT_NOT_FIELDS) <= columns and not set(SPLIT_NOT_FIELDS) & split_fields


def test_the_round_trip_cases_set_every_field():
    home = {"checking": 1, "savings": 2, "food": 3, "batch": 4}
    for kind in (Transaction, Split):
        defaults = {f.name: f.default for f in fields(kind) if f.default is not MISSING}
        values = every_field_set(home) + list(every_field_set(home)[1].splits)
        for name, default in defaults.items():
            assert any(
                getattr(value, name) != default for value in values if isinstance(value, kind)
            ), f"no round-trip case sets {kind.__name__}.{name}"


@pytest.mark.parametrize("case", [0, 1], ids=["whole", "split"])
def test_a_transaction_with_every_field_set_survives_delete_and_restore(engine, home, case):
    txn = every_field_set(home)[case]
    key = str(uuid.uuid4())
    txn_id = writes.create_transaction(engine, home["user"], txn, submission_key=key)
    before = stored_rows(engine, home["user"])
    entry = lookups.get_entry(engine, home["user"], txn_id)

    writes.delete_transaction(engine, home["user"], txn_id)
    assert entry is not None and round_trip(entry) == entry == Entry((txn,), key)
    [restored_id] = writes.restore_entry(engine, home["user"], round_trip(entry))

    assert stored_rows(engine, home["user"]) == before
    assert lookups.get_entry(engine, home["user"], restored_id) == entry


def test_a_transfer_with_legs_edited_apart_survives_delete_and_restore(engine, home):
    out_id, in_id = writes.create_transfer(
        engine, home["user"], Transfer(home["checking"], home["savings"], DAY, 5000, "Move", "m")
    )
    incoming = Transaction(home["savings"], DAY, 5000, "Incoming", "from checking")
    writes.update_transaction(engine, home["user"], in_id, incoming)
    before = stored_rows(engine, home["user"])
    entry = lookups.get_entry(engine, home["user"], in_id)

    writes.delete_transaction(engine, home["user"], out_id)
    assert entry is not None and entry.is_transfer and entry.legs[1] == incoming
    ids = writes.restore_entry(engine, home["user"], round_trip(entry))

    assert stored_rows(engine, home["user"]) == before
    legs = [lookups.get_transaction(engine, home["user"], leg) for leg in ids]
    assert [leg["transfer_peer_id"] for leg in legs] == [ids[1], ids[0]]


def test_restoring_twice_stores_once(engine, home):
    entry = Entry((Transaction(home["checking"], DAY, -500, "Kiosk"),), str(uuid.uuid4()))
    first = writes.restore_entry(engine, home["user"], entry)
    again = writes.restore_entry(engine, home["user"], entry)
    assert first == again and len(stored_rows(engine, home["user"])) == 1


def test_a_statement_line_imported_again_since_is_not_restored_twice(engine, home):
    line = Transaction(home["checking"], DAY, -500, "Kiosk", import_fingerprint="bank:line-1")
    writes.create_transaction(engine, home["user"], line)
    before = stored_rows(engine, home["user"])
    with pytest.raises(ValidationError) as refused:
        writes.restore_entry(engine, home["user"], Entry((line,), str(uuid.uuid4())))
    assert refused.value.field_errors == {"import_fingerprint": writes.IMPORTED_AGAIN}
    assert stored_rows(engine, home["user"]) == before


@pytest.mark.parametrize("fingerprint", ["", "has space", "x" * 65, "é"])
def test_a_malformed_import_mark_is_refused(engine, home, fingerprint):
    line = Transaction(home["checking"], DAY, -500, import_fingerprint=fingerprint)
    with pytest.raises(ValidationError) as refused:
        writes.create_transaction(engine, home["user"], line)
    assert set(refused.value.field_errors) == {"import_fingerprint"}


def test_an_edit_changes_what_a_person_enters_and_keeps_the_import_mark():
    imported = Transaction(1, DAY, -500, "CARD 1234 KIOSK", "", None, "bank:line-9")
    typed = Transaction(2, date(2026, 3, 15), -450, "Kiosk", "paper", 7)
    edited = with_entered(imported, typed)
    assert edited == replace(typed, import_fingerprint="bank:line-9")


@pytest.mark.parametrize(
    ("value", "where"),
    [
        (None, "entry: expected an object"),
        ({"legs": []}, "entry.legs: expected one transaction"),
        ({"legs": [{}]}, "entry.legs[0]: missing field 'account_id'"),
        ({"legs": [{"account_id": "1", "date": "2026-03-14", "amount_minor": 1}]},
         "entry.legs[0].account_id: expected int"),
        ({"legs": [{"account_id": 1, "date": "14.03.2026", "amount_minor": 1}]},
         "entry.legs[0].date: expected date"),
        ({"legs": [{"account_id": 1, "date": "2026-03-14", "amount_minor": 1, "id": 5}]},
         "entry.legs[0]: unknown field 'id'"),
        ({"legs": [{"account_id": 1, "date": "2026-03-14", "amount_minor": 1}], "key": "k"},
         "entry: unknown field 'key'"),
    ],
)  # fmt: skip
def test_json_from_a_browser_is_checked_against_the_fields_types(value, where):
    with pytest.raises(Malformed) as malformed:
        entry_from_json(value)
    assert str(malformed.value).startswith(where)


def test_fields_left_out_take_their_defaults():
    minimal = {"legs": [{"account_id": 1, "date": "2026-03-14", "amount_minor": -1}]}
    assert entry_from_json(minimal) == Entry((Transaction(1, DAY, -1),))
