"""The schedule editor's values (by write field name, as ids.SCHEDULE_FIELDS names them) to a
Schedule, and a Schedule or a transaction back to the editor's values.

Amounts are parsed exactly (data/money.parse_amount) in the chosen account's currency, dates as
typed (YYYY-MM-DD), the rule from the choices by data/schedules/builder.py. Problems come back
per field, for the message under it.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from dashboard.forms import NO_CATEGORY, not_a_date, parse_id, parse_iso_date
from data.entries import Transaction
from data.money import MoneyError, format_amount, parse_amount
from data.schedules.builder import RuleChoices, choices_from_rule, rule_from_choices
from data.schedules.model import Schedule
from data.schedules.recurrence import InvalidRule

# Which editor field a rule problem belongs to.
_RULE_FIELDS = {"Day": "day", "Every": "interval", "Ends on": "until", "Ends after": "count"}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _whole(value: Any, field: str, errors: dict[str, str]) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        errors[field] = "Enter a whole number."
        return None
    return int(text)


def schedule_from_form(
    values: Mapping[str, Any], currencies: Mapping[int, str]
) -> tuple[Schedule | None, dict[str, str]]:
    """(the Schedule, {}) or (None, {field: message})."""
    errors: dict[str, str] = {}
    account = parse_id(values.get("account_id"))
    if account is None or account not in currencies:
        errors["account_id"] = "Choose an account."
    amount = None
    try:
        currency = currencies.get(account or 0, "EUR")
        amount = parse_amount(_text(values.get("amount_minor")) or None, currency)
        if amount == 0:
            errors["amount_minor"] = "Enter an amount other than zero."
    except MoneyError as problem:
        errors["amount_minor"] = str(problem)
    category = values.get("category_id")
    category_id = None if category in (None, "", NO_CATEGORY) else parse_id(category)
    if category not in (None, "", NO_CATEGORY) and category_id is None:
        errors["category_id"] = "Choose a category."
    starts_on = parse_iso_date(values.get("starts_on"))
    if starts_on is None:
        errors["starts_on"] = not_a_date(values.get("starts_on"))
    rule = _rule(values, starts_on, errors)
    if errors or account is None or amount is None or starts_on is None or rule is None:
        return None, errors
    schedule = Schedule(
        name=_text(values.get("name")),
        account_id=account,
        amount_minor=amount,
        rrule=rule,
        starts_on=starts_on,
        payee=_text(values.get("payee")),
        category_id=category_id,
        memo=_text(values.get("memo")),
        weekend_shift=values.get("weekend_shift") or "none",
        auto_post=values.get("auto_post") is True,
        active=values.get("active") is not False,
    )
    return schedule, {}


def _rule(values: Mapping[str, Any], starts_on: date | None, errors: dict[str, str]) -> str | None:
    interval = _whole(values.get("interval"), "interval", errors)
    day = _whole(values.get("day"), "day", errors)
    count = _whole(values.get("count"), "count", errors)
    until = None
    if values.get("end") == "until":
        until = parse_iso_date(values.get("until"))
        if until is None:
            errors["until"] = not_a_date(values.get("until"))
    if starts_on is None or errors:
        return None
    choices = RuleChoices(
        frequency=str(values.get("frequency") or ""),
        interval=1 if interval is None else interval,
        day=day,
        end=str(values.get("end") or "never"),
        until=until,
        count=count,
        custom=_text(values.get("custom")),
    )
    try:
        return rule_from_choices(choices, starts_on)
    except InvalidRule as problem:
        message = str(problem)
        field = next((f for prefix, f in _RULE_FIELDS.items() if message.startswith(prefix)), None)
        if field is None:
            field = "custom" if choices.frequency == "custom" else "frequency"
        if message.startswith("Choose when"):
            field = "end"
        errors[field] = message
        return None


def form_from_schedule(schedule: Schedule, currency: str) -> dict[str, Any]:
    """The editor's values showing `schedule`."""
    choices = choices_from_rule(schedule.rrule, schedule.starts_on)
    return {
        "name": schedule.name,
        "account_id": str(schedule.account_id),
        "payee": schedule.payee,
        "category_id": NO_CATEGORY if schedule.category_id is None else str(schedule.category_id),
        "amount_minor": _amount_text(schedule.amount_minor, currency),
        "memo": schedule.memo,
        "starts_on": schedule.starts_on.isoformat(),
        "frequency": choices.frequency,
        "interval": str(choices.interval),
        "day": "" if choices.day is None else str(choices.day),
        "end": choices.end,
        "until": "" if choices.until is None else choices.until.isoformat(),
        "count": "" if choices.count is None else str(choices.count),
        "custom": choices.custom,
        "weekend_shift": schedule.weekend_shift,
        "auto_post": schedule.auto_post,
        "active": schedule.active,
    }


def form_from_transaction(txn: Transaction, currency: str, today: date) -> dict[str, Any]:
    """A new schedule's values from a transaction: the same account, payee, category and
    amount, monthly on its day from the next such date."""
    starts_on = _next_month_day(txn.date, today)
    template = Schedule(
        name=(txn.payee or "Schedule")[:100],
        account_id=txn.account_id,
        amount_minor=txn.amount_minor,
        rrule=f"FREQ=MONTHLY;BYMONTHDAY={txn.date.day}",
        starts_on=starts_on,
        payee=txn.payee,
        category_id=txn.category_id,
        memo=txn.memo,
    )
    return {**form_from_schedule(template, currency), "day": str(txn.date.day)}


def _next_month_day(day: date, today: date) -> date:
    """The first date on or after today with the day of the month of `day` (clamped)."""
    year, month = today.year, today.month
    for _ in range(2):
        last = calendar.monthrange(year, month)[1]
        candidate = date(year, month, min(day.day, last))
        if candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return today


def _amount_text(minor: int, currency: str) -> str:
    return format_amount(minor, currency, grouping=False)


def with_kept_parts(schedule: Schedule, source: Schedule | Transaction | None) -> Schedule:
    """`schedule` with the split parts and tags of what it was made from (the stored schedule
    being edited, or the transaction it copies): the editor does not show them, so they stay."""
    if source is None:
        return schedule
    return replace(schedule, splits=source.splits, tags=source.tags)
