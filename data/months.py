"""The one calendar: month arithmetic for the read side, the dashboard's periods and the demo.

Named months.py, not calendar.py: the modules that use it also use the standard library's
`calendar`, and two modules of that name in one file would read as one.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def month_start(day: date) -> date:
    """The first day of the month that contains `day`."""
    return day.replace(day=1)


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def month_end(day: date) -> date:
    """The last day of the month that contains `day`."""
    return day.replace(day=days_in_month(day))


def month_index(day: date) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def add_months(day: date, months: int) -> date:
    """The same day `months` months later (earlier if negative), kept within the month: the
    1st stays the 1st, and a 31st that the month lacks becomes the month's last day."""
    index = month_index(day) + months
    first = date(index // 12, index % 12 + 1, 1)
    return first.replace(day=min(day.day, days_in_month(first)))


def month_keys(date_from: date, date_to: date) -> list[str]:
    """'YYYY-MM' of every month from date_from's to date_to's, as db.month_bucket writes them."""
    months = range(month_index(date_from), month_index(date_to) + 1)
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in months]


def whole_months(date_from: date, date_to: date) -> int:
    """How many calendar months the range covers exactly, or 0 if it starts or ends mid-month."""
    if date_from.day != 1 or (date_to + timedelta(days=1)).day != 1:
        return 0
    return month_index(date_to) - month_index(date_from) + 1
