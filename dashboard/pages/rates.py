"""/rates: exchange rates against the reporting currency: the currencies the accounts need
with their latest rate, a rate entered by hand, the ECB's file imported, and the rates stored.

Layout only; dashboard/callbacks/rates.py fills it (rates_view.py: the tables).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.date_input import date_input
from dashboard.html_attrs import html_attrs

TITLE = "Exchange rates"


def _field(label: str, control: Component, field_id: str, width: int) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=field_id, class_name="small mb-1"),
            control,
            html.Div(id=ids.error_id(field_id), className="invalid-feedback d-block"),
        ],
        xs=12,
        md=width,
    )


def _live(element_id: str) -> html.Div:
    return html.Div(id=element_id, **html_attrs({"aria-live": "polite"}))


def rate_form() -> dbc.Card:
    fields = dbc.Row(
        [
            _field("Currency", dbc.Input(id=ids.RATE_CURRENCY, placeholder="USD"),
                   ids.RATE_CURRENCY, 3),
            _field("Date", date_input(ids.RATE_DATE, None, "the rate's date"), ids.RATE_DATE, 4),
            _field("Rate", dbc.Input(id=ids.RATE_VALUE, placeholder="1.0823",
                                     inputmode="decimal"), ids.RATE_VALUE, 3),
            dbc.Col(dbc.Button("Save rate", id=ids.RATE_SAVE, color="primary"),
                    xs=12, md=2, className="d-flex align-items-end"),
        ],
        className="g-2",
    )  # fmt: skip
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Enter a rate", className="h6"),
                html.P(id=ids.RATES_BASE, className="small text-body-secondary"),
                fields,
                _live(ids.RATES_FEEDBACK),
            ]
        ),
        className="mb-3",
    )


def import_card() -> dbc.Card:
    upload = dcc.Upload(
        id=ids.RATES_UPLOAD,
        children=html.Div(["Drop the ECB's eurofxref-hist.csv here, or ", html.A("choose it")]),
        className="upload-zone border rounded p-3 text-center",
        accept=".csv,text/csv",
        max_size=5_000_000,
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Import the ECB's reference rates", className="h6"),
                html.P(
                    "Download eurofxref-hist.csv (or eurofxref.csv) from the European Central "
                    "Bank's site, then drop it here. Rates are imported for the currencies your "
                    "accounts use; a day already stored is replaced.",
                    className="small text-body-secondary",
                ),
                # The label names the upload's file input (assets/widget-a11y.js).
                dbc.Label("The ECB's CSV file", html_for=ids.RATES_UPLOAD, class_name="small mb-1"),
                upload,
                _live(ids.RATES_UPLOAD_FEEDBACK),
            ]
        ),
        className="mb-3",
    )


def layout() -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.RATES_REFRESH, data=0),
            html.H1(TITLE, className="h4 mb-3"),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H2("Currencies your accounts need", className="h6"),
                        html.Div(id=ids.RATES_NEEDED),
                    ]
                ),
                className="mb-3",
            ),
            rate_form(),
            import_card(),
            dbc.Card(
                dbc.CardBody(
                    [html.H2("Stored rates", className="h6"), html.Div(id=ids.RATES_LIST)]
                ),
                className="mb-3",
            ),
        ],
        className="rates-page",
    )
