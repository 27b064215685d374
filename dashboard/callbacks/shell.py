"""The frame's callbacks: filter bar -> filters store, filter options, chips, theme, navbar.

On a page's load the renderer calls every frame callback at once. Those that need no server run
in the browser (the filter bar's visibility, the chips and their removal, the theme); the filter
options travel with the page's answer (dashboard/routing.py), cached whole per data version. So
the frame is two requests (the page, the filters store), one per gunicorn worker.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from string import Template
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, html

from dashboard import ids, services
from dashboard.callbacks import overview_warmup
from dashboard.callbacks.common import outputs_with
from dashboard.extensions import cache
from dashboard.forms import DEFAULT_PRESET, custom_range, preset_period
from dashboard.html_attrs import html_attrs
from dashboard.security.auth import current_user_id
from dashboard.single_flight import compute_once

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


# The filter bar of a new tab: dashboard/shell.py's values before anything is chosen (the bar is
# remembered per tab), as update_filters reads them.
NEW_TAB_BAR: dict[str, Any] = {
    "preset": DEFAULT_PRESET,
    "start": None,
    "end": None,
    "account_ids": None,
    "category_ids": None,
    "tag_ids": None,
    "tags_match": "any",
}


def new_tab_store(today: date) -> dict[str, Any]:
    """The filters store a new tab's bar makes: what the page's stores hold until it comes."""
    return update_filters(NEW_TAB_BAR, None, today)["store"]


def filter_options(user_id: int) -> dict[str, list]:
    """The filter bar's choices, keyed as OPTION_OUTPUTS, cached whole for the user's data
    version: warm, one GET instead of three read models' frames unpickled and walked."""
    key = services.read_model_key("filter_options", user_id, services.data_version(user_id), ())
    stored = cache.get(key)
    if stored is None:
        stored = compute_once(key, lambda: _filter_options(user_id))
    return stored


def _filter_options(user_id: int) -> dict[str, list]:
    """The filter bar's choices, read (transfers are no spending category)."""
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
    """Active cross-filters as removable chips. The browser builds them (CHIPS_JS); this is
    the reference the browser test holds CHIPS_JS to, component for component."""
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
    """The cross-filter after a chip's remove button (that dimension goes) or 'Clear all'. The
    browser does this (REMOVE_CHIP_JS); this is the rule it follows, tested here."""
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


# chips() in the browser. Labels are text children and an attribute, never HTML: React escapes
# them, so a category or payee name cannot inject markup.
CHIPS_JS = Template("""
function(cross) {
    const given = cross && typeof cross === 'object' && !Array.isArray(cross) ? cross : {};
    const set = (value) => value !== null && value !== undefined;
    const labels = [];
    if (set(given.category_id)) {
        labels.push(['category', 'Category: ' + String(given.category || given.category_id)]);
    }
    if (given.month) { labels.push(['month', 'Month: ' + String(given.month)]); }
    if (given.payee) { labels.push(['payee', 'Payee: ' + String(given.payee)]); }
    if (set(given.tag_id)) {
        labels.push(['tag', 'Tag: ' + String(given.tag || given.tag_id)]);
    }
    if (!labels.length) { return []; }
    const button = (props) => ({type: 'Button', namespace: 'dash_html_components', props});
    const items = labels.map(([key, text]) => ({
        type: 'Badge',
        namespace: 'dash_bootstrap_components',
        props: {
            children: [text, button({
                children: '\u00d7',
                id: {type: $remove, key},
                className: 'chip-remove',
                title: 'Remove this filter',
                'aria-label': 'Remove ' + text,
            })],
            color: 'primary',
            pill: true,
            className: 'filter-chip',
        },
    }));
    items.push(button({children: 'Clear all', id: $clear, className: 'btn btn-link btn-sm p-0'}));
    return items;
}
""").substitute(remove=json.dumps(ids.CHIP_REMOVE), clear=json.dumps(ids.CLEAR_CHIPS))

# remove_chip() in the browser: the new cross-filter, or no_update when nothing was clicked
# (the renderer calls it when chips appear, since its inputs come with them).
REMOVE_CHIP_JS = Template("""
function(clicks, clear, cross) {
    const nothing = window.dash_clientside.no_update;
    const triggered = window.dash_clientside.callback_context.triggered_id;
    if (!(clicks || []).some(Boolean) && !clear) { return nothing; }
    if (triggered === $clear) { return {}; }
    const next = Object.assign({}, cross && typeof cross === 'object' ? cross : {});
    if (!triggered || triggered.type !== $remove) { return next; }
    const dropped = {category: ['category_id', 'category'], tag: ['tag_id', 'tag'],
                     month: ['month'], payee: ['payee']}[triggered.key] || [];
    dropped.forEach((name) => { delete next[name]; });
    return next;
}
""").substitute(remove=json.dumps(ids.CHIP_REMOVE), clear=json.dumps(ids.CLEAR_CHIPS))

FILTER_BAR_JS = Template("""
function(pathname) {
    return $hidden.includes(pathname) ? {display: 'none'} : {};
}
""").substitute(hidden=json.dumps(sorted(PAGES_WITHOUT_FILTERS)))


def register(app: Dash) -> None:
    @app.callback(
        output=FILTER_OUTPUTS,
        inputs=dict(FILTER_INPUTS),
        # Where the store goes: on the overview, its reads start here (callbacks/overview_warmup).
        state={
            "pathname": State(ids.URL, "pathname"),
            "cross_store": State(ids.CROSS_FILTER_STORE, "data"),
        },
    )
    def _update_filters(pathname: Any, cross_store: Any, **bar: Any) -> dict[str, Any]:
        today = date.today()
        answer = update_filters(bar, ctx.triggered_id, today)
        store = answer["store"]
        if pathname == "/" and isinstance(store, dict) and overview_warmup.enabled():
            overview_warmup.start_from_filters(current_user_id(), store, cross_store, today)
        return answer

    # The filter options are answered with the page (dashboard/routing.py).
    app.clientside_callback(
        CHIPS_JS, Output(ids.CHIPS, "children"), Input(ids.CROSS_FILTER_STORE, "data")
    )
    app.clientside_callback(
        REMOVE_CHIP_JS,
        Output(ids.CROSS_FILTER_STORE, "data", allow_duplicate=True),
        Input({"type": ids.CHIP_REMOVE, "key": ALL}, "n_clicks"),
        Input(ids.CLEAR_CHIPS, "n_clicks"),
        State(ids.CROSS_FILTER_STORE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        FILTER_BAR_JS, Output(ids.FILTER_BAR, "style"), Input(ids.URL, "pathname")
    )

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
