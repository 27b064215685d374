"""Format detection and dispatch (data/imports/detect.py): content decides, the name only tells
QFX; what is clearly not a statement is refused with what it seems to be."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.imports.detect import (
    MAX_IMPORT_BYTES,
    NeedsCsvMapping,
    detect_format,
    read_statement,
)
from data.imports.statement import UnreadableFile

FIXTURES = Path(__file__).parent / "fixtures" / "import"


@pytest.mark.parametrize(
    ("name", "file_name", "expected"),
    [
        ("ofx1_sgml_checking.ofx", "export.ofx", "qfx"),  # INTU.BID inside
        ("ofx2_xml_checking.ofx", "export.ofx", "ofx"),
        ("ofx2_xml_checking.ofx", "EXPORT.QFX", "qfx"),  # the name tells QFX
        ("ofx_comma_amounts.ofx", "", "ofx"),
        ("ofx1_missing_header_fields.ofx", "statement.txt", "ofx"),  # content, not name
        ("qfx_creditcard.qfx", "", "qfx"),
        ("qif_bank_split.qif", "", "qif"),  # starts with !Option, then !Type:Cat
        ("qif_ccard.qif", "x.csv", "qif"),  # UTF-8 BOM
        ("camt053_001_02.xml", "", "camt053"),
        ("camt053_001_08.xml", "", "camt053"),
        ("camt_xxe.xml", "", "camt053"),  # refused by the parser, see below
    ],
)
def test_detection_table(name: str, file_name: str, expected: str) -> None:
    assert detect_format((FIXTURES / name).read_bytes(), file_name) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"Date;Betrag;Verwendungszweck\r\n01.10.2026;-12,50;Miete\r\n",
        "Datum,Empfänger\n".encode("cp1252"),
        b"\xef\xbb\xbfDate,Amount\n",
        "Date\tAmount\n".encode("utf-16"),  # Excel's "Unicode text": NULs, but a BOM
    ],
)
def test_everything_else_textual_is_csv(content: bytes) -> None:
    assert detect_format(content, "statement.csv") == "csv"
    with pytest.raises(NeedsCsvMapping):
        read_statement(content, "statement.csv")


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ((FIXTURES / "fake.pdf").read_bytes(), "a PDF document"),
        ((FIXTURES / "statement.xlsx").read_bytes(), "Excel/OpenDocument spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"\x00\x00\x00\x18ftypheic", "a photo"),
        (b"ELF\x00\x01\x02binary\x00\x00", "a binary file"),
        (b"<!DOCTYPE html><html><body><table>", "web page (HTML)"),
        ((FIXTURES / "not_a_statement.xml").read_bytes(), "an XML file that is not a CAMT.053"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"/>', "CAMT.054"),
    ],
)
def test_not_statements_are_refused_naming_what_they_seem(content: bytes, what: str) -> None:
    with pytest.raises(UnreadableFile) as refused:
        detect_format(content, "upload.bin")
    message = str(refused.value)
    assert what in message
    assert "INV-2026" not in message and "Invoice" not in message


def test_accepted_formats_are_named_in_refusals() -> None:
    with pytest.raises(UnreadableFile, match="CSV, OFX/QFX, QIF and CAMT.053"):
        detect_format((FIXTURES / "fake.pdf").read_bytes())


@pytest.mark.parametrize("content", [b"", b"  \r\n\n"])
def test_empty_file(content: bytes) -> None:
    with pytest.raises(UnreadableFile, match="^The file is empty.$"):
        detect_format(content)


def test_too_big_says_the_limit_in_mb() -> None:
    with pytest.raises(UnreadableFile, match="20 MB"):
        detect_format(b"a" * (MAX_IMPORT_BYTES + 1))
    assert detect_format(b"a,b\n" + b"1" * (MAX_IMPORT_BYTES - 4)) == "csv"


@pytest.mark.parametrize(
    ("name", "file_name", "format_", "lines"),
    [
        ("ofx2_xml_checking.ofx", "a.qfx", "qfx", 3),
        ("ofx_comma_amounts.ofx", "a.ofx", "ofx", 3),
        ("qif_ccard.qif", "a.qif", "qif", 4),
        ("camt053_001_08.xml", "a.xml", "camt053", 4),
    ],
)
def test_read_statement_dispatches(name: str, file_name: str, format_: str, lines: int) -> None:
    statement = read_statement((FIXTURES / name).read_bytes(), file_name)
    assert (statement.format, len(statement.lines)) == (format_, lines)


@pytest.mark.parametrize("name", ["camt_xxe.xml", "camt_bomb.xml"])
def test_read_statement_refuses_hostile_xml_without_its_content(name: str) -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_statement((FIXTURES / name).read_bytes(), name)
    assert "entities" in str(refused.value)
    assert "passwd" not in str(refused.value) and "lol" not in str(refused.value)
