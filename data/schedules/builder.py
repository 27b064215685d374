"""The editor's simple choices (how often, every how many, which day, until when) to an RRULE
and back. A rule the choices cannot say is shown as "custom" with its text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from data.schedules.recurrence import WEEKDAYS, InvalidRule, ParsedRule, parse_rule, until_date

# The editor's choices of frequency, in the order it lists them.
FREQUENCY_LABELS = {
    "monthly": "Monthly on a day",
    "monthly_last": "Monthly on the last day",
    "weekly": "Every N weeks",
    "yearly": "Yearly",
    "weekdays": "Every weekday (Mon-Fri)",
    "daily": "Every N days",
    "custom": "Custom RRULE",
}
END_LABELS = {"never": "Never", "until": "On a date", "count": "After N times"}
WORKING_DAYS = "MO,TU,WE,TH,FR"


@dataclass(frozen=True)
class RuleChoices:
    """What the editor asks. `day`: the day of the month (monthly, 1-31; empty: the start
    date's); `until` and `count` according to `end`; `custom`: the RRULE of "custom"."""

    frequency: str = "monthly"
    interval: int = 1
    day: int | None = None
    end: str = "never"
    until: date | None = None
    count: int | None = None
    custom: str = ""


def rule_from_choices(choices: RuleChoices, starts_on: date) -> str:
    """The normalised RRULE text; InvalidRule says which choice is wrong."""
    if choices.frequency not in FREQUENCY_LABELS:
        raise InvalidRule("Choose how often.")
    if choices.frequency == "custom":
        return parse_rule(choices.custom, starts_on).text
    if not 1 <= choices.interval <= 366:
        raise InvalidRule("Every: a whole number from 1 to 366.")
    parts = [f"FREQ={_FREQ[choices.frequency]}"]
    if choices.interval != 1 and choices.frequency != "weekdays":
        parts.append(f"INTERVAL={choices.interval}")
    parts += _day_parts(choices, starts_on)
    parts += _end_parts(choices, starts_on)
    return parse_rule(";".join(parts), starts_on).text


_FREQ = {
    "daily": "DAILY",
    "weekdays": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "monthly_last": "MONTHLY",
    "yearly": "YEARLY",
}


def _day_parts(choices: RuleChoices, starts_on: date) -> list[str]:
    if choices.frequency == "weekdays":
        return [f"BYDAY={WORKING_DAYS}"]
    if choices.frequency == "weekly":
        return [f"BYDAY={WEEKDAYS[starts_on.weekday()]}"]
    if choices.frequency == "monthly_last":
        return ["BYMONTHDAY=-1"]
    if choices.frequency == "monthly":
        day = starts_on.day if choices.day is None else choices.day
        if not 1 <= day <= 31:
            raise InvalidRule("Day of the month: 1 to 31 (29-31: the last day of shorter months).")
        return [f"BYMONTHDAY={day}"]
    return []


def _end_parts(choices: RuleChoices, starts_on: date) -> list[str]:
    if choices.end == "never":
        return []
    if choices.end == "until":
        if choices.until is None:
            raise InvalidRule("Ends on: give a date.")
        if choices.until < starts_on:
            raise InvalidRule("Ends on: a date after the first one.")
        return [f"UNTIL={choices.until:%Y%m%d}"]
    if choices.end == "count":
        if choices.count is None or not 1 <= choices.count <= 9999:
            raise InvalidRule("Ends after: a whole number of times from 1 to 9999.")
        return [f"COUNT={choices.count}"]
    raise InvalidRule("Choose when it ends.")


def choices_from_rule(text: str, starts_on: date) -> RuleChoices:
    """The choices that give `text` again, or "custom" with the text when none do."""
    try:
        rule = parse_rule(text, starts_on)
    except InvalidRule:
        return RuleChoices(frequency="custom", custom=text)
    end = _end_of(rule)
    for frequency in ("monthly_last", "monthly", "weekdays", "weekly", "yearly", "daily"):
        choices = replace(
            end,
            frequency=frequency,
            interval=int(rule.get("INTERVAL") or 1),
            day=_day_of(rule) if frequency == "monthly" else None,
        )
        try:
            if rule_from_choices(choices, starts_on) == rule.text:
                return choices
        except InvalidRule:
            continue
    return RuleChoices(frequency="custom", custom=rule.text)


def _end_of(rule: ParsedRule) -> RuleChoices:
    """The end of the rule as choices (their other fields default)."""
    if rule.get("UNTIL"):
        return RuleChoices(end="until", until=until_date(rule.get("UNTIL") or ""))
    if rule.get("COUNT"):
        return RuleChoices(end="count", count=int(rule.get("COUNT") or 0))
    return RuleChoices()


def _day_of(rule: ParsedRule) -> int | None:
    days = (rule.get("BYMONTHDAY") or "").split(",")
    last = days[-1]
    return int(last) if last.isdigit() else None
