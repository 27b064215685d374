"""OFX/QFX reading (data/imports/ofx.py, ofx_tree.py): the fixtures are written as banks send
them, one quirk each; every expected line is spelled out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from data.imports.ofx import ofx_date, read_ofx
from data.imports.statement import Statement, UnreadableFile

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def read(name: str, **kwargs: bool) -> Statement:
    return read_ofx((FIXTURES / name).read_bytes(), **kwargs)


def summary(statement: Statement) -> list[tuple[object, ...]]:
    return [
        (line.date, line.amount, line.payee, line.memo, line.bank_ref) for line in statement.lines
    ]


def test_sgml_cp1252_no_ledgerbal_intu_tags() -> None:
    statement = read("ofx1_sgml_checking.ofx")
    assert statement.format == "qfx"  # INTU.BID in the signon block
    assert statement.currency == "USD"
    assert statement.account_key == "021000021/000123456789"
    assert statement.warnings == ()
    assert summary(statement) == [
        (date(2026, 10, 1), Decimal("-42.17"), "CAFÉ DE FLORE NEW YORK", "", "202610010"),
        (
            date(2026, 10, 3),
            Decimal("-1200.00"),
            "CHECK 1042",
            "October rent (check 1042)",
            "202610030",
        ),
        (
            date(2026, 10, 5),
            Decimal("2500.00"),
            "ACME CORP PAYROLL",
            "DIRECT DEP PPD ID: 9111111101",
            "202610050",
        ),
        # NAME empty: the MEMO is the payee.
        (date(2026, 10, 7), Decimal("-9.99"), "SPOTIFY USA 877-7781161 NY", "", "202610070"),
    ]
    assert [line.number for line in statement.lines] == [1, 2, 3, 4]
    assert all(line.error is None and line.skipped is None for line in statement.lines)
    assert "TRNAMT: -42.17" in statement.lines[0].source


def test_xml_v2_same_account_shares_fitids_with_the_sgml_export() -> None:
    sgml, xml = read("ofx1_sgml_checking.ofx"), read("ofx2_xml_checking.ofx")
    assert xml.format == "ofx"
    assert xml.account_key == sgml.account_key
    shared = {line.bank_ref for line in sgml.lines} & {line.bank_ref for line in xml.lines}
    assert shared == {"202610050", "202610070"}
    assert summary(xml)[2] == (
        date(2026, 10, 11),
        Decimal("-63.48"),
        "TRADER JOE'S #552",
        "Groceries & household",
        "202610110",
    )
    # The same line reads the same from both syntaxes.
    assert summary(xml)[:2] == summary(sgml)[2:]


def test_qfx_credit_card_five_decimals_entities_payee_aggregate() -> None:
    statement = read("qfx_creditcard.qfx")
    assert statement.format == "qfx"
    assert statement.account_key == "4111111111111111"
    assert summary(statement) == [
        (
            date(2026, 10, 2),
            Decimal("-12.50000"),
            "BARNES & NOBLE #2741",
            "BOOKS & MAGAZINES",
            "FIT2026100200001",
        ),
        (
            date(2026, 10, 4),
            Decimal("-4.12500"),
            "MCDONALD'S F1234",
            'Café "to go"',
            "FIT2026100400002",
        ),
        (date(2026, 10, 15), Decimal("250.00000"), "PAYMENT THANK YOU", "", "FIT2026101500003"),
    ]
    # Exact: the caller rounds to the currency, not the reader.
    assert str(statement.lines[0].amount) == "-12.50000"


def test_qfx_flag_of_the_caller() -> None:
    assert read("ofx2_xml_checking.ofx", qfx=True).format == "qfx"


def test_comma_decimals_and_charset_8859_1() -> None:
    statement = read("ofx_comma_amounts.ofx")
    assert statement.currency == "EUR"
    assert statement.account_key == "30004/00010123456"
    assert statement.warnings == ()
    assert summary(statement) == [
        (
            date(2026, 10, 2),
            Decimal("-12.50"),
            "CB BOULANGERIE PÂTISSERIE",
            "CARTE 4974XXXXXXXX1234 02/10",
            "1B4A2026100200012",
        ),
        (
            date(2026, 10, 6),
            Decimal("-1234.56"),
            "PRLV SEPA MÜLLER GMBH",
            "Loyer octobre",
            "1B4A2026100600034",
        ),
        (date(2026, 10, 10), Decimal("980.00"), "VIR SEPA CAF", "", "1B4A2026101000056"),
    ]


def test_header_without_charset_and_no_blank_line_before_the_body() -> None:
    statement = read("ofx1_missing_header_fields.ofx")
    assert statement.warnings == ()
    assert statement.account_key == "0260/123-4"
    assert summary(statement) == [
        (
            date(2026, 10, 3),
            Decimal("-35.90"),
            "Compra no débito - Padaria São João",
            "",
            "6512d1f0-aa1b-4c7e-9b0e-1f2a3b4c5d6e",
        )
    ]


def test_usascii_header_with_windows_bytes_and_bad_lines() -> None:
    statement = read("ofx1_usascii_nonascii.ofx")
    assert statement.warnings == (
        "The file's characters are not in the encoding its header names (UTF-8 when it names "
        "none); they were read as cp1252.",
    )
    first, no_amount, no_date = statement.lines
    assert (first.amount, first.payee, first.error) == (Decimal("-4.125"), "BÜRO SUPPLY €", None)
    assert no_amount.amount is None and no_amount.date == date(2026, 10, 5)
    assert no_amount.error is not None and "TRNAMT" in no_amount.error
    assert no_date.date is None and no_date.amount == Decimal("-1.500")
    assert no_date.error is not None and "DTPOSTED" in no_date.error
    assert no_amount.bank_ref == "K2" and no_date.bank_ref == "K3"


@pytest.mark.parametrize("newline", [b"\r\n", b"\n", b"\r"])
@pytest.mark.parametrize("blank_lines", [0, 1, 12])
def test_header_line_endings_and_leading_blank_lines(newline: bytes, blank_lines: int) -> None:
    content = (FIXTURES / "ofx_comma_amounts.ofx").read_bytes().replace(b"\n", newline)
    statement = read_ofx(newline * blank_lines + content)
    assert [line.amount for line in statement.lines] == [
        Decimal("-12.50"),
        Decimal("-1234.56"),
        Decimal("980.00"),
    ]


def test_body_without_any_header_reads_with_a_warning() -> None:
    content = (FIXTURES / "ofx_comma_amounts.ofx").read_bytes()
    statement = read_ofx(content[content.index(b"<OFX>") :])
    assert len(statement.lines) == 3
    assert statement.warnings[-1] == "The file has no OFX header; its <OFX> section was read as is."
    assert statement.lines[1].payee == "PRLV SEPA MÜLLER GMBH"  # Latin-1 bytes, no header


def test_header_inside_a_comment_and_lowercase_tags() -> None:
    content = (FIXTURES / "ofx1_missing_header_fields.ofx").read_bytes()
    content = b"<!--\n" + content.replace(b"<OFX>", b"-->\n<OFX>").replace(b"<TRNAMT>", b"<trnamt>")
    statement = read_ofx(content)
    assert statement.lines[0].amount == Decimal("-35.90")


def test_same_account_twice_reads_all_lines() -> None:
    statement = read("ofx_same_account_twice.ofx")
    assert statement.account_key == "021000021/111"
    assert [(line.number, line.bank_ref) for line in statement.lines] == [(1, "1A"), (2, "2A")]


def test_two_accounts_are_refused() -> None:
    with pytest.raises(UnreadableFile, match="2 different accounts"):
        read("ofx_two_accounts.ofx")


@pytest.mark.parametrize(
    "content",
    [b"Date,Amount\n2026-10-01,-3.00\n", b"OFXHEADER:100\nDATA:OFXSGML\n", b"\x00\x01\x02"],
)
def test_not_ofx_is_refused(content: bytes) -> None:
    with pytest.raises(UnreadableFile, match="not an OFX file"):
        read_ofx(content)


def test_investment_statement_is_refused() -> None:
    content = b"OFXHEADER:100\n\n<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><CURDEF>USD"
    content += b"</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>"
    with pytest.raises(UnreadableFile, match="investment statement"):
        read_ofx(content)


def test_ofx_without_statement_is_refused() -> None:
    with pytest.raises(UnreadableFile, match="no bank or credit-card statement"):
        read_ofx(b"<OFX><SIGNONMSGSRSV1><SONRS><CODE>0</SONRS></SIGNONMSGSRSV1></OFX>")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20261003120000.000[-5:EST]", date(2026, 10, 3)),
        ("20261003", date(2026, 10, 3)),
        ("20261003235959[+9:JST]", date(2026, 10, 3)),  # the bank's date, not converted
        ("20261332", None),
        ("2026-10-03", None),
        ("", None),
    ],
)
def test_ofx_dates(text: str, expected: date | None) -> None:
    assert ofx_date(text) == expected
