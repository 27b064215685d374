"""/settings : accounts and categories, with their add forms and inline rename and archive."""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import CARDS_ON_PHONES, WIDE
from dashboard.html_attrs import html_attrs
from data.schema import ACCOUNT_TYPES, CATEGORY_KINDS

TITLE = "Accounts & categories"

# Pattern-matching ids of the table rows: {"type": ..., "id": row_id} and, for the archive
# buttons, "action": "archive" | "unarchive" (the button says what it does, so a stale page
# can never flip a row the wrong way).
ACCOUNT_NAME_INPUT = "settings-account-name"
ACCOUNT_NAME_ERROR = "settings-account-name-error"
ACCOUNT_ARCHIVE = "settings-account-archive"
CATEGORY_NAME_INPUT = "settings-category-name"
CATEGORY_NAME_ERROR = "settings-category-name-error"
CATEGORY_ARCHIVE = "settings-category-archive"
SETTINGS_START_HERE = "settings-start-here"
# The message under each field of the add forms.
NEW_ACCOUNT_FIELDS = {
    "name": ids.NEW_ACCOUNT_NAME,
    "type": ids.NEW_ACCOUNT_TYPE,
    "currency": ids.NEW_ACCOUNT_CURRENCY,
    "opening_balance_minor": ids.NEW_ACCOUNT_OPENING,
}
NEW_CATEGORY_FIELDS = {
    "name": ids.NEW_CATEGORY_NAME,
    "kind": ids.NEW_CATEGORY_KIND,
    "color": ids.NEW_CATEGORY_COLOR,
}
DEFAULT_CATEGORY_COLOR = "#4e79a7"
# Names and the currency have no maxLength: the browser would cut a pasted "EURO" to "EUR"
# without a word. The server refuses what is too long and says so (data/validation.py).

ACCOUNT_TYPE_LABELS = {value: value.replace("_", " ").capitalize() for value in ACCOUNT_TYPES}
KIND_LABELS = {value: value.capitalize() for value in CATEGORY_KINDS}


def error_id(field_id: str) -> str:
    return f"{field_id}-error"


@dataclass(frozen=True)
class AccountLine:
    id: int
    name: str
    type: str
    currency: str
    balance: str
    archived: bool


@dataclass(frozen=True)
class CategoryLine:
    id: int
    name: str
    kind: str
    color: str | None
    archived: bool


def _field(label: str, control, field_id: str, width: int) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=field_id, class_name="small mb-1"),
            control,
            html.Div(id=error_id(field_id), className="invalid-feedback d-block"),
        ],
        xs=12,
        md=width,
    )


def _name_cell(pattern: tuple[str, str], row_id: int, name: str, noun: str) -> html.Td:
    input_type, error_type = pattern
    # The label wraps the input: pattern-matching ids cannot be named by a label's `for`.
    return html.Td(
        [
            html.Label(
                [
                    html.Span(f"Name of the {noun} {name}", className="visually-hidden"),
                    dbc.Input(
                        id={"type": input_type, "id": row_id},
                        value=name,
                        debounce=True,
                        size="sm",
                        autocomplete="off",
                    ),
                ],
                className="d-block mb-0",
            ),
            html.Div(id={"type": error_type, "id": row_id}, className="invalid-feedback d-block"),
        ],
        className=WIDE,
    )


def _archive_cell(button_type: str, row_id: int, archived: bool, name: str) -> html.Td:
    action = "unarchive" if archived else "archive"
    return html.Td(
        [
            dbc.Badge("Archived", color="secondary", class_name="me-2") if archived else None,
            dbc.Button(
                [
                    html.I(
                        className=f"bi bi-{'box-arrow-up' if archived else 'archive'} me-1",
                        **html_attrs({"aria-hidden": "true"}),
                    ),
                    action.capitalize(),
                    html.Span(f" {name}", className="visually-hidden"),
                ],
                id={"type": button_type, "id": row_id, "action": action},
                size="sm",
                color="secondary",
                outline=True,
            ),
        ],
        className="text-end text-nowrap",
    )


def _table(headers: list[str], rows: list[html.Tr], table_id: str) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(text) for text in headers]))
    return dbc.Table(
        [head, html.Tbody(rows)],
        hover=True,
        responsive=True,
        size="sm",
        id=table_id,
        class_name=CARDS_ON_PHONES,
    )


def accounts_table(lines: list[AccountLine]) -> dbc.Table | html.P:
    if not lines:
        return html.P("No accounts yet.", className="text-muted")
    rows = [
        html.Tr(
            [
                _name_cell((ACCOUNT_NAME_INPUT, ACCOUNT_NAME_ERROR), line.id, line.name, "account"),
                # data-label names a cell where phones show the row as a card.
                html.Td(
                    ACCOUNT_TYPE_LABELS.get(line.type, line.type),
                    **html_attrs({"data-label": "Type"}),
                ),
                html.Td(line.currency, **html_attrs({"data-label": "Currency"})),
                html.Td(
                    line.balance, className="text-end", **html_attrs({"data-label": "Balance"})
                ),
                _archive_cell(ACCOUNT_ARCHIVE, line.id, line.archived, line.name),
            ],
            className="settings-archived" if line.archived else None,
        )
        for line in lines
    ]
    return _table(["Name", "Type", "Currency", "Balance", ""], rows, f"{ids.ACCOUNTS_TABLE}-rows")


def category_table(lines: list[CategoryLine]) -> dbc.Table | html.P:
    if not lines:
        return html.P("No categories yet.", className="text-muted")
    rows = [
        html.Tr(
            [
                _name_cell(
                    (CATEGORY_NAME_INPUT, CATEGORY_NAME_ERROR), line.id, line.name, "category"
                ),
                html.Td(
                    KIND_LABELS.get(line.kind, line.kind), **html_attrs({"data-label": "Kind"})
                ),
                html.Td(
                    html.Span(
                        className="color-swatch" + ("" if line.color else " color-swatch-none"),
                        style={"backgroundColor": line.color} if line.color else {},
                        title=line.color or "No colour",
                        role="img",
                        **html_attrs({"aria-label": f"Colour {line.color or 'not set'}"}),
                    ),
                    **html_attrs({"data-label": "Colour"}),
                ),
                _archive_cell(CATEGORY_ARCHIVE, line.id, line.archived, line.name),
            ],
            className="settings-archived" if line.archived else None,
        )
        for line in lines
    ]
    return _table(["Name", "Kind", "Colour", ""], rows, f"{ids.CATEGORIES_TABLE}-rows")


def start_here() -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2("Start here: add your first account", className="h5"),
            html.P(
                "An account is where money lives: a checking account, a savings account, a credit "
                "card or a cash wallet. Add one below with its balance today, then set up the "
                "categories you want to track and enter your transactions.",
                className="mb-0",
            ),
        ],
        color="info",
    )


def new_account_form() -> html.Div:
    type_options = [
        {"label": label, "value": value} for value, label in ACCOUNT_TYPE_LABELS.items()
    ]
    fields = [
        _field("Name", dbc.Input(id=ids.NEW_ACCOUNT_NAME), ids.NEW_ACCOUNT_NAME, 4),
        _field(
            "Type",
            dbc.Select(id=ids.NEW_ACCOUNT_TYPE, options=type_options, value=ACCOUNT_TYPES[0]),
            ids.NEW_ACCOUNT_TYPE,
            3,
        ),
        _field(
            "Currency",
            dbc.Input(id=ids.NEW_ACCOUNT_CURRENCY, placeholder="EUR"),
            ids.NEW_ACCOUNT_CURRENCY,
            2,
        ),
        _field(
            "Opening balance",
            dbc.Input(id=ids.NEW_ACCOUNT_OPENING, placeholder="0.00", inputmode="decimal"),
            ids.NEW_ACCOUNT_OPENING,
            3,
        ),
    ]
    return html.Div(
        [
            html.H3("Add an account", className="h6 mt-3"),
            dbc.Row(fields, class_name="g-2"),
            dbc.Button(
                "Add account", id=ids.NEW_ACCOUNT_SUBMIT, color="primary", class_name="mt-2"
            ),
            html.Div(
                id=ids.NEW_ACCOUNT_FEEDBACK, className="mt-2", **html_attrs({"aria-live": "polite"})
            ),
        ]
    )


def new_category_form() -> html.Div:
    kind_options = [{"label": label, "value": value} for value, label in KIND_LABELS.items()]
    fields = [
        _field("Name", dbc.Input(id=ids.NEW_CATEGORY_NAME), ids.NEW_CATEGORY_NAME, 5),
        _field(
            "Kind",
            dbc.Select(id=ids.NEW_CATEGORY_KIND, options=kind_options, value="expense"),
            ids.NEW_CATEGORY_KIND,
            4,
        ),
        _field(
            "Colour",
            dbc.Input(id=ids.NEW_CATEGORY_COLOR, type="color", value=DEFAULT_CATEGORY_COLOR),
            ids.NEW_CATEGORY_COLOR,
            3,
        ),
    ]
    return html.Div(
        [
            html.H3("Add a category", className="h6 mt-3"),
            dbc.Row(fields, class_name="g-2"),
            dbc.Button(
                "Add category", id=ids.NEW_CATEGORY_SUBMIT, color="primary", class_name="mt-2"
            ),
            html.Div(
                id=ids.NEW_CATEGORY_FEEDBACK,
                className="mt-2",
                **html_attrs({"aria-live": "polite"}),
            ),
        ]
    )


def layout() -> html.Div:
    def card(title: str, table_id: str, form: html.Div) -> dbc.Card:
        return dbc.Card(
            [
                dbc.CardHeader(html.H2(title, className="h5 mb-0")),
                dbc.CardBody([html.Div(id=table_id), form]),
            ],
            class_name="mb-3",
        )

    return html.Div(
        [
            html.Div(id=SETTINGS_START_HERE),
            html.Div(id=ids.SETTINGS_FEEDBACK, **html_attrs({"aria-live": "polite"})),
            dbc.Row(
                [
                    dbc.Col(card("Accounts", ids.ACCOUNTS_TABLE, new_account_form()), lg=7),
                    dbc.Col(card("Categories", ids.CATEGORIES_TABLE, new_category_form()), lg=5),
                ],
                class_name="g-3",
            ),
        ],
        className="settings-page",
    )
