"""The export in a real browser: a filtered, searched grid's "Export CSV" downloads in Chromium
a file that parses back to the grid's rows and total, with a formula payee neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from dashboard import ids
from data import writes
from data.db import make_engine
from data.demo import DEMO_USER_ID
from data.demo_household import CASH, CHECKING
from data.entries import Transaction
from data.export_csv import BOM, COLUMNS
from data.filters import Filters
from data.lookups import GridRequest, transactions_page
from tests.e2e.conftest import wait_until
from tests.e2e.test_entry_and_budgets import open_page

SEARCH = "export probe"
FORMULA_PAYEE = "=1+1 Export probe"
HREF_JS = "id => document.getElementById(id)?.getAttribute('href') || ''"
TOTALS_JS = "id => document.getElementById(id)?.innerText || ''"


def add_probes(live_server) -> tuple[date, date]:
    """Three rows the search finds; the date filter keeps the two recent ones."""
    engine = make_engine(live_server.app.server.extensions["ft_settings"].resolved_database_url)
    today = date.today()
    for account, days_ago, amount, payee, memo in (
        (CHECKING, 3, -1_234, FORMULA_PAYEE, ""),
        (CASH, 5, 500, "Refund", "-2 export probe"),
        (CHECKING, 90, -9_999, "Old export probe", ""),
    ):
        txn = Transaction(account, today - timedelta(days=days_ago), amount, payee, memo)
        writes.create_transaction(engine, DEMO_USER_ID, txn)
    engine.dispose()
    return today - timedelta(days=30), today


def test_a_filtered_search_exports_the_grids_rows_as_csv(page, live_server, tmp_path):
    start, end = add_probes(live_server)
    open_page(page, "/transactions")
    page.locator(f"#{ids.DATE_FROM}").wait_for()
    page.fill(f"#{ids.DATE_FROM}", start.isoformat())
    page.press(f"#{ids.DATE_FROM}", "Tab")
    page.fill(f"#{ids.DATE_TO}", end.isoformat())
    page.press(f"#{ids.DATE_TO}", "Tab")
    page.fill(f"#{ids.SEARCH}", SEARCH)
    page.press(f"#{ids.SEARCH}", "Enter")
    totals = wait_until(
        page,
        f"id => {{ const t = ({TOTALS_JS})(id); return /^2 transactions/.test(t) && t; }}",
        ids.GRID_TOTALS,
    )
    href = wait_until(
        page,
        f"id => {{ const h = ({HREF_JS})(id); return h.includes('from={start}') && "
        "h.includes('q=export+probe') && h; }",
        ids.EXPORT_CSV,
    )
    assert parse_qs(urlsplit(href).query)["to"] == [end.isoformat()]
    assert urlsplit(wait_until(page, HREF_JS, ids.EXPORT_BEANCOUNT)).query == urlsplit(href).query

    with page.expect_download() as download_info:
        page.locator(f"#{ids.EXPORT_CSV}").click()
    download = download_info.value
    assert download.suggested_filename == f"finance-tracker-transactions-{date.today()}.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    raw = saved.read_bytes()
    assert raw.startswith(BOM.encode("utf-8"))
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")[1:], newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    rows = list(reader)
    assert len(rows) == 2
    by_payee = {row["payee"]: row for row in rows}
    # The formula and the memo starting with a minus come back as text; amounts stay numbers.
    assert by_payee["'" + FORMULA_PAYEE]["amount"] == "-12.34"
    assert by_payee["Refund"]["memo"] == "'-2 export probe"
    assert by_payee["Refund"]["amount"] == "5.00"
    total = sum(Decimal(row["amount"]) for row in rows)
    assert total == Decimal("-7.34")
    assert "-€7.34" in totals  # the grid's totals line says the same

    engine = make_engine(live_server.app.server.extensions["ft_settings"].resolved_database_url)
    grid = transactions_page(engine, DEMO_USER_ID, Filters(start, end), GridRequest(SEARCH))
    engine.dispose()
    assert (grid.total_count, grid.total_minor) == (2, -734)
    assert {int(row["id"]) for row in rows} == set(grid.rows["id"])
