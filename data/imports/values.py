"""Amounts and text as statement files write them, read into exact values.

Shared by the OFX and QIF readers (CAMT amounts are strict XML decimals, read in camt.py).
Nothing here rounds: the account's currency decides the minor units later.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal, InvalidOperation

# Digits with an optional sign and the separators banks write: "1,234.56", "-12,50", "1'234.5".
_AMOUNT = re.compile(r"^([+-]?)(\d[\d.,' ]*)$")


def parse_amount(text: str, *, lone_comma_is_decimal: bool = True) -> Decimal | None:
    """The exact signed Decimal a bank wrote, or None when it is not a plain number.

    When both '.' and ',' appear, the rightmost one is the decimal separator and the other
    groups thousands ("1.234,56", "1,234.56"). A lone comma is a decimal separator in OFX
    (European banks' "-12,50"); with `lone_comma_is_decimal=False` (QIF), a lone comma followed
    by exactly three digits ("1,234") groups thousands instead, as US software writes it.
    """
    match = _AMOUNT.match(text.strip().replace("\u00a0", "").replace("\u202f", ""))
    if match is None:
        return None
    sign, body = match.groups()
    body = body.replace(" ", "").replace("'", "")
    if "." in body and "," in body:
        decimal_sep = "." if body.rfind(".") > body.rfind(",") else ","
    elif body.count(",") == 1:
        thousands = not lone_comma_is_decimal and re.fullmatch(r"\d{1,3},\d{3}", body)
        decimal_sep = "." if thousands else ","
    else:
        decimal_sep = "."
    group_sep = "," if decimal_sep == "." else "."
    body = body.replace(group_sep, "")
    if body.count(decimal_sep) > 1 or body.endswith(decimal_sep):
        return None
    try:
        return Decimal(sign + body.replace(decimal_sep, "."))
    except InvalidOperation:
        return None


def clean_text(text: str | None) -> str:
    """A file's free text for a person: entities unescaped (twice-escaped '&amp;amp;' too, as
    some banks send it), whitespace runs collapsed."""
    if not text:
        return ""
    unescaped = html.unescape(text)
    if "&" in unescaped and unescaped != text:
        unescaped = html.unescape(unescaped)
    return " ".join(unescaped.split())


def with_number(memo: str, number: str) -> str:
    """The memo with a check or reference number appended: "Rent (check 1042)"."""
    if not number:
        return memo
    label = f"check {number}" if number.isdigit() else number
    return f"{memo} ({label})" if memo else label[:1].upper() + label[1:]
