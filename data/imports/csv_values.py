"""Exact reading of the amounts and dates banks write in CSV cells.

Amounts: "-1.234,56", "1 234,56" (any kind of space), "1'234.56", "1,234.56", "(12.50)",
"12,50-", "+12", "−12" (U+2212), "€ 12,50", "12.50 USD", "R$ 1.652,29", "12.50 CR". The decimal
mark is decided per column, never guessed per value: "1.000" is one thousand in a column of
"12,50" and one in a column of "12.50" (the Actual Budget reports of "-3.000" read as -3).

Dates: the format is decided per column too (infer_date_formats); "03/04/2026" alone cannot say
whether it is April or March, so when every value fits both the caller asks the person.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

# No-break, narrow no-break, thin and figure spaces, apostrophes (Swiss "1'234.50"): all group
# digits; they become a plain space or "'" before the number is matched.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})
_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2019": "'"})
_CURRENCY = re.compile(
    r"^(?:[A-Z]{3}|[A-Z]{0,2}\$|[€£¥₹₩₽₺₪฿₫₴₦₱¢]|kr\.?|zł|Kč|Ft|Fr\.|lei)\s*"
    r"|\s*(?:[A-Z]{3}|[A-Z]{0,2}\$|[€£¥₹₩₽₺₪฿₫₴₦₱¢]|kr\.?|zł|Kč|Ft|Fr\.|lei)$"
)
_CREDIT_DEBIT = re.compile(r"(?<=\d)\s*(CR|DR)$", re.IGNORECASE)
# Indian lakh grouping "1,23,456.00" is accepted along with groups of three.
_NUMBER = {
    ".": re.compile(
        r"(\d{1,3}(?:([,' ])\d{3})(?:\2\d{3})*|\d{1,2}(?:,\d{2})*,\d{3}|\d*)(?:\.(\d+))?"
    ),
    ",": re.compile(r"(\d{1,3}(?:([.' ])\d{3})(?:\2\d{3})*|\d*)(?:,(\d+))?"),
}
# The way nearly every cell is written ("-1.234,56", "12.50"): read without the general path's
# translations and sign peeling (a third of reading a CSV). The same value as the general path;
# anything else (signs, currencies, spaces, lakh grouping, errors) takes the general path.
_PLAIN = {
    ".": re.compile(r"(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"),
    ",": re.compile(r"(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?"),
}
_GROUPING = {".": ",", ",": "."}
# More digits than any statement needs; also keeps Decimal away from absurd inputs.
_MAX_DIGITS = 18
# Cells that mean "nothing here" in a debit or credit column.
_EMPTY_MARKS = {"", "-", "--", "—", "–"}

DATE_FORMATS = (
    "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%d/%m/%y", "%m/%d/%y",
    "%Y-%m-%d", "%d-%m-%Y", "%m-%d-%Y", "%d-%m-%y", "%Y/%m/%d", "%Y.%m.%d", "%Y.%m.%d.",
    "%Y%m%d", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S",
    "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S",
)  # fmt: skip
# Years outside this range are an ID or a typo, not a statement date.
_YEARS = range(1950, 2200)
_FORMAT_WORDS = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%b": "Mon", "%B": "Month",
                 "%H": "hh", "%M": "mm", "%S": "ss", "%f": "ffffff", "%z": "±hh:mm"}  # fmt: skip


def parse_bank_amount(text: str, decimal_mark: str) -> Decimal:
    """The signed amount a cell holds, exactly; ValueError with a short reason otherwise."""
    if decimal_mark not in _NUMBER:
        raise ValueError("decimal mark must be ',' or '.'")
    plain = _PLAIN[decimal_mark].fullmatch(text)
    if plain:
        whole = plain.group(2).replace(_GROUPING[decimal_mark], "")
        fraction = plain.group(3) or ""
        if len(whole.lstrip("0")) + len(fraction) <= _MAX_DIGITS:
            value = Decimal(f"{whole}.{fraction}" if fraction else whole)
            return -value if plain.group(1) and value else value
    body = text.translate(_SPACES).translate(_SIGNS).strip()
    if not body:
        raise ValueError("no amount")
    negative, body = _sign_and_digits(body)
    match = _NUMBER[decimal_mark].fullmatch(body)
    if not match or not (match.group(1) or match.group(3)):
        raise ValueError("not a number")
    whole = re.sub(r"\D", "", match.group(1)) or "0"
    fraction = match.group(3) or ""
    if len(whole.lstrip("0")) + len(fraction) > _MAX_DIGITS:
        raise ValueError("too many digits")
    value = Decimal(f"{whole}.{fraction}" if fraction else whole)
    return -value if negative and value else value


def parse_optional_amount(text: str, decimal_mark: str) -> Decimal | None:
    """A debit or credit cell: None when empty (or a dash), else parse_bank_amount."""
    if text.translate(_SPACES).strip() in _EMPTY_MARKS:
        return None
    return parse_bank_amount(text, decimal_mark)


def _sign_and_digits(body: str) -> tuple[bool, str]:
    """Peel parentheses, signs, "CR"/"DR" and currency marks off both ends of the number."""
    signs: list[str] = []
    if body.startswith("(") and body.endswith(")"):
        signs.append("-")
        body = body[1:-1].strip()
    marked = _CREDIT_DEBIT.search(body)
    if marked:  # "12.50 CR", "12.50DR": the UK and Australian way of writing the sign
        signs.append("-" if marked.group(1).upper() == "DR" else "+")
        body = body[: marked.start()].strip()
    for _ in range(4):  # sign and currency in any order, each end: "-€12", "€-12", "12 €-"
        before = body
        if body[:1] in "+-" and body:
            signs.append(body[0])
            body = body[1:].strip()
        if body[-1:] in "+-" and body:
            signs.append(body[-1])
            body = body[:-1].strip()
        body = _CURRENCY.sub("", body, count=1).strip()
        if body == before:
            break
    if len(signs) > 1:
        raise ValueError("more than one sign")
    return signs == ["-"], body


def decisive_decimal_mark(values: Iterable[str]) -> str | None:
    """The decimal mark the column's values prove, by majority; None when none proves one.

    "1.234,56" proves ",", "12.5" proves ".", "1,234,567" proves "."; "1.000" or "1,000" alone
    proves nothing (one thousand or one).
    """
    votes = {",": 0, ".": 0}
    for value in values:
        mark = _value_decimal_mark(value.translate(_SPACES).strip())
        if mark:
            votes[mark] += 1
    if votes[","] == votes["."]:
        return None
    return "," if votes[","] > votes["."] else "."


def infer_decimal_mark(values: Iterable[str], default: str = ".") -> str:
    """ "," or "." for a column: what its values prove, else `default`."""
    return decisive_decimal_mark(values) or default


def _value_decimal_mark(value: str) -> str | None:
    digits = re.sub(r"[^\d.,]", "", value)
    last = max(digits.rfind("."), digits.rfind(","))
    if last < 0:
        return None
    mark, other = digits[last], "," if digits[last] == "." else "."
    if other in digits[:last] or digits.count(mark) == 1 and len(digits) - last - 1 != 3:
        return mark
    if digits.count(mark) > 1:  # "1.234.567": that mark groups thousands
        return other
    return None


def is_ambiguous_thousands(value: str) -> bool:
    """'1.000' or '-3,000': one thousand, or one with three decimals?"""
    return bool(re.fullmatch(r"[^\d]*\d{1,3}[.,]\d{3}[^\d]*", value.strip()))


def parse_date(text: str, fmt: str) -> date:
    """The date a cell holds in the given format; ValueError with a short reason otherwise."""
    return _parse_date(" ".join(text.split()), fmt)


# A statement repeats its dates (50,000 lines over two years hold 730): strptime is the cost of
# reading a CSV, so each distinct text is parsed once. Failures are not cached (they raise).
@functools.lru_cache(maxsize=8192)
def _parse_date(value: str, fmt: str) -> date:
    if not value:
        raise ValueError("no date")
    try:
        parsed = datetime.strptime(value, fmt)
    except ValueError:
        raise ValueError("not a valid date") from None
    if parsed.year not in _YEARS:
        raise ValueError("year out of range")
    # The bank's own calendar day: a time zone is not converted (that could move the day).
    return parsed.date()


def infer_date_formats(values: Iterable[str]) -> list[str]:
    """Every format of DATE_FORMATS that parses every non-empty value; [] if none or no value."""
    present = list(dict.fromkeys(" ".join(value.split()) for value in values if value.strip()))
    if not present:
        return []
    return [fmt for fmt in DATE_FORMATS if _parses_all(present, fmt)]


def _parses_all(values: list[str], fmt: str) -> bool:
    for value in values:
        try:
            parse_date(value, fmt)
        except ValueError:
            return False
    return True


def same_dates(values: Iterable[str], formats: list[str]) -> bool:
    """True when the formats read every value as the same day ("01/01/2026" in d/m and m/d)."""
    present = list(dict.fromkeys(value for value in values if value.strip()))
    return all(len({parse_date(value, fmt) for fmt in formats}) == 1 for value in present)


def describe_date_format(fmt: str) -> str:
    """A person's name for a format: "%d/%m/%Y" -> "DD/MM/YYYY"."""
    return re.sub(r"%[a-zA-Z]", lambda m: _FORMAT_WORDS.get(m.group(0), m.group(0)), fmt)
