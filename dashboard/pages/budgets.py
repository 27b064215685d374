"""/budgets : one month's limits, what was spent against them, and the controls to change them."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.html_attrs import html_attrs

TITLE = "Budgets"


def month_navigator() -> html.Div:
    return html.Div(
        [
            dbc.Button(
                [
                    html.I(className="bi bi-chevron-left", **html_attrs({"aria-hidden": "true"})),
                    html.Span("Previous month", className="visually-hidden"),
                ],
                id=ids.BUDGET_PREV,
                color="secondary",
                outline=True,
                title="Previous month",
            ),
            html.H2(
                "",
                id=ids.BUDGET_MONTH_LABEL,
                className="h4 mb-0 mx-3 budget-month-label",
                **html_attrs({"aria-live": "polite"}),
            ),
            dbc.Button(
                [
                    html.I(className="bi bi-chevron-right", **html_attrs({"aria-hidden": "true"})),
                    html.Span("Next month", className="visually-hidden"),
                ],
                id=ids.BUDGET_NEXT,
                color="secondary",
                outline=True,
                title="Next month",
            ),
        ],
        className="d-flex align-items-center",
    )


def add_limit_form() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div("Add a limit", className="fw-semibold mb-2"),
                dbc.Row(
                    [
                        dbc.Col(
                            dcc.Dropdown(
                                id=ids.BUDGET_NEW_CATEGORY,
                                placeholder="Expense category",
                                clearable=False,
                            ),
                            xs=12,
                            md=5,
                        ),
                        dbc.Col(
                            [
                                dbc.Label(
                                    "Monthly limit",
                                    html_for=ids.BUDGET_NEW_LIMIT,
                                    class_name="visually-hidden",
                                ),
                                dbc.Input(
                                    id=ids.BUDGET_NEW_LIMIT,
                                    placeholder="Monthly limit, e.g. 250.00",
                                    inputmode="decimal",
                                    autocomplete="off",
                                ),
                                html.Div(
                                    id=ids.BUDGET_NEW_LIMIT_ERROR,
                                    className="invalid-feedback d-block",
                                ),
                            ],
                            xs=12,
                            md=4,
                        ),
                        dbc.Col(
                            dbc.Button(
                                [html.I(className="bi bi-plus-lg me-1"), "Add limit"],
                                id=ids.BUDGET_ADD,
                                color="primary",
                                class_name="w-100",
                            ),
                            xs=12,
                            md=3,
                        ),
                    ],
                    class_name="g-2 align-items-start",
                ),
            ]
        ),
        id=ids.BUDGET_ADD_FORM,
        class_name="mb-3",
    )


def layout() -> html.Div:
    """The month defaults to the current one: the store starts empty and callbacks resolve it."""
    header = html.Div(
        [
            month_navigator(),
            dbc.Button(
                [html.I(className="bi bi-copy me-1"), "Copy last month's limits"],
                id=ids.BUDGET_COPY,
                color="secondary",
                outline=True,
            ),
        ],
        className="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-3",
    )
    return html.Div(
        [
            dcc.Store(id=ids.BUDGET_MONTH_STORE),
            header,
            html.Div(id=ids.BUDGET_FEEDBACK, **html_attrs({"aria-live": "polite"})),
            # Income minus limits (dashboard/callbacks/budget_rollover.py).
            html.Div(id=ids.BUDGET_AVAILABLE),
            html.Div(id=ids.BUDGET_TABLE),
            add_limit_form(),
            html.Div(id=ids.BUDGET_GAUGES),
        ],
        className="budgets-page",
    )
