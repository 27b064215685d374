"""The write side: one function per use case, each validated and in one DB transaction.

This module holds the ledger's entries (transactions, transfers) and budgets; the writes of
users, accounts and categories are data/setup_writes.py's, those of receipts
data/receipt_writes.py's. Each transaction starts with bump_version (see data/ownership.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from data import validation as v
from data.entries import Entry, Transaction, Transfer
from data.ownership import bump_version, insert_id, owned_row, update_owned
from data.receipt_writes import link_new_receipt
from data.schema import (
    accounts,
    budgets,
    categories,
    import_batches,
    receipts,
    transaction_splits,
)
from data.schema import transactions as txns
from data.submissions import (
    KEY_OF_ANOTHER_KIND,
    checked_key,
    first_submission,
    violates_submission_key,
)
from data.tags import clean_tags, link_split_tags, link_transaction_tags
from data.validation import FieldErrors, Invalid, ValidationError

# A restored transaction whose statement line was imported again after it was deleted.
IMPORTED_AGAIN = "This statement line was imported again since: it is in the ledger already."


@dataclass(frozen=True)
class _Leg:
    """A leg's checked columns of `transactions`, its transaction_splits rows (each with its
    "tags") and its own tag names."""

    columns: dict[str, object]
    parts: list[dict[str, object]]
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Attached:
    """A receipt stored with an entry's first leg: a stored row's id, or a new file's values."""

    receipt_id: int | None
    receipt_file: Mapping[str, object] | None


def create_transaction(
    engine: Engine,
    user_id: int,
    txn: Transaction,
    receipt_id: int | None = None,
    *,
    submission_key: str | None = None,
    receipt_file: Mapping[str, object] | None = None,
) -> int:
    """Store a transaction; returns its id.

    submission_key: the entry form's key of this submission. A later call with the same user
    and key (a retry of a request whose answer was lost, a replay, a double click) stores
    nothing and returns the id the first call stored, whatever else it carries.
    receipt_id: a stored receipt of this user that no transaction has yet.
    receipt_file: the row values of a receipt file the caller has written, recorded and linked
    in the same DB transaction, so the transaction is never stored without it.
    """
    if receipt_id is not None and receipt_file is not None:
        raise TypeError("give a receipt_id or a receipt_file, not both")
    entry = Entry((txn,), submission_key)
    attached = _Attached(receipt_id, receipt_file)
    (txn_id,) = _store_entry(engine, user_id, entry, attached)
    return txn_id


def check_transaction_in(conn: Connection, user_id: int, txn: Transaction) -> None:
    """The checks of create_transaction, inside the caller's DB transaction: ValidationError
    when it would refuse `txn`. For a value stored elsewhere as a template (data/schedules/)."""
    errors = FieldErrors()
    _entry_values(conn, user_id, Entry((txn,)), errors)
    errors.raise_if_any()


def insert_transaction_in(conn: Connection, user_id: int, txn: Transaction) -> int:
    """create_transaction inside the caller's DB transaction, which has called bump_version:
    for a write that stores rows of its own with the transaction, all or nothing (a
    schedule's posting, data/schedules/posting.py). Returns the new id."""
    errors = FieldErrors()
    legs = _entry_values(conn, user_id, Entry((txn,)), errors)
    errors.raise_if_any()
    (txn_id,) = _insert_legs(conn, user_id, legs, None, None, None)
    return txn_id


def create_transfer(
    engine: Engine,
    user_id: int,
    transfer: Transfer,
    *,
    submission_key: str | None = None,
    receipt_file: Mapping[str, object] | None = None,
) -> tuple[int, int]:
    """Two linked legs, -amount on the source and +amount on the target; returns (out, in).

    The outflow leg carries the submission key and the receipt (see create_transaction): a
    later call with the same key stores nothing and returns the legs the first call stored.
    """
    if not isinstance(transfer, Transfer):
        raise TypeError(f"expected a Transfer, got {type(transfer).__name__}")
    entry = Entry(transfer.legs(), submission_key)
    out_id, in_id = _store_entry(engine, user_id, entry, _Attached(None, receipt_file))
    return out_id, in_id


def restore_entry(engine: Engine, user_id: int, entry: Entry) -> list[int]:
    """Store an Entry read before it was deleted (undo): the same checks as a new entry, and
    idempotent under its submission key. Returns the ids of its legs."""
    return _store_entry(engine, user_id, entry, _Attached(None, None))


def update_transaction(engine: Engine, user_id: int, transaction_id: int, txn: Transaction) -> None:
    """Edit a transaction; the other leg of a transfer follows (-amount, same date)."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        current = owned_row(conn, txns, user_id, transaction_id, "transaction")
        errors = FieldErrors()
        values, account = _transaction_values(conn, user_id, txn, current, errors)
        parts = _split_values(conn, user_id, txn, account, current, errors)
        own_tags = _checked_tags(txn, errors)
        peer = _transfer_peer(conn, user_id, current)
        if peer is not None:
            peer_account = owned_row(conn, accounts, user_id, peer.account_id, "account")
            v.check_transfer_leg_edit(values, account, peer_account, peer.amount_minor, errors)
            if txn.splits:
                errors.add("splits", v.TRANSFER_NOT_SPLIT)
        errors.raise_if_any()
        update_owned(conn, txns, user_id, current.id, **values, updated_at=func.now())
        _replace_parts(conn, user_id, current.id, parts)
        link_transaction_tags(conn, user_id, current.id, own_tags)
        if peer is not None:
            amount = values["amount_minor"]
            assert isinstance(amount, int)  # check_transaction cleaned it; errors raised above
            # One currency: the peer mirrors the amount. Two: it keeps its own (what arrived
            # in its currency), and only the date follows.
            mirrored: dict[str, object] = {"date": values["date"]}
            if account.currency == peer_account.currency:
                mirrored["amount_minor"] = -amount
            update_owned(conn, txns, user_id, peer.id, **mirrored, updated_at=func.now())


def delete_transaction(engine: Engine, user_id: int, transaction_id: int) -> list[int]:
    """Delete a transaction (both legs of a transfer); returns the ids of its deleted receipts."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        txn = owned_row(conn, txns, user_id, transaction_id, "transaction")
        legs = [leg for leg in (txn, _transfer_peer(conn, user_id, txn)) if leg is not None]
        leg_ids = [leg.id for leg in legs]
        receipt_ids = sorted({leg.receipt_id for leg in legs if leg.receipt_id is not None})
        conn.execute(delete(txns).where(txns.c.user_id == user_id, txns.c.id.in_(leg_ids)))
        if receipt_ids:
            owned_receipts = (receipts.c.user_id == user_id, receipts.c.id.in_(receipt_ids))
            conn.execute(delete(receipts).where(*owned_receipts))
        return receipt_ids


def set_budget(
    engine: Engine, user_id: int, category_id: int, month: date, limit_minor: int
) -> None:
    """Set an expense category's limit for the month of `month`, replacing any it had."""
    with engine.begin() as conn:
        currency = bump_version(conn, user_id)
        category = owned_row(conn, categories, user_id, category_id, "category")
        errors = FieldErrors()
        if category.kind != "expense":
            errors.add("category_id", "Budgets are for expense categories only.")
        elif category.archived:
            errors.add("category_id", "That category is archived.")
        first_day = errors.check("month", v.clean_month, month)
        limit = errors.check(
            "limit_minor", v.clean_amount, limit_minor, currency, negative_ok=False
        )
        errors.raise_if_any()
        assert first_day is not None and limit is not None  # else raise_if_any raised
        _put_budget(conn, user_id, category.id, first_day, limit)


def clear_budget(engine: Engine, user_id: int, category_id: int, month: date) -> None:
    with engine.begin() as conn:
        bump_version(conn, user_id)
        category = owned_row(conn, categories, user_id, category_id, "category")
        errors = FieldErrors()
        first_day = errors.check("month", v.clean_month, month)
        errors.raise_if_any()
        assert first_day is not None  # clean_month returns a date or records an error
        conn.execute(delete(budgets).where(*_budget_key(user_id, category.id, first_day)))


def copy_budgets(
    engine: Engine, user_id: int, from_month: date, to_month: date, overwrite: bool = False
) -> int:
    """Copy a month's limits of categories still in use to another month; returns how many."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        errors = FieldErrors()
        source = errors.check("from_month", v.clean_month, from_month)
        target = errors.check("to_month", v.clean_month, to_month)
        errors.check("overwrite", v.clean_flag, overwrite)
        if source is not None and source == target:
            errors.add("to_month", "Choose a month other than the one to copy from.")
        errors.raise_if_any()
        assert target is not None  # clean_month returns a date or records an error
        limits = conn.execute(
            select(budgets.c.category_id, budgets.c.limit_minor)
            .join(categories, categories.c.id == budgets.c.category_id)
            .where(budgets.c.user_id == user_id, budgets.c.month == source)
            .where(categories.c.user_id == user_id, categories.c.archived.is_(False))
        ).all()
        in_target = select(budgets.c.category_id).where(
            budgets.c.user_id == user_id, budgets.c.month == target
        )
        existing = set(conn.execute(in_target).scalars())
        copied = [row for row in limits if overwrite or row.category_id not in existing]
        for row in copied:
            _put_budget(conn, user_id, row.category_id, target, row.limit_minor)
        return len(copied)


def _store_entry(engine: Engine, user_id: int, entry: Entry, attached: _Attached) -> list[int]:
    """Check and insert an entry's legs in one DB transaction; returns their ids. An entry
    whose submission key is stored already is a retry: the first one's ids, nothing stored."""
    key = None
    try:
        with engine.begin() as conn:
            bump_version(conn, user_id)
            errors = FieldErrors()
            legs = _entry_values(conn, user_id, entry, errors)
            key = checked_key(entry.submission_key, errors)
            receipt_id = _attachable_receipt(conn, user_id, attached.receipt_id, errors)
            errors.raise_if_any()
            return _insert_legs(conn, user_id, legs, key, receipt_id, attached.receipt_file)
    except IntegrityError as conflict:
        if "import_fingerprint" in str(conflict.orig):
            raise ValidationError({"import_fingerprint": IMPORTED_AGAIN}) from conflict
        if key is None or not violates_submission_key(conflict):
            raise
    first = first_submission(engine, user_id, key)
    if (first.transfer_peer_id is not None) != entry.is_transfer:
        raise ValidationError({"submission_key": KEY_OF_ANOTHER_KIND})
    return [first.id] if first.transfer_peer_id is None else [first.id, first.transfer_peer_id]


def _entry_values(conn: Connection, user_id: int, entry: Entry, errors: FieldErrors) -> list[_Leg]:
    """The columns and parts of each leg, checked as the entry form's fields are."""
    if not isinstance(entry, Entry) or not all(isinstance(leg, Transaction) for leg in entry.legs):
        raise TypeError(f"expected an Entry of Transactions, got {entry!r}")
    if len(entry.legs) == 1:
        (txn,) = entry.legs
        values, account = _transaction_values(conn, user_id, txn, None, errors)
        parts = _split_values(conn, user_id, txn, account, None, errors)
        legs = [_Leg(values, parts, _checked_tags(txn, errors))]
    elif len(entry.legs) == 2:
        pairs = zip(entry.legs, _transfer_values(conn, user_id, entry.legs, errors), strict=True)
        legs = [_Leg(values, [], _checked_tags(leg, errors)) for leg, values in pairs]
        if any(leg.splits for leg in entry.legs):
            errors.add("splits", v.TRANSFER_NOT_SPLIT)
    else:
        raise TypeError(f"an entry has one leg or a transfer's two, not {len(entry.legs)}")
    for leg in legs:
        fingerprint = leg.columns["import_fingerprint"]
        if fingerprint is not None and _imported(conn, user_id, fingerprint):
            errors.add("import_fingerprint", IMPORTED_AGAIN)
        batch_id = leg.columns["import_batch_id"]
        if batch_id is not None:
            owned_row(conn, import_batches, user_id, batch_id, "import")
    return legs


def _split_values(
    conn: Connection,
    user_id: int,
    txn: Transaction,
    account: Row,
    current: Row | None,
    errors: FieldErrors,
) -> list[dict[str, object]]:
    """The transaction_splits rows of a split transaction (none for a whole one); the parts'
    categories are looked up with the owner. An edit may keep the archived ones it had."""
    wanted = {part.category_id for part in txn.splits if part.category_id is not None}
    found = {
        category_id: owned_row(conn, categories, user_id, category_id, "category")
        for category_id in sorted(wanted)
    }
    kept: set[int] = set()
    if current is not None:
        had = select(transaction_splits.c.category_id).where(
            transaction_splits.c.transaction_id == current.id
        )
        kept = {row for row in conn.execute(had).scalars() if row is not None}
    rows = v.check_splits(txn, account.currency, found, kept, errors)
    for number, (row, part) in enumerate(zip(rows, txn.splits, strict=True), start=1):
        try:
            row["tags"] = clean_tags(part.tags)
        except Invalid as problem:
            errors.add("splits", f"Part {number}: {problem}")
    return rows


def _checked_tags(txn: Transaction, errors: FieldErrors) -> tuple[str, ...]:
    return errors.check("tags", clean_tags, txn.tags) or ()


def _replace_parts(
    conn: Connection, user_id: int, transaction_id: int, parts: list[dict[str, object]]
) -> None:
    conn.execute(
        delete(transaction_splits).where(
            transaction_splits.c.user_id == user_id,
            transaction_splits.c.transaction_id == transaction_id,
        )
    )
    for part in parts:
        values = {key: value for key, value in part.items() if key != "tags"}
        split_id = insert_id(
            conn, transaction_splits, **values, user_id=user_id, transaction_id=transaction_id
        )
        part_tags = part.get("tags", ())
        assert isinstance(part_tags, tuple)  # clean_tags gave it, or raise_if_any raised
        link_split_tags(conn, user_id, split_id, part_tags)


def _transfer_values(
    conn: Connection, user_id: int, legs: tuple[Transaction, ...], errors: FieldErrors
) -> list[dict[str, object]]:
    out, into = legs
    source = owned_row(conn, accounts, user_id, out.account_id, "account")
    target = owned_row(conn, accounts, user_id, into.account_id, "account")
    v.check_transfer_accounts(source, target, errors)
    if source.currency == target.currency:
        errors.check(
            "amount_minor",
            v.clean_amount,
            into.amount_minor,
            source.currency,
            zero_ok=False,
            negative_ok=False,
        )
        if out.amount_minor != -into.amount_minor:
            errors.add("amount_minor", "Both legs of a transfer move the same amount.")
    else:
        # Two currencies: each leg is its own exact amount in its account's currency.
        sent = errors.check(
            "amount_minor", v.clean_amount, out.amount_minor, source.currency, zero_ok=False
        )
        if sent is not None and sent > 0:
            errors.add("amount_minor", "Enter a positive amount.")
        errors.check(
            "received_minor",
            v.clean_amount,
            into.amount_minor,
            target.currency,
            zero_ok=False,
            negative_ok=False,
        )
    if out.date != into.date:
        errors.add("date", "Both legs of a transfer have the same date.")
    if out.category_id is not None or into.category_id is not None:
        errors.add("category_id", "A transfer has no category.")
    day = errors.check("date", v.clean_date, out.date)
    return [
        {
            "account_id": account.id,
            "date": day,
            "amount_minor": leg.amount_minor,
            "category_id": None,
            **v.check_leg_text(leg, errors),
        }
        for leg, account in ((out, source), (into, target))
    ]


def _attachable_receipt(
    conn: Connection, user_id: int, receipt_id: int | None, errors: FieldErrors
) -> int | None:
    if receipt_id is None:
        return None
    receipt = owned_row(conn, receipts, user_id, receipt_id, "receipt")
    if conn.execute(select(txns.c.id).where(txns.c.receipt_id == receipt.id)).first():
        errors.add("receipt_id", "That receipt belongs to another transaction.")
    return receipt.id


def _insert_legs(
    conn: Connection,
    user_id: int,
    legs: list[_Leg],
    key: str | None,
    receipt_id: int | None,
    receipt_file: Mapping[str, object] | None,
) -> list[int]:
    """The first leg carries the key and the receipt; a second one is its transfer peer."""
    first, *rest = legs
    first_id = insert_id(
        conn, txns, **first.columns, user_id=user_id, submission_key=key, receipt_id=receipt_id
    )
    _replace_parts(conn, user_id, first_id, first.parts)
    link_transaction_tags(conn, user_id, first_id, first.tags)
    ids = [first_id]
    for leg in rest:
        peer = {"user_id": user_id, "transfer_peer_id": first_id}
        ids.append(insert_id(conn, txns, **leg.columns, **peer))
        link_transaction_tags(conn, user_id, ids[-1], leg.tags)
    if rest:
        update_owned(conn, txns, user_id, first_id, transfer_peer_id=ids[1])
    if receipt_file is not None:
        link_new_receipt(conn, user_id, first_id, dict(receipt_file), FieldErrors())
    return ids


def _imported(conn: Connection, user_id: int, fingerprint: object) -> bool:
    query = select(txns.c.id).where(
        txns.c.user_id == user_id, txns.c.import_fingerprint == fingerprint
    )
    return conn.execute(query).first() is not None


def _transaction_values(
    conn: Connection,
    user_id: int,
    txn: Transaction,
    current: Row | None,
    errors: FieldErrors,
) -> tuple[dict[str, object], Row]:
    if not isinstance(txn, Transaction):
        raise TypeError(f"expected a Transaction, got {type(txn).__name__}")
    account = owned_row(conn, accounts, user_id, txn.account_id, "account")
    category = None
    if txn.category_id is not None:
        category = owned_row(conn, categories, user_id, txn.category_id, "category")
    return v.check_transaction(txn, account, category, current, errors), account


def _transfer_peer(conn: Connection, user_id: int, txn: Row) -> Row | None:
    if txn.transfer_peer_id is None:
        return None
    return owned_row(conn, txns, user_id, txn.transfer_peer_id, "transaction")


def _budget_key(user_id: int, category_id: int, month: date) -> tuple:
    return (
        budgets.c.user_id == user_id,
        budgets.c.category_id == category_id,
        budgets.c.month == month,
    )


def _put_budget(conn: Connection, user_id: int, category_id: int, month: date, limit: int) -> None:
    # Update, else insert: portable, and the owner's row lock taken by bump_version keeps a
    # concurrent call from inserting in between.
    key = _budget_key(user_id, category_id, month)
    if conn.execute(update(budgets).where(*key).values(limit_minor=limit)).rowcount == 0:
        row = {"user_id": user_id, "category_id": category_id, "month": month}
        conn.execute(insert(budgets).values(**row, limit_minor=limit))
