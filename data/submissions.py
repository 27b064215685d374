"""Submission keys: what makes the entry form's creates idempotent (data/writes.py).

The page generates one key per entry it means to store and sends it with every attempt. The
create stores it on the new row (a transfer's outflow leg) under the unique index of
(user_id, submission_key); an attempt that meets that index is a retry or a replay of a
submission already stored, and is answered with the row the first one stored. The index, not
a lookup before the insert, is the guarantee: it holds across workers, engines and dialects.
"""

from __future__ import annotations

from sqlalchemy import Engine, Row, select
from sqlalchemy.exc import IntegrityError

from data import validation as v
from data.schema import SUBMISSION_KEY_INDEX
from data.schema import transactions as txns
from data.validation import FieldErrors, NotFound

# A key stored with a transaction, replayed as a transfer (or the reverse): not a retry.
KEY_OF_ANOTHER_KIND = "This form was already used for another entry: reload the page."


def checked_key(raw: str | None, errors: FieldErrors) -> str | None:
    """The key as stored, None without one (imports, demo data, the CLI), or a field error."""
    return None if raw is None else errors.check("submission_key", v.clean_submission_key, raw)


def violates_submission_key(conflict: IntegrityError) -> bool:
    """Whether an insert met an earlier submission's key: PostgreSQL names the index, SQLite
    its columns. Any other conflict is a bug to raise, not a replay to answer."""
    message = str(conflict.orig)
    return SUBMISSION_KEY_INDEX in message or "transactions.submission_key" in message


def first_submission(engine: Engine, user_id: int, key: str) -> Row:
    """(id, transfer_peer_id) of the row the earlier submission with this key stored.

    Read after the conflicting insert rolled back: the index refused it only because that row
    was committed, so it is there unless it was deleted in between.
    """
    query = select(txns.c.id, txns.c.transfer_peer_id).where(
        txns.c.user_id == user_id, txns.c.submission_key == key
    )
    with engine.connect() as conn:
        row = conn.execute(query).one_or_none()
    if row is None:
        raise NotFound("That entry was saved, then deleted.")
    return row
