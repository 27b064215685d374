"""The CSV table's shape, the mapping's JSON and signature, and what the guess asks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from data.imports.csv_guess import infer_mapping
from data.imports.csv_layout import CsvLayout, sniff_layout
from data.imports.csv_mapping import CsvMapping, header_signature
from data.imports.csv_reader import read_csv
from data.imports.csv_text import decode
from data.imports.statement import UnreadableFile

FULL = CsvMapping(
    date_column=1,
    date_format="%d.%m.%Y",
    amount_mode="indicator",
    amount_column=6,
    indicator_column=5,
    debit_marks=("S",),
    credit_marks=("H",),
    decimal_mark=",",
    payee_columns=(2, 3),
    memo_columns=(4,),
    bank_ref_column=7,
    currency_column=8,
    invert_sign=True,
)


def test_mapping_json_round_trip() -> None:
    data = FULL.to_json()
    assert data["version"] == 1 and data["payee_columns"] == [2, 3]
    assert CsvMapping.from_json(data) == FULL
    plain = CsvMapping(date_column=0, date_format=None, amount_column=2)
    assert CsvMapping.from_json(plain.to_json()) == plain


def changed(**changes: Any) -> dict[str, Any]:
    return {**FULL.to_json(), **changes}


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "{}",
        changed(extra=1),
        {k: v for k, v in FULL.to_json().items() if k != "memo_columns"},
        changed(version=2),
        changed(version=True),
        changed(date_column="1"),
        changed(date_column=True),
        changed(date_column=-1),
        changed(date_column=1.0),
        changed(date_column=10_000),
        changed(amount_column=None, debit_column=1),
        changed(payee_columns=[2, -3]),
        changed(payee_columns=[2, 2]),
        changed(payee_columns="2"),
        changed(payee_columns=(2,)),
        changed(memo_columns=[None]),
        changed(date_format="%s"),
        changed(date_format=["%d.%m.%Y"]),
        changed(decimal_mark=";"),
        changed(amount_mode="both"),
        changed(debit_marks=["S"], credit_marks=["s"]),
        changed(debit_marks=[""]),
        changed(debit_marks=[1]),
        changed(debit_marks=["x" * 21]),
        changed(invert_sign="yes"),
        changed(invert_sign=1),
        {**CsvMapping(date_column=0, amount_column=1).to_json(), "debit_marks": ["D"]},
    ],
)
def test_mapping_from_json_rejects_anything_malformed(data: object) -> None:
    with pytest.raises(ValueError):
        CsvMapping.from_json(data)


def test_mapping_says_what_is_missing() -> None:
    assert FULL.missing() == ()
    assert CsvMapping(date_column=None).missing() == (
        "Choose the date column.", "Choose the amount column.",
    )  # fmt: skip
    assert CsvMapping(date_column=0, amount_mode="debit_credit", debit_column=1).missing() == (
        "Choose the date format.", "Choose the debit and the credit column.",
    )  # fmt: skip


def layout_of(text: str) -> CsvLayout:
    return sniff_layout(text)


def test_header_signature_is_the_header_shape() -> None:
    one = layout_of("Konto;123\n\nDatum;Text;Betrag\n01.10.2026;A;1,00\n")
    other_rows = layout_of("Datum;Text;Betrag\n05.11.2026;B;-2,00\n06.11.2026;C;3,00\n")
    spaced = layout_of(" datum ; TEXT;Betrag;\n05.11.2026;B;-2,00;\n")
    assert header_signature(one) == header_signature(other_rows) == header_signature(spaced)
    assert len(header_signature(one)) == 64
    assert header_signature(one) != header_signature(
        layout_of("Datum;Text;Betrag;Saldo\n01.10.2026;A;1,00;2,00\n")
    )
    assert header_signature(one) != header_signature(
        layout_of("Datum,Text,Betrag\n2026-10-01,A,1.00\n")
    )


def test_delimiter_by_consistent_field_counts() -> None:
    # Under "," every row splits in two at the decimal comma; ";" gives the table.
    text = "Datum;Text;Betrag\n01.10.2026;A;-1,50\n02.10.2026;B;2,00\n03.10.2026;C;3,10\n"
    assert layout_of(text).delimiter == ";"
    assert layout_of("a|b|c\n1|2|3\n").delimiter == "|"


def test_excel_sep_line_is_obeyed() -> None:
    layout = layout_of("sep=,\nDate;Note,Amount\n2026-10-01;x,1.00\n")
    assert layout.delimiter == ","
    assert layout.header == ("Date;Note", "Amount")


def test_quoted_newline_and_short_row_in_the_middle() -> None:
    text = (
        'Date,Payee,Amount\n2026-10-01,"two\nlines",-1.00\n2026-10-02,broken\n2026-10-03,C,3.00\n'
    )
    layout = layout_of(text)
    assert layout.rows[0] == ("2026-10-01", "two\nlines", "-1.00")
    statement = read_csv(layout, infer_mapping(layout).mapping)
    first, broken, last = statement.lines
    assert first.payee == "two lines"
    # A short row between transactions is kept, marked, not dropped.
    assert broken.error is not None and broken.error.startswith("This line has 2 cells")
    assert last.amount == Decimal("3.00") and last.number == 3


def test_headerless_export_gets_numbered_columns_and_a_guess_by_content() -> None:
    text = '"10/13/2026","-12.50","*","","ACME STORE"\n"10/14/2026","1500.00","*","","PAYROLL"\n'
    layout = layout_of(text)
    assert layout.header_row is None
    assert layout.header == ("Column 1", "Column 2", "Column 3", "Column 4", "Column 5")
    guess = infer_mapping(layout)
    assert (guess.mapping.date_column, guess.mapping.amount_column) == (0, 1)
    assert guess.mapping.payee_columns == (4,)
    lines = read_csv(layout, guess.mapping).lines
    assert (lines[0].date, lines[0].amount, lines[0].payee) == (
        date(2026, 10, 13), Decimal("-12.50"), "ACME STORE",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ("just one line of prose\n", "no table"),
        ("Date,Payee,Amount\n\n", "header but no transactions"),
    ],
)
def test_no_table(text: str, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        sniff_layout(text)


def test_decode_encodings() -> None:
    french = "Date;Libellé;Montant\n03/10/2026;Café à Paris;-4,20\n"
    assert decode(french.encode("cp1252")) == (french, "cp1252")
    assert decode(("\ufeff" + french).encode("utf-8")) == (french, "utf-8")
    assert decode(french.replace("\n", "\r\n").encode("utf-16")) == (french, "utf-16")
    assert decode(b"a;b\r1;2\r") == ("a;b\n1;2\n", "utf-8")
    with pytest.raises(UnreadableFile, match="not text"):
        decode(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))


def test_guess_asks_about_amounts_it_cannot_find_or_read() -> None:
    layout = layout_of("Date,Payee,Note\n2026-10-01,A,x\n2026-10-02,B,y\n")
    guess = infer_mapping(layout)
    assert guess.mapping.amount_column is None
    assert any("amount" in question for question in guess.questions)
    thousands = infer_mapping(layout_of("Date,Payee,Amount\n2026-10-01,A,1.000\n"))
    assert thousands.mapping.decimal_mark == "."
    assert any("1.000" in question for question in thousands.questions)


def test_bank_reference_only_when_unique_per_line() -> None:
    unique = infer_mapping(layout_of(
        "Date,Description,Amount,Transaction ID\n2026-10-01,A,1.00,T1\n2026-10-02,B,2.00,T2\n"
    ))  # fmt: skip
    assert unique.mapping.bank_ref_column == 3
    shared = infer_mapping(layout_of(
        "Date,Description,Amount,Reference\n2026-10-01,A,1.00,RENT\n2026-11-01,A,1.00,RENT\n"
    ))  # fmt: skip
    assert shared.mapping.bank_ref_column is None
    assert shared.mapping.memo_columns == (3,)


def test_soll_haben_indicator_and_credit_written_negative() -> None:
    layout = layout_of(
        '"Datum";"Betrag";"S/H"\n"01.10.2026";"12,00";"S"\n"02.10.2026";"5,00";"H"\n'
    )
    mapping = infer_mapping(layout).mapping
    assert (mapping.amount_mode, mapping.indicator_column) == ("indicator", 2)
    assert [line.amount for line in read_csv(layout, mapping).lines] == [
        Decimal("-12.00"), Decimal("5.00"),
    ]  # fmt: skip
    # Citi writes credits negative in the credit column: still money in.
    citi = layout_of(
        "Date,Description,Debit,Credit\n2026-10-01,PAYMENT,,-50.00\n2026-10-02,SHOP,-9.99,\n"
    )
    lines = read_csv(citi, infer_mapping(citi).mapping).lines
    assert [line.amount for line in lines] == [Decimal("50.00"), Decimal("-9.99")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # DKB's newer export: "Betrag (€)", "Zahlungsempfänger*in", value date second
            '"Buchungsdatum";"Wertstellung";"Status";"Zahlungspflichtige*r";'
            '"Zahlungsempfänger*in";"Verwendungszweck";"Umsatztyp";"Betrag (€)"\n'
            '"02.10.26";"02.10.26";"Gebucht";"Ich";"REWE";"Einkauf";"Ausgang";"-12,50"\n',
            {
                "date_column": 0,
                "date_format": "%d.%m.%y",
                "amount_column": 7,
                "payee_columns": (4,),
                "memo_columns": (5,),
                "decimal_mark": ",",
            },
        ),
        (  # German Soll/Haben columns, Auftraggeber/Empfänger
            "Buchungstag;Valuta;Auftraggeber/Empfänger;Buchungstext;Soll;Haben\n"
            "01.10.2026;01.10.2026;Stadtwerke;Strom;85,00;\n",
            {
                "date_column": 0,
                "amount_mode": "debit_credit",
                "debit_column": 4,
                "credit_column": 5,
                "payee_columns": (2,),
                "memo_columns": (3,),
            },
        ),
        (  # Spanish
            "Fecha;Fecha valor;Concepto;Importe;Saldo\n"
            "15/10/2026;15/10/2026;Mercadona;-23,10;900,00\n",
            {"date_column": 0, "amount_column": 3, "payee_columns": (2,), "decimal_mark": ","},
        ),
        (  # Italian, with Dare/Avere
            "Data contabile;Data valuta;Descrizione;Dare;Avere\n"
            "15/10/2026;16/10/2026;Esselunga;23,10;\n",
            {
                "date_column": 0,
                "amount_mode": "debit_credit",
                "debit_column": 3,
                "credit_column": 4,
                "payee_columns": (2,),
            },
        ),
        (  # Dutch "Valuta" is a currency, not a value date: the values tell
            "Datum,Omschrijving,Bedrag,Valuta\n2026-10-15,Jumbo,-5.00,EUR\n",
            {"date_column": 0, "amount_column": 2, "currency_column": 3, "payee_columns": (1,)},
        ),
        (  # UK Paid in / Paid out, with the other column "0.00"
            "Date,Description,Paid out,Paid in,Balance\n15/10/2026,Boots,4.99,0.00,100.00\n",
            {"amount_mode": "debit_credit", "debit_column": 2, "credit_column": 3},
        ),
    ],
)
def test_header_names_in_many_languages(text: str, expected: dict[str, Any]) -> None:
    mapping = infer_mapping(layout_of(text)).mapping
    assert {name: getattr(mapping, name) for name in expected} == expected


def test_all_positive_amounts_ask_about_invert_sign() -> None:
    card = infer_mapping(
        layout_of("Date,Description,Amount\n2026-10-01,SHOP,9.99\n2026-10-02,CAFE,3.50\n")
    )
    assert card.mapping.invert_sign is False
    assert any("invert sign" in question for question in card.questions)


def test_a_table_too_wide_to_be_a_statement_is_refused() -> None:
    wide = ",".join(f"c{n}" for n in range(600))
    with pytest.raises(UnreadableFile, match="more than 500 columns"):
        sniff_layout(f"{wide}\n{wide}\n")


def test_header_cells_lose_control_characters() -> None:
    layout = layout_of("Date,\x1b[2JPayee\x07,Amount\n2026-10-01,A,1.00\n")
    assert layout.header == ("Date", "[2JPayee", "Amount")
