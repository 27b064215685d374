"""The ECB's reference-rate files (eurofxref-hist.csv, eurofxref.csv) -> rates against the
user's reporting currency.

The layout: a header `Date,USD,JPY,...`, then one row per day, each value the units of that
currency per 1 EUR, 'N/A' (or nothing) where the ECB published none, often a trailing comma,
sometimes a UTF-8 byte order mark. Values are read as exact Decimals.

For a EUR user the values are the rates as stored (data/rates.py: units of the currency per
one unit of the reporting currency), exactly. For another reporting currency R the rate of
currency C is a cross rate, (C per EUR) / (R per EUR), and EUR's own is 1 / (R per EUR), each
rounded once, half away from zero, to micro-units. A day without R's value gives no rates.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from data.conversion import MAX_RATE_MICRO, RATE_DECIMALS
from data.rates import Rate

# The ECB's history has ~6,800 days of ~40 currencies (about 600 KB): a ceiling with room.
MAX_FILE_BYTES = 5_000_000
_CODE_RE = re.compile(r"[A-Z]{3}", re.ASCII)
_MISSING = {"", "N/A", "NA"}


class EcbFileError(ValueError):
    """The file is not an ECB rate file; str(error) says why, for the page."""


@dataclass(frozen=True)
class EcbRates:
    """What a file gave: the rates, and the currencies it had none of for this user."""

    rates: list[Rate]
    days: int
    skipped_days: int


def parse_ecb(data: bytes, reporting: str, wanted: set[str] | None = None) -> EcbRates:
    """Rates against `reporting` for the currencies in `wanted` (all of the file's when None)."""
    if len(data) > MAX_FILE_BYTES:
        raise EcbFileError("That file is too large for an ECB rate file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EcbFileError("That file is not text (expected the ECB's CSV file).") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise EcbFileError("That file is empty.")
    header = [cell.strip() for cell in rows[0]]
    if not header or header[0] != "Date":
        raise EcbFileError("Expected the ECB's layout: a first line 'Date,USD,JPY,...'.")
    codes = header[1:]
    while codes and codes[-1] == "":  # the trailing comma's empty column
        codes.pop()
    bad = [code for code in codes if not _CODE_RE.fullmatch(code)]
    if bad or not codes:
        raise EcbFileError(f"Not a currency code in the header: {', '.join(bad[:3]) or 'none'}.")
    if reporting != "EUR" and reporting not in codes:
        raise EcbFileError(
            f"The file has no {reporting} column, so no rate against {reporting} can be derived."
        )
    rates: list[Rate] = []
    days = skipped = 0
    for number, row in enumerate(rows[1:], start=2):
        day = _day(row[0], number)
        values = {
            code: _value(cell, code, number)
            for code, cell in zip(codes, row[1:], strict=False)
            if cell.strip() not in _MISSING
        }
        days += 1
        day_rates = _against(values, reporting, day, wanted)
        if day_rates is None:
            skipped += 1
            continue
        rates.extend(day_rates)
    return EcbRates(rates, days, skipped)


def _against(
    values: dict[str, Decimal], reporting: str, day: date, wanted: set[str] | None
) -> list[Rate] | None:
    """The day's rates against `reporting`; None when the file has no value of it that day."""
    per_eur = {**values, "EUR": Decimal(1)}
    base = per_eur.get(reporting)
    if base is None:
        return None
    found = []
    for code, value in sorted(per_eur.items()):
        if code == reporting or (wanted is not None and code not in wanted):
            continue
        micro = _micro(value, base)
        if 0 < micro <= MAX_RATE_MICRO:
            found.append(Rate(code, day, micro))
    return found


def _micro(value: Decimal, base: Decimal) -> int:
    """value / base in micro-units: the quotient to 50 digits (exact for a EUR user, whose base
    is 1), then one rounding, half away from zero (decimal's ROUND_HALF_UP)."""
    with localcontext() as context:
        context.prec = 50
        quotient = (value / base).scaleb(RATE_DECIMALS)
        return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _day(cell: str, number: int) -> date:
    try:
        return date.fromisoformat(cell.strip())
    except ValueError:
        raise EcbFileError(f"Line {number}: '{cell.strip()[:20]}' is not a date.") from None


def _value(cell: str, code: str, number: int) -> Decimal:
    try:
        value = Decimal(cell.strip())
    except InvalidOperation:
        raise EcbFileError(f"Line {number}: {code} '{cell.strip()[:20]}' is not a rate.") from None
    if not value.is_finite() or value <= 0:
        raise EcbFileError(f"Line {number}: {code} is not a positive rate.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -RATE_DECIMALS:
        raise EcbFileError(f"Line {number}: {code} has more than {RATE_DECIMALS} decimals.")
    return value
