"""What /rates shows: the currencies the accounts need with their latest rate, and the stored
rates with their delete buttons. Built from the read models; no SQL here."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import ids
from dashboard.html_attrs import html_attrs
from data.rates import format_rate


def base_text(reporting: str) -> str:
    return (
        f"Your reporting currency is {reporting}: totals across accounts are shown in it. "
        f"A rate says how much of a currency one {reporting} was worth on a day "
        f"(1 {reporting} = rate × currency, the ECB's way round); the latest rate on or "
        "before a transaction's date converts it."
    )


def needed_table(needed: pd.DataFrame, reporting: str) -> Any:
    if needed.empty:
        return html.P(
            f"All your accounts are in {reporting}: no rate is needed.",
            className="small text-body-secondary mb-0",
        )
    rows = []
    for row in needed.itertuples():
        if pd.isna(row.latest_rate_micro):
            latest: Any = html.Span(
                "no rate yet: its amounts are shown apart", className="text-danger"
            )
        else:
            rate = format_rate(int(row.latest_rate_micro))
            latest = f"1 {reporting} = {rate} {row.currency} on {row.latest_date.isoformat()}"
        accounts = f"{row.accounts} account" + ("s" if row.accounts != 1 else "")
        rows.append(html.Tr([html.Td(row.currency), html.Td(accounts), html.Td(latest)]))
    head = html.Thead(html.Tr([html.Th("Currency"), html.Th("Used by"), html.Th("Latest rate")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", class_name="mb-0")


def rates_table(rates: pd.DataFrame, reporting: str) -> Any:
    if rates.empty:
        return html.P("No rates yet.", className="small text-body-secondary mb-0")
    rows = []
    for row in rates.itertuples():
        rate = format_rate(int(row.rate_micro))
        label = f"Delete the {row.currency} rate of {row.on_date.isoformat()}"
        delete = html.Button(
            html.I(className="bi bi-trash", **html_attrs({"aria-hidden": "true"})),
            id={"type": ids.RATE_DELETE, "id": int(row.id)},
            type="button",
            title=label,
            className="btn btn-sm btn-outline-danger",
            **html_attrs({"aria-label": label}),
        )
        rows.append(
            html.Tr(
                [
                    html.Td(row.on_date.isoformat()),
                    html.Td(row.currency),
                    html.Td(f"1 {reporting} = {rate} {row.currency}"),
                    html.Td(delete, className="text-end"),
                ]
            )
        )
    head = html.Thead(html.Tr([html.Th("Date"), html.Th("Currency"), html.Th("Rate"), html.Th("")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", class_name="mb-0")
