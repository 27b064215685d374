"""CAMT.053 reading (data/imports/camt.py, camt_entry.py): versions .02 and .08, statuses,
batches, references, and hostile XML refused without a word of its content."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from data.imports.camt import ENTITIES_REFUSED, read_camt053
from data.imports.statement import Statement, UnreadableFile

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def read(name: str) -> Statement:
    return read_camt053((FIXTURES / name).read_bytes())


def rows(statement: Statement) -> list[tuple[object, ...]]:
    return [
        (line.number, line.date, line.amount, line.payee, line.memo, line.bank_ref)
        for line in statement.lines
    ]


def test_camt053_001_02() -> None:
    statement = read("camt053_001_02.xml")
    assert (statement.format, statement.currency) == ("camt053", "EUR")
    assert statement.account_key == "DE89370400440532013000"
    assert statement.warnings == ()
    assert rows(statement)[:2] == [
        (
            1,
            date(2026, 10, 1),
            Decimal("-89.90"),
            "Stadtwerke München GmbH",
            "Abschlag Strom/Gas Oktober 2026 Vertragskonto 4711 0815",
            "2026100105432110000",
        ),
        (
            2,
            date(2026, 10, 1),
            Decimal("2450.00"),
            "Müller & Söhne KG",  # the debtor of a credit
            "Gehalt Oktober 2026",
            "2026100105432120000",
        ),
    ]
    assert all(line.skipped is None for line in statement.lines if line.number != 3)


def test_pending_entry_is_kept_as_skipped() -> None:
    pending = read("camt053_001_02.xml").lines[2]
    assert pending.skipped == "pending at the bank"
    assert pending.error is None
    assert (pending.date, pending.amount, pending.payee) == (
        date(2026, 10, 4),  # its value date: a pending entry has no booking date
        Decimal("-25.00"),
        "Bäckerei Kühn",
    )


def test_batched_entry_is_one_line_per_transaction() -> None:
    statement = read("camt053_001_02.xml")
    assert rows(statement)[3:6] == [
        (
            4,
            date(2026, 10, 2),
            Decimal("-50.00"),
            "Turnverein Grün-Weiß e.V.",
            "Mitgliedsbeitrag 2026",
            "2026100205432130000/1",
        ),
        (
            5,
            date(2026, 10, 2),
            Decimal("-70.00"),
            "Musikschule Fürth",
            "Gitarrenunterricht Oktober",
            "2026100205432130002",  # the transaction's own reference
        ),
        (
            6,
            date(2026, 10, 2),
            Decimal("-30.00"),
            "Förderverein Grundschule",
            "Spende",
            "2026100205432130000/3",
        ),
    ]


def test_no_bank_reference_and_endtoendid_is_not_one() -> None:
    fee = read("camt053_001_02.xml").lines[6]
    assert fee.bank_ref is None  # only EndToEndId NOTPROVIDED
    assert (fee.amount, fee.payee, fee.memo) == (
        Decimal("-7.95"),
        "",
        "Entgelt Kontoführung 09/2026",  # AddtlNtryInf as the fallback memo
    )
    assert read("camt053_001_02.xml").lines[1].bank_ref != "NOTPROVIDED"


def test_unreadable_amount_is_a_line_error() -> None:
    bad = read("camt053_001_02.xml").lines[7]
    assert bad.amount is None and bad.bank_ref == "2026100405432150000"
    assert bad.error is not None and "Amt" in bad.error


def test_camt053_001_08_two_statements_of_one_account() -> None:
    statement = read("camt053_001_08.xml")
    assert (statement.currency, statement.account_key) == ("CHF", "CH9300762011623852957")
    assert rows(statement) == [
        (
            1,
            date(2026, 10, 6),  # DtTm: the date as written
            Decimal("-64.30"),
            "Zürcher Kantonalbank – Kreditkarten",  # Cdtr/Pty/Nm
            "210000000003139471430009017",  # structured creditor reference
            "CH-NTRY-0001",  # NtryRef when there is no AcctSvcrRef
        ),
        (
            2,
            date(2026, 10, 7),
            Decimal("120.00"),
            "Migros Genossenschafts-Bund",
            "Rückbuchung Lastschrift",
            "20261007-CH-0042",
        ),
        # Two TxDtls of 40.00 do not add up to 90.00: the entry stays one line.
        (3, date(2026, 10, 7), Decimal("-90.00"), "", "Sammelauftrag", "20261007-CH-0043"),
        (4, date(2026, 10, 8), Decimal("-12.00"), "", "Kartenzahlung Coop Pronto", None),
    ]
    assert [line.skipped for line in statement.lines] == [None, None, None, "pending at the bank"]
    assert len(statement.warnings) == 1 and "reversal" in statement.warnings[0]


def test_other_version_and_misspelt_namespace() -> None:
    content = (FIXTURES / "camt053_001_02.xml").read_bytes()
    for namespace in (b"iso:20022:tech:xsd:camt.053.001.13", b"iso:20023:tech:xsd:camt.053.001.02"):
        changed = content.replace(b"iso:20022:tech:xsd:camt.053.001.02", namespace)
        assert len(read_camt053(changed).lines) == 8


def test_entry_in_another_currency_is_an_error() -> None:
    content = (FIXTURES / "camt053_001_02.xml").read_bytes()
    content = content.replace(
        b'<Amt Ccy="EUR">89.90</Amt>\n        <CdtDbtInd>',
        b'<Amt Ccy="USD">89.90</Amt>\n        <CdtDbtInd>',
        1,
    )
    line = read_camt053(content).lines[0]
    assert line.amount is None
    assert (
        line.error
        == "This line cannot be imported: its amount is in USD, not in the account's EUR."
    )


def test_statements_of_two_accounts_are_refused() -> None:
    content = (FIXTURES / "camt053_001_08.xml").read_bytes()
    content = content.replace(b"CH93 0076 2011 6238 5295 7", b"CH5604835012345678009", 1)
    with pytest.raises(UnreadableFile, match="2 different accounts"):
        read_camt053(content)


@pytest.mark.parametrize("name", ["camt_xxe.xml", "camt_bomb.xml"])
def test_hostile_xml_is_refused_without_its_content(name: str) -> None:
    with pytest.raises(UnreadableFile) as refused:
        read(name)
    message = str(refused.value)
    assert message == ENTITIES_REFUSED
    for word in ("passwd", "lol", "etc", "xxe", "DE8937"):
        assert word not in message
    # The parser's exception (naming the entity and its target) is not chained into logs.
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_a_dtd_without_entities_is_refused_too() -> None:
    content = b'<?xml version="1.0"?><!DOCTYPE Document SYSTEM "camt.dtd"><Document/>'
    with pytest.raises(UnreadableFile, match="entities"):
        read_camt053(content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ((FIXTURES / "not_a_statement.xml").read_bytes(), "not a CAMT.053 bank statement"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"/>',
            "CAMT.052 file",
        ),
        (b"<Document><BkToCstmrStmt>", "not well-formed XML"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/>'
            b"</Document>",
            "holds no statement",
        ),
    ],
)
def test_other_xml_is_refused(content: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        read_camt053(content)
