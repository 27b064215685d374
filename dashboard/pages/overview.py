"""/ : KPIs, the charts, this month's budget gauges and the filtered transactions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.components import (
    GRAPH_CONFIG,
    VIEW_CATEGORIES,
    VIEW_OPTIONS,
    chart_card,
    kpi_card,
)
from dashboard.html_attrs import html_attrs
from dashboard.overview_ids import CROSS_FILTER_NEXT, OVERVIEW_DRAWN
from dashboard.upcoming_card import upcoming_card

TITLE = "Overview"


def category_view_bar() -> html.Div:
    """The Categories / Groups toggle of the category charts, and the breadcrumb back out of a
    group drilled into ("All groups › Housing", hidden until then)."""
    label = f"{ids.CATEGORY_VIEW}-label"
    toggle = html.Div(
        [
            html.Span("Spending by", id=label, className="small text-muted me-2"),
            dbc.RadioItems(
                id=ids.CATEGORY_VIEW,
                options=VIEW_OPTIONS,
                value=VIEW_CATEGORIES,
                inline=True,
                class_name="d-inline-block",
            ),
        ],
        role="radiogroup",
        className="d-inline-flex align-items-center me-3",
        **html_attrs({"aria-labelledby": label}),
    )
    trail = html.Nav(
        html.Ol(
            [
                html.Li(
                    html.Button(
                        "All groups",
                        id=ids.CATEGORY_DRILL_ROOT,
                        className="btn btn-link btn-sm p-0 align-baseline",
                    ),
                    className="breadcrumb-item",
                ),
                html.Li(
                    id=ids.CATEGORY_DRILL_CURRENT,
                    className="breadcrumb-item active",
                    **html_attrs({"aria-current": "page"}),
                ),
            ],
            className="breadcrumb mb-0 small",
            style={"--bs-breadcrumb-divider": "'›'"},
        ),
        id=ids.CATEGORY_BREADCRUMB,
        # No display class here: Bootstrap's d-* would win over [hidden].
        hidden=True,
        **html_attrs({"aria-label": "Group drill-down"}),
    )
    return html.Div(
        [toggle, trail, dcc.Store(id=ids.CATEGORY_DRILL_STORE, data={})],
        className="d-flex flex-wrap align-items-center mb-2 category-view-bar",
    )


def recent_transactions_card() -> dbc.Card:
    """The newest rows under every active filter: what a chart click narrows down to."""
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span("Transactions", className="fw-semibold"),
                    html.A("see all", href="/transactions", className="ms-2 small"),
                ]
            ),
            dbc.CardBody(html.Div(id=ids.OVERVIEW_TRANSACTIONS), className="p-0"),
        ]
    )


def month_end_card() -> dbc.Card:
    """Where this month ends (callbacks/overview_month_end.py): each account's projected
    balance with its likely range, the month's net, and the path there with the scheduled
    items marked."""
    graph = dcc.Graph(id=ids.CHART_MONTH_END, config=GRAPH_CONFIG, style={"height": "260px"})
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span("End of month", className="fw-semibold"),
                    html.Small(
                        "scheduled items plus the typical rest of the last 12 months",
                        className="text-muted ms-2",
                    ),
                ]
            ),
            dbc.CardBody(
                dbc.Row(
                    [dbc.Col(html.Div(id=ids.MONTH_END_BODY), lg=5), dbc.Col(graph, lg=7)],
                    className="g-2",
                ),
                className="p-2",
            ),
        ],
        className="chart-card",
    )


# The KPI cards: key (as callbacks/overview.KPI_OUTPUTS names their texts), id, title, icon.
KPI_CARDS = (
    ("income", ids.KPI_INCOME, "Income", "bi-arrow-down-circle"),
    ("spending", ids.KPI_SPENDING, "Spending", "bi-arrow-up-circle"),
    ("net", ids.KPI_NET, "Net", "bi-plus-slash-minus"),
    ("savings_rate", ids.KPI_SAVINGS_RATE, "Savings rate", "bi-piggy-bank"),
)


def layout(kpi_texts: Mapping[str, str] | None = None, gauges: Any = None) -> html.Div:
    """The overview; `kpi_texts` (keyed "income_value", "income_delta", ...) fills the KPI cards
    and `gauges` the budget meters' card as the page is drawn (dashboard/routing.py), before the
    page's callback (callbacks/overview_page.py) has answered."""
    texts = kpi_texts or {}
    kpis = dbc.Row(
        [
            dbc.Col(
                kpi_card(
                    card_id,
                    title,
                    icon,
                    texts.get(f"{key}_value", "—"),
                    texts.get(f"{key}_delta", ""),
                ),
                xs=6,
                lg=3,
            )
            for key, card_id, title, icon in KPI_CARDS
        ],
        className="g-2 mb-2",
        id=ids.KPI_ROW,
    )
    hint = "click to filter"
    charts = [
        category_view_bar(),
        dbc.Row(
            [
                dbc.Col(chart_card(ids.CHART_CATEGORY, "Spending by category", hint, 360), lg=5),
                dbc.Col(chart_card(ids.CHART_MONTHLY, "Income vs spending", hint, 360), lg=7),
            ],
            className="g-2 mb-2",
        ),
        dbc.Row(
            [
                dbc.Col(chart_card(ids.CHART_STACKED, "Spending over time", hint, 340), lg=7),
                dbc.Col(chart_card(ids.CHART_NET_WORTH, "Net worth and balances", "", 340), lg=5),
            ],
            className="g-2 mb-2",
        ),
        dbc.Row(
            [
                dbc.Col(chart_card(ids.CHART_PAYEES, "Top payees", hint, 340), lg=5),
                dbc.Col(
                    dbc.Card(
                        [
                            dbc.CardHeader(
                                [
                                    html.Span("Budgets this month", className="fw-semibold"),
                                    html.A("manage", href="/budgets", className="ms-2 small"),
                                ]
                            ),
                            dbc.CardBody(html.Div(gauges, id=ids.GAUGES), className="p-2"),
                        ],
                        className="h-100",
                    ),
                    lg=7,
                ),
            ],
            className="g-2 mb-2",
        ),
        dbc.Row(dbc.Col(month_end_card(), lg=12), className="g-2 mb-2"),
        dbc.Row(
            dbc.Col(chart_card(ids.CHART_TAGS, "Spending by tag", hint, 300), lg=12),
            className="g-2 mb-2",
        ),
        dbc.Row(dbc.Col(upcoming_card(), lg=12), className="g-2 mb-2"),
        # A card per active goal (dashboard/callbacks/overview_goals.py); empty without goals.
        html.Div(id=ids.OVERVIEW_GOALS, className="mb-2"),
        recent_transactions_card(),
    ]
    # The reporting currency, the rates used (on hover) and what could not be converted.
    note = html.Div(id=ids.OVERVIEW_CURRENCY_NOTE, className="small mb-2")
    # A chart click's next cross-filter on its way to the shell's store, and the inputs the
    # page was last drawn with (dashboard/overview_ids.py).
    stores = [dcc.Store(id=CROSS_FILTER_NEXT), dcc.Store(id=OVERVIEW_DRAWN)]
    return html.Div(
        [html.Div(id=ids.OVERVIEW_EMPTY), kpis, note, *charts, *stores], className="overview-page"
    )
