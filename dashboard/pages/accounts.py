"""/accounts (and /settings, its old address): accounts, categories and category groups, with
their add forms and inline rename and archive (a group: delete), and each category's group."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.components import ACCOUNT_TYPE_LABELS, KIND_LABELS
from dashboard.html_attrs import html_attrs
from data.schema import ACCOUNT_TYPES

TITLE = "Accounts, categories & tags"

DEFAULT_CATEGORY_COLOR = "#4e79a7"
# Names and the currency have no maxLength: the browser would cut a pasted "EURO" to "EUR"
# without a word. The server refuses what is too long and says so (data/validation.py).


def _field(label: str, control: Component, field_id: str, width: int) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=field_id, class_name="small mb-1"),
            control,
            html.Div(id=ids.error_id(field_id), className="invalid-feedback d-block"),
        ],
        xs=12,
        md=width,
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


def new_group_form() -> html.Div:
    return html.Div(
        [
            html.H3("Add a group", className="h6 mt-3"),
            dbc.Row(
                _field("Name", dbc.Input(id=ids.NEW_GROUP_NAME), ids.NEW_GROUP_NAME, 8),
                class_name="g-2",
            ),
            dbc.Button("Add group", id=ids.NEW_GROUP_SUBMIT, color="primary", class_name="mt-2"),
            html.Div(
                id=ids.NEW_GROUP_FEEDBACK, className="mt-2", **html_attrs({"aria-live": "polite"})
            ),
        ]
    )


def tags_hint() -> html.Div:
    return html.Div(
        "Tags are created as you type them on a transaction. Rename one here, merge it into "
        "another (everything tagged with it gets the other), or delete it.",
        className="small text-muted mb-0",
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
            html.Div(id=ids.ACCOUNTS_START_HERE),
            html.Div(id=ids.ACCOUNTS_FEEDBACK, **html_attrs({"aria-live": "polite"})),
            dbc.Row(
                [
                    dbc.Col(card("Accounts", ids.ACCOUNTS_TABLE, new_account_form()), lg=7),
                    dbc.Col(
                        [
                            card("Categories", ids.CATEGORIES_TABLE, new_category_form()),
                            card("Category groups", ids.GROUPS_TABLE, new_group_form()),
                            card("Tags", ids.TAGS_TABLE, tags_hint()),
                        ],
                        lg=5,
                    ),
                ],
                class_name="g-3",
            ),
        ],
        className="settings-page",
    )
