"""URL -> page layout. Our own small router: Dash's page registry is process-global, and tests
build many apps in one process."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, html

from dashboard import ids
from dashboard.pages import (
    accounts,
    budgets,
    goals,
    imports,
    overview,
    rates,
    rules,
    schedules,
    transactions,
)

PAGES = {
    "/": overview,
    "/transactions": transactions,
    "/budgets": budgets,
    "/goals": goals,
    "/import": imports,
    "/rules": rules,
    "/schedules": schedules,
    "/accounts": accounts,
    "/rates": rates,
    # The accounts page's old address: bookmarks keep working.
    "/settings": accounts,
}


def not_found(pathname: str) -> html.Div:
    return html.Div(
        [
            html.H2("Page not found"),
            html.P(["There is no page at ", html.Code(pathname), "."]),
            dbc.Button("Go to the overview", href="/", color="primary"),
        ],
        className="py-5 text-center",
    )


def render_page(pathname: str | None) -> html.Div:
    page = PAGES.get((pathname or "/").rstrip("/") or "/")
    return page.layout() if page else not_found(pathname or "")


def register(app: Dash) -> None:
    app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"))(render_page)
