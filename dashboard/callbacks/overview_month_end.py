"""The overview's end-of-month card: each account's projected balance with its likely range,
the month's net, and the path through the rest of the month (services.month_end_outlook)."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import html

from dashboard import figures_projection, services
from data.money import format_money
from data.months import month_end
from data.projection import HISTORY_MONTHS, Band


def month_end_card(user_id: int, account_ids: tuple[int, ...], theme: str, today: date) -> dict:
    """The card's body (a table of the accounts, the month's net, where the numbers come from)
    and its path figure: {"body": ..., "figure": ...}."""
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
