"""QIF dates: one day/month order for the whole file, decided from all of its dates.

QIF has no date standard. Quicken writes "10/ 1'26" (month first; the apostrophe means 20xx,
a slash 19xx), other software "10/01/2026", "01.10.2026", "2026-10-01" or "26 Oct 2026". A date
is never read on its own: reading each row first-match-wins misdates every day 1-12 of a
day-first file. So the file's order is decided once: a first number above 12 anywhere means
day-first, a second number above 12 month-first. When no date tells (every day is 1-12) the
order is month-first, Quicken's US default, with a warning; except when every such date is
written with dots, a European habit, which reads day-first (also with a warning). A file whose
dates contradict each other takes the order more of them fit; the others become line errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

MONTH_FIRST, DAY_FIRST = "month-first", "day-first"

_NUMERIC = re.compile(r"(\d{1,4})\s*([/.\-])\s*(\d{1,2})\s*(['/.\-]?)\s*(\d{1,4})")
_NAMED = re.compile(r"(\d{1,2})[\s.\-/]*([A-Za-z]{3})[A-Za-z]*\.?[\s.\-/']*(\d{2,4})")
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def decide_order(texts: Iterable[str]) -> tuple[str, str | None]:
    """The file's day/month order and, when the dates did not settle it, a warning."""
    day_first = month_first = 0
    separators: set[str] = set()
    for text in texts:
        match = _NUMERIC.fullmatch(text.strip())
        if match is None or len(match.group(1)) == 4:
            continue  # ISO and month names are unambiguous
        first, second = int(match.group(1)), int(match.group(3))
        day_first += first > 12
        month_first += second > 12
        separators.add(match.group(2))
    if not separators:
        return MONTH_FIRST, None
    if day_first or month_first:
        order = DAY_FIRST if day_first > month_first else MONTH_FIRST
        if day_first and month_first:
            return order, (
                f"The file's dates mix day-first and month-first orders; they were read {order} "
                "and the lines whose date does not fit are marked."
            )
        return order, None
    if separators == {"."}:
        return DAY_FIRST, (
            "No date in the file tells day from month; they were read day-first, as dates "
            "written with dots are. Check the dates in the review."
        )
    return MONTH_FIRST, (
        "No date in the file tells day from month; they were read month-first (Quicken's "
        "US order). Check the dates in the review."
    )


def qif_date(text: str, order: str) -> date | None:
    """The date `text` names in the file's order, None when it is not a date."""
    text = text.strip()
    numeric, named = _NUMERIC.fullmatch(text), _NAMED.fullmatch(text)
    try:
        if named is not None and named.group(2).lower() in _MONTHS:
            month_number = _MONTHS.index(named.group(2).lower()) + 1
            return date(_year(named.group(3), ""), month_number, int(named.group(1)))
        if numeric is None:
            return None
        first, _, second, year_sep, last = numeric.groups()
        if len(first) == 4:
            return date(int(first), int(second), int(last))
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        return date(_year(last, year_sep), int(month), int(day))
    except ValueError:
        return None


def _year(text: str, separator: str) -> int:
    """A four-digit year; Quicken's "'26" is 2026, a bare two-digit year pivots at 70."""
    year = int(text)
    if len(text) > 2:
        return year
    if separator == "'":
        return 2000 + year
    return 2000 + year if year < 70 else 1900 + year
