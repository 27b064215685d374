"""URL -> page layout. Our own small router: Dash's page registry is process-global, and tests
build many apps in one process."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, html, no_update

from dashboard import ids, overview_cache
from dashboard.callbacks import overview as overview_callbacks
from dashboard.callbacks import overview_page as overview_page_callbacks
from dashboard.callbacks import overview_warmup
from dashboard.callbacks import shell as shell_callbacks
from dashboard.forms import parse_filters
from dashboard.overview_first_draw import drawn_page
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


def has_charts(pathname: str | None) -> bool:
    """Whether the page at `pathname` draws plotly graphs (only the overview does)."""
    return page_of(pathname) is overview


def render_page(pathname: str | None, first: FirstParts | None = None) -> html.Div:
    page = page_of(pathname)
    if page is overview:
        return overview.layout(first.kpis if first else None, first.gauges if first else None)
    return page.layout() if page else not_found(pathname or "")


@dataclass(frozen=True)
class FirstParts:
    """What the overview shows with the page itself: the KPI texts and the budget meters."""

    kpis: Mapping[str, str]
    gauges: Any


def first_parts(filter_store: Any, cross_store: Any) -> FirstParts:
    """The overview's KPI texts and budget meters for the filters the browser holds, drawn with
    the page itself.

    They are what a person reads first; drawn with the page, they never wait for the overview's
    callback (callbacks/overview_page.py), which answers with the charts. A few cached reads:
    the callback's first answer gives the same parts again (from its own cache) and follows
    every later filter change."""
    today = date.today()
    filters = parse_filters(filter_store, cross_store, today)
    user_id = current_user_id()
    return FirstParts(
        overview_callbacks.kpis(user_id, filters),
        overview_callbacks.gauges(user_id, filters, today),
    )


# The page and the filter bar's options: the renderer asks for both on every load, so they are
# one request (one worker) instead of two.
PAGE_OUTPUTS = {
    "page": Output(ids.PAGE, "children"),
    "shown": Output(ids.PAGE_SHOWN, "data"),
    **shell_callbacks.OPTION_OUTPUTS,
}


def page_and_options(
    pathname: Any, stores: Mapping[str, Any], shown: Any, triggered: set[str]
) -> dict[str, Any]:
    """Keyed as PAGE_OUTPUTS. A write (the refresh store) refreshes the options only, unless the
    page shown is not the URL's: the renderer drops an answer in flight when the callback is
    asked again, so a write landing during a navigation must still draw the new page."""
    path = pathname if isinstance(pathname, str) else None
    if f"{ids.URL}.pathname" not in triggered and shown == path and path is not None:
        page: Any = no_update
    elif page_of(path) is overview:
        page = overview_page(**stores)
    else:
        page = render_page(path)
    try:
        options: dict[str, Any] = shell_callbacks.filter_options(current_user_id())
    except DATABASE_UNAVAILABLE_ERRORS:
        # The page still comes (it says what failed); the options wait for the next call.
        options = dict.fromkeys(shell_callbacks.OPTION_OUTPUTS, no_update)
    return {"page": page, "shown": path if page is not no_update else no_update, **options}


def register(app: Dash) -> None:
    @app.callback(
        output=PAGE_OUTPUTS,
        inputs={
            "pathname": Input(ids.URL, "pathname"),
            # A write: the options may have changed (a new account, category or tag).
            "refresh": Input(ids.REFRESH_STORE, "data"),
        },
        state={
            # The stores' contents as the browser restored them (session storage).
            "filter_store": State(ids.FILTERS_STORE, "data"),
            "cross_store": State(ids.CROSS_FILTER_STORE, "data"),
            "shown": State(ids.PAGE_SHOWN, "data"),
            # The overview's charts are themed: a warm page comes with them drawn.
            "dark": State(ids.THEME_SWITCH, "value"),
        },
    )
    def _page(pathname: Any, shown: Any, **stores: Any) -> dict[str, Any]:
        triggered = set(ctx.triggered_prop_ids)
        return page_and_options(pathname, stores, shown, triggered)


def cold_page(user_id: int, filter_store: Any, cross_store: Any, today: date) -> Any:
    """The overview not cached for these filters (a first view, or the first after a write):
    the overview callback's reads start now (callbacks/overview_warmup.py), beside the KPIs and
    meters drawn here."""
    overview_warmup.start(user_id, filter_store, cross_store, today)
    return render_page("/", first_parts(filter_store, cross_store))


def overview_page(
    filter_store: Any, cross_store: Any, refresh: Any = None, dark: Any = None
) -> Any:
    """The overview with its KPIs and meters, cached whole (as JSON) for the user's data and
    these filters; warm, with every chart and list too (dashboard/overview_first_draw.py). A
    database that does not answer leaves them to the overview's callback (and nothing is
    cached), not the page blank."""
    try:
        user_id, today = current_user_id(), date.today()
        # A new tab's page is asked for before its filters store is made, beside it.
        store = shell_callbacks.new_tab_store(today) if filter_store is None else filter_store
        first = overview_page_callbacks.first_inputs(store, cross_store, refresh, dark)
        drawn = overview_cache.drawn_layout(user_id, today, first)
        if drawn is not None:
            return drawn
        inputs = {"filter_store": filter_store, "cross_store": cross_store}
        layout = overview_cache.cached_layout(
            user_id, today, inputs, lambda: cold_page(user_id, filter_store, cross_store, today)
        )
        answer = overview_page_callbacks.cached_first_answer(user_id, today, first)
        drawn = None if answer is None else drawn_page(layout, answer, first)
        if drawn is None:
            return layout
        overview_cache.keep_drawn_layout(user_id, today, first, drawn)
        return drawn
    except DATABASE_UNAVAILABLE_ERRORS:
        return render_page("/")
