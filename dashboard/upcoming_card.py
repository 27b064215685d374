"""The overview's "Upcoming (next 30 days)" card: layout only. Its list and its Post / Skip /
Edit buttons come from dashboard/callbacks/overview_upcoming.py."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.html_attrs import html_attrs
from dashboard.overview_ids import UPCOMING_DECIDED, UPCOMING_INTENT


def upcoming_card() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span("Upcoming (next 30 days)", className="fw-semibold"),
                    html.A("schedules", href="/schedules", className="ms-2 small"),
                ]
            ),
            dbc.CardBody(
                [
                    html.Div(id=ids.UPCOMING_FEEDBACK, **html_attrs({"aria-live": "polite"})),
                    html.Div(id=ids.UPCOMING_LIST),
                    dcc.Store(id=UPCOMING_INTENT),
                    dcc.Store(id=UPCOMING_DECIDED),
                ],
                className="p-0",
            ),
        ],
        class_name="h-100",
    )
