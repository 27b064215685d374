"""The overview's one callback: every KPI, chart, meter, list and card of the page in one request.

It was 16 callbacks that fired together on load, on a filter change, a chart click, a write and
a theme switch. Dash's renderer keeps at most 12 requests in flight, so the last ones waited for
a second wave, and each request paid the fixed cost of a request (session, user, dispatch) on
the server: 19 requests per overview view. Now a view is the frame's requests and this one.

What a change redraws is still only what it affects (DRAWN_FROM): a theme switch redraws the
figures, the Categories / Groups toggle the two category charts and the breadcrumb, a chart
click what the cross-filter narrows; the other outputs get no_update. What changed is measured
against the inputs the page was last drawn with (a store in the page), not the call's trigger.
The answer is cached for (user, data_version, day, inputs) in dashboard/overview_cache.py, so a
warm view is one GET.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate
from flask import Flask, current_app, has_app_context

from dashboard import ids, overview_cache
from dashboard.callbacks import overview as parts
from dashboard.callbacks.overview_currencies import currency_note
from dashboard.callbacks.overview_goals import goal_cards
from dashboard.callbacks.overview_month_end import month_end_card
from dashboard.callbacks.overview_upcoming import upcoming_view
from dashboard.components import VIEW_CATEGORIES
from dashboard.forms import parse_filters
from dashboard.overview_ids import OVERVIEW_DRAWN
from dashboard.security.auth import current_user_id

INPUTS = {
    "filter_store": Input(ids.FILTERS_STORE, "data"),
    "cross_store": Input(ids.CROSS_FILTER_STORE, "data"),
    # A write on the overview itself (an upcoming date posted or skipped) redraws what it moved.
    "refresh": Input(ids.REFRESH_STORE, "data"),
    "dark": Input(ids.THEME_SWITCH, "value"),
    "view": Input(ids.CATEGORY_VIEW, "value"),
    "drill": Input(ids.CATEGORY_DRILL_STORE, "data"),
}
OUTPUTS: dict[str, Output] = {
    **parts.KPI_OUTPUTS,
    "empty": Output(ids.OVERVIEW_EMPTY, "children"),
    **{chart: Output(chart, "figure") for chart in parts.CHARTS},
    "gauges": Output(ids.GAUGES, "children"),
    "recent": Output(ids.OVERVIEW_TRANSACTIONS, "children"),
    "currency_note": Output(ids.OVERVIEW_CURRENCY_NOTE, "children"),
    "month_end_body": Output(ids.MONTH_END_BODY, "children"),
    "month_end_figure": Output(ids.CHART_MONTH_END, "figure"),
    "goals": Output(ids.OVERVIEW_GOALS, "children"),
    "upcoming": Output(ids.UPCOMING_LIST, "children"),
    "crumb_hidden": Output(ids.CATEGORY_BREADCRUMB, "hidden"),
    "crumb_current": Output(ids.CATEGORY_DRILL_CURRENT, "children"),
}

# The parts of the page, each a group of outputs built together.
KPIS, EMPTY, GAUGES, RECENT, CURRENCY, MONTH_END = (
    "kpis",
    "empty",
    "gauges",
    "recent",
    "currency",
    "month_end",
)
GOALS, UPCOMING, BREADCRUMB = "goals", "upcoming", "breadcrumb"
CHART_PARTS = frozenset(parts.CHARTS)
GROUPED_PARTS = frozenset(parts.GROUPED_CHARTS)
# The inputs each part is drawn from. A write (the refresh counter) redraws every part.
FILTERED = ("filter_store", "cross_store", "refresh")
DRAWN_FROM: dict[str, tuple[str, ...]] = {
    KPIS: FILTERED,
    GAUGES: FILTERED,  # themed by CSS: a theme switch leaves the meters
    RECENT: FILTERED,
    CURRENCY: FILTERED,
    # A month's end follows the account filter only: not a chart click.
    MONTH_END: ("filter_store", "dark", "refresh"),
    EMPTY: ("refresh",),
    GOALS: ("refresh",),
    UPCOMING: ("refresh",),
    BREADCRUMB: ("view", "drill"),
    **{
        chart: (*FILTERED, "dark", *(("view", "drill") if chart in GROUPED_PARTS else ()))
        for chart in CHART_PARTS
    },
}
EVERY_PART = frozenset(DRAWN_FROM)


def parts_to_draw(drawn: Any, inputs: dict[str, Any]) -> frozenset[str]:
    """The parts whose inputs differ from those the page shows (`drawn`, what this callback
    last answered with): all of them on a new page.

    Not from ctx.triggered: the renderer drops an answer still in flight when the same
    callback is asked again (and a first call when a change comes with it), so the inputs that
    triggered a call may not be all that changed since the page was last drawn."""
    if not isinstance(drawn, dict):
        return EVERY_PART
    return frozenset(
        part
        for part, names in DRAWN_FROM.items()
        if any(drawn.get(name) != inputs[name] for name in names)
    )


# A page's first answer builds every part; the reads of a cold one are SQL, mostly waiting on
# the database, so it runs in a few threads (each in an app context of its own). Few:
# each holds a pooled connection (data/db.py: 5 + 5 per process).
PARALLEL = 3
# The parts by their cold cost, dearest first (bench/overview_reads.py): the batches stay even.
COST_ORDER = (
    MONTH_END,
    GAUGES,
    RECENT,
    ids.CHART_STACKED,
    ids.CHART_NET_WORTH,
    ids.CHART_PAYEES,
    ids.CHART_CATEGORY,
    ids.CHART_MONTHLY,
    ids.CHART_TAGS,
    KPIS,
    CURRENCY,
    UPCOMING,
    GOALS,
    EMPTY,
    BREADCRUMB,
)


def build(user_id: int, inputs: dict[str, Any], shown: frozenset[str], today: date) -> dict:
    """Every output of the parts `shown` (the others no_update), keyed as OUTPUTS."""
    ordered = [part for part in COST_ORDER if part in shown]
    batches = [ordered[i::PARALLEL] for i in range(PARALLEL)]
    values: dict[str, Any] = {}
    if len(ordered) <= PARALLEL or not has_app_context():
        values = build_parts(user_id, inputs, ordered, today)
    else:
        # Each thread in an app context of its own (the cache, the engine, its own g): the
        # parts take the user's id, never the request's login.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with ThreadPoolExecutor(PARALLEL, thread_name_prefix="overview") as pool:
            jobs = [
                pool.submit(_in_app_context, app, user_id, inputs, batch, today)
                for batch in batches
            ]
            for job in jobs:
                values.update(job.result())
    return {name: values.get(name, no_update) for name in OUTPUTS}


def _in_app_context(
    app: Flask, user_id: int, inputs: dict[str, Any], shown: list[str], today: date
) -> dict[str, Any]:
    with app.app_context():
        return build_parts(user_id, inputs, shown, today)


def build_parts(
    user_id: int, inputs: dict[str, Any], shown: list[str], today: date
) -> dict[str, Any]:
    """The outputs of the parts `shown`, one after another."""
    filter_store, cross_store = inputs["filter_store"], inputs["cross_store"]
    cross = parts.as_dict(cross_store)
    theme = parts.theme_name(inputs["dark"])
    values: dict[str, Any] = {}
    builders: dict[str, Callable[[], dict[str, Any]]] = {
        KPIS: lambda: parts.kpis(user_id, parse_filters(filter_store, cross_store, today)),
        EMPTY: lambda: {"empty": parts.empty_banner(user_id)},
        GAUGES: lambda: {
            "gauges": parts.gauges(user_id, parse_filters(filter_store, cross_store, today), today)
        },
        RECENT: lambda: {
            "recent": parts.recent_transactions(
                user_id, parse_filters(filter_store, cross_store, today)
            )
        },
        CURRENCY: lambda: {
            "currency_note": currency_note(user_id, parse_filters(filter_store, cross_store, today))
        },
        MONTH_END: lambda: _month_end(user_id, filter_store, theme, today),
        GOALS: lambda: {"goals": goal_cards(user_id, today)},
        UPCOMING: lambda: {"upcoming": upcoming_view(user_id, today)},
        BREADCRUMB: lambda: _breadcrumb(user_id, inputs["view"], inputs["drill"]),
    }
    group_view = None
    for part in shown:
        if part in CHART_PARTS:
            chart_build, own_dimension = parts.CHARTS[part]
            if group_view is None:
                group_view = parts.chart_view(user_id, inputs["view"], inputs["drill"])
            filters = parts.chart_filters(filter_store, cross_store, own_dimension, today)
            values[part] = chart_build(user_id, filters, theme, cross, group_view)
        else:
            values.update(builders[part]())
    return values


def _month_end(user_id: int, filter_store: Any, theme: str, today: date) -> dict[str, Any]:
    # The account filter is the only one a month's end follows: not the period, not a click.
    filters = parse_filters(filter_store, {}, today)
    card = month_end_card(user_id, filters.account_ids, theme, today)
    return {"month_end_body": card["body"], "month_end_figure": card["figure"]}


def _breadcrumb(user_id: int, view: Any, drill: Any) -> dict[str, Any]:
    crumb = parts.breadcrumb(user_id, view, drill)
    return {"crumb_hidden": crumb["hidden"], "crumb_current": crumb["current"]}


def overview_outputs(inputs: dict[str, Any], shown: frozenset[str]) -> dict[str, Any]:
    """The answer for the current user, from the cache when this exact view was answered since
    the user's last write (today's)."""
    user_id, today = current_user_id(), date.today()
    return overview_cache.cached_answer(
        user_id, today, inputs, shown, OUTPUTS, lambda: build(user_id, inputs, shown, today)
    )


def first_inputs(filter_store: Any, cross_store: Any, refresh: Any, dark: Any) -> dict[str, Any]:
    """What this callback is called with when a new overview page is drawn: the shell's stores
    and switch as they are, the page's own toggle and drill-down at their defaults."""
    return {
        "filter_store": filter_store,
        "cross_store": cross_store,
        "refresh": refresh,
        "dark": dark,
        "view": VIEW_CATEGORIES,
        "drill": {},
    }


def cached_first_answer(user_id: int, today: date, inputs: dict[str, Any]) -> dict | None:
    """A new page's whole answer if it is cached (this view was answered since the last write),
    else None: never computed here."""
    return overview_cache.peek_answer(user_id, today, inputs, EVERY_PART)


def register(app: Dash) -> None:
    @app.callback(
        output={**OUTPUTS, "drawn": Output(OVERVIEW_DRAWN, "data")},
        inputs=INPUTS,
        state={"drawn": State(OVERVIEW_DRAWN, "data")},
    )
    def _overview(drawn: Any, **inputs: Any) -> dict[str, Any]:
        shown = parts_to_draw(drawn, inputs)
        if not shown:
            raise PreventUpdate  # the same inputs again (a store set to what it held)
        return {**overview_outputs(inputs, shown), "drawn": inputs}
