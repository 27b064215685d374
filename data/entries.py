"""The ledger's value types: what the forms parse into, the writes take and the reads return.

A `Transaction` is one row of `transactions` as a person enters and reads it. An `Entry` is what
one submission stored: one transaction, or a transfer's two legs (outflow first). Undo sends an
Entry through the browser and back; `entry_to_json` and `entry_from_json` do that from the
dataclasses' fields, so a field added here travels with it without another line of code.

A column of `transactions` is either a field of Transaction or named in NOT_FIELDS with the
reason it is not (tests/test_data_entries.py fails on a column that is neither).
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Union, get_args, get_origin, get_type_hints

TRANSFER_PAYEE = "Transfer"


@dataclass(frozen=True)
class Split:
    """A part of a split transaction, with its own category, signed amount, memo and tags."""

    amount_minor: int
    category_id: int | None = None
    memo: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transaction:
    """One row of the ledger: signed `amount_minor` (negative = money out), in the account's
    currency's minor units. `import_fingerprint`, `bank_ref` and `import_batch_id` mark the bank
    statement line it came from (None for a row entered by hand).

    A split transaction has no category of its own and two or more `splits` (rows of
    transaction_splits) whose amounts sum to its amount exactly.
    """

    account_id: int
    date: date
    amount_minor: int
    payee: str = ""
    memo: str = ""
    category_id: int | None = None
    import_fingerprint: str | None = None
    # The bank's own id of the line (OFX FITID, CAMT AcctSvcrRef), when the file gave one.
    bank_ref: str | None = None
    # The import batch that stored this row (data/imports/commit.py); undo of it removes it.
    import_batch_id: int | None = None
    splits: tuple[Split, ...] = ()
    # Tag names, in the order given; a tag is created on first use (data/tags.py).
    tags: tuple[str, ...] = ()

    @property
    def is_split(self) -> bool:
        return bool(self.splits)


# The fields a person types in the entry form and the edit modal. An edit replaces these and
# keeps the rest (what an import set), see `with_entered`.
ENTERED_FIELDS = (
    "account_id", "date", "amount_minor", "payee", "memo", "category_id", "splits", "tags",
)  # fmt: skip
# The fields that are rows of other tables: a Transaction's splits are transaction_splits rows,
# its tags and a Split's tags are rows of transaction_tags and split_tags.
ROW_FIELDS = ("splits", "tags")

# Columns of `transactions` that are not fields of Transaction, and why.
NOT_FIELDS = {
    "id": "the row's identity, given by the database",
    "user_id": "the owner, which every read and write takes as its own argument",
    "transfer_peer_id": "a transfer is an Entry of two legs",
    "receipt_id": "a receipt is a file with its own row; undo does not bring a deleted one back",
    "submission_key": "Entry.submission_key: it belongs to the submission, on its first leg",
    "created_at": "bookkeeping of the database",
    "updated_at": "bookkeeping of the database",
}
# Columns of `transaction_splits` that are not fields of Split, and why.
SPLIT_NOT_FIELDS = {
    "id": "the row's identity, given by the database",
    "user_id": "the owner, the same as its transaction's",
    "transaction_id": "the Transaction whose splits it is one of",
    "position": "its place in Transaction.splits",
}


@dataclass(frozen=True)
class Transfer:
    """Money moved between two of the user's accounts: `amount_minor` is positive and leaves
    `from_account_id` for `to_account_id` on `date`. Between accounts of two currencies
    `received_minor` is what arrived, in the target's currency (each leg keeps its own exact
    amount, no rate involved); None means the same amount as left."""

    from_account_id: int
    to_account_id: int
    date: date
    amount_minor: int
    payee: str = TRANSFER_PAYEE
    memo: str = ""
    received_minor: int | None = None

    def legs(self) -> tuple[Transaction, Transaction]:
        """The outflow leg, then the inflow leg."""
        out = Transaction(
            self.from_account_id, self.date, -self.amount_minor, self.payee, self.memo
        )
        received = self.amount_minor if self.received_minor is None else self.received_minor
        return out, replace(out, account_id=self.to_account_id, amount_minor=received)


@dataclass(frozen=True)
class Entry:
    """What one submission stored: a transaction, or a transfer's legs (outflow, inflow)."""

    legs: tuple[Transaction, ...]
    submission_key: str | None = None

    @property
    def is_transfer(self) -> bool:
        return len(self.legs) == 2


def with_entered(stored: Transaction, entered: Transaction) -> Transaction:
    """`stored` with the fields a form sets taken from `entered`: an edit keeps the rest."""
    return replace(stored, **{name: getattr(entered, name) for name in ENTERED_FIELDS})


def transaction_from_row(
    row: Mapping[Any, Any], splits: tuple[Split, ...] = (), tags: Sequence[str] = ()
) -> Transaction:
    """A Transaction from a row of `transactions`, its parts and its tag names."""
    columns = (field.name for field in fields(Transaction) if field.name not in ROW_FIELDS)
    return Transaction(**{name: row[name] for name in columns}, splits=splits, tags=tuple(tags))


def split_from_row(row: Mapping[Any, Any], tags: Sequence[str] = ()) -> Split:
    """A Split from a row of `transaction_splits` and its tag names."""
    columns = (field.name for field in fields(Split) if field.name not in ROW_FIELDS)
    return Split(**{name: row[name] for name in columns}, tags=tuple(tags))


class Malformed(ValueError):
    """A JSON value that is not what the dataclass needs; str(error) says where."""


def entry_to_json(entry: Entry) -> dict[str, Any]:
    """Plain JSON values (dates as ISO text) of every field, nested dataclasses included."""
    return _to_json(entry)


def entry_from_json(value: object) -> Entry:
    """The Entry `entry_to_json` made, from JSON that came back from a browser (untrusted):
    every field checked against its annotated type, no unknown key, no missing one without a
    default; Malformed otherwise. The values' meaning is checked by the writes, as for a form."""
    entry = _from_json(Entry, value, "entry")
    assert isinstance(entry, Entry)
    if not 1 <= len(entry.legs) <= 2:
        raise Malformed("entry.legs: expected one transaction or a transfer's two legs")
    return entry


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _to_json(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, tuple | list):
        return [_to_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _from_json(kind: Any, value: object, where: str) -> Any:
    """`value` as an instance of the annotation `kind`."""
    options = get_args(kind) if get_origin(kind) in (Union, types.UnionType) else None
    if options is not None:
        if value is None and type(None) in options:
            return None
        (inner,) = (option for option in options if option is not type(None))
        return _from_json(inner, value, where)
    if get_origin(kind) is tuple:
        item_kind, _ellipsis = get_args(kind)
        if not isinstance(value, list):
            raise Malformed(f"{where}: expected a list")
        return tuple(_from_json(item_kind, item, f"{where}[{i}]") for i, item in enumerate(value))
    if dataclasses.is_dataclass(kind):
        return _dataclass_from_json(kind, value, where)
    return _scalar_from_json(kind, value, where)


def _dataclass_from_json(kind: Any, value: object, where: str) -> Any:
    if not isinstance(value, dict):
        raise Malformed(f"{where}: expected an object")
    hints = get_type_hints(kind)
    known = {field.name: field for field in fields(kind)}
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise Malformed(f"{where}: unknown field {unknown[0]!r}")
    missing = [
        name
        for name, field in known.items()
        if name not in value and field.default is dataclasses.MISSING
    ]
    if missing:
        raise Malformed(f"{where}: missing field {missing[0]!r}")
    given = {name: _from_json(hints[name], value[name], f"{where}.{name}") for name in value}
    return kind(**given)


def _scalar_from_json(kind: Any, value: object, where: str) -> Any:
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    if kind is date and isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if kind in (int, str, date):
        raise Malformed(f"{where}: expected {kind.__name__}")
    raise TypeError(f"{where}: no JSON form for {kind!r}")
