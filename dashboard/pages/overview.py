"""/ : KPIs, the charts, this month's budget gauges and the filtered transactions."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import chart_card, kpi_card

TITLE = "Overview"


def layout() -> html.Div:
    kpis = dbc.Row(
        [
            dbc.Col(kpi_card(ids.KPI_INCOME, "Income", "bi-arrow-down-circle"), xs=6, lg=3),
            dbc.Col(kpi_card(ids.KPI_SPENDING, "Spending", "bi-arrow-up-circle"), xs=6, lg=3),
            dbc.Col(kpi_card(ids.KPI_NET, "Net", "bi-plus-slash-minus"), xs=6, lg=3),
            dbc.Col(kpi_card(ids.KPI_SAVINGS_RATE, "Savings rate", "bi-piggy-bank"), xs=6, lg=3),
        ],
        className="g-2 mb-2",
        id=ids.KPI_ROW,
    )
    hint = "click to filter"
    charts = [
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
                            dbc.CardBody(html.Div(id=ids.GAUGES), className="p-2"),
                        ],
                        className="h-100",
                    ),
                    lg=7,
                ),
            ],
            className="g-2 mb-2",
        ),
        dbc.Card(
            [
                dbc.CardHeader(
                    [
                        html.Span("Transactions", className="fw-semibold"),
                        html.A("see all", href="/transactions", className="ms-2 small"),
                    ]
                ),
                dbc.CardBody(html.Div(id=ids.OVERVIEW_TRANSACTIONS), className="p-0"),
            ]
        ),
    ]
    return html.Div([html.Div(id=ids.OVERVIEW_EMPTY), kpis, *charts], className="overview-page")
