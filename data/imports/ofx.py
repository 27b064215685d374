"""OFX and QFX statements (OFX 1.x SGML, 2.x XML) read into a `Statement`.

ofx_tree.py gives the element tree; this walks it leniently: every bank (STMTRS) and credit-card
(CCSTMTRS) statement, every STMTTRN in it, whatever else the bank adds (INTU.BID, private tags,
no LEDGERBAL) ignored. A transaction without a readable TRNAMT or DTPOSTED is kept with an
`error`; ofxtools' strict `convert()` would refuse the whole file instead.

Per line: date = DTPOSTED's date as the bank wrote it (its time and zone dropped, not converted),
amount = TRNAMT exactly (3 or 5 decimals kept, comma decimals read), payee = NAME, else
PAYEE/NAME, else MEMO (the memo then left empty), memo = MEMO with CHECKNUM appended,
bank_ref = FITID exactly as written.

Several statements in one file are read into one Statement when they are of the same account;
statements of different accounts are refused (UnreadableFile): the import puts one file into
one account, and silently taking only the first would drop lines unseen.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from data.imports.ofx_tree import read_ofx_tree
from data.imports.statement import Statement, StatementLine, UnreadableFile
from data.imports.values import clean_text, parse_amount, with_number

_STATEMENT_TAGS = ("STMTRS", "CCSTMTRS")
_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})")


def read_ofx(content: bytes, *, qfx: bool = False) -> Statement:
    """The statement of an OFX/QFX file; format "qfx" when `qfx` or the file has INTU. tags.

    UnreadableFile when the file is not OFX, holds no bank or card statement (an investment
    statement, say), or holds statements of several accounts.
    """
    document = read_ofx_tree(content)
    statements = [node for node in document.root.iter() if node.tag in _STATEMENT_TAGS]
    if not statements:
        if document.root.find(".//INVSTMTRS") is not None:
            raise UnreadableFile(
                "This OFX file is an investment statement; only bank and credit-card "
                "statements can be imported."
            )
        raise UnreadableFile("The OFX file holds no bank or credit-card statement.")
    accounts = {_account_key(node) for node in statements}
    if len(accounts) > 1:
        raise UnreadableFile(
            f"The OFX file holds statements of {len(accounts)} different accounts. Export "
            "each account to its own file and import them one at a time."
        )
    transactions = [trn for node in statements for trn in node.iter("STMTTRN")]
    lines = tuple(_line(number, trn) for number, trn in enumerate(transactions, start=1))
    currencies = [_text(node, "CURDEF").upper() for node in statements if _text(node, "CURDEF")]
    is_qfx = qfx or any(node.tag.startswith("INTU.") for node in document.root.iter())
    return Statement(
        format="qfx" if is_qfx else "ofx",
        lines=lines,
        currency=currencies[0] if currencies else None,
        account_key=accounts.pop(),
        warnings=document.warnings,
    )


def _account_key(statement: ET.Element) -> str | None:
    """BANKID/ACCTID for a bank account, ACCTID for a card (or a bank file without BANKID)."""
    account = statement.find("BANKACCTFROM")
    if account is None:
        account = statement.find("CCACCTFROM")
    if account is None:
        return None
    bank_id, account_id = _text(account, "BANKID"), _text(account, "ACCTID")
    if not account_id:
        return None
    return f"{bank_id}/{account_id}" if bank_id else account_id


def _line(number: int, trn: ET.Element) -> StatementLine:
    """One STMTTRN as a statement line, with an error when its amount or date is unreadable."""
    raw_amount, raw_date = _text(trn, "TRNAMT"), _text(trn, "DTPOSTED")
    amount = parse_amount(raw_amount) if raw_amount else None
    posted = ofx_date(raw_date)
    payee = clean_text(_text(trn, "NAME")) or clean_text(_text(trn, "PAYEE/NAME"))
    memo = clean_text(_text(trn, "MEMO"))
    if not payee:
        payee, memo = memo, ""
    problems = []
    if amount is None:
        problems.append("its amount (TRNAMT) is missing or not a number")
    if posted is None:
        problems.append("its date (DTPOSTED) is missing or not a date")
    return StatementLine(
        number=number,
        date=posted,
        amount=amount,
        payee=payee,
        memo=with_number(memo, _text(trn, "CHECKNUM")),
        bank_ref=_text(trn, "FITID") or None,
        error=f"This line cannot be imported: {' and '.join(problems)}." if problems else None,
        source=tuple(
            f"{leaf.tag}: {(leaf.text or '').strip()}"
            for leaf in trn.iter()
            if (leaf.text or "").strip()
        ),
    )


def ofx_date(text: str) -> date | None:
    """The calendar date of an OFX datetime ("20261003", "20261003120000.000[-5:EST]")."""
    match = _DATE.match(text)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _text(node: ET.Element, path: str) -> str:
    """The stripped text of the first element at `path` under `node`, "" when absent."""
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""
