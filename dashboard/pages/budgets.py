"""/budgets : one month's limits, what was spent against them, and the controls to change them."""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.components import CARDS_ON_PHONES, WIDE, empty_state, progress_bar
from dashboard.html_attrs import html_attrs

TITLE = "Budgets"

# Pattern-matching ids of the per-category rows: {"type": ..., "category": category_id}.
BUDGET_LIMIT_INPUT = "budget-limit-input"
BUDGET_LIMIT_ERROR = "budget-limit-error"
BUDGET_NEW_LIMIT_ERROR = "budget-new-limit-error"
BUDGET_ADD_FORM = "budget-add-form"

# Not colour alone: each state also has its icon and its words.
STATE_ICONS = {
    "ok": ("bi-check-circle-fill", "On track"),
    "warning": ("bi-exclamation-triangle-fill", "At risk"),
    "over": ("bi-exclamation-octagon-fill", "Over budget"),
}
PROGRESS_COLORS = {"ok": "success", "warning": "warning", "over": "danger"}


@dataclass(frozen=True)
class BudgetLine:
    """One budgeted category as the table shows it: texts already formatted from integers."""

    category_id: int
    category: str
    state: str
    limit: str
    spent: str
    remaining: str
    overspent: bool
    percent: int
    pace: str


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
                                    id=BUDGET_NEW_LIMIT_ERROR, className="invalid-feedback d-block"
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
        id=BUDGET_ADD_FORM,
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
            html.Div(id=ids.BUDGET_TABLE),
            add_limit_form(),
            html.Div(id=ids.BUDGET_GAUGES),
        ],
        className="budgets-page",
    )


def budget_row(line: BudgetLine) -> html.Tr:
    icon, state_text = STATE_ICONS[line.state]
    state = html.Span(
        [html.I(className=f"bi {icon} me-1", **html_attrs({"aria-hidden": "true"})), state_text],
        className=f"budget-state budget-state-{line.state} small",
    )
    # The label wraps the input: pattern-matching ids cannot be named by a label's `for`.
    limit = [
        html.Label(
            [
                html.Span(f"Monthly limit for {line.category}", className="visually-hidden"),
                dbc.Input(
                    id={"type": BUDGET_LIMIT_INPUT, "category": line.category_id},
                    value=line.limit,
                    debounce=True,
                    inputmode="decimal",
                    autocomplete="off",
                    size="sm",
                    class_name="budget-limit-input",
                ),
            ],
            className="d-block mb-0",
        ),
        html.Div(
            id={"type": BUDGET_LIMIT_ERROR, "category": line.category_id},
            className="invalid-feedback d-block",
        ),
    ]
    progress = progress_bar(
        line.percent,
        f"{line.category}: share of the limit spent",
        PROGRESS_COLORS[line.state],
        "budget-progress",
    )
    # data-label names a cell where phones show the row as a card (assets/app.css).
    return html.Tr(
        [
            html.Td([html.Div(line.category, className="fw-semibold"), state], className=WIDE),
            html.Td(limit, **html_attrs({"data-label": "Limit"})),
            html.Td(line.spent, className="text-end", **html_attrs({"data-label": "Spent"})),
            html.Td(
                line.remaining,
                className="text-end" + (" fw-semibold budget-overspent" if line.overspent else ""),
                **html_attrs({"data-label": "Remaining"}),
            ),
            html.Td(
                [progress, html.Div(line.pace, className="small text-muted mt-1 budget-pace")],
                className=f"budget-progress-cell {WIDE}",
            ),
        ],
        className=f"budget-row budget-row-{line.state}",
    )


def budget_table(lines: list[BudgetLine]) -> dbc.Table:
    head = html.Thead(
        html.Tr(
            [
                html.Th("Category"),
                html.Th("Limit"),
                html.Th("Spent", className="text-end"),
                html.Th("Remaining", className="text-end"),
                html.Th("Progress"),
            ]
        )
    )
    rows = html.Tbody([budget_row(line) for line in lines])
    return dbc.Table(
        [head, rows], hover=True, responsive=True, class_name=f"budget-table {CARDS_ON_PHONES}"
    )


def no_categories() -> html.Div:
    return empty_state(
        "No expense categories yet",
        "A budget sets a monthly limit per expense category. Add your categories first.",
        "Add categories",
        "/settings",
    )


def no_limits(month_label: str) -> dbc.Alert:
    return dbc.Alert(
        [
            html.I(className="bi bi-info-circle me-2", **html_attrs({"aria-hidden": "true"})),
            f"No limits for {month_label} yet. Copy last month's limits with the button above, "
            "or add a limit below.",
        ],
        color="info",
        class_name="budget-empty",
    )


def gauge_panel(gauges: list) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span("Spent against each limit", className="fw-semibold"),
                    html.Small(
                        "the marker: where this pace ends the month", className="text-muted ms-2"
                    ),
                ]
            ),
            dbc.CardBody(dbc.Row(gauges, class_name="g-1"), class_name="p-2"),
        ]
    )
