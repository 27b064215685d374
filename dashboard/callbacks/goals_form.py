"""The goal form: its values parsed into a GoalInput (amounts exactly as the entry form parses
them, data/money.parse_amount), the write's field errors mapped back to its fields, and the
values that fill it to edit a goal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from dashboard.forms import parse_id, parse_iso_date
from data.goals.pace import GoalStatus
from data.goals.store import GoalInput
from data.money import MoneyError, format_amount, parse_amount

# The write's field names (data/goals/store.py) -> the form's.
WRITE_TO_FORM = {
    "target_minor": "target",
    "account_id": "account",
    "tag_id": "tag",
    "archived": "name",
}
EMPTY_FORM: dict[str, Any] = {
    "name": "",
    "target": "",
    "target_date": "",
    "source": "account",
    "account": None,
    "tag": None,
    "starts_on": "",
}


def parse_goal_form(form: Mapping[str, Any], currency: str) -> GoalInput | dict[str, str]:
    """The form's values as a GoalInput for the store to check, or the form's own errors (what
    it could not read: an amount, a date)."""
    errors: dict[str, str] = {}
    target: int | None = None
    try:
        text = form.get("target")
        target = parse_amount(text if isinstance(text, str) else None, currency)
    except MoneyError as problem:
        errors["target"] = str(problem)
    else:
        if target <= 0:
            errors["target"] = "Enter a target above zero."
    dates: dict[str, date | None] = {}
    for field in ("target_date", "starts_on"):
        value = form.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            dates[field] = None
            continue
        dates[field] = parse_iso_date(value)
        if dates[field] is None:
            errors[field] = "Not a date: use YYYY-MM-DD."
    if errors:
        return errors
    source = form.get("source")
    return GoalInput(
        name=form.get("name") if isinstance(form.get("name"), str) else "",
        target_minor=target,
        target_date=dates["target_date"],
        source=source,
        account_id=parse_id(form.get("account")) if source == "account" else None,
        tag_id=parse_id(form.get("tag")) if source == "tag" else None,
        starts_on=dates["starts_on"] if source == "tag" else None,
    )


def form_errors(write_errors: Mapping[str, str]) -> dict[str, str]:
    messages: dict[str, str] = {}
    for field, message in write_errors.items():
        messages.setdefault(WRITE_TO_FORM.get(field, field), message)
    return messages


def form_values(status: GoalStatus, currency: str) -> dict[str, Any]:
    """The form filled with a goal, to edit it."""
    goal = status.goal
    return {
        "name": goal.name,
        "target": format_amount(goal.target_minor, currency),
        "target_date": goal.target_date.isoformat() if goal.target_date else "",
        "source": goal.source,
        "account": goal.account_id,
        "tag": goal.tag_id,
        "starts_on": goal.starts_on.isoformat() if goal.source == "tag" else "",
    }
