"""The first guess of a CsvMapping for a layout, and what to ask the person about it.

Each column gets the role its header names (data/imports/csv_headers.py) unless its values
contradict the name ("Valuta" is a value date in German and a currency in Dutch: the values
tell). When names do not tell, the values do: the first column where every value is a date,
the first column of amounts with decimals. Nothing is decided per row: the date format and the
decimal mark are the column's.

A question is asked instead of guessing where a wrong guess would import wrong data silently:
dates that fit day-first and month-first, no date or amount column. A question quotes at most
a value already read as a date or the digits of an amount, never free text of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from data.imports.csv_columns import (
    Column,
    column_date_formats,
    fits_role,
    layout_columns,
    unique_values,
)
from data.imports.csv_guess_amounts import Roles, guess_amount_fields, guess_decimal_mark
from data.imports.csv_headers import ROLE_NAMES, name_score
from data.imports.csv_layout import CsvLayout
from data.imports.csv_mapping import CsvMapping
from data.imports.csv_values import describe_date_format, infer_date_formats, parse_date

_MAX_MEMO_COLUMNS = 3


@dataclass(frozen=True)
class MappingGuess:
    """The best mapping found, what the person should answer, and the date formats that fit.

    date_format_candidates: every format that reads the date column (more than one when the
    dates are ambiguous: offer them as the choice).
    """

    mapping: CsvMapping
    questions: tuple[str, ...] = ()
    date_format_candidates: tuple[str, ...] = ()


def infer_mapping(layout: CsvLayout) -> MappingGuess:
    """The mapping the header names and the values suggest, with the questions left open."""
    columns = layout_columns(layout)
    roles = _roles(layout.header, columns)
    questions: list[str] = []
    date_column = _date_column(roles, columns)
    candidates: list[str] = []
    date_format = None
    if date_column is None:
        questions.append("No column of dates was found: choose the date column.")
    else:
        candidates = column_date_formats(columns[date_column])
        date_format = _chosen_format(columns[date_column], candidates)
        if date_format is None:
            questions.append(_date_question(columns[date_column], candidates))
    decimal_mark = guess_decimal_mark(roles, columns, layout.delimiter, questions)
    amounts = guess_amount_fields(roles, columns, decimal_mark, questions)
    used = {date_column, *(v for v in amounts.values() if isinstance(v, int))}
    text = _text_fields(roles, columns, used)
    base = CsvMapping(date_column=date_column, date_format=date_format, decimal_mark=decimal_mark)
    return MappingGuess(replace(base, **amounts, **text), tuple(questions), tuple(candidates))


def _roles(header: tuple[str, ...], columns: list[Column]) -> Roles:
    """Role -> the columns whose name says it, best name first; values veto a wrong name."""
    scored: dict[str, list[tuple[int, int]]] = {role: [] for role in ROLE_NAMES}
    for index, name in enumerate(header):
        scores = {role: name_score(name, role) for role in ROLE_NAMES}
        scores = {role: s for role, s in scores.items() if s and fits_role(role, columns[index])}
        if scores:
            role = max(scores, key=lambda r: scores[r])
            scored[role].append((scores[role], index))
    return {
        role: [i for _, i in sorted(found, key=lambda p: -p[0])] for role, found in scored.items()
    }


def _date_column(roles: Roles, columns: list[Column]) -> int | None:
    named = roles["date"] or roles["value_date"]
    if named:
        return named[0]
    for index, values in enumerate(columns):
        if infer_date_formats(values) and any(v.strip() for v in values):
            return index
    return None


def _chosen_format(values: Column, candidates: list[str]) -> str | None:
    """The one candidate, or the first when all read every value as the same day."""
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    for value in values:
        days = set()
        for fmt in candidates:
            try:
                days.add(parse_date(value, fmt))
            except ValueError:
                continue
        if len(days) > 1:
            return None
    return candidates[0]


def _date_question(values: Column, candidates: list[str]) -> str:
    names = " or ".join(describe_date_format(fmt) for fmt in candidates)
    if not candidates:
        return "The date column's dates were not recognised: choose the date format."
    for value in values:
        try:
            first, second = (parse_date(value, fmt) for fmt in candidates[:2])
        except ValueError:
            continue
        if first != second:
            text = " ".join(value.split())
            return (
                f"Is {text} {first.day} {first:%B} {first.year} or {second.day} {second:%B} "
                f"{second.year}? The dates fit {names}: choose the date format."
            )
    return f"The dates fit {names}: choose the date format."  # pragma: no cover


def _text_fields(roles: Roles, columns: list[Column], used: set[int | None]) -> dict[str, Any]:
    """Payee, memo, the bank's reference (only when unique per line) and the currency."""
    free = {role: [i for i in found if i not in used] for role, found in roles.items()}
    refs = [i for i in free["bank_ref"] if unique_values(columns[i])]
    memo = sorted(free["memo"] + [i for i in free["bank_ref"] if i not in refs])
    payee = free["payee"][:1]
    if not payee and memo:
        payee, memo = memo[:1], memo[1:]
    if not payee:
        payee = _content_payee(roles, columns, used)
    return {
        "payee_columns": tuple(payee),
        "memo_columns": tuple(memo[:_MAX_MEMO_COLUMNS]),
        "bank_ref_column": refs[0] if refs else None,
        "currency_column": free["currency"][0] if free["currency"] else None,
    }


def _content_payee(roles: Roles, columns: list[Column], used: set[int | None]) -> list[int]:
    """The column of the longest words that nothing else claimed."""
    taken = used | {i for found in roles.values() for i in found}
    best, best_length = None, 0.0
    for index, values in enumerate(columns):
        letters = sum(sum(char.isalpha() for char in value) for value in values)
        average = letters / max(1, len(values))
        if index not in taken and average > best_length:
            best, best_length = index, average
    return [] if best is None else [best]
