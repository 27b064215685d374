"""The two forms of /transactions as layout: the entry form and the edit modal (with its
receipt field), their fields' ids and texts, and the field builders they share. Layout only:
the callbacks in dashboard/callbacks/transaction_*.py fill and read them."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.date_input import date_input
from dashboard.forms import NO_CATEGORY
from dashboard.html_attrs import html_attrs
from dashboard.split_editor import split_box

AMOUNT_HELP = "Negative = money out (-12.50), positive = money in (2500)."
TRANSFER_AMOUNT_HELP = "A positive amount, moved from the first account to the second."
RECEIVED_HELP = "Between two currencies: what arrived, in the second account's currency."
RECEIPT_PROMPT = "Choose or drop a file"
RECEIPT_HELP = "JPEG, PNG, WebP or PDF."
# Only a hint for the file picker: the server decides by content. Broad on purpose, so a wrong
# type reaches the server and gets its message instead of being silently ignored by the browser.
RECEIPT_ACCEPT = "image/*,application/pdf,.pdf"
# Text inputs have no maxlength: the browser would cut a pasted text to it without a word. The
# server refuses a text over its limit instead, saying the limit and the text's length.


def _field(
    label: str, control: Any, field_id: str, help_text: Any = None, label_id: str | None = None
) -> html.Div:
    """Label, control, optional help and the field's message (empty until there is one)."""
    label_props = {"id": label_id} if label_id else {}
    parts = [dbc.Label(label, html_for=field_id, **label_props), control]
    if help_text is not None:
        parts.append(help_text)
    parts.append(html.Div(id=ids.feedback_id(field_id), className="invalid-feedback d-block"))
    return html.Div(parts)


def tags_input(field_id: str) -> dcc.Dropdown:
    """Any number of tags: the user's own as suggestions, a new one by typing it (the options
    callback offers what is typed; the tag is created when the entry is saved)."""
    return dcc.Dropdown(
        id=field_id,
        multi=True,
        options=[],
        value=[],
        placeholder="Type a tag",
        className="tags-input",
    )


def _date_picker(field_id: str, value: str | None) -> dbc.InputGroup:
    return date_input(field_id, value, "the date")


def receipt_upload(upload_id: str, name_id: str) -> dcc.Upload:
    """A drop zone that keeps one file in the browser; the callbacks send it to the server."""
    return dcc.Upload(
        html.Div(
            [html.I(className="bi bi-paperclip me-1"), html.Span(RECEIPT_PROMPT, id=name_id)],
            className="text-truncate",
        ),
        id=upload_id,
        accept=RECEIPT_ACCEPT,
        multiple=False,
        className="form-control receipt-upload",
    )


def _entry_mode() -> dbc.RadioItems:
    return dbc.RadioItems(
        id=ids.ENTRY_MODE,
        options=[
            {"label": "Income or expense", "value": "transaction"},
            {"label": "Split across categories", "value": "split"},
            {"label": "Transfer between accounts", "value": "transfer"},
        ],
        value="transaction",
        inline=True,
        className="mb-2",
    )


def _entry_fields() -> list[tuple[Any, dict[str, Any]]]:
    """Each field of the entry form, with its column's own props (an id, a style)."""
    amount_help = dbc.FormText(AMOUNT_HELP, id=ids.ENTRY_AMOUNT_HELP)
    payee = html.Div(
        [
            dbc.Input(id=ids.ENTRY_PAYEE, list=ids.ENTRY_PAYEE_OPTIONS, autocomplete="off"),
            html.Datalist(id=ids.ENTRY_PAYEE_OPTIONS),
        ]
    )
    return [
        (
            _field("Date", _date_picker(ids.ENTRY_DATE, date.today().isoformat()), ids.ENTRY_DATE),
            {},
        ),
        (
            _field(
                "Amount",
                dbc.Input(id=ids.ENTRY_AMOUNT, inputmode="decimal", autocomplete="off"),
                ids.ENTRY_AMOUNT,
                amount_help,
            ),
            {},
        ),
        (
            _field(
                "Account",
                dbc.Select(id=ids.ENTRY_ACCOUNT),
                ids.ENTRY_ACCOUNT,
                label_id=ids.ENTRY_ACCOUNT_LABEL,
            ),
            {},
        ),
        (
            _field("To account", dbc.Select(id=ids.ENTRY_TO_ACCOUNT), ids.ENTRY_TO_ACCOUNT),
            {"id": ids.ENTRY_TO_ACCOUNT_COL, "style": {"display": "none"}},
        ),
        (
            _field(
                "Amount received",
                dbc.Input(id=ids.ENTRY_RECEIVED, inputmode="decimal", autocomplete="off"),
                ids.ENTRY_RECEIVED,
                html.Small(RECEIVED_HELP, className="form-text text-muted"),
                label_id=ids.ENTRY_RECEIVED_LABEL,
            ),
            {"id": ids.ENTRY_RECEIVED_COL, "style": {"display": "none"}},
        ),
        (_field("Payee", payee, ids.ENTRY_PAYEE), {}),
        (
            _field(
                "Category",
                dbc.Select(id=ids.ENTRY_CATEGORY, value=NO_CATEGORY),
                ids.ENTRY_CATEGORY,
                html.Small(
                    id=ids.ENTRY_SUGGESTIONS,
                    className="form-text text-muted",
                    **html_attrs({"aria-live": "polite"}),
                ),
            ),
            {"id": ids.ENTRY_CATEGORY_COL},
        ),
        (_field("Memo", dbc.Input(id=ids.ENTRY_MEMO), ids.ENTRY_MEMO), {}),
        (_field("Tags (optional)", tags_input(ids.ENTRY_TAGS), ids.ENTRY_TAGS), {}),
        (
            _field(
                "Receipt (optional)",
                receipt_upload(ids.ENTRY_RECEIPT, ids.ENTRY_RECEIPT_NAME),
                ids.ENTRY_RECEIPT,
                dbc.FormText(RECEIPT_HELP),
            ),
            {},
        ),
    ]


def _entry_submit() -> dbc.Col:
    return dbc.Col(
        dbc.Button(
            [html.I(className="bi bi-plus-lg me-1"), "Add"],
            id=ids.ENTRY_SUBMIT,
            type="submit",
            color="primary",
            className="w-100 entry-submit",
        ),
        xs=12,
        lg="auto",
        className="d-flex align-items-start entry-submit-col",
    )


def entry_form() -> dbc.Card:
    mode = _entry_mode()
    columns = [dbc.Col(field, xs=12, sm=6, lg=3, **extra) for field, extra in _entry_fields()]
    row = dbc.Row([*columns, _entry_submit()], className="g-2")
    return dbc.Card(
        [
            dbc.CardHeader(html.Span("Add a transaction", className="fw-semibold")),
            dbc.CardBody(
                dbc.Form(
                    [
                        mode,
                        row,
                        html.Div(
                            split_box(
                                "entry",
                                ids.ENTRY_SPLIT_PARTS,
                                ids.ENTRY_SPLIT_ADD,
                                ids.ENTRY_SPLIT_LEFT,
                            ),
                            id=ids.ENTRY_SPLIT_BOX,
                            style={"display": "none"},
                        ),  # fmt: skip
                        html.Div(id=ids.ENTRY_ERRORS, className="mt-2"),
                        html.Div(id=ids.ENTRY_FEEDBACK, className="mt-2"),
                        # Filled in the browser: the key that makes a retry store nothing new.
                        dcc.Store(id=ids.ENTRY_SUBMISSION_KEY),
                    ],
                    id=ids.ENTRY_FORM,
                )
            ),
        ],
        className="mb-2 entry-card",
    )


def edit_modal() -> dbc.Modal:
    fields = dbc.Row(
        [
            dbc.Col(_field("Date", _date_picker(ids.EDIT_DATE, None), ids.EDIT_DATE), xs=12, sm=6),
            dbc.Col(
                _field(
                    "Amount",
                    dbc.Input(id=ids.EDIT_AMOUNT, inputmode="decimal", autocomplete="off"),
                    ids.EDIT_AMOUNT,
                    dbc.FormText(AMOUNT_HELP),
                ),
                xs=12,
                sm=6,
            ),
            dbc.Col(_field("Account", dbc.Select(id=ids.EDIT_ACCOUNT), ids.EDIT_ACCOUNT), xs=12),
            dbc.Col(
                _field("Payee", dbc.Input(id=ids.EDIT_PAYEE), ids.EDIT_PAYEE),
                xs=12,
            ),
            dbc.Col(
                _field("Category", dbc.Select(id=ids.EDIT_CATEGORY), ids.EDIT_CATEGORY),
                xs=12,
                id=ids.EDIT_CATEGORY_COL,
            ),
            dbc.Col(
                split_box("edit", ids.EDIT_SPLIT_PARTS, ids.EDIT_SPLIT_ADD, ids.EDIT_SPLIT_LEFT),
                xs=12,
            ),
            dbc.Col(_field("Memo", dbc.Input(id=ids.EDIT_MEMO), ids.EDIT_MEMO), xs=12),
            dbc.Col(_field("Tags", tags_input(ids.EDIT_TAGS), ids.EDIT_TAGS), xs=12),
            dbc.Col(edit_receipt_field(), xs=12),
        ],
        className="g-2",
    )
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Edit transaction", id=ids.EDIT_MODAL_TITLE)),
            dbc.ModalBody([html.Div(id=ids.EDIT_ERRORS), html.Div(fields, id=ids.EDIT_FIELDS_BOX)]),
            dbc.ModalFooter(
                [
                    dbc.Button(
                        [html.I(className="bi bi-trash me-1"), "Delete"],
                        id=ids.EDIT_DELETE,
                        color="danger",
                        outline=True,
                        className="me-auto",
                    ),
                    dbc.Button(
                        [html.I(className="bi bi-calendar-plus me-1"), "Create schedule"],
                        id=ids.EDIT_MAKE_SCHEDULE,
                        href="/schedules",
                        color="secondary",
                        outline=True,
                        title="Create schedule from this transaction",
                    ),
                    dbc.Button("Cancel", id=ids.EDIT_CANCEL, color="secondary", outline=True),
                    dbc.Button("Save", id=ids.EDIT_SAVE, color="primary"),
                ]
            ),
        ],
        id=ids.EDIT_MODAL,
        # A screen reader announces the dialog by its title.
        labelledby=ids.EDIT_MODAL_TITLE,
        is_open=False,
        centered=True,
        fullscreen="sm-down",
    )


def edit_receipt_field() -> html.Div:
    """The transaction's receipt (a link and a remove button) and a drop zone that attaches a
    file at once, replacing the current one."""
    current = html.Div(
        [
            html.Div(id=ids.EDIT_RECEIPT_CURRENT, className="me-auto text-truncate"),
            dbc.Button(
                [html.I(className="bi bi-x-lg me-1"), "Remove"],
                id=ids.EDIT_RECEIPT_REMOVE,
                size="sm",
                color="danger",
                outline=True,
                style={"display": "none"},
            ),
        ],
        className="d-flex align-items-center gap-2 mb-1",
    )
    upload = html.Div([current, receipt_upload(ids.EDIT_RECEIPT, ids.EDIT_RECEIPT_NAME)])
    return html.Div(
        [
            _field("Receipt", upload, ids.EDIT_RECEIPT, dbc.FormText(RECEIPT_HELP)),
            dcc.Store(id=ids.EDIT_RECEIPT_READY),
            dcc.ConfirmDialog(
                id=ids.RECEIPT_REMOVE_CONFIRM,
                message="Remove this receipt? Its file will be deleted.",
            ),
        ]
    )
