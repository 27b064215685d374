"""The month the budgets page shows: read from its store (browser data, so untrusted), kept
within the months a budget can be written for, and stepped by the navigator."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from data.months import add_months, month_start
from data.validation import EARLIEST_DATE, MAX_DAYS_AHEAD


def month_bounds(today: date) -> tuple[date, date]:
    """The months a budget can be written for: the write side refuses dates beyond these."""
    return month_start(EARLIEST_DATE), month_start(today + timedelta(days=MAX_DAYS_AHEAD))


def month_from_store(stored: Any, today: date) -> date:
    """The first day of the stored 'YYYY-MM' month; the current month if the value is not one."""
    try:
        month = date.fromisoformat(f"{stored}-01") if isinstance(stored, str) else today
    except ValueError:
        month = today
    first, last = month_bounds(today)
    return min(max(month_start(month), first), last)


def shift_month(stored: Any, step: int, today: date) -> str:
    """The store value `step` months away, kept within the months a budget can be set for."""
    month = month_from_store(
        add_months(month_from_store(stored, today), step).isoformat()[:7], today
    )
    return month.isoformat()[:7]


def month_label(stored: Any, today: date) -> str:
    return f"{month_from_store(stored, today):%B %Y}"
