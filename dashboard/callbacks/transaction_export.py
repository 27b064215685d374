"""Transactions page: the export links. Their hrefs carry what the grid shows (the filter bar,
the overview's cross-filter and the search box), resolved to dates and ids as the grid resolves
them, so the download holds the grid's rows (dashboard/exports.py serves it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Dash, Input, Output

from dashboard import ids
from dashboard.exports import CSV_PATH, LEDGER_PATH, export_href
from dashboard.forms import parse_filters, search_text
from data.export_rows import ExportRequest


def export_hrefs(filter_store: Any, cross_store: Any, search: Any, today: date) -> list[str]:
    """The CSV link's href, then the ledger's."""
    export = ExportRequest(parse_filters(filter_store, cross_store, today), search_text(search))
    return [export_href(CSV_PATH, export), export_href(LEDGER_PATH, export)]


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.EXPORT_CSV, "href"),
        Output(ids.EXPORT_BEANCOUNT, "href"),
        Input(ids.FILTERS_STORE, "data"),
        Input(ids.CROSS_FILTER_STORE, "data"),
        Input(ids.SEARCH, "value"),
    )
    def _hrefs(filter_store: Any, cross_store: Any, search: Any) -> list[str]:
        return export_hrefs(filter_store, cross_store, search, date.today())
