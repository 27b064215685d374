"""The exports of data/: the rows (the grid's filter, streamed in batches), the CSV writer
(formula-safe, parsed back to the app's totals) and the beancount writer (bean-check accepts the
demo household's ledger, whose balances are the app's). Data tests run on both dialects."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event

from data import setup_writes, writes
from data.db import make_engine
from data.entries import Split, Transaction, Transfer
from data.export_beancount import (
    OPENING_BALANCES,
    UNCATEGORISED_INCOME,
    UNCATEGORISED_SPENDING,
    Book,
    LedgerAccount,
    entry_text,
    export_beancount,
    ledger_chunks,
    ledger_entry,
    name_component,
    unique_names,
    user_book,
)
from data.export_csv import BOM, COLUMNS, csv_chunks, csv_records, export_csv, neutralise
from data.export_rows import (
    Category,
    ExportRequest,
    ExportRow,
    Part,
    export_batches,
)
from data.filters import Filters
from data.lookups import GridRequest, account_balances, transactions_page
from data.money import minor_units
from tests.conftest import make_user

TODAY = date.today()
EVERYTHING = Filters(date(2000, 1, 1), TODAY + timedelta(days=30))
BEAN_CHECK = Path(sys.executable).with_name("bean-check")


def parse_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[len(BOM) :], newline="")))
    assert tuple(rows[0]) == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


def minor_of(row: dict[str, str]) -> int:
    return int(Decimal(row["amount"]).scaleb(minor_units(row["currency"])))


def csv_export(engine: Engine, user_id: int, request: ExportRequest) -> list[dict[str, str]]:
    return parse_csv("".join(export_csv(engine, user_id, request)))


def ledger_text(engine: Engine, user_id: int, request: ExportRequest) -> str:
    return "".join(export_beancount(engine, user_id, request))


# --- neutralising formulas --------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_dangerous_prefix_gets_a_single_quote(prefix):
    assert neutralise(prefix + "1+1") == "'" + prefix + "1+1"


@pytest.mark.parametrize("text", ["", "Lidl", "1+1", " =1", "'=1", "a=b", "café", "\n=1"])
def test_other_text_stays_as_it_is(text):
    assert neutralise(text) == text


def _row(**overrides) -> ExportRow:
    values = {
        "id": 7,
        "date": date(2026, 3, 4),
        "account_id": 1,
        "account": "Checking",
        "currency": "EUR",
        "amount_minor": -1250,
        "payee": "=1+1",
        "memo": "@SUM(A1)",
        "category": Category(3, "-Groceries", "expense"),
    }
    return ExportRow(**{**values, **overrides})


def test_a_formula_payee_comes_back_as_text_and_amounts_stay_numbers():
    text = "".join(csv_chunks([[_row(), _row(id=8, amount_minor=99, payee="+cmd|' /C calc'!A0")]]))
    first, second = parse_csv(text)
    assert first["payee"] == "'=1+1"
    assert first["memo"] == "'@SUM(A1)"
    assert first["category"] == "'-Groceries"
    assert (first["amount"], first["currency"], first["date"]) == ("-12.50", "EUR", "2026-03-04")
    assert second["payee"] == "'+cmd|' /C calc'!A0"
    assert second["amount"] == "0.99"
    assert (first["id"], first["parent_id"], first["kind"]) == ("7", "", "expense")


def test_amounts_follow_the_currency_minor_units():
    (yen,) = csv_records(_row(currency="JPY", amount_minor=-1500))
    (dinar,) = csv_records(_row(currency="KWD", amount_minor=-1500))
    assert yen[COLUMNS.index("amount")] == "-1500"
    assert dinar[COLUMNS.index("amount")] == "-1.500"


def test_a_split_transaction_is_one_row_per_part_with_the_parents_id():
    parts = (
        Part(41, -1000, Category(3, "Groceries", "expense"), "food"),
        Part(42, -250, None, "=bag"),
    )
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in csv_records(_row(parts=parts))]
    assert [(r["id"], r["parent_id"]) for r in rows] == [("41", "7"), ("42", "7")]
    assert [r["amount"] for r in rows] == ["-10.00", "-2.50"]
    assert [r["category"] for r in rows] == ["Groceries", ""]
    assert rows[1]["memo"] == "'=bag"
    assert {r["payee"] for r in rows} == {"'=1+1"}


def test_tags_are_one_cell_and_neutralised():
    (row,) = csv_records(_row(tags=("-home", "trip")))
    assert row[COLUMNS.index("tags")] == "'-home,trip"


# --- a household on both dialects -------------------------------------------------------------


class Household:
    def __init__(self, engine: Engine, username: str = "alice") -> None:
        self.user_id = user_id = make_user(engine, username)
        self.checking = setup_writes.create_account(
            engine, user_id, "Everyday Checking", "checking", "EUR", 100_000
        )
        self.savings = setup_writes.create_account(engine, user_id, "Sávings!", "savings", "EUR")
        self.card = setup_writes.create_account(
            engine, user_id, "Credit card", "credit_card", "EUR", -5_000
        )
        self.yen = setup_writes.create_account(engine, user_id, "Tokyo", "cash", "JPY", 3_000)
        self.groceries = setup_writes.create_category(engine, user_id, "Groceries", "expense")
        self.dining = setup_writes.create_category(engine, user_id, "Dining & Out", "expense")
        self.salary = setup_writes.create_category(engine, user_id, "Salary", "income")

        def add(account: int, day: int, amount: int, payee: str, category: int | None, memo=""):
            txn = Transaction(account, TODAY - timedelta(days=day), amount, payee, memo, category)
            return writes.create_transaction(engine, user_id, txn)

        self.formula = add(self.checking, 9, -1_234, "=1+1", self.groceries, "-memo")
        add(self.checking, 8, 250_000, "Employer", self.salary)
        add(self.card, 7, -4_560, "Bistro", self.dining)
        add(self.checking, 6, -999, "Kiosk", None)
        add(self.checking, 6, 500, "Refund", None)
        add(self.yen, 5, -1_500, "Ramen", self.dining)
        self.transfer = writes.create_transfer(
            engine, user_id, Transfer(self.checking, self.savings, TODAY - timedelta(days=4), 7_700)
        )
        add(self.savings, 3, 12, "Interest", self.salary)
        # A split, tagged on the whole and on a part: one CSV row per part.
        parts = (Split(-2_000, self.groceries, "food", ("kids",)), Split(-500, self.dining))
        split = Transaction(self.checking, TODAY - timedelta(days=2), -2_500, "Market", "",
                            tags=("=trip",), splits=parts)  # fmt: skip
        self.split = writes.create_transaction(engine, user_id, split)


@pytest.fixture
def household(engine) -> Household:
    return Household(engine)


REQUESTS = {
    "everything": ExportRequest(EVERYTHING),
    "one account": lambda h: ExportRequest(Filters(EVERYTHING.date_from, TODAY, (h.checking,))),
    "a category": lambda h: ExportRequest(Filters(EVERYTHING.date_from, TODAY, (), (h.dining,))),
    "a search": ExportRequest(EVERYTHING, "  employ "),
    "dates": ExportRequest(Filters(TODAY - timedelta(days=6), TODAY - timedelta(days=4))),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_csv_parsed_back_has_the_grids_rows_and_totals(engine, household, name):
    request = REQUESTS[name]
    request = request(household) if callable(request) else request
    rows = csv_export(engine, household.user_id, request)
    page = transactions_page(
        engine, household.user_id, request.filters, GridRequest(search=request.search, limit=500)
    )
    transaction_ids = [int(row["parent_id"] or row["id"]) for row in rows]
    assert len(set(transaction_ids)) == page.total_count > 0
    # The grid's total is in the reporting currency: the yen row (no rate) is counted apart,
    # never added to the euros.
    in_euros = [row for row in rows if row["currency"] == "EUR"]
    assert sum(minor_of(row) for row in in_euros) == page.total_minor
    assert page.unconverted_count == len({row["id"] for row in rows if row["currency"] != "EUR"})
    assert set(transaction_ids) == set(page.rows["id"])
    keys = [(row["date"], txn) for row, txn in zip(rows, transaction_ids, strict=True)]
    assert keys == sorted(keys)


def test_a_stored_split_is_a_row_per_part_with_both_tags_neutralised(engine, household):
    rows = csv_export(engine, household.user_id, REQUESTS["everything"])
    parts = [row for row in rows if row["parent_id"] == str(household.split)]
    assert [(row["category"], minor_of(row), row["tags"]) for row in parts] == [
        ("Groceries", -2_000, "'=trip,kids"),
        ("Dining & Out", -500, "'=trip"),
    ]
    text = ledger_text(engine, household.user_id, REQUESTS["everything"])
    assert '"Market" "" #' in text and "  Expenses:Groceries  20.00 EUR" in text


def test_csv_writes_each_transfer_leg_and_neutralises_what_people_typed(engine, household):
    exported = csv_export(engine, household.user_id, REQUESTS["everything"])
    # A part's id is its own (parent_id names the transaction): whole transactions only here.
    rows = {int(row["id"]): row for row in exported if not row["parent_id"]}
    out_id, in_id = household.transfer
    assert (rows[out_id]["kind"], rows[out_id]["transfer_account"]) == ("transfer", "Sávings!")
    assert (rows[in_id]["amount"], rows[in_id]["transfer_account"]) == (
        "77.00",
        "Everyday Checking",
    )
    formula = rows[household.formula]
    assert (formula["payee"], formula["memo"], formula["amount"]) == ("'=1+1", "'-memo", "-12.34")
    yen = next(row for row in rows.values() if row["currency"] == "JPY")
    assert yen["amount"] == "-1500"
    kinds = {row["payee"]: row["kind"] for row in rows.values()}
    assert (kinds["Kiosk"], kinds["Refund"], kinds["Employer"]) == ("expense", "income", "income")


def test_another_users_account_ids_export_nothing(engine, household):
    bob = make_user(engine, "bob")
    alices = Filters(EVERYTHING.date_from, TODAY, (household.checking, household.savings))
    assert csv_export(engine, bob, ExportRequest(alices)) == []
    assert csv_export(engine, bob, REQUESTS["everything"]) == []
    assert "Everyday" not in ledger_text(engine, bob, ExportRequest(alices))


# --- streaming ----------------------------------------------------------------------------------


class CountingCursor(sqlite3.Cursor):
    fetched = 0

    def fetchmany(self, size=None):
        rows = super().fetchmany(size) if size is not None else super().fetchmany()
        CountingCursor.fetched += len(rows)
        return rows

    def fetchall(self):
        rows = super().fetchall()
        CountingCursor.fetched += len(rows)
        return rows


class CountingConnection(sqlite3.Connection):
    def cursor(self, factory=CountingCursor):  # type: ignore[override]
        return super().cursor(factory)


def _many_rows(engine: Engine, user_id: int, count: int) -> None:
    account = setup_writes.create_account(engine, user_id, "Bulk", "checking", "EUR")
    for n in range(count):
        txn = Transaction(account, TODAY - timedelta(days=n % 40), -(n + 1), f"Payee {n}")
        writes.create_transaction(engine, user_id, txn)


def test_the_rows_are_fetched_a_batch_at_a_time_on_sqlite(tmp_path):
    path = tmp_path / "stream.sqlite3"
    setup = make_engine(f"sqlite:///{path}")
    from data.migrate import upgrade_to_head

    upgrade_to_head(setup)
    user_id = make_user(setup)
    _many_rows(setup, user_id, 120)
    setup.dispose()
    counting = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(path, factory=CountingConnection)
    )
    CountingCursor.fetched = 0
    batches = export_batches(counting, user_id, ExportRequest(EVERYTHING), batch_rows=25)
    first = next(batches)
    assert len(first) == 25
    # Only what the first batch needed has left the database: not the 120 rows.
    assert CountingCursor.fetched <= 50
    rest = [row for batch in batches for row in batch]
    assert len(first) + len(rest) == 120
    assert CountingCursor.fetched == 120
    counting.dispose()


@pytest.mark.postgres
def test_the_rows_stream_from_a_server_side_cursor_on_postgresql(pg_url):
    engine = make_engine(pg_url)
    from tests.conftest import _empty_all_tables

    _empty_all_tables(engine)
    user_id = make_user(engine)
    _many_rows(engine, user_id, 120)
    cursors = []
    event.listen(engine, "before_cursor_execute", lambda *args: cursors.append(args[1]))
    batches = export_batches(engine, user_id, ExportRequest(EVERYTHING), batch_rows=25)
    assert len(next(batches)) == 25
    named = [cursor for cursor in cursors if getattr(cursor, "name", None)]
    assert len(named) == 1, "the export's query must run on a named (server-side) cursor"
    # The server has sent the first batch, not the 120 rows.
    assert named[0].rownumber <= 50
    assert sum(len(batch) for batch in batches) == 95
    engine.dispose()


def test_csv_and_ledger_yield_one_chunk_per_batch():
    rows = [[_row(id=n)] for n in range(1, 4)]
    assert len(list(csv_chunks(iter(rows)))) == 1 + 3
    book = Book.build([LedgerAccount(1, "Checking", "checking", "EUR")], [])
    assert len(list(ledger_chunks(book, iter(rows)))) == 3


# --- beancount --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "component"),
    [
        ("Groceries", "Groceries"),
        ("Internet & Phone", "Internet-Phone"),
        ("personal care", "Personal-care"),
        ("Café Crème", "Cafe-Creme"),
        ("  --  ", "Unnamed"),
        ("東京", "Unnamed"),
        ("401k", "401k"),
    ],
)
def test_names_become_valid_account_components(name, component):
    assert name_component(name) == component


def test_equal_names_are_made_unique_by_id_whatever_the_order():
    named = [(9, "Expenses:Food"), (3, "Expenses:Food"), (5, "Expenses:Food-9")]
    expected = {3: "Expenses:Food", 5: "Expenses:Food-9", 9: "Expenses:Food-9-9"}
    assert unique_names(named) == unique_names(reversed(named)) == expected
    assert unique_names([(1, UNCATEGORISED_SPENDING)], {UNCATEGORISED_SPENDING}) == {
        1: UNCATEGORISED_SPENDING + "-1"
    }


def test_a_split_transaction_is_one_entry_with_a_posting_per_part():
    book = Book.build(
        [LedgerAccount(1, "Checking", "checking", "EUR")],
        [Category(3, "Groceries", "expense")],
    )
    parts = (Part(41, -1000, Category(3, "Groceries", "expense")), Part(42, -200, None))
    entry = ledger_entry(_row(parts=parts, tags=("trip 2026", "home")), book)
    assert [(p.account, p.amount_minor) for p in entry.postings] == [
        ("Assets:Checking", -1250),
        ("Expenses:Groceries", 1000),
        (UNCATEGORISED_SPENDING, 200),
        (UNCATEGORISED_SPENDING, 50),  # the parts left 0.50 of the whole without a category
    ]
    text = entry_text(entry)
    assert text.splitlines()[0] == '2026-03-04 * "=1+1" "@SUM(A1)" #trip-2026 #home'
    assert '  id: "7"' in text


def test_a_transfer_is_one_entry_even_when_both_legs_are_selected(engine, household):
    text = ledger_text(engine, household.user_id, REQUESTS["everything"])
    out_id, in_id = household.transfer
    assert text.count(f'\n  id: "{out_id}"') == 1
    assert f'\n  id: "{in_id}"' not in text
    assert "  Assets:Everyday-Checking  -77.00 EUR\n  Assets:Savings  77.00 EUR" in text
    # Only the inflow leg selected: the same entry, written from that leg.
    only_savings = ExportRequest(Filters(EVERYTHING.date_from, TODAY, (household.savings,)))
    text = ledger_text(engine, household.user_id, only_savings)
    assert f'\n  id: "{in_id}"' in text
    assert "  Assets:Everyday-Checking  -77.00 EUR\n  Assets:Savings  77.00 EUR" in text


def test_the_ledger_names_and_quotes(engine, household):
    text = ledger_text(engine, household.user_id, REQUESTS["everything"])
    for line in (
        "open Liabilities:Credit-card EUR",
        "open Assets:Tokyo JPY",
        "open Expenses:Dining-Out",
        "open Income:Salary",
        f"open {OPENING_BALANCES}",
        "  Assets:Tokyo  -1500 JPY",
        f"  {UNCATEGORISED_SPENDING}  9.99 EUR",
        f"  {UNCATEGORISED_INCOME}  -5.00 EUR",
        '* "=1+1" "-memo"',
    ):
        assert line in text, line


def sum_postings(path: Path) -> dict[str, dict[str, Decimal]]:
    from beancount import loader

    entries, errors, _options = loader.load_file(str(path))
    assert errors == []
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for entry in entries:
        for posting in getattr(entry, "postings", ()):
            totals[posting.account][posting.units.currency] += posting.units.number
    return totals


def bean_check(path: Path) -> None:
    assert BEAN_CHECK.exists() or shutil.which("bean-check"), "bean-check is a dev requirement"
    command = str(BEAN_CHECK) if BEAN_CHECK.exists() else "bean-check"
    result = subprocess.run([command, str(path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == ""


def expected_balances(engine: Engine, user_id: int) -> dict[str, dict[str, Decimal]]:
    book = user_book(engine, user_id)
    balances = account_balances(engine, user_id, include_archived=True)
    return {
        book.accounts[int(row.account_id)]: {
            row.currency: Decimal(int(row.balance_minor)).scaleb(-minor_units(row.currency))
        }
        for row in balances.itertuples(index=False)
    }


def test_the_households_ledger_passes_bean_check_with_the_apps_balances(
    engine, household, tmp_path
):
    path = tmp_path / "household.beancount"
    path.write_text(ledger_text(engine, household.user_id, REQUESTS["everything"]), "utf-8")
    bean_check(path)
    totals = sum_postings(path)
    for account, balance in expected_balances(engine, household.user_id).items():
        assert dict(totals[account]) == balance, account


def test_the_demo_households_ledger_passes_bean_check_with_the_apps_balances(demo_db_url, tmp_path):
    engine = make_engine(demo_db_url)
    from data.users import user_id_by_username

    user_id = user_id_by_username(engine, "demo")
    assert user_id is not None
    request = ExportRequest(Filters(date(1970, 1, 1), TODAY + timedelta(days=400)))
    path = tmp_path / "demo.beancount"
    path.write_text(ledger_text(engine, user_id, request), "utf-8")
    bean_check(path)
    totals = sum_postings(path)
    expected = expected_balances(engine, user_id)
    assert len(expected) == 4
    for account, balance in expected.items():
        assert dict(totals[account]) == balance, account
    # Every transaction is in the ledger once: transfers as one entry of two postings.
    rows = [row for batch in export_batches(engine, user_id, request) for row in batch]
    transfers = sum(1 for row in rows if row.is_transfer)
    ledger = path.read_text("utf-8")
    assert ledger.count('\n  id: "') == len(rows) - transfers // 2
    assert ledger.count("transfer-id:") == transfers // 2 > 0
    engine.dispose()
