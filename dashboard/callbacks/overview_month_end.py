"""The overview's end-of-month card: each account's projected balance with its likely range,
the month's net, and the path through the rest of the month (services.month_end_outlook)."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, html

from dashboard import figures_projection, ids, services
from dashboard.callbacks.overview import theme_name
from dashboard.forms import parse_filters
from dashboard.security.auth import current_user_id
from data.money import format_money
from data.months import month_end
from data.projection import HISTORY_MONTHS, Band

OUTPUTS = {
    "body": Output(ids.MONTH_END_BODY, "children"),
    "figure": Output(ids.CHART_MONTH_END, "figure"),
}
# The account filter is the only one a month's end follows: not the period, not a chart click.
INPUTS = {
    "filter_store": Input(ids.FILTERS_STORE, "data"),
    "dark": Input(ids.THEME_SWITCH, "value"),
    "_refresh": Input(ids.REFRESH_STORE, "data"),
}


def month_end_card(user_id: int, account_ids: tuple[int, ...], theme: str, today: date) -> dict:
    """The card's body (a table of the accounts, the month's net, where the numbers come from)
    and its path figure, keyed as OUTPUTS."""
    outlook = services.month_end_outlook(user_id, today, account_ids)
    currency = services.user_currency(user_id)
    figure = figures_projection.month_end_path(outlook.path, outlook.scheduled, currency, theme)
    if outlook.accounts.empty:
        return {
            "body": html.P("No open accounts to project.", className="text-muted m-2"),
            "figure": figure,
        }
    last = month_end(today)
    rows = [
        html.Tr(
            [
                html.Td(row.account),
                html.Td(format_money(int(row.balance_minor), row.currency), className="text-end"),
                html.Td(
                    figures_projection.band_text(
                        Band(int(row.low_minor), int(row.likely_minor), int(row.high_minor)),
                        row.currency,
                    ),
                    className="text-end",
                ),
            ]
        )
        for row in outlook.accounts.itertuples()
    ]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th("Account"),
                        html.Th("Today", className="text-end"),
                        html.Th(f"{last.day} {last:%B}", className="text-end"),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        size="sm",
        responsive=True,
        className="mb-2",
    )
    net = html.Div(
        [
            html.Span(f"Net for {today:%B}: ", className="fw-semibold"),
            html.Span(figures_projection.band_text(outlook.net, currency)),
            html.Span(
                f" ({format_money(outlook.net_so_far_minor, currency)} booked so far)",
                className="text-muted",
            ),
        ],
        className="small mb-1",
    )
    return {
        "body": [table, net, _basis(outlook.history_months, len(outlook.scheduled))],
        "figure": figure,
    }


def _basis(months: int, scheduled: int) -> html.Div:
    """What the numbers stand on: how much history, how many scheduled items."""
    items = f"{scheduled} scheduled item{'' if scheduled == 1 else 's'}"
    if months == 0:
        text = f"{items}; no earlier months to learn the rest from yet."
    elif months < HISTORY_MONTHS:
        text = f"{items} and the typical rest of {months} month{'' if months == 1 else 's'}."
    else:
        text = f"{items} and the rest of the last {HISTORY_MONTHS} months (10th–90th percentile)."
    return html.Div(text, className="small text-muted")


def register(app: Dash) -> None:
    @app.callback(output=OUTPUTS, inputs=INPUTS)
    def _month_end(filter_store: Any, dark: Any, _refresh: Any) -> dict:
        today = date.today()
        filters = parse_filters(filter_store, {}, today)
        return month_end_card(current_user_id(), filters.account_ids, theme_name(dark), today)
