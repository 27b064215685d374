"""The CSV export: UTF-8 with a byte order mark (spreadsheets then read it as UTF-8), ISO dates,
amounts as plain numbers with a dot (-12.50; a currency's own decimals, none for JPY) beside
their currency code, one row per transaction and one per part of a split transaction.

Formula-safe as OWASP's "CSV Injection" page describes: a text cell starting with =, +, -, @,
a tab or a carriage return gets a single quote in front, so a spreadsheet shows it as text
instead of running it. Amounts are ours, never text a person typed, and stay numbers.

Columns: id (the transaction's; a split part's own id), parent_id (the transaction's id on a
part's row, empty otherwise), date, account, payee, memo, category (empty when uncategorised),
tags (comma-separated), amount, currency, kind (income, expense or transfer) and
transfer_account (a transfer leg's other account). Each leg of a transfer is a row of its own,
in its own account, as the grid lists it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from sqlalchemy import Engine

from data.export_rows import ExportRequest, ExportRow, export_batches, kind_of
from data.money import format_amount

BOM = "\ufeff"
COLUMNS = (
    "id",
    "parent_id",
    "date",
    "account",
    "payee",
    "memo",
    "category",
    "tags",
    "amount",
    "currency",
    "kind",
    "transfer_account",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TAG_SEPARATOR = ","


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will not read as a formula: OWASP's single quote in front of
    a cell that starts with = + - @, a tab or a carriage return."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_records(row: ExportRow) -> list[list[str]]:
    """The CSV rows of one transaction: one, or one per part of a split transaction."""
    amount = format_amount(row.amount_minor, row.currency, grouping=False)
    common = [row.date.isoformat(), neutralise(row.account), neutralise(row.payee)]
    tags = _tags_text(row.tags)
    transfer_account = neutralise(row.peer_account or "")
    if not row.parts:
        category = neutralise(row.category.name) if row.category else ""
        kind = kind_of(row.category, row.amount_minor, row.is_transfer)
        return [
            [str(row.id), "", *common, neutralise(row.memo), category, tags]
            + [amount, row.currency, kind, transfer_account]
        ]
    return [
        [
            "" if part.id is None else str(part.id),
            str(row.id),
            *common,
            neutralise(part.memo),
            neutralise(part.category.name) if part.category else "",
            _tags_text(row.tags, part.tags),
            format_amount(part.amount_minor, row.currency, grouping=False),
            row.currency,
            kind_of(part.category, part.amount_minor, row.is_transfer),
            transfer_account,
        ]
        for part in row.parts
    ]


def _tags_text(*tag_lists: tuple[str, ...]) -> str:
    """A part has its transaction's tags and its own: each once, in name order."""
    names = {name.casefold(): name for names in tag_lists for name in names}
    return neutralise(TAG_SEPARATOR.join(sorted(names.values(), key=str.casefold)))


def csv_chunks(batches: Iterable[list[ExportRow]]) -> Iterator[str]:
    """The file as text: the BOM and the header first, then one chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield BOM + buffer.getvalue()
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        for row in batch:
            writer.writerows(csv_records(row))
        yield buffer.getvalue()


def export_csv(engine: Engine, user_id: int, request: ExportRequest) -> Iterator[str]:
    """The user's CSV export of what the request selects, streamed in chunks of text."""
    return csv_chunks(export_batches(engine, user_id, request))
