"""The shape of a bank's CSV: delimiter, where the header is, which rows are transactions.

Banks put lines above the header (account number, period, opening balance) and below the
transactions (closing balance, totals); some end every line with a delimiter; some write no
header at all. sniff_layout finds the table in that:

- delimiter: the one of `; , tab |` under which most records share one field count (weighted
  by that count, so a decimal comma in a semicolon file does not win). csv.Sniffer guesses
  from character frequencies and is fooled by exactly those files. An Excel `sep=;` first line
  is obeyed.
- header: the first record with the table's width whose cells are mostly words. Without one
  (a headerless export) the columns are named "Column 1", "Column 2", ...
- data rows: every non-blank record after the header up to the last one of the header's width.
  A shorter or longer record in between stays a data row (the reader marks it as an error: a
  transaction is never dropped unseen). Records after the last full row are the footer (a
  closing balance): left out of `rows`, counted in `footer_rows` so the reader can warn.
- a trailing delimiter: trailing empty header cells are dropped, and a row's cells beyond the
  header's width are dropped when all are empty (Chase ends data rows, not the header, with ",").
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

from data.imports.csv_text import clean_text
from data.imports.statement import UnreadableFile

DELIMITERS = (";", ",", "\t", "|")
# No bank exports more columns; a wider "table" is not a statement (and would be slow to guess).
MAX_COLUMNS = 500
# Enough records to judge the shape; a statement's first few hundred lines show it.
_SAMPLE_RECORDS = 400
_SEP_LINE = re.compile(r"sep=(.)\s*", re.IGNORECASE)
Row = tuple[str, ...]


@dataclass(frozen=True)
class CsvLayout:
    """A CSV file's table.

    header_row: index of the header among the file's records (csv rows, blank ones counted,
    a `sep=` line not), None for a headerless file. header: its cells, trimmed, control
    characters out. rows: the data rows in file order, cells as written (untrimmed).
    footer_rows: how many non-blank records after the table were left out. preamble: the
    non-blank records above the header (the reader looks there for the account's IBAN).
    """

    encoding: str
    delimiter: str
    header_row: int | None
    header: Row
    rows: tuple[Row, ...]
    footer_rows: int = 0
    # The records above the header (account number, period), for the account's IBAN.
    preamble: tuple[Row, ...] = ()

    @property
    def width(self) -> int:
        return len(self.header)


def sniff_layout(text: str, encoding: str = "utf-8") -> CsvLayout:
    """The table in a decoded CSV text; UnreadableFile when there is none."""
    if not text.strip():
        raise UnreadableFile("This file is empty.")
    first, _, rest = text.partition("\n")
    forced = _SEP_LINE.fullmatch(first.strip())
    if forced:
        text = rest
    delimiter = forced.group(1) if forced else _choose_delimiter(text)
    records = _records(text, delimiter, None)
    width = _dominant_width(records[:_SAMPLE_RECORDS])
    if width < 2:
        raise UnreadableFile("This file has no table of columns: is it a CSV export?")
    if width > MAX_COLUMNS:
        raise UnreadableFile(f"This file has more than {MAX_COLUMNS} columns: not a statement.")
    header_row = _header_index(records, width)
    start = 0 if header_row is None else header_row + 1
    if header_row is None:
        header: Row = tuple(f"Column {n}" for n in range(1, width + 1))
    else:
        header = _without_trailing_empty(tuple(clean_text(cell) for cell in records[header_row]))
    rows, footer = _table_rows(records[start:], len(header))
    if not rows:
        raise UnreadableFile("This file has a header but no transactions.")
    preamble = tuple(record for record in records[: header_row or 0] if _width(record))
    return CsvLayout(encoding, delimiter, header_row, header, rows, footer, preamble)


def _records(text: str, delimiter: str, limit: int | None) -> list[Row]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    records: list[Row] = []
    try:
        for record in reader:
            records.append(tuple(record))
            if limit is not None and len(records) >= limit:
                break
    except csv.Error as error:  # a field larger than csv's limit: not a bank statement
        raise UnreadableFile("This file has a cell too large for a bank statement.") from error
    return records


def _choose_delimiter(text: str) -> str:
    scores = {}
    for delimiter in DELIMITERS:
        records = _records(text, delimiter, _SAMPLE_RECORDS)
        width = _dominant_width(records)
        count = sum(1 for record in records if _width(record) == width)
        scores[delimiter] = count * (width - 1)
    return max(DELIMITERS, key=lambda delimiter: scores[delimiter])


def _width(record: Row) -> int:
    """Field count, a trailing delimiter's empty cell not counted; 0 for a blank record."""
    if not any(cell.strip() for cell in record):
        return 0
    return len(record) - 1 if len(record) > 1 and record[-1] == "" else len(record)


def _dominant_width(records: list[Row]) -> int:
    """The field count most records share, weighted by the count (a 2-cell preamble loses)."""
    counts = Counter(_width(record) for record in records if _width(record) > 1)
    if not counts:
        return 0
    return max(counts, key=lambda width: (counts[width] * (width - 1), width))


def _header_index(records: list[Row], width: int) -> int | None:
    """The first record of the table's width that reads as names, before any data record."""
    for index, record in enumerate(records):
        if _width(record) not in (width, width - 1, width + 1) or _width(record) < 2:
            continue
        cells = [cell.strip() for cell in record if cell.strip()]
        if len(cells) * 2 < _width(record):
            continue  # "Account";"DE12...";;;; is a preamble line, not a header
        numeric = sum(1 for cell in cells if _looks_numeric(cell))
        if numeric * 3 < len(cells):
            return index
        if _width(record) == width:
            return None  # data before any header: a headerless export
    return None


def _looks_numeric(cell: str) -> bool:
    digits = sum(char.isdigit() for char in cell)
    letters = sum(char.isalpha() for char in cell)
    return digits > 0 and letters < digits


def _without_trailing_empty(cells: Row) -> Row:
    end = len(cells)
    while end > 0 and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _table_rows(records: list[Row], width: int) -> tuple[tuple[Row, ...], int]:
    """(data rows, footer row count) of the records after the header."""
    rows = [_fitted(record, width) for record in records if _width(record) > 0]
    last_full = max((i for i, row in enumerate(rows) if len(row) == width), default=-1)
    return tuple(rows[: last_full + 1]), len(rows) - last_full - 1


def _fitted(record: Row, width: int) -> Row:
    """A row's cells beyond the header's width dropped when they are all empty."""
    if len(record) > width and not any(cell.strip() for cell in record[width:]):
        return record[:width]
    return record
