"""The page frame: navbar, theme switch, the shared filter bar, cross-filter chips, stores."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.date_input import date_input
from dashboard.forms import DATE_PRESETS, DEFAULT_PRESET
from dashboard.html_attrs import html_attrs

NAV_ITEMS = (
    ("/", "Overview", "bi-speedometer2"),
    ("/transactions", "Transactions", "bi-list-ul"),
    ("/budgets", "Budgets", "bi-bullseye"),
    ("/goals", "Goals", "bi-flag"),
    ("/import", "Import", "bi-upload"),
    ("/rules", "Rules", "bi-signpost-split"),
    ("/schedules", "Schedules", "bi-calendar-event"),
    ("/accounts", "Accounts, categories & tags", "bi-gear"),
    ("/rates", "Rates", "bi-currency-exchange"),
)


def navbar() -> dbc.Navbar:
    links = [
        dbc.NavItem(
            dbc.NavLink([html.I(className=f"bi {icon} me-1"), label], href=href, active="exact")
        )
        for href, label, icon in NAV_ITEMS
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [html.I(className="bi bi-piggy-bank me-2"), "Finance Tracker"], href="/"
                ),
                dbc.NavbarToggler(id="navbar-toggler", n_clicks=0),
                dbc.Collapse(
                    [
                        dbc.Nav(links, navbar=True, className="me-auto", id=ids.NAV_LINKS),
                        dbc.Switch(
                            id=ids.THEME_SWITCH,
                            label="Dark",
                            value=False,
                            persistence=True,
                            persistence_type="local",
                            className="my-2 my-lg-0 me-3",
                        ),
                        html.A(
                            [html.I(className="bi bi-box-arrow-right me-1"), "Log out"],
                            href="/logout",
                            className="nav-link",
                        ),
                    ],
                    id="navbar-collapse",
                    navbar=True,
                    is_open=False,
                ),
            ],
            fluid=True,
        ),
        className="mb-3 border-bottom app-navbar",
        sticky="top",
    )


# Filters last for the browser tab's session: a reload keeps them, a new tab starts fresh.
# Any: unpacked into dcc.Dropdown, whose typed props mypy would check each key against.
_REMEMBERED: dict[str, Any] = {"persistence": True, "persistence_type": "session"}


def _filter_column(component: Component, lg: int) -> dbc.Col:
    return dbc.Col(component, xs=12, md=6, lg=lg)


def _custom_range() -> html.Div:
    """From and to as typed dates (sent on Enter or when the field is left); the filter bar's
    callback refuses a date it cannot read and says so here, under them."""
    ends = [
        html.Div(
            [
                dbc.Label(label, html_for=field_id, class_name="visually-hidden"),
                date_input(field_id, None, name, debounce=True, **_REMEMBERED),
            ],
            className="flex-fill",
        )
        for field_id, label, name in (
            (ids.DATE_FROM, "From (YYYY-MM-DD)", "the start date"),
            (ids.DATE_TO, "To (YYYY-MM-DD)", "the end date"),
        )
    ]
    return html.Div(
        [
            html.Div(ends, className="d-flex gap-1 custom-range"),
            html.Div(
                id=ids.DATE_RANGE_FEEDBACK,
                className="invalid-feedback d-block",
                **html_attrs({"aria-live": "polite"}),
            ),
        ]
    )


def _tags_filter() -> html.Div:
    """Tags, and whether a line needs any or all of them."""
    match = dbc.RadioItems(
        id=ids.TAGS_MATCH,
        options=[{"label": "any", "value": "any"}, {"label": "all", "value": "all"}],
        value="any",
        inline=True,
        className="small tags-match",
        **_REMEMBERED,
    )
    tags = dcc.Dropdown(id=ids.TAGS_FILTER, multi=True, placeholder="All tags", **_REMEMBERED)
    return html.Div([html.Div(tags, className="flex-fill"), match], className="d-flex gap-2")


def filter_bar() -> dbc.Card:
    preset_options = [{"label": label, "value": key} for key, label in DATE_PRESETS.items()]
    controls = [
        dcc.Dropdown(
            id=ids.PRESET,
            options=preset_options,
            value=DEFAULT_PRESET,
            clearable=False,
            searchable=False,
            **_REMEMBERED,
        ),
        _custom_range(),
        dcc.Dropdown(id=ids.ACCOUNTS_FILTER, multi=True, placeholder="All accounts", **_REMEMBERED),
        dcc.Dropdown(
            id=ids.CATEGORIES_FILTER, multi=True, placeholder="All categories", **_REMEMBERED
        ),
        _tags_filter(),
    ]
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    # The custom range holds two dates and their buttons: it gets the room.
                    _filter_column(control, lg=width)
                    for control, width in zip(controls, (2, 3, 2, 2, 3), strict=True)
                ],
                className="g-2",
            ),
            className="py-2",
        ),
        id=ids.FILTER_BAR,
        className="mb-2 filter-bar",
    )


def layout() -> html.Div:
    """Called for every page load, so nothing here reads the database."""
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            dcc.Store(id=ids.FILTERS_STORE, storage_type="session"),
            dcc.Store(id=ids.CROSS_FILTER_STORE, storage_type="session", data={}),
            dcc.Store(id=ids.REFRESH_STORE, data=0),
            dcc.Store(id=ids.PAGE_SHOWN),
            navbar(),
            dbc.Container(
                [
                    filter_bar(),
                    html.Div(id=ids.CHIPS, className="mb-2 d-flex flex-wrap gap-2"),
                    html.Div(id=ids.PAGE),
                ],
                fluid=True,
                className="pb-5",
            ),
        ]
    )
