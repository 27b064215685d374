"""Exact money: user text -> integer minor units, and integers -> text. No float ever.

Amounts are capped well inside 2**53 so that even the float a chart plots is exact.
"""

from __future__ import annotations

import numbers
import re
from decimal import Decimal, InvalidOperation

# ISO 4217 minor units that differ from 2; every other currency has cents.
_MINOR_UNITS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF "}

# One trillion in major units: far above any household amount, far below 2**53 minor units.
MAX_MAJOR_UNITS = 10**12
# ASCII digits only; thousands grouped by commas or by spaces, never a mix.
_AMOUNT_RE = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.(\d+))?", re.ASCII)
# "−" minus and no-break spaces are what a copy from a formatted statement gives.
_TYPOGRAPHY = str.maketrans({"\u2212": "-", "\u00a0": " ", "\u202f": " "})


class MoneyError(ValueError):
    """The text is not an amount; str(error) is a message to show next to the field."""


def minor_units(currency: str) -> int:
    return _MINOR_UNITS.get(currency.upper(), 2)


def max_abs_minor(currency: str) -> int:
    return MAX_MAJOR_UNITS * 10 ** minor_units(currency) - 1


def parse_amount(text: str | None, currency: str = "EUR") -> int:
    """Parse '1,234.56', '-12.5', '12' into minor units; reject anything inexact or odd."""
    if text is None or not str(text).strip():
        raise MoneyError("Enter an amount.")
    cleaned = _without_currency_mark(str(text).strip().translate(_TYPOGRAPHY), currency)
    match = _AMOUNT_RE.fullmatch(cleaned)
    if not match:
        raise MoneyError("Enter a number such as 1234.56 or -12.50.")
    sign, whole, fraction = match.groups()
    fraction = fraction or ""
    whole = whole.replace(",", "").replace(" ", "")
    # Checked before Decimal sees it: a number of a million digits would overflow its context.
    if len(whole.lstrip("0")) > len(str(MAX_MAJOR_UNITS)):
        raise MoneyError("That amount is too large.")
    places = minor_units(currency)
    if len(fraction) > places:
        if places == 0:
            raise MoneyError(f"{currency.upper()} amounts have no decimals.")
        raise MoneyError(f"Use at most {places} decimals for {currency.upper()}.")
    try:
        value = Decimal(f"{sign}{whole}.{fraction or '0'}")
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        raise MoneyError("Enter a number such as 1234.56.") from None
    minor = int(value.scaleb(places))
    if abs(minor) > max_abs_minor(currency):
        raise MoneyError("That amount is too large.")
    return minor


def format_amount(minor: int, currency: str = "EUR", grouping: bool = True) -> str:
    """Plain text of an amount, '-1,234.56'; parse_amount reads it back exactly."""
    minor = _as_int(minor)
    places = minor_units(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**places)
    whole_text = f"{whole:,}" if grouping else str(whole)
    if places == 0:
        return f"{sign}{whole_text}"
    return f"{sign}{whole_text}.{fraction:0{places}d}"


def currency_affixes(currency: str) -> tuple[str, str]:
    """What goes before and after the digits: ('€', '') for EUR, ('', ' SEK') without a symbol."""
    symbol = _SYMBOLS.get(currency.upper())
    return (symbol, "") if symbol is not None else ("", f" {currency.upper()}")


def format_money(minor: int, currency: str = "EUR") -> str:
    """An amount with its currency symbol, '-€1,234.56', for KPI cards and tables."""
    plain = format_amount(minor, currency)
    sign, digits = ("-", plain[1:]) if plain.startswith("-") else ("", plain)
    prefix, suffix = currency_affixes(currency)
    return f"{sign}{prefix}{digits}{suffix}"


def to_major_float(minor: int, currency: str = "EUR") -> float:
    """For chart axes only: exact because amounts stay far below 2**53."""
    return _as_int(minor) / 10 ** minor_units(currency)


def _without_currency_mark(text: str, currency: str) -> str:
    """'-€1,234.56', '€ 12', '12 EUR' -> the bare number; only this currency's symbol or code.

    A mark elsewhere ('1€2') or another currency's symbol ('$5' for EUR) stays, so the number
    is rejected instead of being read as something the user did not mean.
    """
    code = currency.upper()
    marks = {code, _SYMBOLS.get(code, code).strip()}
    sign = text[:1] if text[:1] in ("+", "-") else ""
    body = text[len(sign) :].lstrip()
    for mark in marks:
        if body.startswith(mark):
            return sign + body[len(mark) :].lstrip()
        if body.endswith(mark):
            return sign + body[: -len(mark)].rstrip()
    return sign + body


def _as_int(value: object) -> int:
    # numpy integers from pandas are numbers.Integral and welcome. Floats, bools, Decimals and
    # strings are not: int() would silently truncate or convert them.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"money must be an integer number of minor units, not {type(value).__name__}"
        )
    return int(value)
