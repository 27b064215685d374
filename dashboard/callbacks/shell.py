"""The frame's callbacks: filter bar -> filters store, filter options, chips, theme, navbar."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update

from dashboard import ids, services
from dashboard.callbacks.common import outputs_with
from dashboard.forms import DEFAULT_PRESET, custom_range, preset_period
from dashboard.html_attrs import html_attrs
from dashboard.security.auth import current_user_id

PAGES_WITHOUT_FILTERS = {"/budgets", "/rules", "/schedules", "/accounts", "/settings"}

# The callbacks' outputs by name; each function below returns a dict with these keys.
FILTER_OUTPUTS = {
    "store": Output(ids.FILTERS_STORE, "data"),
    "preset": Output(ids.PRESET, "value"),
    "start_text": Output(ids.DATE_FROM, "value"),
    "end_text": Output(ids.DATE_TO, "value"),
    "message": Output(ids.DATE_RANGE_FEEDBACK, "children"),
}
# The filter bar's values, as update_filters reads them (a copy goes to Dash, which adds to it).
FILTER_INPUTS = {
    "preset": Input(ids.PRESET, "value"),
    "start": Input(ids.DATE_FROM, "value"),
    "end": Input(ids.DATE_TO, "value"),
    "account_ids": Input(ids.ACCOUNTS_FILTER, "value"),
    "category_ids": Input(ids.CATEGORIES_FILTER, "value"),
    "tag_ids": Input(ids.TAGS_FILTER, "value"),
    "tags_match": Input(ids.TAGS_MATCH, "value"),
}
OPTION_OUTPUTS = {
    "accounts": Output(ids.ACCOUNTS_FILTER, "options"),
    "categories": Output(ids.CATEGORIES_FILTER, "options"),
    "tags": Output(ids.TAGS_FILTER, "options"),
}


def update_filters(bar: Mapping[str, Any], triggered: str | None, today: date) -> dict[str, Any]:
    """The filters store, the preset, the from and to texts and the message, keyed as
    FILTER_OUTPUTS, from the filter bar's values (keyed as FILTER_INPUTS). A preset fills the
    dates; typing a date means 'custom'. A custom range that is not two dates in order changes
    nothing (no filter, no preset, no field is rewritten) and the message says why."""
    preset, start, end = bar.get("preset"), bar.get("start"), bar.get("end")
    preset = "custom" if triggered in (ids.DATE_FROM, ids.DATE_TO) else preset or DEFAULT_PRESET
    if preset == "custom":
        period = custom_range(start, end)
        if isinstance(period, str):
            return outputs_with(FILTER_OUTPUTS, {"message": period})
        # What was typed stays as typed: it is a valid day already.
        texts: dict[str, Any] = {}
    else:
        period = preset_period(preset, today)
        texts = {"start_text": period[0].isoformat(), "end_text": period[1].isoformat()}
    store = {
        "preset": preset,
        "start": period[0].isoformat(),
        "end": period[1].isoformat(),
        "account_ids": bar.get("account_ids") or [],
        "category_ids": bar.get("category_ids") or [],
        "tag_ids": bar.get("tag_ids") or [],
        "all_tags": bar.get("tags_match") == "all",
    }
    return outputs_with(FILTER_OUTPUTS, {"store": store, "preset": preset, **texts, "message": ""})


def filter_options(_pathname: str | None, _refresh: Any) -> dict[str, list]:
    """The filter bar's choices, keyed as OPTION_OUTPUTS (transfers are no spending category)."""
    user_id = current_user_id()
    accounts = services.list_accounts(user_id)
    categories = services.list_categories(user_id)
    return {
        "accounts": [{"label": row.name, "value": int(row.id)} for row in accounts.itertuples()],
        "categories": [
            {"label": row.name, "value": int(row.id)}
            for row in categories.itertuples()
            if row.kind != "transfer"
        ],
        "tags": [
            {"label": row.name, "value": int(row.id)}
            for row in services.list_tags(user_id).itertuples()
        ],
    }


def chips(cross: dict | None) -> list:
    """Active cross-filters as removable chips."""
    cross = cross or {}
    labels = []
    if cross.get("category_id") is not None:
        labels.append(("category", f"Category: {cross.get('category') or cross['category_id']}"))
    if cross.get("month"):
        labels.append(("month", f"Month: {cross['month']}"))
    if cross.get("payee"):
        labels.append(("payee", f"Payee: {cross['payee']}"))
    if cross.get("tag_id") is not None:
        labels.append(("tag", f"Tag: {cross.get('tag') or cross['tag_id']}"))
    if not labels:
        return []
    items = [
        dbc.Badge(
            [
                text,
                html.Button(
                    "×",
                    id={"type": ids.CHIP_REMOVE, "key": key},
                    className="chip-remove",
                    title="Remove this filter",
                    **html_attrs({"aria-label": f"Remove {text}"}),
                ),
            ],
            color="primary",
            pill=True,
            className="filter-chip",
        )
        for key, text in labels
    ]
    items.append(html.Button("Clear all", id=ids.CLEAR_CHIPS, className="btn btn-link btn-sm p-0"))
    return items


def remove_chip(_clicks: list, _clear: Any, cross: dict | None, triggered: Any) -> dict:
    """The cross-filter after a chip's remove button (that dimension goes) or 'Clear all'."""
    cross = dict(cross if isinstance(cross, dict) else {})
    if triggered == ids.CLEAR_CHIPS:
        return {}
    if isinstance(triggered, dict) and triggered.get("type") == ids.CHIP_REMOVE:
        key = triggered.get("key")
        if key == "category":
            cross.pop("category_id", None)
            cross.pop("category", None)
        elif key == "tag":
            cross.pop("tag_id", None)
            cross.pop("tag", None)
        elif key in {"month", "payee"}:
            cross.pop(key, None)
    return cross


def register(app: Dash) -> None:
    @app.callback(
        output=FILTER_OUTPUTS,
        inputs=dict(FILTER_INPUTS),
    )
    def _update_filters(**bar: Any) -> dict[str, Any]:
        return update_filters(bar, ctx.triggered_id, date.today())

    app.callback(
        output=OPTION_OUTPUTS,
        inputs={
            "_pathname": Input(ids.URL, "pathname"),
            "_refresh": Input(ids.REFRESH_STORE, "data"),
        },
    )(filter_options)

    app.callback(Output(ids.CHIPS, "children"), Input(ids.CROSS_FILTER_STORE, "data"))(chips)

    @app.callback(
        output=Output(ids.CROSS_FILTER_STORE, "data", allow_duplicate=True),
        inputs={
            "clicks": Input({"type": ids.CHIP_REMOVE, "key": ALL}, "n_clicks"),
            "clear": Input(ids.CLEAR_CHIPS, "n_clicks"),
        },
        state={"cross": State(ids.CROSS_FILTER_STORE, "data")},
        prevent_initial_call=True,
    )
    def _remove_chip(clicks: Any, clear: Any, cross: Any) -> Any:
        if not any(clicks or []) and not clear:
            return no_update
        return remove_chip(clicks, clear, cross, ctx.triggered_id)

    @app.callback(Output(ids.FILTER_BAR, "style"), Input(ids.URL, "pathname"))
    def _filter_bar_visibility(pathname: Any) -> dict[str, str]:
        return {"display": "none"} if pathname in PAGES_WITHOUT_FILTERS else {}

    _register_frame_controls(app)


def _register_frame_controls(app: Dash) -> None:
    """The theme switch (set in the browser) and the navbar's toggler on phones."""
    app.clientside_callback(
        """
        function(dark) {
            document.documentElement.setAttribute('data-bs-theme', dark ? 'dark' : 'light');
            return window.dash_clientside.no_update;
        }
        """,
        Output(ids.THEME_SWITCH, "id"),
        Input(ids.THEME_SWITCH, "value"),
    )

    @app.callback(
        Output("navbar-collapse", "is_open"),
        Input("navbar-toggler", "n_clicks"),
        State("navbar-collapse", "is_open"),
        prevent_initial_call=True,
    )
    def _toggle_navbar(n_clicks: Any, is_open: Any) -> bool:
        return not is_open if n_clicks else is_open
