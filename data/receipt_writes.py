"""Writes of receipts: record a stored file and link it to its transaction, replace it, or
delete it. The files themselves are the caller's (dashboard/receipts/stored.py): a write that
unlinks a receipt returns the storage name of its file, to be removed after the commit.

One function per use case, each validated and in one DB transaction that starts with
bump_version (see data/ownership.py).
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, Row, delete, select

from data import validation as v
from data.ownership import bump_version, insert_id, owned_row, update_owned
from data.schema import receipts
from data.schema import transactions as txns
from data.validation import FieldErrors


def attach_receipt(engine: Engine, user_id: int, transaction_id: int, **file: object) -> int:
    """Record a stored receipt file and link it to a transaction that has none yet. `file`:
    storage_name, original_name, content_type, size_bytes and sha256 (v.check_receipt)."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        txn = owned_row(conn, txns, user_id, transaction_id, "transaction")
        errors = FieldErrors()
        # Replacing here would orphan the old file: replace_receipt returns its name instead.
        if txn.receipt_id is not None:
            errors.add("transaction_id", "This transaction already has a receipt.")
        return link_new_receipt(conn, user_id, txn.id, file, errors)


def replace_receipt(
    engine: Engine, user_id: int, transaction_id: int, **file: object
) -> tuple[int, str | None]:
    """attach_receipt, replacing the receipt the transaction has (if any) in the same DB
    transaction. Returns the new receipt's id and the storage name of the old one, whose file
    the caller removes after this commit."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        txn = owned_row(conn, txns, user_id, transaction_id, "transaction")
        old_name = _unlink_receipt(conn, user_id, txn)
        return link_new_receipt(conn, user_id, txn.id, file, FieldErrors()), old_name


def detach_receipt(engine: Engine, user_id: int, transaction_id: int) -> str | None:
    """Delete a transaction's receipt row; returns its storage name (None if it had none), whose
    file the caller removes after this commit."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        txn = owned_row(conn, txns, user_id, transaction_id, "transaction")
        return _unlink_receipt(conn, user_id, txn)


def link_new_receipt(
    conn: Connection, user_id: int, transaction_id: int, file: dict, errors: FieldErrors
) -> int:
    """Record a stored receipt file and link it to the transaction, inside the caller's DB
    transaction (also data/writes.py's, for a receipt entered with its transaction)."""
    values = v.check_receipt(errors, **file)
    same_file = select(receipts.c.id).where(receipts.c.storage_name == values["storage_name"])
    if values["storage_name"] and conn.execute(same_file).first():
        errors.add("storage_name", "That stored file name is already in use.")
    errors.raise_if_any()
    receipt_id = insert_id(conn, receipts, user_id=user_id, **values)
    update_owned(conn, txns, user_id, transaction_id, receipt_id=receipt_id)
    return receipt_id


def _unlink_receipt(conn: Connection, user_id: int, txn: Row) -> str | None:
    if txn.receipt_id is None:
        return None
    receipt = owned_row(conn, receipts, user_id, txn.receipt_id, "receipt")
    update_owned(conn, txns, user_id, txn.id, receipt_id=None)
    conn.execute(delete(receipts).where(receipts.c.id == receipt.id, receipts.c.user_id == user_id))
    return receipt.storage_name
