"""data/schedules/recurrence.py and builder.py: which dates a rule gives, what it refuses, and the
editor's choices to an RRULE and back. Dates only: no time of day, so no DST."""

from __future__ import annotations

from datetime import date

import pytest

from data.schedules.builder import RuleChoices, choices_from_rule, rule_from_choices
from data.schedules.recurrence import (
    MAX_DATES,
    InvalidRule,
    parse_rule,
    rule_dates,
    shifted,
)


def dates(text: str, starts_on: date, start: date, end: date) -> list[str]:
    rule = parse_rule(text, starts_on)
    return [day.isoformat() for day in rule_dates(rule, starts_on, start, end)]


def test_the_31st_of_each_month_is_the_last_day_of_shorter_months():
    got = dates(
        "FREQ=MONTHLY;BYMONTHDAY=31", date(2027, 1, 31), date(2027, 1, 1), date(2027, 12, 31)
    )
    assert got == [
        "2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30",
        "2027-07-31", "2027-08-31", "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31",
    ]  # fmt: skip


def test_a_monthly_rule_without_a_day_takes_the_start_dates_clamped():
    got = dates("FREQ=MONTHLY", date(2028, 1, 30), date(2028, 1, 1), date(2028, 4, 30))
    assert got == ["2028-01-30", "2028-02-29", "2028-03-30", "2028-04-30"]


def test_last_day_of_the_month():
    got = dates("FREQ=MONTHLY;BYMONTHDAY=-1", date(2027, 1, 1), date(2027, 1, 1), date(2028, 3, 1))
    assert got[:3] == ["2027-01-31", "2027-02-28", "2027-03-31"]
    assert got[-1] == "2028-02-29"


def test_29_february_yearly_is_28_february_in_other_years():
    got = dates("FREQ=YEARLY", date(2028, 2, 29), date(2028, 1, 1), date(2033, 1, 1))
    assert got == ["2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"]


def test_every_two_weeks():
    got = dates("FREQ=WEEKLY;INTERVAL=2", date(2027, 3, 5), date(2027, 3, 1), date(2027, 4, 30))
    assert got == ["2027-03-05", "2027-03-19", "2027-04-02", "2027-04-16", "2027-04-30"]


def test_weekdays_only():
    got = dates(
        "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", date(2027, 3, 5), date(2027, 3, 5), date(2027, 3, 10)
    )
    assert got == ["2027-03-05", "2027-03-08", "2027-03-09", "2027-03-10"]


@pytest.mark.parametrize(
    ("shift", "saturday", "sunday"),
    [
        ("before", date(2027, 3, 5), date(2027, 3, 5)),
        ("after", date(2027, 3, 8), date(2027, 3, 8)),
        ("none", date(2027, 3, 6), date(2027, 3, 7)),
    ],
)
def test_weekend_shift(shift, saturday, sunday):
    assert shifted(date(2027, 3, 6), shift) == saturday
    assert shifted(date(2027, 3, 7), shift) == sunday
    assert shifted(date(2027, 3, 9), shift) == date(2027, 3, 9)


def test_count_and_until_end_the_rule():
    start, far = date(2027, 1, 1), date(2030, 1, 1)
    assert dates("FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3", start, start, far) == [
        "2027-01-01", "2027-02-01", "2027-03-01",
    ]  # fmt: skip
    assert dates("FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20270301", start, start, far) == [
        "2027-01-01", "2027-02-01", "2027-03-01",
    ]  # fmt: skip
    # UNTIL with a time (as other programs write it) means the same day.
    assert parse_rule("RRULE:FREQ=MONTHLY;UNTIL=20270301T000000Z", start).get("UNTIL") == "20270301"


def test_a_window_starting_later_keeps_the_rules_phase():
    got = dates("FREQ=WEEKLY;INTERVAL=2", date(2027, 1, 1), date(2027, 6, 1), date(2027, 6, 30))
    assert got == ["2027-06-04", "2027-06-18"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Give a recurrence rule"),
        ("FREQ=HOURLY", "FREQ must be"),
        ("FREQ=SECONDLY;COUNT=5", "FREQ must be"),
        ("garbage", "is not NAME=VALUE"),
        ("FREQ=MONTHLY;BYHOUR=2", "BYHOUR is not supported"),
        ("FREQ=DAILY;COUNT=0", "COUNT must be between"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "not both"),
        ("FREQ=MONTHLY;UNTIL=20271340", "not a calendar date"),
        ("FREQ=MONTHLY;FREQ=DAILY", "given twice"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30,31;BYSETPOS=1", "No month"),
        ("FREQ=WEEKLY;BYDAY=2MO", "needs FREQ=MONTHLY"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"),
        ("FREQ=DAILY;INTERVAL=x", "whole numbers"),
        ("FREQ=DAILY\nRDATE:20270101", "one line"),
        ("FREQ=DAILY;" + "BYMONTH=1;" * 60, "at most"),
        (None, "Give a recurrence rule"),
    ],
)
def test_invalid_rules_are_refused_with_a_message(text, message):
    with pytest.raises(InvalidRule, match=message):
        parse_rule(text, date(2027, 1, 1))


def test_expansion_is_bounded_per_window():
    rule = parse_rule("FREQ=DAILY", date(2000, 1, 1))
    got = rule_dates(rule, date(2000, 1, 1), date(2000, 1, 1), date(2030, 1, 1))
    assert len(got) == MAX_DATES
    # An open end asked for a few: no more than that, at once.
    assert len(rule_dates(rule, date(2000, 1, 1), date(2020, 1, 1), date.max, limit=3)) == 3


def test_dates_before_the_start_are_never_given():
    assert dates(
        "FREQ=MONTHLY;BYMONTHDAY=1", date(2027, 5, 1), date(2027, 1, 1), date(2027, 5, 1)
    ) == ["2027-05-01"]


@pytest.mark.parametrize(
    "choices",
    [
        RuleChoices("monthly", day=15),
        RuleChoices("monthly_last"),
        RuleChoices("weekly", interval=2),
        RuleChoices("yearly"),
        RuleChoices("weekdays", end="count", count=10),
        RuleChoices("monthly", day=31, end="until", until=date(2027, 12, 31)),
        RuleChoices("daily", interval=3),
    ],
)
def test_choices_give_a_rule_and_come_back_from_it(choices):
    starts_on = date(2027, 1, 31)
    text = rule_from_choices(choices, starts_on)
    assert rule_from_choices(choices_from_rule(text, starts_on), starts_on) == text
    assert choices_from_rule(text, starts_on).frequency == choices.frequency


def test_choices_build_the_expected_text():
    starts_on = date(2027, 1, 5)
    assert rule_from_choices(RuleChoices("monthly", day=31), starts_on) == (
        "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"
    )
    assert rule_from_choices(RuleChoices("weekly", interval=2), starts_on) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    )


def test_a_rule_beyond_the_choices_is_custom():
    got = choices_from_rule("FREQ=MONTHLY;BYDAY=2MO", date(2027, 1, 1))
    assert (got.frequency, got.custom) == ("custom", "FREQ=MONTHLY;BYDAY=2MO")


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (RuleChoices("monthly", day=32), "Day of the month"),
        (RuleChoices("weekly", interval=0), "Every"),
        (RuleChoices("monthly", end="until"), "give a date"),
        (RuleChoices("monthly", end="until", until=date(2026, 1, 1)), "after the first"),
        (RuleChoices("monthly", end="count"), "whole number"),
        (RuleChoices("sometimes"), "how often"),
        (RuleChoices("custom", custom="FREQ=HOURLY"), "FREQ must be"),
    ],
)
def test_wrong_choices_say_which(choices, message):
    with pytest.raises(InvalidRule, match=message):
        rule_from_choices(choices, date(2027, 1, 1))


def test_a_daylight_saving_change_moves_no_date():
    """Europe and the US change clocks in March and in October/November: a weekly rule across
    both keeps its weekday, since a rule's dates carry no time of day."""
    got = dates("FREQ=WEEKLY", date(2027, 3, 7), date(2027, 3, 1), date(2027, 11, 30))
    assert {date.fromisoformat(day).weekday() for day in got} == {6}
    assert len(got) == 39
