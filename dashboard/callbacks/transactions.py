"""Transactions page: the server-paged grid and its totals. The entry form, the edit modal, its
receipt, delete/undo, the split parts and the export links live in transaction_entry.py,
transaction_edit.py, transaction_receipt.py, transaction_delete.py, transaction_splits.py and
transaction_export.py; register() here wires all eight (tags: transaction_tags.py).

The grid uses AG Grid's infinite row model: the browser asks for one block of rows at a time
(getRowsRequest) and this module answers with that block and the total row count, so the
browser never holds more than the blocks it has scrolled through.
"""

from __future__ import annotations

from datetime import date, timedelta
from string import Template
from typing import Any, NamedTuple

import pandas as pd
from dash import Dash, Input, Output, Patch, State, html, no_update

from dashboard import ids, services
from dashboard.callbacks import (
    model_warmup,
    rule_offers,
    transaction_delete,
    transaction_edit,
    transaction_entry,
    transaction_export,
    transaction_receipt,
    transaction_splits,
    transaction_tags,
)
from dashboard.callbacks.common import outputs_with
from dashboard.components import GRID_BLOCK_SIZE
from dashboard.forms import parse_filters, search_text, search_too_long
from dashboard.receipts.download import receipt_url
from dashboard.security.auth import current_user_id
from data.classification import UNCATEGORISED
from data.filters import Filters
from data.lookups import GridRequest
from data.money import format_money
from data.validation import EARLIEST_DATE, MAX_DAYS_AHEAD

# Grid column id -> the data layer's sort key.
SORT_COLUMNS = {
    "date": "date",
    "payee": "payee",
    "amount": "amount_minor",
    "category": "category",
    "account": "account",
}
DEFAULT_SORT = (("date", "desc"),)
RECEIPT_MARK = "📎"
TRANSFER_LABEL = "Transfer"
SPLIT_MARK = "✂"
NONE_YET = "No transactions yet"
NONE_MATCH = "No transactions match these filters"
OVERLAY_OPTION = "overlayComponentParams"


def grid_sort(sort_model: Any) -> tuple[tuple[str, str], ...]:
    """AG Grid's sortModel -> the data layer's sort; unknown columns are ignored."""
    sort: list[tuple[str, str]] = []
    for item in sort_model if isinstance(sort_model, list) else []:
        if not isinstance(item, dict):
            continue
        column = SORT_COLUMNS.get(str(item.get("colId")))
        direction = item.get("sort")
        if column and direction in ("asc", "desc") and all(column != c for c, _ in sort):
            sort.append((column, direction))
    return tuple(sort) or DEFAULT_SORT


def _row_index(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def grid_window(request: Any) -> tuple[int, int]:
    """(offset, limit) of a getRowsRequest: never more than one block, whatever was asked."""
    request = request if isinstance(request, dict) else {}
    start = max(0, _row_index(request.get("startRow"), 0))
    end = _row_index(request.get("endRow"), start + GRID_BLOCK_SIZE)
    return start, min(max(1, end - start), GRID_BLOCK_SIZE)


def category_label(category: Any, transfer_peer_id: Any, parts: int = 0) -> str:
    """The category column: a transfer, a split (its parts are in the edit modal), or the
    category's name."""
    if pd.notna(transfer_peer_id):
        return TRANSFER_LABEL
    if parts:
        return f"{SPLIT_MARK} Split · {parts} parts"
    return category if isinstance(category, str) else UNCATEGORISED


def receipt_link(receipt_id: Any) -> str:
    """The receipt column's markdown: a paperclip linking to the download route, or nothing."""
    if pd.isna(receipt_id):
        return ""
    return f'[{RECEIPT_MARK}]({receipt_url(int(receipt_id))} "Open the receipt")'


def parts_texts(parts: pd.DataFrame, currencies: dict[int, str]) -> dict[int, str]:
    """Each split transaction's parts in one line: "Groceries -€10.00 · Household -€2.50"."""
    texts: dict[int, list[str]] = {}
    for part in parts.itertuples():
        name = part.category if isinstance(part.category, str) else UNCATEGORISED
        money = format_money(int(part.amount_minor), currencies[int(part.transaction_id)])
        memo = f" ({part.memo})" if part.memo else ""
        texts.setdefault(int(part.transaction_id), []).append(f"{name} {money}{memo}")
    return {txn: " · ".join(lines) for txn, lines in texts.items()}


def grid_rows(
    frame: pd.DataFrame, parts_text: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """The page's rows as the grid shows them: amounts as text formatted from the integers."""
    parts_text = parts_text or {}
    return [
        {
            "row_id": str(int(row.id)),
            "id": int(row.id),
            "date": str(row.date)[:10],
            "payee": row.payee,
            "amount": format_money(int(row.amount_minor), row.currency),
            "amount_minor": int(row.amount_minor),
            "category": category_label(row.category, row.transfer_peer_id, int(row.parts)),
            "parts_text": parts_text.get(int(row.id), ""),
            "account": row.account,
            "memo": row.memo,
            "receipt": RECEIPT_MARK if pd.notna(row.receipt_id) else "",
            "receipt_link": receipt_link(row.receipt_id),
        }
        for row in frame.itertuples(index=False)
    ]


def has_transactions(user_id: int, today: date) -> bool:
    """Whether the user has any transaction at all, whatever the filters say."""
    every_date = Filters(EARLIEST_DATE, today + timedelta(days=MAX_DAYS_AHEAD))
    page = services.transactions_page(user_id, every_date, GridRequest(limit=1))
    return page.total_count > 0


def empty_message(user_id: int, today: date) -> str:
    """Why the grid is empty: nothing entered yet, or nothing under these filters."""
    return NONE_MATCH if has_transactions(user_id, today) else NONE_YET


def no_rows_overlay(message: str) -> dict[str, Any]:
    """AG Grid's overlayComponentParams for an empty grid (shown as text, never as HTML)."""
    return {"noRows": {"overlayText": message}}


def totals_line(
    user_id: int, total_count: int, total_minor: int, empty: str | None, unconverted: int = 0
) -> Any:
    """The count and the total (in the reporting currency); rows of another currency without a
    rate are said to be left out, never added in their own currency."""
    if total_count == 0:
        return html.Span(f"{empty or NONE_MATCH}.", className="text-muted")
    noun = "transaction" if total_count == 1 else "transactions"
    currency = services.user_currency(user_id)
    return [
        html.Span(f"{total_count:,} {noun}", className="fw-semibold"),
        html.Span(" · total ", className="text-muted"),
        html.Span(
            format_money(total_minor, currency),
            className="fw-semibold " + ("text-danger" if total_minor < 0 else "text-success"),
        ),
        *(
            [html.Span(f" · {unconverted:,} without an exchange rate, not in the total",
                       className="text-warning-emphasis")]
            if unconverted
            else []
        ),
    ]  # fmt: skip


class GridPage(NamedTuple):
    """One getRowsRequest's answer: the rows for the grid, the totals line, and why the grid is
    empty (None when it is not)."""

    response: dict[str, Any]
    totals: Any
    empty: str | None


def grid_page(
    user_id: int,
    request: Any,
    filter_store: Any,
    cross_store: Any,
    search: Any,
    today: date,
) -> GridPage:
    """One getRowsRequest -> its GridPage."""
    text = search_text(search)
    refused = search_too_long(text)
    if refused:
        return GridPage(
            {"rowData": [], "rowCount": 0}, html.Span(refused, className="text-danger"), refused
        )
    filters = parse_filters(filter_store, cross_store, today)
    offset, limit = grid_window(request)
    sort = grid_sort(request.get("sortModel") if isinstance(request, dict) else None)
    page = services.transactions_page(user_id, filters, GridRequest(text, sort, offset, limit))
    total_count, total_minor = int(page.total_count), int(page.total_minor)
    split_ids = tuple(int(i) for i in page.rows.loc[page.rows["parts"] > 0, "id"])
    currencies = dict(zip(page.rows["id"].astype(int), page.rows["currency"], strict=True))
    parts = services.split_parts(user_id, split_ids) if split_ids else None
    texts = parts_texts(parts, currencies) if parts is not None else {}
    response = {"rowData": grid_rows(page.rows, texts), "rowCount": total_count}
    empty = empty_message(user_id, today) if total_count == 0 else None
    totals = totals_line(user_id, total_count, total_minor, empty, page.unconverted_count)
    return GridPage(response, totals, empty)


def overlay_update(grid_options: Any, empty: str | None) -> Any:
    """A patch of the grid's no-rows message when it must change, else no_update."""
    current = grid_options.get(OVERLAY_OPTION) if isinstance(grid_options, dict) else None
    if empty is None or current == no_rows_overlay(empty):
        return no_update
    patch = Patch()
    patch[OVERLAY_OPTION] = no_rows_overlay(empty)
    return patch


# Reload the grid's blocks when what it shows changes. A write keeps the scroll position
# (refresh); new filters or a new search start from the top (purge). Also keeps AG Grid's
# light/dark mode in step with the theme switch.
_SYNC_GRID_JS = Template("""
function(filters, cross, search, refresh, dark) {
    document.documentElement.setAttribute('data-ag-theme-mode', dark ? 'dark' : 'light');
    const triggered = (dash_clientside.callback_context.triggered || [])
        .map(t => t.prop_id)
        .filter(p => p && p !== '.' && !p.startsWith('$theme.'));
    if (!triggered.length) { return dash_clientside.no_update; }
    let api = null;
    try { api = dash_ag_grid.getApi('$grid'); } catch (e) { return dash_clientside.no_update; }
    if (triggered.every(p => p.startsWith('$refresh.'))) {
        api.refreshInfiniteCache();
    } else {
        api.purgeInfiniteCache();
        api.ensureIndexVisible(0, 'top');
    }
    return Date.now();
}
""").substitute(theme=ids.THEME_SWITCH, grid=ids.GRID, refresh=ids.REFRESH_STORE)


# The grid callback's outputs by name; grid_outputs returns a dict with these keys.
ROWS_OUTPUTS = {
    "response": Output(ids.GRID, "getRowsResponse"),
    "totals": Output(ids.GRID_TOTALS, "children"),
    "grid_options": Output(ids.GRID, "dashGridOptions"),
}


def grid_outputs(page: GridPage, grid_options: Any) -> dict[str, Any]:
    """Keyed as ROWS_OUTPUTS: the rows, the totals line and, if it changes, the empty message."""
    return {
        "response": page.response,
        "totals": page.totals,
        "grid_options": overlay_update(grid_options, page.empty),
    }


def register(app: Dash) -> None:
    @app.callback(
        output=ROWS_OUTPUTS,
        inputs={"request": Input(ids.GRID, "getRowsRequest")},
        state={
            "filter_store": State(ids.FILTERS_STORE, "data"),
            "cross_store": State(ids.CROSS_FILTER_STORE, "data"),
            "search": State(ids.SEARCH, "value"),
            "grid_options": State(ids.GRID, "dashGridOptions"),
        },
        prevent_initial_call=True,
    )
    def _rows(
        request: Any, filter_store: Any, cross_store: Any, search: Any, grid_options: Any
    ) -> dict[str, Any]:
        if not request:
            return outputs_with(ROWS_OUTPUTS, {})
        page = grid_page(
            current_user_id(), request, filter_store, cross_store, search, date.today()
        )
        return grid_outputs(page, grid_options)

    app.clientside_callback(
        _SYNC_GRID_JS,
        Output(ids.GRID_SYNC_SIGNAL, "data"),
        Input(ids.FILTERS_STORE, "data"),
        Input(ids.CROSS_FILTER_STORE, "data"),
        Input(ids.SEARCH, "value"),
        Input(ids.REFRESH_STORE, "data"),
        Input(ids.THEME_SWITCH, "value"),
    )
    transaction_entry.register(app)
    transaction_edit.register(app)
    transaction_receipt.register(app)
    transaction_delete.register(app)
    transaction_splits.register(app)
    transaction_tags.register(app)
    transaction_export.register(app)
    rule_offers.register(app)
    model_warmup.register(app)
