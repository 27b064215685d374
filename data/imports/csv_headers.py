"""What banks call their columns, in the languages of the banks people bring.

Names are compared folded: casefolded, accents removed, punctuation as spaces ("Date
opération" -> "date operation", "Auftraggeber/Empfänger" -> "auftraggeber empfanger",
"Waehrung" and "Währung" both known). A name matches a role exactly (best) or by starting
with one of its names ("Betrag (EUR)", "Amount USD").
"""

from __future__ import annotations

import re
import unicodedata

# Role -> names, in order of preference (the first found date name wins over a later one).
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    # Booking date before posting date before value date: the day the account moved.
    "date": (
        "buchungstag", "buchungsdatum", "booking date", "transaction date", "trans date",
        "date", "datum", "date operation", "date de l operation", "date comptable",
        "fecha", "fecha operacion", "fecha contable", "data", "data operazione",
        "data contabile", "transactiedatum", "boekdatum", "boekingsdatum", "completed date",
        "posting date", "post date", "posted date", "date posted", "started date", "created",
    ),
    "value_date": (
        "valutadatum", "valuta", "wertstellung", "wertstellungstag", "value date",
        "date valeur", "date de valeur", "fecha valor", "data valuta", "rentedatum",
    ),
    "amount": (
        "betrag", "umsatz", "amount", "transaction amount", "montant", "bedrag", "importe",
        "importo", "valor", "kwota", "belopp", "belob", "summe", "amount eur", "net amount",
    ),
    "debit": (
        "debit", "debit amount", "debits", "soll", "money out", "paid out", "withdrawal",
        "withdrawals", "withdrawal amount", "outflow", "debe", "cargo", "cargos", "dare",
        "addebiti", "uscite", "ausgang", "ausgaben", "af", "spent",
    ),
    "credit": (
        "credit", "credit amount", "credits", "haben", "money in", "paid in", "deposit",
        "deposits", "deposit amount", "inflow", "haber", "abono", "abonos", "avere",
        "accrediti", "entrate", "eingang", "einnahmen", "bij", "received",
    ),
    "indicator": (
        "af bij", "soll haben", "s h", "debit credit", "credit debit", "dr cr", "cr dr",
        "d c", "c d", "credit debit indicator", "debitcreditcode", "sign",
    ),
    "payee": (
        "auftraggeber empfanger", "empfanger", "beguenstigter zahlungspflichtiger",
        "begunstigter zahlungspflichtiger", "name zahlungsbeteiligter", "zahlungsempfanger",
        "auftraggeber", "payee", "payee name", "merchant", "merchant name", "counterparty",
        "name", "naam", "naam omschrijving", "naam tegenpartij", "tegenpartij",
        "description", "libelle", "libelle operation", "beneficiaire", "tiers",
        "beneficiario", "ordenante", "descrizione", "controparte", "nome",
    ),
    "memo": (
        "verwendungszweck", "buchungstext", "umsatzart", "mededelingen", "omschrijving",
        "memo", "notes", "note", "transaction details", "narrative", "communication",
        "informations complementaires", "concepto", "causale", "extended description",
        "additional info",
    ),
    "bank_ref": (
        "transaction id", "transaction reference", "bank reference", "reference number",
        "reference", "referenz", "ref", "id", "unique id", "fitid", "transaktions id",
        "numero de transaction", "identificador", "riferimento",
    ),
    "currency": ("wahrung", "waehrung", "currency", "devise", "moneda", "valuta", "divisa"),
    "balance": (
        "saldo", "balance", "running balance", "kontostand", "solde", "saldo nach buchung",
        "available balance",
    ),
}  # fmt: skip

# Not in any role: "Type", "Details" (Chase: DEBIT/CREDIT), "Mutatiesoort" hold the bank's
# transaction codes (DEBIT_CARD, BGC, Betaalautomaat), noise in a memo.

# Values of an indicator column, folded. "S"/"H": Soll/Haben; "K": Kredit (Baltic banks).
DEBIT_MARKS = ("d", "dr", "debit", "debet", "db", "s", "soll", "-", "af", "out", "withdrawal")
CREDIT_MARKS = ("c", "cr", "credit", "h", "haben", "+", "bij", "k", "kredit", "in", "deposit")


def fold_name(cell: str) -> str:
    """Casefold, drop accents, punctuation to spaces: 'Date opération' -> 'date operation'."""
    decomposed = unicodedata.normalize("NFKD", cell.casefold().replace("ß", "ss"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z+-]+", " ", plain).split())


def name_score(cell: str, role: str) -> int:
    """How well a header cell names a role: 0 not at all, higher is better.

    An exact name scores by its rank in the role's list (earlier is better, above every
    prefix match); a name the cell starts with ("betrag eur") scores 1.
    """
    folded = fold_name(cell)
    if not folded:
        return 0
    names = ROLE_NAMES[role]
    if folded in names:
        return 2 + len(names) - names.index(folded)
    if any(folded.startswith(name + " ") for name in names):
        return 1
    return 0


def fold_mark(value: str) -> str:
    return " ".join(value.casefold().split())
