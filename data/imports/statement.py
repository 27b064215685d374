"""What every statement parser returns: the same lines whatever the file's format.

A parser (data/imports/csv_reader.py, ofx.py, qif.py, camt.py) turns a file into a `Statement`;
matching, review and commit (data/imports/matching.py, commit.py) never look at the format
again. Amounts are exact `Decimal`s in the statement's major units (never floats): the account's
currency decides the minor units later, in data/imports/matching.py.

A line the parser could not read is kept with its `error` (the review shows it, the user may
exclude it and import the rest); a line the bank itself marks as not booked (CAMT `PDNG`) is kept
with `skipped`. Nothing a file holds disappears unseen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Formats, as stored in import_batches.format and shown in the history.
FORMATS = ("csv", "ofx", "qfx", "qif", "camt053")


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (empty, binary, wrong format, hostile XML, too big).

    str(error) is a message for a person. It never quotes the file's content: a hostile file's
    text must not reach a page or a log.
    """


@dataclass(frozen=True)
class StatementSplit:
    """A part of a split line (QIF `S`/`$`/`E` lines): its signed amount, category and memo."""

    amount: Decimal
    category: str | None = None
    memo: str = ""


@dataclass(frozen=True)
class StatementLine:
    """One line of a statement as the bank wrote it, read but not yet matched.

    number: the line's 1-based position among the statement's transaction lines (CSV: among
    the data rows after the header), stable for the same file and mapping.
    amount: signed, negative = money out of the account. None only with an `error`.
    bank_ref: the bank's own identifier of the line (OFX FITID, CAMT AcctSvcrRef), None when the
    file gives none; it identifies the line across files when present.
    category: the file's own category name (QIF `L`), matched to the user's categories later.
    """

    number: int
    date: date | None
    amount: Decimal | None
    payee: str = ""
    memo: str = ""
    bank_ref: str | None = None
    category: str | None = None
    splits: tuple[StatementSplit, ...] = ()
    # Why the line cannot be imported as read (unparsable amount or date); shown in the review.
    error: str | None = None
    # Why the bank says this is not a booked line (CAMT pending): shown as skipped, never stored.
    skipped: str | None = None
    # The source text of the line (CSV cells, or an OFX/QIF/CAMT summary), for the review.
    source: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    """A parsed file: its lines in file order, and what it says about its account.

    currency: ISO 4217 code when the file states it (OFX CURDEF, CAMT Ccy), else None.
    account_key: the bank's id of the account (IBAN, OFX BANKID/ACCTID), remembered to pick the
    account the next time a file of it arrives; None when the file names none.
    warnings: things worth a person's attention that did not stop the read (a repaired OFX
    header, amounts rounded to the currency's decimals), each a sentence without file content.
    """

    format: str
    lines: tuple[StatementLine, ...]
    currency: str | None = None
    account_key: str | None = None
    warnings: tuple[str, ...] = field(default=())
