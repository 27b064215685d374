"""/import: a bank statement from upload to committed, and the history of imports with undo.

Layout only; dashboard/callbacks/imports*.py fill it. The steps read top to bottom: the file
and its account, how a CSV is read (shown only for a CSV, every choice correctable), the review
of every line with its fate, then the commit. The history below lists every import.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.html_attrs import html_attrs

TITLE = "Import a bank statement"
ACCEPTED = ".csv,.txt,.tsv,.ofx,.qfx,.qif,.xml"
FORMATS_TEXT = "CSV from any bank, OFX, QFX, QIF or CAMT.053 (XML)"

REVIEW_COLUMNS = [
    {"field": "n", "headerName": "Line", "width": 80, "type": "numericColumn"},
    {"field": "kind", "headerName": "Status", "width": 190,
     "valueFormatter": {"function": "importFateLabel(params)"}, "cellClass": "import-fate"},
    {"field": "decision", "headerName": "Decision", "width": 150,
     "editable": {"function": "importDecisionEditable(params)"},
     "cellEditor": "agSelectCellEditor",
     "cellEditorParams": {"function": "importDecisionChoices(params)"}},
    {"field": "date", "headerName": "Date", "width": 120},
    {"field": "amount", "headerName": "Amount", "width": 130, "type": "rightAligned",
     "comparator": {"function": "importAmountOrder"}},
    {"field": "payee", "headerName": "Payee", "flex": 2, "minWidth": 160, "tooltipField": "payee"},
    {"field": "category", "headerName": "Category", "width": 150},
    {"field": "sp", "headerName": "Suggested", "width": 190, "type": "numericColumn",
     "valueFormatter": {"function": "importSuggestion(params)"},
     "cellClass": {"function": "importSuggestionClass(params)"},
     "tooltipValueGetter": {"function": "importSuggestionTip(params)"}},
    {"field": "accept", "headerName": "Accept", "width": 95, "cellDataType": "boolean",
     "editable": {"function": "importAcceptEditable(params)"}},
    # Ticked on a line that is a schedule's date ("this is your scheduled Rent"): it posts it.
    {"field": "sched", "headerName": "Scheduled", "width": 110, "cellDataType": "boolean",
     "editable": {"function": "params.data.sname !== undefined"},
     "headerTooltip": "Untick: the line is not the schedule's date"},
    {"field": "note", "headerName": "Note", "flex": 3, "minWidth": 200, "tooltipField": "note"},
    {"field": "memo", "headerName": "Memo", "flex": 2, "minWidth": 140, "tooltipField": "memo"},
]  # fmt: skip


def _labelled(label: str, control: object, control_id: str, width: int = 3) -> dbc.Col:
    return dbc.Col(
        [dbc.Label(label, html_for=control_id, class_name="small mb-1"), control],
        xs=12,
        md=width,
    )


def upload_card() -> dbc.Card:
    upload = dcc.Upload(
        id=ids.IMPORT_UPLOAD,
        children=html.Div(
            [
                html.I(className="bi bi-upload me-2", **html_attrs({"aria-hidden": "true"})),
                "Drop a statement here or ",
                html.Span("choose a file", className="text-decoration-underline"),
            ]
        ),
        accept=ACCEPTED,
        multiple=False,
        className="import-drop border rounded p-4 text-center",
    )
    account = dbc.Select(id=ids.IMPORT_ACCOUNT, options=[], placeholder="Choose an account")
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("1. The file and its account", className="h6"),
                html.P(f"{FORMATS_TEXT}.", className="small text-muted mb-2"),
                # Names the drop zone's file input (assets/widget-a11y.js passes it on).
                dbc.Label("Statement file", html_for=ids.IMPORT_UPLOAD, class_name="small mb-1"),
                upload,
                html.Div(
                    id=ids.IMPORT_UPLOAD_STATUS,
                    className="mt-2",
                    **html_attrs({"aria-live": "polite"}),
                ),
                dbc.Row(
                    [
                        _labelled("Into the account", account, ids.IMPORT_ACCOUNT, 5),
                        dbc.Col(
                            html.Small(id=ids.IMPORT_ACCOUNT_NOTE, className="text-muted"),
                            xs=12,
                            md=7,
                            class_name="d-flex align-items-end",
                        ),
                    ],
                    class_name="g-2 mt-1",
                ),
            ]
        ),
        class_name="mb-3",
    )


def mapping_card() -> dbc.Card:
    def select(control_id: str, multi: bool = False) -> dcc.Dropdown:
        return dcc.Dropdown(id=control_id, options=[], multi=multi, clearable=True)

    amount_modes = [
        {"label": "One signed amount column", "value": "signed"},
        {"label": "Debit and credit columns", "value": "debit_credit"},
        {"label": "Amount and a debit/credit column", "value": "indicator"},
    ]
    decimal = [
        {"label": "1.234,56 (comma)", "value": ","},
        {"label": "1,234.56 (point)", "value": "."},
    ]
    rows = [
        _labelled("Date column", select(ids.IMPORT_MAP_DATE_COLUMN), ids.IMPORT_MAP_DATE_COLUMN),
        _labelled("Date format", select(ids.IMPORT_MAP_DATE_FORMAT), ids.IMPORT_MAP_DATE_FORMAT),
        _labelled(
            "Amounts",
            dcc.Dropdown(id=ids.IMPORT_MAP_AMOUNT_MODE, options=amount_modes, clearable=False),
            ids.IMPORT_MAP_AMOUNT_MODE,
        ),
        _labelled(
            "Decimal mark",
            dcc.Dropdown(id=ids.IMPORT_MAP_DECIMAL, options=decimal, clearable=False),
            ids.IMPORT_MAP_DECIMAL,
        ),
        _labelled("Amount column", select(ids.IMPORT_MAP_AMOUNT), ids.IMPORT_MAP_AMOUNT),
        _labelled("Debit column", select(ids.IMPORT_MAP_DEBIT), ids.IMPORT_MAP_DEBIT),
        _labelled("Credit column", select(ids.IMPORT_MAP_CREDIT), ids.IMPORT_MAP_CREDIT),
        _labelled(
            "Debit/credit column", select(ids.IMPORT_MAP_INDICATOR), ids.IMPORT_MAP_INDICATOR
        ),
        _labelled("Payee from", select(ids.IMPORT_MAP_PAYEE, True), ids.IMPORT_MAP_PAYEE, 6),
        _labelled("Memo from", select(ids.IMPORT_MAP_MEMO, True), ids.IMPORT_MAP_MEMO, 6),
    ]
    invert = dbc.Checkbox(
        id=ids.IMPORT_MAP_INVERT,
        label="Purchases are positive in this file (a credit card's export): flip the signs",
        value=False,
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("2. How the file is read", className="h6"),
                html.Div(id=ids.IMPORT_MAPPING_SUMMARY, className="small text-muted mb-2"),
                dbc.Row(rows, class_name="g-2"),
                invert,
                dbc.Button(
                    "Read the file again with these settings",
                    id=ids.IMPORT_MAP_APPLY,
                    color="secondary",
                    class_name="mt-2",
                ),
            ]
        ),
        id=ids.IMPORT_MAPPING_CARD,
        class_name="mb-3",
        style={"display": "none"},
    )


def review_card() -> dbc.Card:
    probable = dbc.RadioItems(
        id=ids.IMPORT_PROBABLE,
        options=[
            {"label": "leave them out", "value": "skip"},
            {"label": "mark my entry as this bank line", "value": "link"},
            {"label": "import them anyway", "value": "import"},
        ],
        value="skip",
        inline=True,
    )
    grid = dag.AgGrid(
        id=ids.IMPORT_GRID,
        rowData=[],
        columnDefs=REVIEW_COLUMNS,
        defaultColDef={"sortable": True, "resizable": True},
        getRowId="importRowId(params)",
        dashGridOptions={"animateRows": False, "tooltipShowDelay": 300, "singleClickEdit": True},
        style={"height": "min(60vh, 560px)", "minHeight": "320px"},
        className="import-grid",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("3. Review every line", className="h6"),
                html.Div(id=ids.IMPORT_QUESTIONS),
                dbc.Progress(
                    id=ids.IMPORT_PROGRESS,
                    value=0,
                    style={"display": "none"},
                    class_name="mb-2",
                    label="",
                ),  # fmt: skip
                html.Div(id=ids.IMPORT_SUMMARY, **html_attrs({"aria-live": "polite"})),
                html.Div(
                    [
                        html.Span("Lines that look like an entry of yours: ", className="me-2"),
                        probable,
                    ],
                    className="small my-2",
                ),  # fmt: skip
                grid,
                html.Small(
                    "Change a line's decision in its Decision cell. Lines with errors are left "
                    "out; correct the reading above to fix them.",
                    className="text-muted",
                ),
                html.Div(
                    dbc.Button("Import", id=ids.IMPORT_COMMIT, color="primary", disabled=True),
                    className="mt-2",
                ),
                html.Div(
                    id=ids.IMPORT_RESULT, className="mt-2", **html_attrs({"aria-live": "polite"})
                ),
            ]
        ),
        class_name="mb-3",
    )


def history_card() -> dbc.Card:
    modal = dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Undo this import?")),
            dbc.ModalBody(html.Div(id=ids.IMPORT_UNDO_TEXT)),
            dbc.ModalFooter(
                [
                    dbc.Button("Keep it", id=ids.IMPORT_UNDO_CANCEL, color="secondary"),
                    dbc.Button("Undo the import", id=ids.IMPORT_UNDO_CONFIRM, color="danger"),
                ]
            ),
        ],
        id=ids.IMPORT_UNDO_MODAL,
        is_open=False,
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Imports so far", className="h6"),
                html.Div(id=ids.IMPORT_UNDO_FEEDBACK, **html_attrs({"aria-live": "polite"})),
                html.Div(id=ids.IMPORT_HISTORY),
                modal,
            ]
        ),
        class_name="mb-3",
    )


def layout() -> html.Div:
    stores = [
        dcc.Store(id=ids.IMPORT_STATE, data={}),
        dcc.Store(id=ids.IMPORT_PREVIEW_STORE, data={}),
        dcc.Store(id=ids.IMPORT_DECISIONS, data={}),
        dcc.Store(id=ids.IMPORT_HISTORY_REFRESH, data=0),
        dcc.Store(id=ids.IMPORT_UNDO_BATCH, data=None),
    ]
    return html.Div(
        [
            html.H1(TITLE, className="h4 mb-3"),
            *stores,
            upload_card(),
            mapping_card(),
            review_card(),
            history_card(),
        ]
    )
