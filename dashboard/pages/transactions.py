"""/transactions: the entry form, search and totals, the server-paged grid and the edit modal.
The two forms are built in dashboard/transaction_forms.py."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.components import GRID_BLOCK_SIZE
from dashboard.html_attrs import html_attrs
from dashboard.transaction_forms import edit_modal, entry_form

TITLE = "Transactions"

COLUMN_DEFS = [
    {"field": "date", "headerName": "Date", "sort": "desc", "width": 112, "minWidth": 104},
    {"field": "payee", "headerName": "Payee", "flex": 2, "minWidth": 120},
    {
        "field": "amount",
        "headerName": "Amount",
        "type": "rightAligned",
        "minWidth": 104,
        "flex": 1,
        "cellClassRules": {"amount-negative": "params.data && params.data.amount_minor < 0"},
    },
    # A split's parts show in the category cell's tooltip (and in the edit modal).
    {
        "field": "category",
        "headerName": "Category",
        "flex": 1,
        "minWidth": 120,
        "tooltipField": "parts_text",
    },
    {"field": "account", "headerName": "Account", "flex": 1, "minWidth": 110},
    {"field": "memo", "headerName": "Memo", "flex": 2, "minWidth": 120, "sortable": False},
    {
        # A link to the download route (markdown: never raw HTML). The route answers with
        # Content-Disposition: attachment, so the click downloads and the grid stays. No
        # "linkTarget": AG Grid 33+ warns of it as an unknown colDef property, and dash-ag-grid's
        # markdown renderer only applies it with dangerously_allow_code, which stays off.
        "field": "receipt_link",
        "headerName": "",
        "headerTooltip": "Receipt attached",
        "cellRenderer": "markdown",
        "width": 56,
        "sortable": False,
        "resizable": False,
    },
]


def export_links() -> html.Div:
    """Downloads of what the grid shows; a callback sets their hrefs to the current filter."""
    links = [
        html.A(
            [html.I(className=f"bi {icon} me-1", **html_attrs({"aria-hidden": "true"})), label],
            id=link_id,
            title=title,
            className="btn btn-outline-secondary btn-sm",
        )
        for link_id, icon, label, title in (
            (ids.EXPORT_CSV, "bi-filetype-csv", "Export CSV", "These transactions as CSV"),
            (
                ids.EXPORT_BEANCOUNT,
                "bi-journal-text",
                "Export ledger",
                "These transactions as a beancount ledger (Fava reads it)",
            ),
        )
    ]
    return html.Div(links, className="d-flex gap-2 justify-content-md-end")


def transactions_grid() -> dbc.Card:
    search = dbc.Input(
        id=ids.SEARCH,
        type="search",
        placeholder="Search payee and memo",
        debounce=400,
        autocomplete="off",
    )
    grid = dag.AgGrid(
        id=ids.GRID,
        rowModelType="infinite",
        columnDefs=COLUMN_DEFS,
        defaultColDef={"sortable": True, "filter": False, "resizable": True},
        getRowId="params.data.row_id",
        dashGridOptions={
            "cacheBlockSize": GRID_BLOCK_SIZE,
            "maxBlocksInCache": 20,
            "infiniteInitialRowCount": 1,
            # One request at a time: dash-ag-grid answers only the latest getRows call.
            "maxConcurrentDatasourceRequests": 1,
            "suppressMultiSort": True,
            "animateRows": False,
            "tooltipShowDelay": 300,
        },
        # Enter on a focused cell opens its row, like a click (assets/dashAgGridFunctions.js).
        eventListeners={"cellKeyDown": ["openRowOnEnter(params, setEventData)"]},
        style={"height": "min(70vh, 640px)", "minHeight": "360px"},
        className="transactions-grid",
    )
    header = dbc.Row(
        [
            dbc.Col(search, xs=12, md=5, lg=4),
            dbc.Col(html.Div(id=ids.GRID_TOTALS, className="grid-totals"), xs=12, md=True),
            dbc.Col(export_links(), xs=12, md="auto"),
        ],
        className="g-2 align-items-center mb-2",
    )
    hint = html.Small(
        "Click a row, or press Enter on one, to edit or delete it.", className="text-muted"
    )
    return dbc.Card(
        dbc.CardBody([header, grid, hint], className="p-2"),
        className="mb-2",
    )


def undo_toast() -> dbc.Toast:
    return dbc.Toast(
        [
            html.Span(id=ids.UNDO_MESSAGE, className="me-2"),
            dbc.Button("Undo", id=ids.UNDO_BUTTON, size="sm", color="primary", outline=True),
        ],
        id=ids.UNDO_TOAST,
        header="Transactions",
        is_open=False,
        dismissable=True,
        duration=10_000,
        className="undo-toast",
    )


def rule_offer_toast() -> dbc.Toast:
    """A rule offered after the same payee was put in the same category by hand twice."""
    return dbc.Toast(
        [
            html.Div(id=ids.RULE_OFFER_TEXT, className="mb-2"),
            dbc.Button("Create the rule", id=ids.RULE_OFFER_CREATE, size="sm", color="primary"),
        ],
        id=ids.RULE_OFFER_TOAST,
        header="A rule?",
        is_open=False,
        dismissable=True,
        className="undo-toast rule-offer-toast",
    )


def layout() -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.EDIT_ID),
            dcc.Store(id=ids.UNDO_STORE),
            dcc.Store(id=ids.GRID_SYNC_SIGNAL),
            dcc.Store(id=ids.ENTRY_FOCUS_SIGNAL),
            html.Div(id=ids.ENTRY_EMPTY),
            # Shown once the user's accounts are known: a user without any sees ids.ENTRY_EMPTY.
            html.Div(entry_form(), id=ids.ENTRY_CARD, style={"display": "none"}),
            transactions_grid(),
            edit_modal(),
            dcc.ConfirmDialog(id=ids.DELETE_CONFIRM, message="Delete this transaction?"),
            undo_toast(),
            dcc.Store(id=ids.RULE_OFFER_STORE),
            dcc.Store(id=ids.MODEL_WARM_STORE),
            rule_offer_toast(),
        ],
        className="transactions-page",
    )
