"""dashboard/exports.py (the download routes), dashboard/callbacks/transaction_export.py (the
links' hrefs) and dashboard/cli_export.py (`flask export`), on both dialects."""

from __future__ import annotations

import csv
import io
import os
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from dashboard.callbacks.transaction_export import export_hrefs
from dashboard.exports import (
    CSV_PATH,
    LEDGER_PATH,
    BadExportRequest,
    export_href,
    parse_export_args,
)
from data import setup_writes, writes
from data.entries import Transaction, Transfer
from data.export_csv import BOM, COLUMNS
from data.export_rows import ExportRequest
from data.filters import Filters
from data.lookups import GridRequest, transactions_page
from data.validation import EARLIEST_DATE, MAX_DAYS_AHEAD
from tests.conftest import make_user

TODAY = date.today()


def rows_of(body: str) -> list[dict[str, str]]:
    assert body.startswith(BOM)
    reader = csv.DictReader(io.StringIO(body[len(BOM) :], newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


@pytest.fixture
def alice(engine, login_user_id):
    checking = setup_writes.create_account(engine, login_user_id, "Checking", "checking", "EUR")
    savings = setup_writes.create_account(engine, login_user_id, "Savings", "savings", "EUR")
    food = setup_writes.create_category(engine, login_user_id, "Food", "expense")
    for day, amount, payee in ((3, -1_050, "=HYPERLINK(1)"), (2, -250, "Bakery"), (40, 999, "X")):
        txn = Transaction(checking, TODAY - timedelta(days=day), amount, payee, "", food)
        writes.create_transaction(engine, login_user_id, txn)
    writes.create_transfer(engine, login_user_id, Transfer(checking, savings, TODAY, 5_000))
    return {"user_id": login_user_id, "checking": checking, "savings": savings, "food": food}


# --- the query string ---------------------------------------------------------------------------


def test_no_parameters_mean_every_transaction():
    export = parse_export_args(MultiDict(), TODAY)
    assert export.filters == Filters(EARLIEST_DATE, TODAY + timedelta(days=MAX_DAYS_AHEAD))
    assert export.search is None


def test_parameters_are_read_back_from_the_href_they_were_written_to():
    export = ExportRequest(Filters(date(2026, 1, 1), date(2026, 1, 31), (3, 1), (7,), "A&B"), "x y")
    query = urlsplit(export_href(CSV_PATH, export)).query
    args = MultiDict([(k, v) for k, vs in parse_qs(query).items() for v in vs])
    assert parse_export_args(args, TODAY) == export


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"from": "2026-02-30"}, "from: not a date"),
        ({"to": "yesterday"}, "to: not a date"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "is after"),
        ({"accounts": "1,x"}, "accounts: a comma-separated list"),
        ({"categories": "-1"}, "categories: a comma-separated list"),
        ({"accounts": "99999999999"}, "accounts: a comma-separated list"),
        ({"accounts": "0"}, "each from 1"),
        ({"accounts": ",".join(["1"] * 1001)}, "at most 1,000 ids"),
        ({"q": "x" * 201}, "Search: at most 200 characters"),
        ({"payee": "p" * 201}, "payee: at most 200"),
        ({"sort": "date"}, "Unknown parameter 'sort'"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(query, reason):
    with pytest.raises(BadExportRequest, match=reason):
        parse_export_args(MultiDict(query), TODAY)


def test_a_parameter_given_twice_is_refused():
    with pytest.raises(BadExportRequest, match="accounts: give it once"):
        parse_export_args(MultiDict([("accounts", "1"), ("accounts", "2")]), TODAY)


def test_the_links_carry_the_grids_filter_and_search():
    stored = {"preset": "custom", "start": "2026-01-01", "end": "2026-03-31", "account_ids": [4]}
    cross = {"category_id": 9, "payee": "Café"}
    csv_href, ledger_href = export_hrefs(stored, cross, "  bread ", TODAY)
    assert csv_href.startswith(CSV_PATH + "?") and ledger_href.startswith(LEDGER_PATH + "?")
    assert parse_qs(urlsplit(csv_href).query) == {
        "from": ["2026-01-01"],
        "to": ["2026-03-31"],
        "accounts": ["4"],
        "categories": ["9"],
        "payee": ["Café"],
        "q": ["bread"],
    }
    assert urlsplit(csv_href).query == urlsplit(ledger_href).query
    # Junk in the stores is what the grid makes of it: the default filter.
    junk_href = export_hrefs("junk", ["x"], 5, TODAY)[0]
    assert "accounts" not in junk_href and "q=" not in junk_href


# --- the routes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["from=2026-13-01", "accounts=1;2", "unknown=1", "q=" + "x" * 300, "to=&from=x"]
)
@pytest.mark.parametrize("path", [CSV_PATH, LEDGER_PATH])
def test_a_bad_query_is_a_plain_text_400(logged_in_client, path, query):
    response = logged_in_client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Disposition" not in response.headers
    assert len(response.get_data(as_text=True).strip().splitlines()) == 1


def test_the_csv_download_is_the_grids_rows_streamed_as_an_attachment(
    logged_in_client, engine, alice
):
    since = (TODAY - timedelta(days=10)).isoformat()
    response = logged_in_client.get(f"{CSV_PATH}?from={since}&accounts={alice['checking']}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="finance-tracker-transactions-{TODAY.isoformat()}.csv"'
    )
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    rows = rows_of(response.get_data().decode("utf-8"))
    filters = Filters(TODAY - timedelta(days=10), TODAY + timedelta(days=366), (alice["checking"],))
    page = transactions_page(engine, alice["user_id"], filters, GridRequest(limit=500))
    assert len(rows) == page.total_count == 3
    assert sum(Decimal(row["amount"]) for row in rows) * 100 == page.total_minor == -6_300
    assert "'=HYPERLINK(1)" in {row["payee"] for row in rows}


def test_the_ledger_download(logged_in_client, alice):
    response = logged_in_client.get(f"{LEDGER_PATH}?q=bakery")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith(f'-{TODAY.isoformat()}.beancount"')
    text = response.get_data(as_text=True)
    assert "open Assets:Checking EUR" in text and '"Bakery"' in text and "HYPERLINK" not in text


def test_head_answers_without_a_body(logged_in_client, alice):
    get, head = logged_in_client.get(CSV_PATH), logged_in_client.head(CSV_PATH)
    assert (head.status_code, head.headers["Content-Disposition"]) == (
        get.status_code,
        get.headers["Content-Disposition"],
    )
    assert head.data == b""


# --- the command line ---------------------------------------------------------------------------


def run_export(app, *args: str):
    return app.server.test_cli_runner().invoke(args=["export", *args])


def test_the_cli_writes_csv_to_stdout(app, alice):
    result = run_export(app, "--user", "alice", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = rows_of(result.stdout_bytes.decode("utf-8"))
    assert len(rows) == 5  # every date: the old one and both transfer legs too


def test_the_cli_writes_the_ledger_to_a_file_atomically(app, alice, tmp_path):
    out = tmp_path / "ledger.beancount"
    out.write_text("the previous backup")
    result = run_export(app, "--user", "alice", "--format", "beancount", "--output", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert text.startswith("; Finance Tracker ledger export")
    assert "Assets:Savings  50.00 EUR" in text
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir() if p.name != "instance"] == ["ledger.beancount"]


def test_the_cli_refuses_an_unknown_user_with_exit_code_2(app, engine, tmp_path):
    make_user(engine, "carol")
    out = tmp_path / "x.csv"
    result = run_export(app, "--user", "nobody", "--format", "csv", "--output", str(out))
    assert result.exit_code == 2
    assert "no user 'nobody'" in result.output
    assert not out.exists()
    assert run_export(app, "--user", "carol", "--format", "xml").exit_code == 2


def test_the_cli_leaves_nothing_behind_when_it_cannot_write(app, alice, tmp_path):
    missing = tmp_path / "no-such-dir" / "x.csv"
    result = run_export(app, "--user", "alice", "--format", "csv", "--output", str(missing))
    assert result.exit_code == 1
    assert "export failed, no file written" in result.output
    assert not os.path.exists(missing.parent)


def test_the_tag_filter_travels_in_the_link_and_back():
    filters = Filters(date(2026, 1, 1), date(2026, 1, 31), tag_ids=(4, 2), all_tags=True)
    href = export_href("/export/transactions.csv", ExportRequest(filters, "bakery"))
    query = MultiDict(parse_qsl(href.split("?", 1)[1]))
    assert parse_export_args(query, date(2026, 2, 1)) == ExportRequest(filters, "bakery")
    with pytest.raises(BadExportRequest, match="match: 'any' or 'all'"):
        parse_export_args(MultiDict({"match": "some"}), date(2026, 2, 1))
