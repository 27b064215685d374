"""URL -> page layout. Our own small router: Dash's page registry is process-global, and tests
build many apps in one process."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import ModuleType
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html

from dashboard import ids
from dashboard.callbacks import overview as overview_callbacks
from dashboard.forms import parse_filters
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
from dashboard.security.auth import current_user_id
from dashboard.security.headers import DATABASE_UNAVAILABLE_ERRORS

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


def page_of(pathname: str | None) -> ModuleType | None:
    return PAGES.get((pathname or "/").rstrip("/") or "/")


def render_page(pathname: str | None, overview_kpis: Mapping[str, str] | None = None) -> html.Div:
    page = page_of(pathname)
    if page is overview:
        return overview.layout(overview_kpis)
    return page.layout() if page else not_found(pathname or "")


def first_kpis(filter_store: Any, cross_store: Any) -> dict[str, str] | None:
    """The overview's KPI texts for the filters the browser holds, drawn with the page itself.

    The KPI callback fires with the page's other 15 callbacks; with one worker's threads sharing
    the GIL, its answer came with the charts' (~0.5 s later on this machine, loaded), so the
    figures a person reads first waited for the charts. Two cached reads here show them with the
    page; the callback still answers (same texts) and follows every later filter change. A
    database that does not answer leaves the cards to the callback, not the page blank."""
    try:
        filters = parse_filters(filter_store, cross_store, date.today())
        return overview_callbacks.kpis(current_user_id(), filters)
    except DATABASE_UNAVAILABLE_ERRORS:
        return None


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.PAGE, "children"),
        Input(ids.URL, "pathname"),
        # The stores' contents as the browser restored them (session storage).
        State(ids.FILTERS_STORE, "data"),
        State(ids.CROSS_FILTER_STORE, "data"),
    )
    def _page(pathname: Any, filter_store: Any, cross_store: Any) -> html.Div:
        shown = page_of(pathname) if isinstance(pathname, str) else None
        kpis = first_kpis(filter_store, cross_store) if shown is overview else None
        return render_page(pathname if isinstance(pathname, str) else None, kpis)
