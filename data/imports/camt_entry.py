"""One CAMT.053 entry (Ntry, namespaces already stripped) as statement lines.

Status: `BOOK` is booked; `PDNG` becomes a line with `skipped="pending at the bank"` and
`INFO` one skipped as information only; .08+ writes `<Sts><Cd>BOOK</Cd></Sts>`. A missing Sts
counts as booked. Amount: Amt with CdtDbtInd (DBIT negative, CRDT positive); an amount in
another currency than the account's is an error of that line. Date: BookgDt (Dt or DtTm, the
date as written), else ValDt.

bank_ref: the bank's own references only: Ntry/AcctSvcrRef, else Ntry/NtryRef, else the single
transaction's Refs/AcctSvcrRef. Never EndToEndId: the payer sets it, so two different payments
can share one ("NOTPROVIDED" is the common case), and a reference that is not unique would
make the import drop a real line as a duplicate. A line without a bank reference is matched by
date, amount and payee instead.

Batched entries (NtryDtls with several TxDtls) become one line per TxDtls when every TxDtls has
its own amount and they add up to the entry's amount; their bank_ref is the transaction's
AcctSvcrRef, else the entry's reference with "/1", "/2" ... (stable for the same file). When the
amounts are missing or do not add up, the entry is one line: nothing is invented.

Payee: for a debit the creditor (RltdPties/Cdtr/Nm, .08+ Cdtr/Pty/Nm), for a credit the debtor.
Memo: the RmtInf/Ustrd texts joined, else the structured reference, else AddtlTxInf, else the
entry's AddtlNtryInf.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal, InvalidOperation

from data.imports.statement import StatementLine

_SKIPPED = {"PDNG": "pending at the bank", "INFO": "information only, not booked by the bank"}
_SIGNS = {"DBIT": Decimal(-1), "CRDT": Decimal(1)}
_SOURCE_PATHS = ("Sts", "Sts/Cd", "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "Amt", "CdtDbtInd")


def entry_lines(entry: ET.Element, currency: str | None, first_number: int) -> list[StatementLine]:
    """The entry's lines, numbered from `first_number`."""
    amount, problem = _signed_amount(entry, entry, currency)
    details = entry.findall("NtryDtls/TxDtls")
    ref = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    batch = _batch_amounts(entry, details, amount, currency)
    if batch is None:
        single = details[0] if len(details) == 1 else None
        if single is not None:
            ref = ref or _text(single, "Refs/AcctSvcrRef")
        return [_line(first_number, entry, single, (amount, problem), ref)]
    return [
        _line(
            first_number + index,
            entry,
            detail,
            (part, None),
            _text(detail, "Refs/AcctSvcrRef") or (f"{ref}/{index + 1}" if ref else None),
        )
        for index, (detail, part) in enumerate(zip(details, batch, strict=True))
    ]


def _line(
    number: int,
    entry: ET.Element,
    detail: ET.Element | None,
    amount: tuple[Decimal | None, str | None],
    ref: str | None,
) -> StatementLine:
    status = (_text(entry, "Sts/Cd") or _text(entry, "Sts")).upper()
    skipped = _SKIPPED.get(status)
    booked = _date(entry)
    problems = [amount[1]] if amount[1] else []
    if booked is None:
        problems.append("its booking date (BookgDt) is missing or not a date")
    both = [node for node in (detail, entry) if node is not None]
    sign_source = detail if detail is not None and _text(detail, "CdtDbtInd") else entry
    party = "Cdtr" if _text(sign_source, "CdtDbtInd").upper() == "DBIT" else "Dbtr"
    return StatementLine(
        number=number,
        date=booked,
        amount=amount[0],
        payee=_first(both, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm"),
        memo=_memo(detail) or _text(entry, "AddtlNtryInf"),
        bank_ref=ref or None,
        error=f"This line cannot be imported: {' and '.join(problems)}."
        if problems and skipped is None
        else None,
        skipped=skipped,
        source=tuple(
            f"{path}: {_text(entry, path)}" for path in _SOURCE_PATHS if _text(entry, path)
        ),
    )


def _signed_amount(
    node: ET.Element, entry: ET.Element, currency: str | None
) -> tuple[Decimal | None, str | None]:
    """(amount, None) or (None, problem): Amt (or AmtDtls/TxAmt/Amt) signed by CdtDbtInd."""
    amount_node = node.find("Amt")
    if amount_node is None:
        amount_node = node.find("AmtDtls/TxAmt/Amt")
    try:
        value = Decimal((amount_node.text or "").strip()) if amount_node is not None else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        return None, "its amount (Amt) is missing or not a number"
    ccy = (amount_node.get("Ccy") or "").upper() if amount_node is not None else ""
    if currency and ccy and ccy != currency:
        return None, f"its amount is in {ccy[:3]}, not in the account's {currency}"
    indicator = _text(node, "CdtDbtInd").upper() or _text(entry, "CdtDbtInd").upper()
    if indicator not in _SIGNS:
        return None, "its debit/credit indicator (CdtDbtInd) is missing"
    return value * _SIGNS[indicator], None


def _batch_amounts(
    entry: ET.Element, details: list[ET.Element], total: Decimal | None, currency: str | None
) -> list[Decimal] | None:
    """Each TxDtls's signed amount when there are several, all readable, adding up to the
    entry's amount; else None (the entry stays one line)."""
    if len(details) < 2 or total is None:
        return None
    amounts = [_signed_amount(detail, entry, currency)[0] for detail in details]
    readable = [amount for amount in amounts if amount is not None]
    if len(readable) != len(amounts) or sum(readable) != total:
        return None
    return readable


def _date(entry: ET.Element) -> date | None:
    for path in ("BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm"):
        text = _text(entry, path)
        if text:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                return None
    return None


def _memo(detail: ET.Element | None) -> str:
    if detail is None:
        return ""
    unstructured = [" ".join((node.text or "").split()) for node in detail.iterfind("RmtInf/Ustrd")]
    memo = " ".join(text for text in unstructured if text)
    return memo or _text(detail, "RmtInf/Strd/CdtrRefInf/Ref") or _text(detail, "AddtlTxInf")


def _first(nodes: list[ET.Element], *paths: str) -> str:
    for node in nodes:
        for path in paths:
            text = _text(node, path)
            if text:
                return text
    return ""


def _text(node: ET.Element, path: str) -> str:
    return " ".join((node.findtext(path) or "").split())
