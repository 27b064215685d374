"""What a column's values are: dates, amounts, currency codes. The guess's evidence.

A column is judged as a whole, never row by row: a name says "date" only if most of its values
are dates, and a date format is the column's only if it reads all of it but a bad row or two.
"""

from __future__ import annotations

import re

from data.imports.csv_layout import CsvLayout
from data.imports.csv_values import (
    DATE_FORMATS,
    infer_date_formats,
    parse_date,
    parse_optional_amount,
)

Column = tuple[str, ...]
DATE_ROLES = ("date", "value_date")
AMOUNT_ROLES = ("amount", "debit", "credit", "balance")
# A column whose name says "date" still needs this share of its values to be dates.
_FIT_SHARE = 0.5
# A date format that reads all of a column but this share (at least one value) is its format;
# the values it does not read are bad rows ("31.02.2026"), marked by the reader.
_BAD_DATE_SHARE = 0.1
# Judging a column by name fit reads this many values, spread over the file: strptime over
# every format and every row of a 20,000-line file took seconds.
_SAMPLE = 200


def layout_columns(layout: CsvLayout) -> list[Column]:
    """The layout's rows as columns, a short row's missing cells empty."""
    return [
        tuple(row[i] if i < len(row) else "" for row in layout.rows) for i in range(layout.width)
    ]


def present(values: Column | list[str]) -> list[str]:
    return [value for value in values if value.strip()]


def sample(values: list[str]) -> list[str]:
    """At most _SAMPLE of the values, evenly spread from first to last."""
    step = max(1, len(values) // _SAMPLE)
    return values[::step][:_SAMPLE]


def fits_role(role: str, values: Column) -> bool:
    """Whether most of a column's values (a sample) are what the role's name promises."""
    filled = sample(present(values))
    if not filled:
        return role not in DATE_ROLES
    if role in DATE_ROLES:
        return len(filled) * _FIT_SHARE <= max(date_counts(filled).values())
    if role in AMOUNT_ROLES:
        return any(len(filled) * _FIT_SHARE <= amount_count(filled, mark) for mark in ",.")
    if role == "currency":
        return all(re.fullmatch(r"[A-Za-z]{3}", value.strip()) for value in filled)
    return True


def date_counts(values: list[str], formats: tuple[str, ...] = DATE_FORMATS) -> dict[str, int]:
    """Format -> how many of the values it reads."""
    counts = dict.fromkeys(formats, 0)
    for fmt in formats:
        for value in values:
            try:
                parse_date(value, fmt)
            except ValueError:
                continue
            counts[fmt] += 1
    return counts


def amount_count(values: list[str], mark: str) -> int:
    count = 0
    for value in values:
        try:
            parse_optional_amount(value, mark)
        except ValueError:
            continue
        count += 1
    return count


def column_date_formats(values: Column) -> list[str]:
    """Formats reading every value, else those reading all but a bad row or two."""
    strict = infer_date_formats(values)
    if strict:
        return strict
    filled = present(values)
    tried = date_counts(sample(filled))
    likely = tuple(fmt for fmt, count in tried.items() if count * 2 >= len(sample(filled)) > 0)
    counts = date_counts(filled, likely)
    best = max(counts.values(), default=0)
    allowed = max(1, int(len(filled) * _BAD_DATE_SHARE))
    if best < 2 or best < len(filled) - allowed:
        return []
    return [fmt for fmt in likely if counts[fmt] == best]


def has_negative(values: Column, mark: str) -> bool:
    for value in values:
        try:
            amount = parse_optional_amount(value, mark)
        except ValueError:
            continue
        if amount is not None and amount < 0:
            return True
    return False


def unique_values(values: Column) -> bool:
    """A reference identifies a line only if no two lines share it (UK "Reference" is text)."""
    filled = [value.strip() for value in values if value.strip()]
    return bool(filled) and len(set(filled)) == len(filled)
