"""Amounts and dates as banks write them: the exact parser, the column-wide inference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.imports.csv_values import (
    DATE_FORMATS,
    decisive_decimal_mark,
    describe_date_format,
    infer_date_formats,
    infer_decimal_mark,
    parse_bank_amount,
    parse_date,
    parse_optional_amount,
)


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1.234,56", ",", "1234.56"),
        ("-1.234,56", ",", "-1234.56"),
        ("1 234,56", ",", "1234.56"),
        ("1\u00a0234,56", ",", "1234.56"),
        ("1\u202f234,56", ",", "1234.56"),
        ("1,234.56", ".", "1234.56"),
        ("1'234.50", ".", "1234.50"),
        ("(12.50)", ".", "-12.50"),
        ("(1,234.50)", ".", "-1234.50"),
        ("12,50-", ",", "-12.50"),
        ("+12", ".", "12"),
        ("-12.5", ".", "-12.5"),
        ("\u221212,50", ",", "-12.50"),
        ("€ 12,50", ",", "12.50"),
        ("-€12.00", ".", "-12.00"),
        ("€-12.00", ".", "-12.00"),
        ("12.50 USD", ".", "12.50"),
        ("EUR -3,00", ",", "-3.00"),
        ("£1,976.55", ".", "1976.55"),
        ("R$ 1.652,29", ",", "1652.29"),
        ("12.50 CR", ".", "12.50"),
        ("12.50DR", ".", "-12.50"),
        ("-3.000", ",", "-3000"),  # a thousand in a decimal-comma column (Actual #2374)
        ("-110.7 €", ".", "-110.7"),  # one decimal digit is still a decimal (Actual #5020)
        ("1,23,456.00", ".", "123456.00"),
        ("0", ".", "0"),
        ("-0,00", ",", "0.00"),
        ("  42  ", ".", "42"),
    ],
)
def test_amount_styles(text: str, mark: str, expected: str) -> None:
    value = parse_bank_amount(text, mark)
    assert value == Decimal(expected)
    assert str(value) == expected  # exact, scale included: no float anywhere


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("1.2.3,4", ","),
        ("abc", "."),
        ("1,23,4", "."),
        ("1,23,4", ","),
        ("", "."),
        ("   ", ","),
        ("1.234,56", "."),  # the column says dot: this is not an amount of it
        ("12..5", "."),
        ("--12", "."),
        ("(-12)", "."),
        ("1 234.567 8", "."),
        ("1.234 567,00", ","),  # two kinds of grouping
        ("12€34", "."),
        ("9" * 40, "."),
        ("=1+2", "."),
    ],
)
def test_amount_rejects(text: str, mark: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_bank_amount(text, mark)
    assert len(str(raised.value)) < 40
    assert text.strip() == "" or text.strip() not in str(raised.value)


def test_optional_amount_is_none_only_when_empty() -> None:
    assert parse_optional_amount("", ",") is None
    assert parse_optional_amount(" - ", ",") is None
    assert parse_optional_amount("12,50", ",") == Decimal("12.50")
    with pytest.raises(ValueError):
        parse_optional_amount("n/a", ",")


def test_bad_decimal_mark_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_bank_amount("12", ";")


SEPARATORS = {
    ".": ["", ",", " ", "\u00a0", "\u202f", "'"],
    ",": ["", ".", " ", "\u00a0", "\u202f", "'"],
}


def written(value: Decimal, mark: str, group: str, negative: str, currency: str) -> str:
    """A Decimal as a bank could write it: grouping, decimal mark, sign style, currency."""
    digits = f"{abs(value):f}"
    whole, _, fraction = digits.partition(".")
    groups: list[str] = []
    while len(whole) > 3 and group:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    number = group.join([whole, *groups]) + (mark + fraction if fraction else "")
    number = f"{currency}{number}" if currency in ("€", "$") else f"{number}{currency}"
    if value >= 0:
        return "+" + number if negative == "+" else number
    return {"-": f"-{number}", "\u2212": f"\u2212{number}", "()": f"({number})",
            "trailing": f"{number}-", "+": f"-{number}"}[negative]  # fmt: skip


@given(
    value=st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False)
    | st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False)
    | st.integers(min_value=-(10**12), max_value=10**12).map(Decimal),
    mark=st.sampled_from([".", ","]),
    data=st.data(),
)
def test_any_written_style_parses_back_exactly(
    value: Decimal, mark: str, data: st.DataObject
) -> None:
    group = data.draw(st.sampled_from(SEPARATORS[mark]))
    negative = data.draw(st.sampled_from(["-", "\u2212", "()", "trailing", "+"]))
    currency = data.draw(st.sampled_from(["", "€", "$", " EUR", " USD"]))
    text = written(value, mark, group, negative, currency)
    parsed = parse_bank_amount(text, mark)
    assert parsed == value, text
    assert parsed.as_tuple().exponent == value.as_tuple().exponent or value == 0


@pytest.mark.parametrize(
    ("values", "proven"),
    [
        (["-1.234,56", "3,50"], ","),
        (["12.5", "-3.00"], "."),
        (["1,234,567", "12"], "."),
        (["1.234.567", "12"], ","),
        (["1.000", "-3.000"], None),  # one thousand or one: nothing proves it
        (["1.000", "-3.000", "12,50"], ","),
        (["12", "100"], None),
        ([], None),
    ],
)
def test_decimal_mark_is_the_columns(values: list[str], proven: str | None) -> None:
    assert decisive_decimal_mark(values) == proven
    assert infer_decimal_mark(values, default="?") == (proven or "?")


def test_date_formats_day_first_or_month_first_is_decided_per_column() -> None:
    ambiguous = ["03/04/2026", "05/06/2026", ""]
    assert infer_date_formats(ambiguous) == ["%d/%m/%Y", "%m/%d/%Y"]
    # One day past the 12th anywhere in the column decides for every row.
    assert infer_date_formats([*ambiguous, "13/04/2026"]) == ["%d/%m/%Y"]
    assert infer_date_formats([*ambiguous, "04/13/2026"]) == ["%m/%d/%Y"]
    assert infer_date_formats(["03/04/26", "13/04/26"]) == ["%d/%m/%y"]
    assert infer_date_formats([]) == [] and infer_date_formats(["", " "]) == []
    assert infer_date_formats(["Coffee", "03.04.2026"]) == []


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        (["03.10.2026", "3.10.2026"], "%d.%m.%Y"),
        (["2026-10-03"], "%Y-%m-%d"),
        (["20261003"], "%Y%m%d"),
        (["2023.02.28."], "%Y.%m.%d."),
        (["2026-10-03T00:00:00"], "%Y-%m-%dT%H:%M:%S"),
        (["2019-12-02T07:31:15Z"], "%Y-%m-%dT%H:%M:%S%z"),
        (["2026-10-03 12:00"], "%Y-%m-%d %H:%M"),
        (["03 Oct 2026"], "%d %b %Y"),
        (["Oct 3, 2026"], "%b %d, %Y"),
        (["13-10-2026"], "%d-%m-%Y"),
    ],
)
def test_date_format_styles(values: list[str], fmt: str) -> None:
    assert infer_date_formats(values) == [fmt]


def test_parse_date_reads_the_banks_day_and_rejects_impossible_ones() -> None:
    assert parse_date("03.10.2026", "%d.%m.%Y") == date(2026, 10, 3)
    # A time zone is not converted: the statement's calendar day is kept.
    assert parse_date("2026-10-03T23:30:00-05:00", "%Y-%m-%dT%H:%M:%S%z") == date(2026, 10, 3)
    for text in ("31.02.2026", "", "03.10.0026", "tomorrow"):
        with pytest.raises(ValueError):
            parse_date(text, "%d.%m.%Y")


def test_every_format_has_a_name_for_people() -> None:
    assert describe_date_format("%d/%m/%Y") == "DD/MM/YYYY"
    assert all("%" not in describe_date_format(fmt) for fmt in DATE_FORMATS)


def _read(text: str, mark: str) -> Decimal | str:
    try:
        return parse_bank_amount(text, mark)
    except ValueError as problem:
        return f"error: {problem}"


@given(st.text(alphabet="0123456789.,-", max_size=14), st.sampled_from(",."))
def test_a_plain_cell_reads_as_the_general_path_reads_it(text, mark):
    # A leading space keeps a cell off the plain path (csv_values._PLAIN); the general path
    # strips it, so both must give the same value (sign and exponent too) or the same error.
    plain, general = _read(text, mark), _read(f" {text}", mark)
    assert plain == general
    assert str(plain) == str(general)


@pytest.mark.parametrize(
    ("text", "mark", "value"),
    [("-1.234,56", ",", "-1234.56"), ("-0,00", ",", "0.00"), ("1,234,567.5", ".", "1234567.5"),
     ("0042", ",", "42"), ("-12", ".", "-12")],
)  # fmt: skip
def test_plain_cells(text, mark, value):
    assert str(parse_bank_amount(text, mark)) == value
