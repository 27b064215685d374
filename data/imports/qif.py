"""QIF (Quicken Interchange Format) bank, cash and credit-card files read into a `Statement`.

Sections: `!Type:Bank`, `!Type:CCard`, `!Type:Cash` and Quicken's other asset/liability
accounts `!Type:Oth A` / `!Type:Oth L` (the same record layout) are read. `!Type:Invst` is
refused (investment records hold shares and prices, not account lines). Category, class and
memorized lists (`!Type:Cat`, `!Type:Class`, `!Type:Memorized`, ...) and `!Account` blocks
are skipped with a warning; `!Option`/`!Clear` switches are ignored. Transactions of more than
one account in a file are refused: one import goes into one account.

Fields: D date (order decided per file, qif_dates.py), T amount (U when T is missing),
P payee, M memo, N number (appended to the memo: "check 1042"), L category, kept as written
("Food:Groceries"). A category in brackets, `[Savings]`, is a transfer to or from that account:
the line's category is None and its memo says "transfer to Savings" (money out) or "transfer
from Savings" (money in), so matching never mistakes an account for a category. S/E/$ lines
are splits (category, memo, amount; bracketed split categories likewise); split amounts must
add up to T exactly, else the line gets an error. C (cleared), A (address) and other fields
are kept in the line's source only. `^` ends a record; a last record without one still counts.
"""

from __future__ import annotations

import re
from decimal import Decimal

from data.imports.qif_dates import decide_order, qif_date
from data.imports.statement import Statement, StatementLine, StatementSplit, UnreadableFile
from data.imports.values import parse_amount, with_number

_ACCOUNT_TYPES = ("bank", "ccard", "cash", "oth a", "oth l")
_LIST_TYPES = ("cat", "class", "memorized", "prices", "security", "template", "budget")
_TRANSFER = re.compile(r"\[(.+?)\](/.*)?")
Record = list[tuple[str, str]]


def read_qif(content: bytes) -> Statement:
    """The statement of a QIF file; UnreadableFile when it is not QIF, is an investment
    account, or holds several accounts' transactions."""
    records, warnings = _records(_decode(content))
    order, date_warning = decide_order(
        value for record in records for code, value in record if code == "D"
    )
    if date_warning:
        warnings.append(date_warning)
    lines = tuple(_line(number, record, order) for number, record in enumerate(records, 1))
    return Statement(format="qif", lines=lines, warnings=tuple(warnings))


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252 (Quicken on Windows), else Latin-1; UTF-16
    when it starts with its byte-order mark."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", "replace")
    for codec in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(codec)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _records(text: str) -> tuple[list[Record], list[str]]:
    """The transaction records of the file's one account section, and warnings."""
    records: list[Record] = []
    warnings: set[str] = set()
    section: str | None = None
    sections = 0
    current: Record = []
    for raw in [*text.splitlines(), "^"]:
        line = raw.strip()
        if line.startswith("!"):
            section = _section(line[1:].strip().lower(), section)
            sections += section == "txn" and line[1:].strip().lower().startswith("type:")
            if section == "skip":
                warnings.add(_SKIPPED)
            current = []
        elif line.startswith("^"):
            if section == "txn" and current:
                records.append(current)
            current = []
        elif line and section is None:
            raise UnreadableFile("This is not a QIF file: it does not start with a !Type: line.")
        elif line and section == "txn":
            current.append((line[0].upper(), line[1:].strip()))
    if sections == 0:
        raise UnreadableFile("The QIF file holds no bank, cash or credit-card transactions.")
    if sections > 1:
        raise UnreadableFile(
            f"The QIF file holds transactions of {sections} accounts. Export each account to "
            "its own file and import them one at a time."
        )
    return records, sorted(warnings)


_SKIPPED = (
    "The file's account, category or memorized-transaction lists were skipped; only its "
    "transactions are read."
)


def _section(header: str, current: str | None) -> str | None:
    """What follows a `!` line: "txn" (transactions), "skip" (lists), or the current section
    for switches (!Option, !Clear). UnreadableFile for investment and unknown sections."""
    if header.startswith(("option", "clear")):
        return current
    if header == "account":
        return "skip"
    kind = header.removeprefix("type:").strip() if header.startswith("type:") else None
    if kind in _ACCOUNT_TYPES:
        return "txn"
    if kind in _LIST_TYPES:
        return "skip"
    if kind == "invst":
        raise UnreadableFile(
            "This QIF file is an investment account (!Type:Invst); only bank, cash and "
            "credit-card accounts can be imported."
        )
    raise UnreadableFile(
        "The QIF file has a section this import does not know; it reads !Type:Bank, "
        "!Type:CCard and !Type:Cash."
    )


def _line(number: int, record: Record, order: str) -> StatementLine:
    """One record as a statement line; its problems (date, amount, splits) as its error."""
    fields: dict[str, str] = {}
    for code, value in record:
        fields.setdefault(code, value)
    raw_amount = fields.get("T") or fields.get("U", "")
    amount = parse_amount(raw_amount, lone_comma_is_decimal=False) if raw_amount else None
    posted = qif_date(fields.get("D", ""), order)
    category, memo = _category(fields.get("L", ""), fields.get("M", ""), amount)
    splits, split_problem = _splits(record)
    problems = []
    if posted is None:
        problems.append("its date (D) is missing or not a date")
    if amount is None:
        problems.append("its amount (T) is missing or not a number")
    if split_problem:
        problems.append(split_problem)
    elif splits and amount is not None and sum(s.amount for s in splits) != amount:
        total = sum(s.amount for s in splits)
        problems.append(f"its split amounts add up to {total}, not to its amount {amount}")
    return StatementLine(
        number=number,
        date=posted,
        amount=amount,
        payee=" ".join(fields.get("P", "").split()),
        memo=with_number(memo, fields.get("N", "")),
        category=category,
        splits=splits,
        error=f"This line cannot be imported: {'; '.join(problems)}." if problems else None,
        source=tuple(code + value for code, value in record),
    )


def _splits(record: Record) -> tuple[tuple[StatementSplit, ...], str | None]:
    """The record's S/E/$ splits, or a problem when a split's amount is unreadable."""
    parts: list[dict[str, str]] = []
    for code, value in record:
        if code == "S" or (code in "E$" and not parts):
            parts.append({})
        if code in "SE$":
            parts[-1][code] = value
    splits = []
    for part in parts:
        amount = parse_amount(part.get("$", ""), lone_comma_is_decimal=False)
        if amount is None:
            return (), "a split's amount ($) is missing or not a number"
        category, memo = _category(part.get("S", ""), part.get("E", ""), amount)
        splits.append(StatementSplit(amount=amount, category=category, memo=memo))
    return tuple(splits), None


def _category(text: str, memo: str, amount: Decimal | None) -> tuple[str | None, str]:
    """(category, memo): a bracketed `[Account]` is a transfer, named in the memo instead."""
    transfer = _TRANSFER.fullmatch(text.strip())
    if transfer is None:
        return (text.strip() or None), memo
    direction = "with" if amount is None else "to" if amount < 0 else "from"
    note = f"transfer {direction} {transfer.group(1).strip()}"
    return None, f"{memo}; {note}" if memo else note
