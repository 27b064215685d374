"""The overview's goal cards: one per active goal (name, progress bar, "€X of €Y", the monthly
amount needed, the date at this pace), under a header linking to /goals. Nothing without goals:
the overview stays as it was for those who set none."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard import services
from dashboard.callbacks.goals_view import overview_card


def goal_cards(user_id: int, today: date) -> Any:
    active = [s for s in services.goal_statuses(user_id, today) if not s.goal.archived]
    if not active:
        return None
    currency = services.user_currency(user_id)
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span("Goals", className="fw-semibold"),
                    html.A("manage", href="/goals", className="ms-2 small"),
                ]
            ),
            dbc.CardBody(
                dbc.Row([overview_card(status, currency) for status in active], class_name="g-2"),
                class_name="p-2",
            ),
        ],
        class_name="overview-goals",
    )
