"""The plain-text ledger export, in beancount syntax (bean-check accepts it; Fava reads it).

Every account and category is opened on the day of the user's first transaction: accounts as
Assets:<name> (credit cards and loans as Liabilities:<name>) with their currency, income
categories as Income:<name>, expense categories as Expenses:<name>, transfer categories as
Equity:Transfers:<name>. Uncategorised outflows go to Expenses:Uncategorised and inflows to
Income:Uncategorised (the app counts them as spending and income the same way). An account's
opening balance is a transaction against Equity:Opening-Balances on that first day, so the
balances of an unfiltered export are the app's.

One transaction per entry: the account's posting and the category's (one posting per part of a
split transaction), with #tags and the row's id as metadata. A transfer is one entry with both
legs as postings, written once even when both legs are selected.

Names become valid account names deterministically: accents dropped, any run of other characters
a dash, the first letter capitalised; names that end up equal get "-<id>" (the lowest id keeps
the plain name), so the same data always exports the same names.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from data.export_rows import (
    EXPENSE,
    INCOME,
    TRANSFER,
    Category,
    ExportRequest,
    ExportRow,
    export_batches,
    first_date,
)
from data.lookups import list_accounts, list_categories
from data.money import format_amount
from data.users import user_currency

LIABILITY_TYPES = frozenset({"credit_card", "loan"})
OPENING_BALANCES = "Equity:Opening-Balances"
UNCATEGORISED_SPENDING = "Expenses:Uncategorised"
UNCATEGORISED_INCOME = "Income:Uncategorised"
TRANSFER_ROOT = "Equity:Transfers"
ROOT_BY_KIND = {INCOME: "Income", EXPENSE: "Expenses", TRANSFER: TRANSFER_ROOT}
RESERVED = frozenset({OPENING_BALANCES, UNCATEGORISED_SPENDING, UNCATEGORISED_INCOME})
_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")
_NOT_TAG = re.compile(r"[^A-Za-z0-9_/.-]+")


@dataclass(frozen=True)
class LedgerAccount:
    """One of the user's accounts as the ledger opens it."""

    id: int
    name: str
    type: str
    currency: str
    opening_balance_minor: int = 0


@dataclass(frozen=True)
class Posting:
    account: str
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class LedgerEntry:
    """One beancount transaction: its postings sum to zero in their currency."""

    date: dt.date
    payee: str
    narration: str
    postings: tuple[Posting, ...]
    tags: tuple[str, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()


def name_component(name: str) -> str:
    """A name as one component of a beancount account name: [A-Z0-9][A-Za-z0-9-]*."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    component = _NOT_NAME.sub("-", ascii_text).strip("-")
    if not component:
        return "Unnamed"
    return component[0].upper() + component[1:]


def unique_names(named: Iterable[tuple[int, str]], taken: Iterable[str] = ()) -> dict[int, str]:
    """id -> a full account name no other id has: by id, the first keeps its name, later ones
    get "-<id>" appended (more than once if that too is taken)."""
    used = set(taken)
    names: dict[int, str] = {}
    for row_id, full in sorted(named):
        candidate = full
        while candidate in used:
            candidate = f"{candidate}-{row_id}"
        used.add(candidate)
        names[row_id] = candidate
    return names


@dataclass(frozen=True)
class Book:
    """The ledger's account names: the user's accounts and categories, by id."""

    accounts: dict[int, str]
    categories: dict[int, str]
    ledger_accounts: tuple[LedgerAccount, ...]

    @classmethod
    def build(cls, ledger_accounts: Iterable[LedgerAccount], cats: Iterable[Category]) -> Book:
        ledger_accounts = tuple(sorted(ledger_accounts, key=lambda a: a.id))
        account_names = unique_names(
            (
                a.id,
                ("Liabilities:" if a.type in LIABILITY_TYPES else "Assets:")
                + name_component(a.name),
            )
            for a in ledger_accounts
        )
        category_names = unique_names(
            (
                (c.id, f"{ROOT_BY_KIND.get(c.kind, 'Expenses')}:{name_component(c.name)}")
                for c in cats
            ),
            RESERVED | set(account_names.values()),
        )
        return cls(account_names, category_names, ledger_accounts)

    def category_account(self, category: Category | None, amount_minor: int) -> str:
        """The account a posting of `amount_minor` (the category's side) goes to."""
        if category is not None and category.id in self.categories:
            return self.categories[category.id]
        return UNCATEGORISED_SPENDING if amount_minor > 0 else UNCATEGORISED_INCOME


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tag_text(tag: str) -> str:
    return _NOT_TAG.sub("-", tag).strip("-") or "tag"


def entry_text(entry: LedgerEntry) -> str:
    """The entry in beancount syntax, a blank line after it."""
    header = f"{entry.date.isoformat()} *"
    if entry.payee:
        header += " " + quoted(entry.payee)
    header += " " + quoted(entry.narration)
    header += "".join(f" #{tag_text(tag)}" for tag in entry.tags)
    lines = [header]
    lines += [f"  {key}: {quoted(value)}" for key, value in entry.meta]
    lines += [
        f"  {p.account}  {format_amount(p.amount_minor, p.currency, grouping=False)} {p.currency}"
        for p in entry.postings
    ]
    return "\n".join(lines) + "\n\n"


def ledger_entry(row: ExportRow, book: Book) -> LedgerEntry:
    """One transaction, or a whole transfer (both legs, the outflow first), as an entry."""
    own = Posting(book.accounts[row.account_id], row.amount_minor, row.currency)
    meta: tuple[tuple[str, str], ...] = (("id", str(row.id)),)
    postings: tuple[Posting, ...]
    if row.is_transfer and row.peer_account_id in book.accounts:
        peer = Posting(book.accounts[row.peer_account_id], -row.amount_minor, row.currency)
        postings = (own, peer) if row.amount_minor < 0 else (peer, own)
        meta += (("transfer-id", str(row.transfer_peer_id)),)
    elif row.parts:
        postings = (own,) + tuple(
            Posting(
                book.category_account(part.category, -part.amount_minor),
                -part.amount_minor,
                row.currency,
            )
            for part in row.parts
        )
        rest = -sum(p.amount_minor for p in postings)
        if rest:  # parts that do not add up to the whole: the rest stays uncategorised
            postings += (Posting(book.category_account(None, rest), rest, row.currency),)
    else:
        other = book.category_account(row.category, -row.amount_minor)
        postings = (own, Posting(other, -row.amount_minor, row.currency))
    # Beancount tags a whole entry: a part's tags join its transaction's.
    names: dict[str, str] = {}
    for name in (*row.tags, *(name for part in row.parts for name in part.tags)):
        names.setdefault(name.casefold(), name)
    entry_tags = tuple(names.values())
    return LedgerEntry(row.date, row.payee, row.memo, postings, entry_tags, meta)


def header_text(book: Book, opened: date, operating_currency: str) -> str:
    """Options, every account opened on `opened`, and the opening balances."""
    lines = [
        "; Finance Tracker ledger export (beancount syntax).",
        'option "title" "Finance Tracker"',
        f"option {quoted('operating_currency')} {quoted(operating_currency)}",
        "",
    ]
    day = opened.isoformat()
    for account in book.ledger_accounts:
        lines.append(f"{day} open {book.accounts[account.id]} {account.currency}")
    lines += [f"{day} open {name}" for name in sorted({*book.categories.values(), *RESERVED})]
    text = "\n".join(lines) + "\n\n"
    for account in book.ledger_accounts:
        if account.opening_balance_minor:
            amount = account.opening_balance_minor
            postings = (
                Posting(book.accounts[account.id], amount, account.currency),
                Posting(OPENING_BALANCES, -amount, account.currency),
            )
            text += entry_text(LedgerEntry(opened, "", "Opening balance", postings))
    return text


def ledger_chunks(book: Book, batches: Iterable[list[ExportRow]]) -> Iterator[str]:
    """The entries, one chunk per batch. A transfer whose two legs are both selected is written
    at the first of them: legs share their date, so the ids written today are all it takes."""
    written_today: set[int] = set()
    today: date | None = None
    for batch in batches:
        chunk: list[str] = []
        for row in batch:
            if row.date != today:
                today, written_today = row.date, set()
            if row.is_transfer:
                if row.transfer_peer_id in written_today:
                    continue
                # Legs on different days (never written by the app): the lower id speaks.
                if row.peer_date not in (None, row.date) and row.id > (row.transfer_peer_id or 0):
                    continue
                written_today.add(row.id)
            chunk.append(entry_text(ledger_entry(row, book)))
        yield "".join(chunk)


def user_book(engine: Engine, user_id: int) -> Book:
    """Every account and category of the user, archived ones too (they hold history)."""
    frame = list_accounts(engine, user_id, include_archived=True)
    ledger_accounts = [
        LedgerAccount(int(r.id), r.name, r.type, r.currency, int(r.opening_balance_minor))
        for r in frame.itertuples(index=False)
    ]
    cats = list_categories(engine, user_id, include_archived=True)
    return Book.build(
        ledger_accounts, [Category(int(r.id), r.name, r.kind) for r in cats.itertuples(index=False)]
    )


def export_beancount(engine: Engine, user_id: int, request: ExportRequest) -> Iterator[str]:
    """The user's ledger of what the request selects, streamed in chunks of text."""
    book = user_book(engine, user_id)
    opened = first_date(engine, user_id) or request.filters.date_from
    yield header_text(book, opened, user_currency(engine, user_id))
    yield from ledger_chunks(book, export_batches(engine, user_id, request))
