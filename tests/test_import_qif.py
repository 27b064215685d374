"""QIF reading (data/imports/qif.py, qif_dates.py): fields, splits, transfers, the file-wide
day/month order, and the sections it refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from data.imports.qif import read_qif
from data.imports.qif_dates import DAY_FIRST, MONTH_FIRST, decide_order, qif_date
from data.imports.statement import StatementSplit, UnreadableFile

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def qif(*records: str, header: str = "!Type:Bank") -> bytes:
    return "\n".join([header, *(f"{record}\n^" for record in records)]).encode()


def test_bank_file_lines() -> None:
    statement = read_qif((FIXTURES / "qif_bank_split.qif").read_bytes())
    assert statement.format == "qif"
    assert statement.currency is None and statement.account_key is None
    rows = [
        (line.date, line.amount, line.payee, line.memo, line.category, line.bank_ref)
        for line in statement.lines
    ]
    assert rows == [
        (
            date(2026, 10, 1),
            Decimal("-1234.56"),
            "Greenfield Property Mgmt",
            "October rent (check 1043)",
            "Housing:Rent",
            None,
        ),
        (
            date(2026, 10, 3),
            Decimal("-182.40"),
            "Costco Wholesale #1182",
            "Weekly shop",
            "Food:Groceries",
            None,
        ),
        (
            date(2026, 10, 5),
            Decimal("-500.00"),
            "Transfer to savings",
            "transfer to Savings",
            None,
            None,
        ),
        (date(2026, 10, 15), Decimal("2500.00"), "ACME Corp Payroll", "", "Salary", None),
        (date(2026, 10, 17), Decimal("-75.00"), "Café Müller", "", None, None),
        (
            date(2026, 10, 20),
            Decimal("250.00"),
            "From savings",
            "transfer from Savings",
            None,
            None,
        ),
    ]
    # The category list before the transactions is skipped, with a word.
    assert len(statement.warnings) == 1 and "skipped" in statement.warnings[0]
    assert statement.lines[0].source[0] == "D10/ 1'26"


def test_split_line_sums_to_its_total() -> None:
    line = read_qif((FIXTURES / "qif_bank_split.qif").read_bytes()).lines[1]
    assert line.error is None
    assert line.splits == (
        StatementSplit(Decimal("-120.00"), "Food:Groceries", "Food"),
        StatementSplit(Decimal("-42.40"), "Household", "Cleaning supplies"),
        StatementSplit(Decimal("-20.00"), None, "Gift card to savings; transfer to Savings"),
    )
    assert sum(split.amount for split in line.splits) == line.amount


def test_split_that_does_not_add_up_is_an_error_of_that_line_only() -> None:
    statement = read_qif((FIXTURES / "qif_bank_split.qif").read_bytes())
    bad = statement.lines[4]
    assert bad.error == (
        "This line cannot be imported: its split amounts add up to -70.00, not to its amount "
        "-75.00."
    )
    assert [line.number for line in statement.lines if line.error] == [5]


def test_credit_card_day_first_bom_and_last_record_without_caret() -> None:
    statement = read_qif((FIXTURES / "qif_ccard.qif").read_bytes())
    assert statement.warnings == ()
    assert [(line.date, line.amount, line.payee) for line in statement.lines] == [
        (date(2026, 10, 1), Decimal("-45.99"), "TESCO STORES 2041"),
        (date(2026, 10, 13), Decimal("-12.00"), "TfL TRAVEL CH"),
        (date(2026, 10, 28), Decimal("300.00"), "PAYMENT RECEIVED – THANK YOU"),
        (date(2026, 10, 30), Decimal("-4.50"), "PRET A MANGER"),
    ]
    assert statement.lines[0].memo == "Contactless" and statement.lines[0].category == "Groceries"


def test_order_is_decided_for_the_whole_file_never_per_row() -> None:
    # 03/04 alone could be either; 25/04 makes the whole file day-first: 3 April, not 4 March.
    statement = read_qif(qif("D03/04/2026\nT-1.00\nPA", "D25/04/2026\nT-2.00\nPB"))
    assert [line.date for line in statement.lines] == [date(2026, 4, 3), date(2026, 4, 25)]
    assert statement.warnings == ()


def test_ambiguous_slashes_read_month_first_with_a_warning() -> None:
    statement = read_qif(qif("D10/1/26\nT-1.00", "D10/01/2026\nT-2.00"))
    assert [line.date for line in statement.lines] == [date(2026, 10, 1), date(2026, 10, 1)]
    assert "month-first" in statement.warnings[0]


def test_ambiguous_dots_read_day_first_with_a_warning() -> None:
    statement = read_qif(qif("D01.10.2026\nT-1.00", "D02.10.2026\nT-2.00"))
    assert [line.date for line in statement.lines] == [date(2026, 10, 1), date(2026, 10, 2)]
    assert "day-first" in statement.warnings[0]


def test_contradicting_dates_mark_the_lines_that_do_not_fit() -> None:
    statement = read_qif(qif("D13/10/2026\nT-1.00", "D14/10/2026\nT-1.00", "D10/15/2026\nT-1.00"))
    assert [line.date for line in statement.lines] == [date(2026, 10, 13), date(2026, 10, 14), None]
    assert statement.lines[2].error is not None and "date" in statement.lines[2].error
    assert "mix day-first and month-first" in statement.warnings[0]


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("10/ 1'26", MONTH_FIRST, date(2026, 10, 1)),
        ("3/11' 2", MONTH_FIRST, date(2002, 3, 11)),
        ("10/ 1/98", MONTH_FIRST, date(1998, 10, 1)),
        ("28.02'2009", DAY_FIRST, date(2009, 2, 28)),
        ("10/1/26", MONTH_FIRST, date(2026, 10, 1)),
        ("10/1/26", DAY_FIRST, date(2026, 1, 10)),
        ("2026-10-01", DAY_FIRST, date(2026, 10, 1)),
        ("26 Oct 2026", MONTH_FIRST, date(2026, 10, 26)),
        ("31/02/2026", DAY_FIRST, None),
        ("yesterday", MONTH_FIRST, None),
    ],
)
def test_qif_dates(text: str, order: str, expected: date | None) -> None:
    assert qif_date(text, order) == expected


def test_iso_and_named_dates_need_no_order() -> None:
    assert decide_order(["2026-10-01", "26 Oct 2026"]) == (MONTH_FIRST, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-1,234.56", Decimal("-1234.56")), ("1,234", Decimal("1234")), ("-12,50", Decimal("-12.50"))],
)
def test_amounts(text: str, expected: Decimal) -> None:
    assert read_qif(qif(f"D10/01/2026\nT{text}")).lines[0].amount == expected


def test_u_amount_when_t_is_missing_and_errors_per_line() -> None:
    statement = read_qif(qif("D10/01/2026\nU-3.10", "D10/02/2026\nTabc", "Dnever\nT1.00"))
    assert statement.lines[0].amount == Decimal("-3.10") and statement.lines[0].error is None
    assert statement.lines[1].amount is None and "amount" in (statement.lines[1].error or "")
    assert statement.lines[2].date is None and "date" in (statement.lines[2].error or "")


def test_unreadable_split_amount() -> None:
    line = read_qif(qif("D10/01/2026\nT-3.00\nSFood\n$x")).lines[0]
    assert line.error is not None and "split" in line.error


def test_cash_and_cp1252() -> None:
    content = "!Type:Cash\nD10/01/2026\nT-3.00\nPBäckerei\n^\n".encode("cp1252")
    assert read_qif(content).lines[0].payee == "Bäckerei"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"!Type:Invst\nD10/01/2026\nNBuy\nYACME\n^\n", "investment account"),
        (b"!Type:Bank\nD10/01/2026\nT1\n^\n!Type:CCard\nD10/01/2026\nT1\n^\n", "2 accounts"),
        (b"!Type:Weird\n^\n", "does not know"),
        (b"!Type:Cat\nNFood\n^\n", "no bank, cash or credit-card"),
        (b"Date,Amount\n", "not a QIF file"),
    ],
)
def test_refused_files(content: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        read_qif(content)


def test_account_list_before_transactions_is_skipped() -> None:
    content = b"!Account\nNChecking\nTBank\n^\n!Type:Bank\nD10/01/2026\nT-1.00\nPX\n^\n"
    statement = read_qif(content)
    assert [line.payee for line in statement.lines] == ["X"]
    assert "skipped" in statement.warnings[0]
