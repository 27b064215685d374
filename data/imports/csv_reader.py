"""A CSV layout read through a mapping: the Statement every importer returns.

Every data row becomes a line (numbered from 1 among the data rows), two identical rows two
lines: a bank's duplicate is two coffees, not one (the Firefly III reports of same-day twins
dropped at import). A cell that cannot be read puts an error on its line, quoting the cell
shortened and without control characters; the line stays for the review.
Text is kept as the bank wrote it, whitespace collapsed: "=HYPERLINK(...)" stays text here and
is neutralised where it leaves the app (data/export_csv.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from data.imports.csv_guess import MappingGuess, infer_mapping
from data.imports.csv_headers import fold_mark
from data.imports.csv_layout import CsvLayout, sniff_layout
from data.imports.csv_mapping import CsvMapping
from data.imports.csv_text import clean_text, decode
from data.imports.csv_values import parse_bank_amount, parse_date, parse_optional_amount
from data.imports.statement import Statement, StatementLine

# A quoted cell in an error is cut to this many characters (the message stays under 40).
_QUOTE_CHARS = 12
_CURRENCY = re.compile(r"[A-Z]{3}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
Cell = Callable[[int | None], str]


def read_csv(layout: CsvLayout, mapping: CsvMapping, *, sources: bool = True) -> Statement:
    """One line per data row. ValueError if the mapping names a column the file lacks.

    sources=False: the lines do not keep their row's cells (the review shows them; a commit
    never does), so the layout's cells can be freed once the lines are read: 50,000 lines of
    five cells are 19 MB."""
    check_columns(layout, mapping)
    lines = tuple(
        _line(number, row, layout.width, mapping, sources)
        for number, row in enumerate(layout.rows, start=1)
    )
    warnings = []
    if layout.footer_rows:
        warnings.append(
            f"{layout.footer_rows} line(s) after the transactions (a closing balance or "
            "totals) do not have the header's columns and were left out."
        )
    currency, currency_warning = _currency(layout, mapping)
    if currency_warning:
        warnings.append(currency_warning)
    return Statement(
        format="csv",
        lines=lines,
        currency=currency,
        account_key=preamble_iban(layout),
        warnings=tuple(warnings),
    )


def read_csv_file(
    content: bytes, mapping: CsvMapping | None = None
) -> tuple[CsvLayout, MappingGuess, Statement]:
    """Decode, find the table, guess the mapping and read with `mapping` (else the guess).

    UnreadableFile when the file is not a CSV table; ValueError when `mapping` names a column
    the file lacks (a profile saved for another export).
    """
    text, encoding = decode(content)
    layout = sniff_layout(text, encoding)
    guess = infer_mapping(layout)
    return layout, guess, read_csv(layout, mapping or guess.mapping)


def check_columns(layout: CsvLayout, mapping: CsvMapping) -> None:
    beyond = [column for column in mapping.columns() if column >= layout.width]
    if beyond:
        raise ValueError(
            f"The mapping uses column {max(beyond) + 1} but this file has {layout.width} columns."
        )


def _line(
    number: int, row: tuple[str, ...], width: int, mapping: CsvMapping, source: bool
) -> StatementLine:
    errors: list[str] = []
    if len(row) != width:
        errors.append(f"This line has {len(row)} cells, the header {width}.")

    def cell(column: int | None) -> str:
        return row[column] if column is not None and column < len(row) else ""

    day, date_error = _date(cell(mapping.date_column), mapping)
    amount, amount_error = _amount(cell, mapping)
    errors += [error for error in (date_error, amount_error) if error]
    errors += mapping.missing()
    if amount is not None and mapping.invert_sign:
        amount = -amount
    return StatementLine(
        number=number,
        date=day,
        amount=amount,
        payee=_joined(cell, mapping.payee_columns),
        memo=_joined(cell, mapping.memo_columns),
        bank_ref=clean_text(cell(mapping.bank_ref_column)) or None,
        error=" ".join(errors[:2]) or None,
        source=row if source else (),
    )


def _date(text: str, mapping: CsvMapping) -> tuple[date | None, str | None]:
    if mapping.date_column is None or mapping.date_format is None:
        return None, None  # mapping.missing() says what to choose
    if not text.strip():
        return None, "Date is empty."
    try:
        return parse_date(text, mapping.date_format), None
    except ValueError:
        return None, f"Date '{quote(text)}' is not a valid date."


def _amount(cell: Cell, mapping: CsvMapping) -> tuple[Decimal | None, str | None]:
    """The signed amount of a row under the mapping's mode, or why there is none."""
    if mapping.amount_mode == "debit_credit":
        return _debit_credit(cell, mapping)
    if mapping.amount_column is None:
        return None, None
    text = cell(mapping.amount_column)
    if not text.strip():
        return None, "Amount is empty."
    try:
        value = parse_bank_amount(text, mapping.decimal_mark)
    except ValueError:
        return None, f"Amount '{quote(text)}' is not a number."
    if mapping.amount_mode == "signed":
        return value, None
    mark = fold_mark(cell(mapping.indicator_column))
    if mark in {fold_mark(m) for m in mapping.debit_marks}:
        return -abs(value), None
    if mark in {fold_mark(m) for m in mapping.credit_marks}:
        return abs(value), None
    return None, f"Mark '{quote(mark)}' is not debit or credit."


def _debit_credit(cell: Cell, mapping: CsvMapping) -> tuple[Decimal | None, str | None]:
    """Debit is money out and credit money in, whatever sign the bank wrote; 0 is empty."""
    if mapping.debit_column is None or mapping.credit_column is None:
        return None, None
    values = []
    for column in (mapping.debit_column, mapping.credit_column):
        try:
            values.append(parse_optional_amount(cell(column), mapping.decimal_mark))
        except ValueError:
            return None, f"Amount '{quote(cell(column))}' is not a number."
    debit, credit = values
    if debit and credit:
        return None, "Both debit and credit are filled."
    if debit:
        return -abs(debit), None
    if credit is None and debit is None:
        return None, "Amount is empty."
    return abs(credit or Decimal(0)), None


def _joined(cell: Cell, columns: tuple[int, ...]) -> str:
    return " ".join(text for text in (clean_text(cell(c)) for c in columns) if text)


def _currency(layout: CsvLayout, mapping: CsvMapping) -> tuple[str | None, str | None]:
    """The statement's currency when its currency column names one ISO code throughout."""
    if mapping.currency_column is None:
        return None, None
    column = mapping.currency_column
    codes = {row[column].strip().upper() for row in layout.rows if column < len(row)}
    codes.discard("")
    if len(codes) == 1 and _CURRENCY.fullmatch(next(iter(codes))):
        return next(iter(codes)), None
    if len(codes) > 1:
        return None, "The lines are in more than one currency: check each line's amount."
    return None, None


def preamble_iban(layout: CsvLayout) -> str | None:
    """The account's IBAN when the lines above the header state one (checksum verified)."""
    for record in layout.preamble:
        for cell in record:
            for found in _IBAN.finditer(cell.upper()):
                iban = re.sub(r"\s", "", found.group(0))
                if _iban_checksum_ok(iban):
                    return iban
    return None


def _iban_checksum_ok(iban: str) -> bool:
    if not 15 <= len(iban) <= 34:
        return False
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def quote(text: str) -> str:
    """A cell as an error message may quote it: cleaned and cut short."""
    cleaned = clean_text(text)
    return cleaned if len(cleaned) <= _QUOTE_CHARS else cleaned[: _QUOTE_CHARS - 1] + "…"
