"""Storing a cleaned receipt upload with its row, and removing files after their rows are gone.

Order of operations, so a failure never leaves a row without its file:
- store: the file is written (fsynced, renamed into place) first, then its row is committed;
  if the row is refused or the database fails, the file is removed again. An entry saved with
  its receipt records both in one DB transaction (staged_receipt).
- replace, remove, delete: the rows go in one DB transaction; the old files are unlinked only
  after that commit. A crash between the commit and the unlink leaves an orphan file that no
  row names: it is never served (downloads go through a row) nor backed up (backups list rows),
  it only takes space until someone sweeps files that no row names.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypedDict

from sqlalchemy import select

from dashboard.extensions import get_engine, get_settings
from dashboard.receipts.files import CleanReceipt, clean_receipt
from dashboard.receipts.storage import remove_files, write_file
from data import lookups, receipt_writes, writes
from data.imports.commit import undo_batch, undo_preview
from data.lookups import get_receipt, receipt_stored_as
from data.schema import receipts, transactions

logger = logging.getLogger(__name__)


def receipts_dir() -> Path:
    return get_settings().resolved_receipts_dir


def check_upload(contents: object, filename: object) -> CleanReceipt:
    """The upload cleaned and ready to store; raises ReceiptRefused with a message."""
    return clean_receipt(contents, filename, get_settings().receipt_max_bytes)


class ReceiptFileValues(TypedDict):
    """A stored receipt file's columns, as receipt_writes.attach_receipt takes them."""

    storage_name: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str


def _row_values(storage_name: str, receipt: CleanReceipt) -> ReceiptFileValues:
    return {
        "storage_name": storage_name,
        "original_name": receipt.display_name,
        "content_type": receipt.kind.content_type,
        "size_bytes": receipt.size_bytes,
        "sha256": receipt.sha256,
    }


@contextmanager
def staged_receipt(
    user_id: int, receipt: CleanReceipt | None
) -> Iterator[ReceiptFileValues | None]:
    """Write the receipt's file for a write that records it in its own DB transaction (an entry
    saved with its receipt): yields the row values, None without a receipt. The file is removed
    again if the body raises, or if no row of this user names it afterwards (a replayed entry,
    answered with the receipt its first attempt stored)."""
    if receipt is None:
        yield None
        return
    directory = receipts_dir()
    storage_name = write_file(directory, receipt.data, receipt.kind.extension)
    try:
        yield _row_values(storage_name, receipt)
    except BaseException:
        remove_files(directory, [storage_name])
        raise
    if not receipt_stored_as(get_engine(), user_id, storage_name):
        remove_files(directory, [storage_name])


def store_receipt(
    user_id: int, transaction_id: int, receipt: CleanReceipt, replace: bool = False
) -> int:
    """Write the file, then its row (replacing the transaction's receipt if `replace`);
    returns the new receipt's id. Any failure removes the file again and is raised."""
    directory = receipts_dir()
    storage_name = write_file(directory, receipt.data, receipt.kind.extension)
    file = _row_values(storage_name, receipt)
    try:
        if replace:
            receipt_id, old_name = receipt_writes.replace_receipt(
                get_engine(), user_id, transaction_id, **file
            )
        else:
            receipt_id, old_name = (
                receipt_writes.attach_receipt(get_engine(), user_id, transaction_id, **file),
                None,
            )
    except BaseException:
        remove_files(directory, [storage_name])
        raise
    if old_name is not None:
        remove_files(directory, [old_name])
    return receipt_id


def remove_receipt(user_id: int, transaction_id: int) -> bool:
    """Delete the transaction's receipt, row then file; False if it had none."""
    old_name = receipt_writes.detach_receipt(get_engine(), user_id, transaction_id)
    if old_name is not None:
        remove_files(receipts_dir(), [old_name])
    return old_name is not None


def delete_transaction(user_id: int, transaction_id: int) -> None:
    """writes.delete_transaction (both legs of a transfer), then the files of the receipts it
    deleted. Their names are read first: once the rows are gone nothing names the files."""
    names = _receipt_names(user_id, _receipt_ids_of(user_id, transaction_id))
    deleted = writes.delete_transaction(get_engine(), user_id, transaction_id)
    for receipt_id in set(deleted) - set(names):
        # Replaced between the read and the delete: its file stays behind as an orphan.
        logger.warning("the file of deleted receipt %s was not removed", receipt_id)
    remove_files(receipts_dir(), [names[i] for i in deleted if i in names])


def _receipt_ids_of(user_id: int, transaction_id: int) -> list[int]:
    txn = lookups.get_transaction(get_engine(), user_id, transaction_id)
    legs = [txn] if txn else []
    if txn and txn["transfer_peer_id"] is not None:
        peer = lookups.get_transaction(get_engine(), user_id, txn["transfer_peer_id"])
        if peer:
            legs.append(peer)
    return [int(leg["receipt_id"]) for leg in legs if leg and leg["receipt_id"] is not None]


def _receipt_names(user_id: int, receipt_ids: Iterable[int]) -> dict[int, str]:
    rows = [get_receipt(get_engine(), user_id, receipt_id) for receipt_id in receipt_ids]
    return {row["id"]: row["storage_name"] for row in rows if row is not None}


def undo_import(user_id: int, batch_id: int) -> int:
    """data.imports.commit.undo_batch, then the files of receipts attached to its rows since
    the import (read first, as delete_transaction does). Returns how many rows it removed."""
    removed = undo_preview(get_engine(), user_id, batch_id).rows
    names = _batch_receipt_names(user_id, batch_id)
    deleted = undo_batch(get_engine(), user_id, batch_id)
    remove_files(receipts_dir(), [names[i] for i in deleted if i in names])
    return removed


def _batch_receipt_names(user_id: int, batch_id: int) -> dict[int, str]:
    query = (
        select(receipts.c.id, receipts.c.storage_name)
        .join(transactions, transactions.c.receipt_id == receipts.c.id)
        .where(transactions.c.user_id == user_id, transactions.c.import_batch_id == batch_id)
        .where(receipts.c.user_id == user_id)
    )
    with get_engine().connect() as conn:
        return {row_id: name for row_id, name in conn.execute(query)}
