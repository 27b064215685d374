"""The dates of a schedule: a strict subset of iCalendar's RRULE (RFC 5545), expanded by
python-dateutil, dates only (no time of day, so no time zone or DST can move a date).

What a person expects, and the rule therefore says explicitly (`normalise_rule`):
- "monthly on the 31st" is the last day in shorter months (31 Jan, 28/29 Feb, 31 Mar, 30 Apr):
  a day of 29 to 31 becomes BYMONTHDAY=28,...,N;BYSETPOS=-1, the latest of those days that the
  month has. RFC 5545 alone would skip the months without that day.
- "yearly on 29 February" is 28 February in other years, by the same rewrite.
- a MONTHLY or YEARLY rule without a day takes the start date's day (and month), clamped so.
- the last day of the month is BYMONTHDAY=-1.

Every expansion is bounded: at most MAX_DATES dates per query window and MAX_STEPS dates from
the start, and a rule that could never produce a date (30 February) is refused when parsed, so
dateutil is never left to search up to the year 9999.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.rrule import rrule, rrulestr

MAX_RULE_LENGTH = 500
# Dates one query may return, and dates one expansion may walk from the start (a daily rule of
# 50 years): both far beyond a person's schedules, and a bound on a worker's time.
MAX_DATES = 1000
MAX_STEPS = 20_000
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The parts we accept, in the order we write them. BYHOUR and friends would give several times of
# one date; BYYEARDAY and BYWEEKNO are beyond what the editor offers and can be impossible.
KNOWN_PARTS = (
    "FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST", "COUNT", "UNTIL",
)  # fmt: skip
_INTEGER = re.compile(r"-?\d{1,4}")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"(\d{8})(T\d{6}Z?)?")
LEAP_YEAR = 2028


class InvalidRule(ValueError):
    """A rule we cannot use; str(error) is the message to show."""


@dataclass(frozen=True)
class ParsedRule:
    """A checked rule: its parts in KNOWN_PARTS order."""

    parts: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        return ";".join(f"{key}={value}" for key, value in self.parts)

    def get(self, key: str) -> str | None:
        return dict(self.parts).get(key)


def parse_rule(text: object, starts_on: date) -> ParsedRule:
    """The rule in `text` (with or without "RRULE:"), checked and normalised for `starts_on`;
    InvalidRule with a message a person can act on otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidRule("Give a recurrence rule, such as FREQ=MONTHLY;BYMONTHDAY=1.")
    text = text.strip()
    if len(text) > MAX_RULE_LENGTH:
        raise InvalidRule(f"A recurrence rule has at most {MAX_RULE_LENGTH} characters.")
    if any(char.isspace() for char in text):
        raise InvalidRule("A recurrence rule is one line without spaces (no DTSTART or RDATE).")
    body = text[6:] if text.upper().startswith("RRULE:") else text
    parts: dict[str, str] = {}
    for item in body.upper().split(";"):
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise InvalidRule(f"{item!r} is not NAME=VALUE.")
        if key not in KNOWN_PARTS:
            raise InvalidRule(f"{key} is not supported in a schedule's rule.")
        if key in parts:
            raise InvalidRule(f"{key} is given twice.")
        parts[key] = value
    _check_parts(parts)
    _normalise(parts, starts_on)
    _check_possible(parts)
    ordered = tuple((key, parts[key]) for key in KNOWN_PARTS if key in parts)
    rule = ParsedRule(ordered)
    _dateutil_rule(rule, starts_on)
    return rule


def _check_parts(parts: dict[str, str]) -> None:
    if parts.get("FREQ") not in FREQUENCIES:
        raise InvalidRule("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidRule("Give COUNT or UNTIL, not both.")
    _integers(parts, "INTERVAL", 1, 366)
    _integers(parts, "COUNT", 1, 9999)
    _integers(parts, "BYMONTH", 1, 12)
    _integers(parts, "BYSETPOS", -31, 31, zero=False)
    days = _integers(parts, "BYMONTHDAY", -31, 31, zero=False)
    if days and any(day < -28 for day in days):
        raise InvalidRule("BYMONTHDAY counts back at most 28 days (-1 is the last day).")
    for day in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else ():
        match = _BYDAY.fullmatch(day)
        if match is None:
            raise InvalidRule(f"BYDAY: {day!r} is not a weekday such as MO or -1FR.")
        if match.group(1) and parts["FREQ"] not in ("MONTHLY", "YEARLY"):
            raise InvalidRule("BYDAY with a number (2MO) needs FREQ=MONTHLY or YEARLY.")
    if "WKST" in parts and parts["WKST"] not in WEEKDAYS:
        raise InvalidRule("WKST must be a weekday such as MO.")
    if "UNTIL" in parts and _UNTIL.fullmatch(parts["UNTIL"]) is None:
        raise InvalidRule("UNTIL must be a date such as 20271231.")
    if "UNTIL" in parts:
        parts["UNTIL"] = parts["UNTIL"][:8]
        until_date(parts["UNTIL"])


def _integers(
    parts: dict[str, str], key: str, low: int, high: int, *, zero: bool = True
) -> list[int]:
    if key not in parts:
        return []
    values = parts[key].split(",")
    if not all(_INTEGER.fullmatch(value) for value in values):
        raise InvalidRule(f"{key} must be whole numbers.")
    numbers = [int(value) for value in values]
    if any(not low <= n <= high or (n == 0 and not zero) for n in numbers):
        raise InvalidRule(f"{key} must be between {low} and {high}" + ("." if zero else ", not 0."))
    if key != "COUNT" and key != "INTERVAL" and len(numbers) != len(set(numbers)):
        raise InvalidRule(f"{key} lists a value twice.")
    return numbers


def until_date(text: str) -> date:
    try:
        return datetime.strptime(text[:8], "%Y%m%d").date()
    except ValueError as error:
        raise InvalidRule("UNTIL is not a calendar date.") from error


def _normalise(parts: dict[str, str], starts_on: date) -> None:
    """Give MONTHLY and YEARLY rules an explicit day, and clamp a day of 29 to 31 to the last
    day of shorter months (see the module's docstring)."""
    frequency = parts["FREQ"]
    if frequency not in ("MONTHLY", "YEARLY") or "BYDAY" in parts:
        return
    if frequency == "YEARLY" and "BYMONTH" not in parts and "BYMONTHDAY" not in parts:
        parts["BYMONTH"] = str(starts_on.month)
    if "BYMONTHDAY" not in parts:
        parts["BYMONTHDAY"] = str(starts_on.day)
    days = parts["BYMONTHDAY"].split(",")
    if len(days) == 1 and 29 <= int(days[0]) and "BYSETPOS" not in parts:
        parts["BYMONTHDAY"] = ",".join(str(day) for day in range(28, int(days[0]) + 1))
        parts["BYSETPOS"] = "-1"


def _check_possible(parts: dict[str, str]) -> None:
    """Refuse a month-day that no listed month has in any year (30 February): dateutil would
    search for it up to the year 9999."""
    if "BYMONTHDAY" not in parts:
        return
    months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else range(1, 13)
    days = [int(day) for day in parts["BYMONTHDAY"].split(",")]
    for month in months:
        length = calendar.monthrange(LEAP_YEAR, month)[1]
        if any(abs(day) <= length for day in days):
            return
    raise InvalidRule("No month of this rule has that day.")


def _dateutil_rule(rule: ParsedRule, starts_on: date) -> rrule:
    try:
        expanded = rrulestr(rule.text, dtstart=datetime.combine(starts_on, datetime.min.time()))
    except (ValueError, TypeError, IndexError) as error:
        raise InvalidRule(f"Not a recurrence rule we can read ({error}).") from error
    if not isinstance(expanded, rrule):
        raise InvalidRule("Give one RRULE, without RDATE or EXDATE.")
    return expanded


def rule_dates(
    rule: ParsedRule, starts_on: date, start: date, end: date, limit: int = MAX_DATES
) -> list[date]:
    """The rule's dates from `starts_on` that fall in [start, end], the first `limit` of them
    (at most MAX_DATES), walking at most MAX_STEPS dates from the start."""
    limit = min(limit, MAX_DATES)
    if end < start or end < starts_on:
        return []
    found: list[date] = []
    for step, moment in enumerate(_dateutil_rule(rule, starts_on)):
        day = moment.date()
        if day > end or step >= MAX_STEPS or len(found) >= limit:
            break
        if day >= start:
            found.append(day)
    return found


def shifted(day: date, weekend_shift: str) -> date:
    """The date a transaction gets: a Saturday or Sunday moves to the Friday before ("before")
    or the Monday after ("after"); "none" keeps it."""
    weekday = day.weekday()
    if weekday < 5 or weekend_shift == "none":
        return day
    if weekend_shift == "before":
        return day - timedelta(days=weekday - 4)
    return day + timedelta(days=7 - weekday)
