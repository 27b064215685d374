"""The overview's currency line: totals are in the reporting currency, the rates used are on
hover, and amounts without a rate are named apart, in their own currency, never added in.

Shown only to a user with accounts in another currency.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import ids, services
from dashboard.html_attrs import html_attrs
from data.filters import Filters
from data.money import format_money
from data.rates import format_rate


def rates_hover(reporting: str, used: pd.DataFrame) -> tuple[str, str]:
    """(the visible text, the hover text) naming the rates of each currency in the period."""
    shown, hover = [], []
    for row in used.itertuples():
        if not row.rates and pd.isna(row.latest_micro):
            hover.append(f"{row.currency}: no rate")
            continue
        latest = format_rate(int(row.latest_micro))
        shown.append(f"{row.currency} at {latest}")
        if row.rates > 1:
            low, high = format_rate(int(row.low_micro)), format_rate(int(row.high_micro))
            hover.append(
                f"1 {reporting} = {low} to {high} {row.currency} ({row.rates} rates; "
                f"latest {latest} on {row.latest_date.isoformat()})"
            )
        else:
            when = row.latest_date.isoformat() if row.rates else "before the period"
            hover.append(f"1 {reporting} = {latest} {row.currency} (rate of {when})")
    return ", ".join(shown), "Rates used: " + "; ".join(hover)


def unconverted_lines(missing: pd.DataFrame) -> list[str]:
    """'$120.00 of spending in USD could not be converted (no rate on or before 2024-01-03)'."""
    lines = []
    for row in missing.itertuples():
        parts = [
            f"{format_money(int(amount), row.currency)} of {what}"
            for amount, what in ((row.spending_minor, "spending"), (row.income_minor, "income"))
            if amount
        ] or [f"{format_money(0, row.currency)}"]
        lines.append(
            f"{' and '.join(parts)} in {row.currency} could not be converted "
            f"(no rate on or before {row.first_date.isoformat()}): not in the totals."
        )
    return lines


def currency_note(user_id: int, filters: Filters) -> Any:
    used = services.rates_in_effect(user_id, filters.date_from, filters.date_to)
    if used.empty:
        return None
    reporting = services.user_currency(user_id)
    shown, hover = rates_hover(reporting, used)
    rates_text = f": {shown}" if shown else ""
    line = html.Span(
        [
            html.I(className="bi bi-currency-exchange me-1", **html_attrs({"aria-hidden": "true"})),
            f"Totals in {reporting}, converted with the rate on or before each day{rates_text}. ",
            html.A("Rates", href="/rates"),
        ],
        id=f"{ids.OVERVIEW_CURRENCY_NOTE}-rates",
        title=hover,
        className="text-body-secondary",
    )
    missing = unconverted_lines(services.unconverted(user_id, filters))
    if not missing:
        return line
    warning = dbc.Alert(
        [html.Div(text) for text in missing] + [html.A("Add a rate", href="/rates")],
        color="warning",
        class_name="py-2 mt-1 mb-0",
        id=f"{ids.OVERVIEW_CURRENCY_NOTE}-missing",
    )
    return html.Div([line, warning])
