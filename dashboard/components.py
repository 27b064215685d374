"""Reusable layout builders: KPI cards, chart cards, empty states, field feedback."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.html_attrs import html_attrs
from data.schema import ACCOUNT_TYPES, CATEGORY_KINDS

# A table with this class shows each row as a card on phones, each cell named by its
# data-label; a WIDE cell spans the whole card (assets/app.css).
CARDS_ON_PHONES = "table-cards"
WIDE = "cell-wide"

# Rows per block of the transactions grid: its cacheBlockSize, and the most rows the server-side
# rows callback answers with (dashboard/callbacks/transactions.py).
GRID_BLOCK_SIZE = 100

# How account types and category kinds read: in the add forms and in the tables.
ACCOUNT_TYPE_LABELS = {value: value.replace("_", " ").capitalize() for value in ACCOUNT_TYPES}
KIND_LABELS = {value: value.capitalize() for value in CATEGORY_KINDS}
# The overview's category charts: by category or by group (dashboard/callbacks/overview_groups.py).
VIEW_CATEGORIES, VIEW_GROUPS = "categories", "groups"
VIEW_OPTIONS = [
    {"label": "Categories", "value": VIEW_CATEGORIES},
    {"label": "Groups", "value": VIEW_GROUPS},
]

GRAPH_CONFIG: dcc.Graph.Config = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def kpi_card(card_id: str, title: str, icon: str, value: str = "—", delta: str = "") -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div([html.I(className=f"bi {icon} me-2"), title], className="kpi-title"),
                html.Div(value, id=f"{card_id}-value", className="kpi-value"),
                html.Div(delta, id=f"{card_id}-delta", className="kpi-delta small"),
            ]
        ),
        id=card_id,
        className="kpi-card h-100",
    )


def chart_card(graph_id: str, title: str, hint: str = "", height: int = 320) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span(title, className="fw-semibold"),
                    html.Small(hint, className="text-muted ms-2"),
                ]
            ),
            dbc.CardBody(
                dcc.Loading(
                    dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": f"{height}px"}),
                    type="dot",
                    delay_show=400,
                ),
                className="p-1",
            ),
        ],
        className="h-100 chart-card",
    )


def empty_state(title: str, body: str, action_label: str, action_href: str) -> html.Div:
    return html.Div(
        [
            html.I(className="bi bi-inbox display-5 text-muted"),
            html.H4(title, className="mt-3"),
            html.P(body, className="text-muted"),
            dbc.Button(action_label, href=action_href, color="primary"),
        ],
        className="text-center py-5 empty-state",
    )


def field_error(message: str | None) -> html.Div:
    return html.Div(message or "", className="invalid-feedback d-block" if message else "d-none")


def progress_bar(percent: int, name: str, color: str, class_name: str = "") -> html.Div:
    """Bootstrap's progress bar with an accessible name, which dbc.Progress cannot carry: a
    screen reader hears "<name>, 132%". The bar stops at 100 %, the text says the real share;
    text-bg-* gives the bar's text a colour that reads on it (black on yellow)."""
    shown = max(0, min(percent, 100))
    return html.Div(
        html.Div(
            f"{percent}%", className=f"progress-bar text-bg-{color}", style={"width": f"{shown}%"}
        ),
        className=f"progress {class_name}".strip(),
        role="progressbar",
        **html_attrs(
            {
                "aria-label": name,
                "aria-valuenow": shown,
                "aria-valuemin": 0,
                "aria-valuemax": 100,
                "aria-valuetext": f"{percent}%",
            }
        ),
    )
