"""Which column of a bank's CSV means what: a CsvMapping, its JSON, and the header signature.

A mapping is guessed (data/imports/csv_guess.py), shown in the preview, corrected by the person
and saved as a profile under the header's signature, so the next file of that shape is read the
same way without questions. Columns are 0-based indexes into the layout's header.

Amount modes:
- "signed": one amount column, negative = money out.
- "debit_credit": two columns. A debit counts as money out and a credit as money in whatever
  sign the bank wrote (banks write debits as "12.50" or "-12.50"; Citi writes credits negative).
  A zero in one column is no amount (a "0,00" in the credit column of a debit line).
- "indicator": an unsigned amount column plus a column marking each line debit or credit
  ("S"/"H" Soll/Haben, "Af"/"Bij", "D"/"C", "DR"/"CR"); the mark decides the sign.

invert_sign flips the result: a credit-card export where purchases are positive.
A mapping may be incomplete (no date column, date format ambiguous): `missing()` says what.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, fields
from typing import Any

from data.imports.csv_layout import MAX_COLUMNS, CsvLayout
from data.imports.csv_values import DATE_FORMATS

AMOUNT_MODES = ("signed", "debit_credit", "indicator")
MAPPING_VERSION = 1
# Bounds for what a browser may send: no more columns than a layout has, a short vocabulary.
_MAX_MARKS = 20
_MAX_MARK_LENGTH = 20


@dataclass(frozen=True)
class CsvMapping:
    date_column: int | None
    date_format: str | None = None
    amount_mode: str = "signed"
    amount_column: int | None = None
    debit_column: int | None = None
    credit_column: int | None = None
    indicator_column: int | None = None
    debit_marks: tuple[str, ...] = ()
    credit_marks: tuple[str, ...] = ()
    decimal_mark: str = "."
    payee_columns: tuple[int, ...] = ()
    memo_columns: tuple[int, ...] = ()
    bank_ref_column: int | None = None
    currency_column: int | None = None
    invert_sign: bool = False

    def __post_init__(self) -> None:
        _check_types(self)
        _check_modes(self)

    def columns(self) -> tuple[int, ...]:
        """Every column index the mapping reads."""
        singles = (
            self.date_column, self.amount_column, self.debit_column, self.credit_column,
            self.indicator_column, self.bank_ref_column, self.currency_column,
        )  # fmt: skip
        chosen = [column for column in singles if column is not None]
        return (*chosen, *self.payee_columns, *self.memo_columns)

    def missing(self) -> tuple[str, ...]:
        """What must still be chosen before the lines can be imported (sentences)."""
        found = []
        if self.date_column is None:
            found.append("Choose the date column.")
        elif self.date_format is None:
            found.append("Choose the date format.")
        if self.amount_mode == "signed" and self.amount_column is None:
            found.append("Choose the amount column.")
        if self.amount_mode == "debit_credit" and None in (self.debit_column, self.credit_column):
            found.append("Choose the debit and the credit column.")
        if self.amount_mode == "indicator" and None in (self.amount_column, self.indicator_column):
            found.append("Choose the amount column and the debit/credit column.")
        return tuple(found)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("debit_marks", "credit_marks", "payee_columns", "memo_columns"):
            data[name] = list(data[name])
        return {"version": MAPPING_VERSION, **data}

    @classmethod
    def from_json(cls, data: object) -> CsvMapping:
        """A mapping from a browser or the DB; ValueError on anything malformed."""
        if not isinstance(data, dict):
            raise ValueError("A mapping must be an object.")
        names = {field.name for field in fields(cls)}
        if set(data) != names | {"version"}:
            raise ValueError("A mapping has exactly the mapping's keys.")
        if data["version"] != MAPPING_VERSION or isinstance(data["version"], bool):
            raise ValueError("Unknown mapping version.")
        values = {name: data[name] for name in names}
        for name in ("debit_marks", "credit_marks", "payee_columns", "memo_columns"):
            if not isinstance(values[name], list):
                raise ValueError(f"{name} must be a list.")
            values[name] = tuple(values[name])
        return cls(**values)


def _check_types(mapping: CsvMapping) -> None:
    for name in ("date_column", "amount_column", "debit_column", "credit_column",
                 "indicator_column", "bank_ref_column", "currency_column"):  # fmt: skip
        value = getattr(mapping, name)
        if value is not None:
            _check_index(name, value)
    for name in ("payee_columns", "memo_columns"):
        indexes = getattr(mapping, name)
        if not isinstance(indexes, tuple) or len(indexes) > MAX_COLUMNS:
            raise ValueError(f"{name} must be a list of columns.")
        for value in indexes:
            _check_index(name, value)
        if len(set(indexes)) != len(indexes):
            raise ValueError(f"{name} names a column twice.")
    if mapping.date_format is not None and mapping.date_format not in DATE_FORMATS:
        raise ValueError("Unknown date format.")
    if mapping.decimal_mark not in (",", "."):
        raise ValueError("The decimal mark is ',' or '.'.")
    if not isinstance(mapping.invert_sign, bool):
        raise ValueError("invert_sign must be true or false.")
    for name in ("debit_marks", "credit_marks"):
        marks = getattr(mapping, name)
        if not isinstance(marks, tuple) or len(marks) > _MAX_MARKS:
            raise ValueError(f"{name} must be a short list of texts.")
        if not all(isinstance(m, str) and 0 < len(m.strip()) <= _MAX_MARK_LENGTH for m in marks):
            raise ValueError(f"{name} must be a short list of texts.")


def _check_index(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_COLUMNS:
        raise ValueError(f"{name} must be a column number from 0 to {MAX_COLUMNS - 1}.")


def _check_modes(mapping: CsvMapping) -> None:
    mode = mapping.amount_mode
    if mode not in AMOUNT_MODES:
        raise ValueError("Unknown amount mode.")
    uses = {
        "signed": {"amount_column"},
        "debit_credit": {"debit_column", "credit_column"},
        "indicator": {"amount_column", "indicator_column"},
    }[mode]
    for name in ("amount_column", "debit_column", "credit_column", "indicator_column"):
        if name not in uses and getattr(mapping, name) is not None:
            raise ValueError(f"{name} is not used with the {mode} amount mode.")
    if mode != "indicator" and (mapping.debit_marks or mapping.credit_marks):
        raise ValueError("Debit and credit marks are only used with the indicator mode.")
    debit = {mark.strip().casefold() for mark in mapping.debit_marks}
    if debit & {mark.strip().casefold() for mark in mapping.credit_marks}:
        raise ValueError("A mark cannot mean both debit and credit.")


def header_signature(layout: CsvLayout) -> str:
    """sha256 hex of the header's normalised names and the delimiter: the profile's key.

    The same export of the same bank gives the same signature whatever its rows or preamble;
    case, accents' encoding (NFC/NFD) and spacing do not count.
    """
    names = [normalise_name(cell) for cell in layout.header]
    payload = json.dumps([layout.delimiter, names], ensure_ascii=True)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def normalise_name(cell: str) -> str:
    """'  Auftraggeber/Empfänger ' -> 'auftraggeber/empfänger' (NFC, casefolded, one space)."""
    return " ".join(unicodedata.normalize("NFC", cell).casefold().split())
