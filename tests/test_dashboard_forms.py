"""dashboard/forms.py's dates: one spelling (YYYY-MM-DD) read exactly, everything else refused
with a message that quotes it; nothing rolled over, cut or guessed (issue 9, item 1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.forms import (
    DEFAULT_PRESET,
    FormChoices,
    custom_range,
    not_a_date,
    parse_iso_date,
    parse_transaction_form,
    parse_transfer_form,
    preset_period,
)

# The four, then other spellings a lenient parser would read as some day.
BAD_DATES = ("2023-02-30", "2023/02/30", "2023-13-01", "yesterday-ish")
NOT_EXACT = (
    "2023-02-28T10:00",
    "2023-02-28 10:00",
    "2023-02-28x",
    "20230228",
    "2023-W09-2",
    "2023-059",
    "2023-2-28",
    "23-02-28",
    "+2023-02-28",
    "28.02.2023",
    "02/28/2023",
    "２０２３-０２-２８",  # full-width digits: str.isdigit() says yes, the format says no
    "2023-02-29",
    "0000-01-01",
    "",
    "   ",
)


@given(st.dates())
def test_every_real_day_reads_back_from_its_iso_spelling(day):
    assert parse_iso_date(day.isoformat()) == day
    assert parse_iso_date(f"  {day.isoformat()}\t") == day


@pytest.mark.parametrize("text", BAD_DATES + NOT_EXACT)
def test_anything_but_an_exact_real_day_is_not_a_date(text):
    assert parse_iso_date(text) is None


@pytest.mark.parametrize("value", [None, 20230228, 2023.0, date(2023, 2, 28), ["2023-02-28"]])
def test_values_that_are_not_text_are_not_dates(value):
    assert parse_iso_date(value) is None


@given(st.text(max_size=30))
def test_a_text_is_a_date_only_if_it_spells_that_date_exactly(text):
    day = parse_iso_date(text)
    assert day is None or text.strip() == day.isoformat()


@given(st.dates(), st.text(min_size=1, max_size=12).filter(lambda tail: tail.strip()))
def test_a_real_day_with_anything_after_it_is_not_a_date(day, tail):
    # The old parser read the first ten characters and dropped the rest without a word.
    assert parse_iso_date(day.isoformat() + tail) is None


@pytest.mark.parametrize("typed", BAD_DATES)
def test_the_message_quotes_what_was_typed_and_the_format(typed):
    assert not_a_date(typed) == f"Not a date: {typed}. Use YYYY-MM-DD."


def test_the_message_asks_for_a_date_when_there_is_none_and_shortens_a_pasted_page():
    assert not_a_date(None) == not_a_date("  ") == "Enter a date (YYYY-MM-DD)."
    assert not_a_date("x" * 100_000) == f"Not a date: {'x' * 40}…. Use YYYY-MM-DD."


@pytest.mark.parametrize("typed", BAD_DATES)
def test_the_entry_and_edit_forms_refuse_a_bad_date_and_only_that(typed):
    currencies = {1: "EUR", 2: "EUR"}
    expected = {"date": f"Not a date: {typed}. Use YYYY-MM-DD."}
    typed_form = {"date": typed, "amount": "-1", "account": "1"}
    assert parse_transaction_form(typed_form, FormChoices(currencies)) == expected
    transfer_form = {**typed_form, "amount": "1", "to_account": "2"}
    assert parse_transfer_form(transfer_form, currencies) == expected


def test_a_custom_range_is_two_days_in_order():
    assert custom_range("2024-01-05", " 2024-02-10 ") == (date(2024, 1, 5), date(2024, 2, 10))
    assert custom_range("2024-01-05", "2024-01-05") == (date(2024, 1, 5), date(2024, 1, 5))
    assert custom_range("1969-12-31", "2024-01-01") == (date(1970, 1, 1), date(2024, 1, 1))


@pytest.mark.parametrize("typed", BAD_DATES)
def test_a_custom_range_with_a_bad_end_says_which_end(typed):
    assert custom_range(typed, "2024-02-10") == f"From: Not a date: {typed}. Use YYYY-MM-DD."
    assert custom_range("2024-01-05", typed) == f"To: Not a date: {typed}. Use YYYY-MM-DD."
    assert custom_range(typed, None) == (
        f"From: Not a date: {typed}. Use YYYY-MM-DD. To: Enter a date (YYYY-MM-DD)."
    )


def test_a_reversed_custom_range_is_refused_not_swapped():
    assert custom_range("2024-02-10", "2024-01-05") == (
        "The range starts after it ends: 2024-02-10 is after 2024-01-05."
    )


@pytest.mark.parametrize("typed", BAD_DATES)
def test_a_stored_custom_range_that_is_not_one_means_the_default_period(typed):
    today = date(2024, 6, 15)
    default = preset_period(DEFAULT_PRESET, today)
    assert preset_period("custom", today, typed, "2024-02-10") == default
    assert preset_period("custom", today, "2024-01-05", typed) == default
    assert preset_period("custom", today, "2024-01-05", "2024-02-10") == (
        date(2024, 1, 5),
        date(2024, 2, 10),
    )


@given(st.dates(min_value=date(1970, 1, 1)), st.integers(min_value=0, max_value=4000))
def test_any_ordered_custom_range_is_kept_exactly(first, days):
    last = first + timedelta(days=days) if first <= date.max - timedelta(days=days) else first
    assert custom_range(first.isoformat(), last.isoformat()) == (first, last)
