"""ISO 20022 CAMT.053 bank-to-customer statements read into a `Statement`.

Every version is read (camt.053.001.02, .04, .06, .08, .13 ...): the namespace is matched by its
prefix, and the elements read here have kept their names across versions (only `Sts` changed,
handled in camt_entry.py). Some banks ship the namespace misspelt `iso:20023`; it is accepted.
A camt.052 (intraday report) or camt.054 (notification) is refused by name: its entries are not
a statement's booked lines.

The XML is parsed with defusedxml with DTDs forbidden: a bank statement never needs a DTD or an
entity, and refusing any DTD closes entity expansion (billion laughs) and external entities
(XXE) at once. The refusal never quotes the file, and the parser's own exception, which names
the entity and its target, is not chained onto it (it would reach logs).

Several Stmt elements of the same account are read together (a multi-day export); of different
accounts the file is refused: an import goes into one account.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from data.imports.camt_entry import entry_lines
from data.imports.statement import Statement, StatementLine, UnreadableFile

CAMT053_NAMESPACES = (
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.",
    "urn:iso:std:iso:20023:tech:xsd:camt.053.001.",
)
ENTITIES_REFUSED = (
    "The file declares XML entities, which a bank statement never needs; it was not read."
)
_REVERSALS = (
    "The file has {count} reversal entries (RvslInd); banks differ on whether their "
    "debit/credit indicator is the reversal's or the original's. They were read as the "
    "indicator says: check their signs in the review."
)


def read_camt053(content: bytes) -> Statement:
    """The statement of a CAMT.053 file; UnreadableFile for hostile, malformed or other XML,
    and for statements of several accounts."""
    root = parse_xml(content)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if not namespace.startswith(CAMT053_NAMESPACES):
        raise UnreadableFile(_not_camt053(namespace))
    for node in root.iter():
        node.tag = node.tag.rpartition("}")[2]
    statements = root.findall("BkToCstmrStmt/Stmt")
    if not statements:
        raise UnreadableFile("The CAMT.053 file holds no statement (no Stmt element).")
    accounts = {_account_key(statement) for statement in statements}
    if len(accounts) > 1:
        raise UnreadableFile(
            f"The CAMT.053 file holds statements of {len(accounts)} different accounts. Export "
            "each account to its own file and import them one at a time."
        )
    currency = _currency(statements)
    lines: list[StatementLine] = []
    for statement in statements:
        for entry in statement.findall("Ntry"):
            lines.extend(entry_lines(entry, currency, len(lines) + 1))
    reversals = sum(
        (entry.findtext("RvslInd") or "").strip().lower() in ("true", "1")
        for statement in statements
        for entry in statement.findall("Ntry")
    )
    return Statement(
        format="camt053",
        lines=tuple(lines),
        currency=currency,
        account_key=accounts.pop(),
        warnings=(_REVERSALS.format(count=reversals),) if reversals else (),
    )


def parse_xml(content: bytes) -> ET.Element:
    """The document's root, parsed without DTDs, entities or external references."""
    try:
        root: ET.Element = fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise UnreadableFile(ENTITIES_REFUSED) from None
    except ET.ParseError:
        raise UnreadableFile("The file is not well-formed XML; it could not be read.") from None
    return root


def _not_camt053(namespace: str) -> str:
    for kind, name in (("camt.052", "an intraday account report"), ("camt.054", "a notification")):
        if f":{kind}." in namespace:
            return (
                f"This is a {kind.upper()} file ({name}), not a CAMT.053 statement; ask your "
                "bank for the CAMT.053 end-of-day statement."
            )
    return "This XML file is not a CAMT.053 bank statement."


def _account_key(statement: ET.Element) -> str | None:
    """The IBAN, else the bank's other account id."""
    for path in ("Acct/Id/IBAN", "Acct/Id/Othr/Id"):
        text = (statement.findtext(path) or "").strip()
        if text:
            return "".join(text.split()).upper() if path.endswith("IBAN") else text
    return None


def _currency(statements: list[ET.Element]) -> str | None:
    """The account's currency (Acct/Ccy), else that of the first entry's amount."""
    for statement in statements:
        declared = (statement.findtext("Acct/Ccy") or "").strip()
        if declared:
            return declared.upper()
    for statement in statements:
        amount = statement.find("Ntry/Amt")
        if amount is not None and amount.get("Ccy"):
            return str(amount.get("Ccy")).upper()
    return None
