"""CSV import end to end: each fixture, written as its bank writes it, read to exact lines.

The fixtures are made by tests/fixtures/import/make_csv_fixtures.py (bytes committed).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from data.imports.csv_mapping import CsvMapping
from data.imports.csv_reader import read_csv_file
from data.imports.statement import Statement, StatementLine, UnreadableFile

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"


def read(name: str, mapping: CsvMapping | None = None) -> Statement:
    return read_csv_file((FIXTURES / name).read_bytes(), mapping)[2]


def summary(line: StatementLine) -> tuple[date | None, Decimal | None, str]:
    return line.date, line.amount, line.payee


def test_sparkasse_cp1252_with_preamble_duplicates_and_footer() -> None:
    layout, guess, statement = read_csv_file((FIXTURES / "de_sparkasse_cp1252.csv").read_bytes())
    assert layout.encoding == "cp1252"
    assert layout.delimiter == ";"
    assert layout.header_row == 4  # three preamble lines and a blank one above it
    assert layout.header[1] == "Buchungstag"
    assert guess.questions == ()
    mapping = guess.mapping
    assert (mapping.date_column, mapping.date_format) == (1, "%d.%m.%Y")
    assert (mapping.amount_mode, mapping.amount_column, mapping.decimal_mark) == ("signed", 8, ",")
    assert mapping.payee_columns == (5,)
    assert mapping.memo_columns == (3, 4)
    assert len(statement.lines) == 6
    first, coffee, twin = statement.lines[:3]
    assert summary(first) == (date(2026, 10, 1), Decimal("-1234.56"), "Hausverwaltung Müller")
    assert first.memo == "LASTSCHRIFT Miete Oktober 2026"
    # Two identical coffees on one day are two lines, told apart by their number.
    assert (
        summary(coffee) == summary(twin) == (date(2026, 10, 2), Decimal("-3.50"), "Bäckerei Groß")
    )
    assert coffee.memo == "KARTENZAHLUNG Café an der Straße"
    assert (coffee.number, twin.number) == (2, 3)
    assert coffee.source == twin.source
    assert summary(statement.lines[3]) == (
        date(2026, 10, 5),
        Decimal("3210.00"),
        "Arbeitgeber GmbH",
    )
    assert statement.lines[4].memo == 'ONLINE-UEBERWEISUNG Geschenk "Jürgen"'
    assert summary(statement.lines[5]) == (date(2026, 10, 31), Decimal("-4.95"), "")
    assert all(line.error is None for line in statement.lines)
    assert statement.format == "csv"
    assert statement.currency == "EUR"
    # The IBAN of the "Kontonummer:" line above the header (its checksum verified).
    assert statement.account_key == "DE89370400440532013000"
    # The closing balance below the table is left out, and said so without quoting it.
    assert layout.footer_rows == 1
    assert len(statement.warnings) == 1 and "Kontostand" not in statement.warnings[0]


def test_chase_trailing_delimiter_and_quotes_in_quotes() -> None:
    layout, guess, statement = read_csv_file((FIXTURES / "us_chase_trailing.csv").read_bytes())
    assert layout.delimiter == ","
    assert layout.header == (
        "Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #",
    )  # fmt: skip
    assert all(len(row) == 7 for row in layout.rows)  # the trailing "," cell dropped
    assert guess.mapping.date_format == "%m/%d/%Y"  # 10/13 and 10/15 decide month-first
    assert guess.mapping.amount_column == 3  # not the balance
    assert [summary(line) for line in statement.lines] == [
        (date(2026, 10, 13), Decimal("-1234.56"), 'ACME "BEST" STORE #123'),
        (date(2026, 10, 15), Decimal("2500.00"), "PAYROLL ACME CORP PPD ID: 1234567890"),
        (date(2026, 10, 2), Decimal("-5.75"), "STARBUCKS STORE 1234"),
        (date(2026, 10, 20), Decimal("-150.00"), "CHECK 1042"),
    ]


def test_uk_money_in_and_out_columns() -> None:
    _, guess, statement = read_csv_file((FIXTURES / "uk_money_in_out.csv").read_bytes())
    mapping = guess.mapping
    assert (mapping.amount_mode, mapping.credit_column, mapping.debit_column) == (
        "debit_credit", 3, 4,
    )  # fmt: skip
    assert mapping.date_format == "%d/%m/%Y"
    assert [summary(line) for line in statement.lines] == [
        (date(2026, 10, 1), Decimal("-23.45"), "TESCO STORES 2041"),
        (date(2026, 10, 13), Decimal("2100.00"), "SALARY ACME LTD"),
        # "0.00" in Money In is no amount: the line is the 10.99 out (Budget app issue #95).
        (date(2026, 10, 14), Decimal("-10.99"), "NETFLIX.COM"),
        (date(2026, 10, 28), Decimal("15.00"), "REFUND AMAZON"),
    ]


def test_french_spaces_and_debit_whatever_its_sign() -> None:
    _, guess, statement = read_csv_file((FIXTURES / "fr_espaces.csv").read_bytes())
    mapping = guess.mapping
    assert mapping.date_column == 0  # "Date opération", not "Date valeur"
    assert (mapping.debit_column, mapping.credit_column, mapping.decimal_mark) == (3, 4, ",")
    assert [summary(line) for line in statement.lines] == [
        (date(2026, 10, 3), Decimal("-4.20"), "CARTE X1234 CAFÉ DE LA GARE"),
        (date(2026, 10, 5), Decimal("2345.67"), "VIR SEPA SALAIRE"),  # U+00A0 thousands
        (date(2026, 10, 14), Decimal("-1234.56"), "PRLV SEPA EDF"),  # U+202F thousands
        (date(2026, 10, 20), Decimal("-60.00"), "RETRAIT DAB 20/10"),  # debit written positive
    ]


def test_dutch_af_bij_indicator_and_compact_dates() -> None:
    _, guess, statement = read_csv_file((FIXTURES / "nl_af_bij.csv").read_bytes())
    mapping = guess.mapping
    assert mapping.amount_mode == "indicator"
    assert (mapping.amount_column, mapping.indicator_column) == (6, 5)
    assert (mapping.debit_marks, mapping.credit_marks) == (("af",), ("bij",))
    assert mapping.date_format == "%Y%m%d"
    assert [summary(line) for line in statement.lines] == [
        (date(2026, 10, 1), Decimal("-23.45"), "Albert Heijn 1234"),
        (date(2026, 10, 25), Decimal("2850.00"), "Werkgever B.V."),
        # "1.000,00": the column's "23,45" decides the comma, so this is a thousand.
        (date(2026, 10, 28), Decimal("-1000.00"), "Belastingdienst"),
    ]
    assert statement.lines[1].memo == "Salaris oktober"


def test_ambiguous_dates_ask_instead_of_guessing() -> None:
    _, guess, statement = read_csv_file((FIXTURES / "ambiguous_dates.csv").read_bytes())
    assert guess.mapping.date_format is None
    assert guess.date_format_candidates == ("%d/%m/%Y", "%m/%d/%Y")
    assert len(guess.questions) == 1
    question = guess.questions[0]
    assert "01/02/2026" in question and "DD/MM/YYYY" in question and "MM/DD/YYYY" in question
    assert all(
        line.date is None and line.error == "Choose the date format." for line in statement.lines
    )
    # The person's answer read through the same file.
    chosen = CsvMapping(**{**guess.mapping.__dict__, "date_format": "%m/%d/%Y"})
    lines = read("ambiguous_dates.csv", chosen).lines
    assert [line.date for line in lines] == [
        date(2026, 1, 2), date(2026, 3, 4), date(2026, 5, 6), date(2026, 5, 6),
    ]  # fmt: skip
    assert all(line.error is None for line in lines)


def test_utf8_bom_is_not_part_of_the_first_header() -> None:
    layout, _, statement = read_csv_file((FIXTURES / "utf8_bom.csv").read_bytes())
    assert layout.header[0] == "Date"
    assert [summary(line) for line in statement.lines] == [
        (date(2026, 10, 3), Decimal("-4.50"), "Café Zürich"),
        (date(2026, 10, 4), Decimal("12"), "Łódź Sp. z o.o."),
    ]


def test_tab_separated_with_times_and_currency_column() -> None:
    layout, guess, statement = read_csv_file((FIXTURES / "tab_separated.tsv").read_bytes())
    assert layout.delimiter == "\t"
    assert guess.mapping.date_column == 2  # "Completed Date" is when the account moved
    assert guess.mapping.date_format == "%Y-%m-%d %H:%M:%S"
    assert [summary(line) for line in statement.lines] == [
        (date(2026, 10, 3), Decimal("-6.20"), "Pret A Manger"),
        (date(2026, 10, 5), Decimal("200.00"), "Top-up by *1234"),
    ]
    assert statement.currency == "EUR"


@pytest.mark.parametrize(
    ("name", "amounts"),
    [
        ("parentheses_negative.csv", ["-12.50", "-1234.50", "0.42"]),
        ("trailing_minus.csv", ["-12.50", "0.42", "-1234.50"]),
    ],
)
def test_negative_styles(name: str, amounts: list[str]) -> None:
    assert [line.amount for line in read(name).lines] == [Decimal(a) for a in amounts]


def test_formula_like_text_is_kept_verbatim() -> None:
    lines = read("formula_text.csv").lines
    assert [line.payee for line in lines] == [
        '=HYPERLINK("http://x.example","y")', "+SUM(1)", "@cmd", "-2+3",
    ]  # fmt: skip
    assert [line.amount for line in lines] == [Decimal(-n) for n in (1, 2, 3, 4)]


def test_bad_rows_keep_their_line_with_a_short_error() -> None:
    _, guess, statement = read_csv_file((FIXTURES / "bad_rows.csv").read_bytes())
    assert guess.mapping.date_format == "%d.%m.%Y"  # one impossible date does not hide it
    assert guess.mapping.decimal_mark == ","
    good, bad_amount, bad_date, control = statement.lines
    assert good.error is None and good.amount == Decimal("-12.50")
    assert bad_amount.amount is None
    assert bad_amount.error == "Amount '12,3,4' is not a number."
    assert bad_date.date is None and bad_date.amount == Decimal("-8.00")
    assert bad_date.error == "Date '31.02.2026' is not a valid date."
    assert all(len(line.error or "") <= 40 for line in statement.lines)
    # Control characters never reach a payee or memo; whitespace is collapsed.
    assert control.memo == "Drogerie [31m" and control.error is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "empty"),
        ("header_only.csv", "header but no transactions"),
        ("random.bin", "not text"),
    ],
)
def test_hostile_files_are_refused_without_quoting_them(name: str, message: str) -> None:
    content = (FIXTURES / name).read_bytes()
    with pytest.raises(UnreadableFile) as raised:
        read_csv_file(content)
    assert message in str(raised.value)
    assert "Date" not in str(raised.value)


def test_a_profile_for_another_export_is_refused() -> None:
    too_wide = CsvMapping(date_column=0, date_format="%Y-%m-%d", amount_column=9)
    with pytest.raises(ValueError, match="column 10 but this file has 3 columns"):
        read_csv_file((FIXTURES / "utf8_bom.csv").read_bytes(), too_wide)


def test_invert_sign_for_a_card_export_with_positive_purchases() -> None:
    mapping = CsvMapping(
        date_column=0, date_format="%Y-%m-%d", amount_column=2, payee_columns=(1,),
        invert_sign=True,
    )  # fmt: skip
    assert [line.amount for line in read("utf8_bom.csv", mapping).lines] == [
        Decimal("4.50"), Decimal("-12"),
    ]  # fmt: skip
