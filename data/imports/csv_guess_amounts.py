"""The amount half of the guess: the decimal mark and which columns carry the money.

One amount column is "signed", unless its values are all unsigned and a column of debit/credit
marks sits next to it ("indicator": Af/Bij, S/H). Debit and credit columns ("Money In", "Money
Out") are "debit_credit". Without names, the first column of amounts with decimals that no name
claimed (a balance column is named, and never taken for the amount).
"""

from __future__ import annotations

import re
from typing import Any

from data.imports.csv_columns import (
    AMOUNT_ROLES,
    Column,
    amount_count,
    fits_role,
    has_negative,
    present,
)
from data.imports.csv_headers import CREDIT_MARKS, DEBIT_MARKS, fold_mark
from data.imports.csv_values import (
    decisive_decimal_mark,
    infer_date_formats,
    is_ambiguous_thousands,
)

Roles = dict[str, list[int]]


def guess_decimal_mark(
    roles: Roles,
    columns: list[Column],
    delimiter: str,
    questions: list[str],
) -> str:
    """What the amount columns' values prove; a semicolon file is European by default."""
    named = [i for role in AMOUNT_ROLES for i in roles[role]]
    numeric = named or [i for i, values in enumerate(columns) if fits_role("amount", values)]
    values = [value for i in numeric for value in columns[i]]
    proven = decisive_decimal_mark(values)
    if proven:
        return proven
    unclear = next((v for v in values if is_ambiguous_thousands(v)), None)
    default = "," if delimiter == ";" else "."
    if unclear is not None:
        digits = re.search(r"\d{1,3}[.,]\d{3}", unclear)
        shown = digits.group(0) if digits else "1.000"
        questions.append(
            f"Is {shown} a thousand or a number with decimals? Check the decimal mark "
            f"(guessed: '{default}')."
        )
    return default


# The fields of CsvMapping it sets, for dataclasses.replace (hence Any).
def guess_amount_fields(
    roles: Roles, columns: list[Column], mark: str, questions: list[str]
) -> dict[str, Any]:
    amount = _first(roles["amount"])
    if amount is None:
        amount = _content_amount(roles, columns, mark)
    debit, credit = _first(roles["debit"]), _first(roles["credit"])
    if amount is None and (debit is not None or credit is not None):
        if debit is None or credit is None:
            questions.append("Only one of the debit and credit columns was found: choose both.")
        return {"amount_mode": "debit_credit", "debit_column": debit, "credit_column": credit}
    if amount is None:
        questions.append("No amount column was found: choose the amount column.")
        return {"amount_mode": "signed"}
    indicator = _first(roles["indicator"])
    if indicator is None:
        indicator = _content_indicator(columns, amount)
    negative = has_negative(columns[amount], mark)
    if indicator is None or negative:
        if not negative and len(present(columns[amount])) > 1:
            questions.append(
                "Every amount is positive: if this is a card statement where purchases are "
                "positive, turn on 'invert sign'."
            )
        return {"amount_mode": "signed", "amount_column": amount}
    debit_marks, credit_marks, unknown = _marks(columns[indicator])
    if unknown:
        questions.append(
            "Some values of the debit/credit column were not recognised: choose which mean "
            "money out and which money in."
        )
    return {
        "amount_mode": "indicator",
        "amount_column": amount,
        "indicator_column": indicator,
        "debit_marks": debit_marks or DEBIT_MARKS,
        "credit_marks": credit_marks or CREDIT_MARKS,
    }


def _content_amount(roles: Roles, columns: list[Column], mark: str) -> int | None:
    """The first column of amounts with decimals that no name gave another role."""
    taken = {i for found in roles.values() for i in found}
    for index, values in enumerate(columns):
        filled = present(values)
        if index in taken or not filled or infer_date_formats(filled):
            continue
        decimals = any(re.search(r"\d[.,]\d{1,2}\b", value) for value in filled)
        if decimals and amount_count(filled, mark) == len(filled):
            return index
    return None


def _content_indicator(columns: list[Column], amount: int) -> int | None:
    """The first column (not the amount's) whose every filled value is a debit or credit mark.
    Each distinct value is looked at once, and a column stops at its first other value: a
    memo column of 50,000 texts is not folded whole."""
    known = set(DEBIT_MARKS) | set(CREDIT_MARKS)
    for index, values in enumerate(columns):
        if index == amount:
            continue
        marks = set()
        for value in set(values):
            if value.strip():
                mark = fold_mark(value)
                if mark not in known:
                    break
                marks.add(mark)
        else:
            if marks:
                return index
    return None


def _marks(values: Column) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(debit marks, credit marks) as the column writes them, and whether some are unknown."""
    present = sorted({fold_mark(value) for value in values if value.strip()})
    debit = tuple(value for value in present if value in DEBIT_MARKS)
    credit = tuple(value for value in present if value in CREDIT_MARKS)
    return debit, credit, len(debit) + len(credit) < len(present)


def _first(indexes: list[int]) -> int | None:
    return indexes[0] if indexes else None
