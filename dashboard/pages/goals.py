"""/goals : savings goals with their progress and pace, the form to create or edit one, and the
archived goals apart. Layout only: dashboard/callbacks/goals.py fills it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.date_input import date_input
from dashboard.html_attrs import html_attrs

TITLE = "Goals"
SOURCE_OPTIONS = [
    {"label": "An account's balance", "value": "account"},
    {"label": "Transactions with a tag", "value": "tag"},
]


def _field(label: str, field_id: str, control: Any, help_text: str = "") -> html.Div:
    children = [dbc.Label(label, html_for=field_id), control]
    if help_text:
        children.append(html.Div(help_text, className="form-text"))
    children.append(html.Div(id=ids.feedback_id(field_id), className="invalid-feedback d-block"))
    return html.Div(children, className="mb-2")


def goal_form() -> dbc.Card:
    source = html.Div(
        [
            html.Span("Counts toward it", id=f"{ids.GOAL_SOURCE}-label", className="form-label"),
            dbc.RadioItems(
                id=ids.GOAL_SOURCE, options=SOURCE_OPTIONS, value="account", inline=True
            ),
            html.Div(id=ids.feedback_id(ids.GOAL_SOURCE), className="invalid-feedback d-block"),
        ],
        role="radiogroup",
        className="mb-2",
        **html_attrs({"aria-labelledby": f"{ids.GOAL_SOURCE}-label"}),
    )
    account = html.Div(
        _field(
            "Account",
            ids.GOAL_ACCOUNT,
            dcc.Dropdown(id=ids.GOAL_ACCOUNT, placeholder="Choose an account"),
            "Its balance is what is saved.",
        ),
        id=ids.GOAL_ACCOUNT_BOX,
    )
    tag = html.Div(
        [
            _field(
                "Tag",
                ids.GOAL_TAG,
                dcc.Dropdown(id=ids.GOAL_TAG, placeholder="Choose a tag"),
                "Tagged money coming in adds to the goal; tagged money going out takes from it.",
            ),
            _field(
                "Count from",
                ids.GOAL_STARTS_ON,
                date_input(ids.GOAL_STARTS_ON, None, "the day to count from"),
                "Blank: from today.",
            ),
        ],
        id=ids.GOAL_TAG_BOX,
        hidden=True,
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("New goal", id=ids.GOAL_FORM_TITLE, className="h5"),
                dcc.Store(id=ids.GOAL_EDIT_ID, data=None),
                dcc.Store(id=ids.GOAL_SAVED, data=0),
                _field(
                    "Name",
                    ids.GOAL_NAME,
                    dbc.Input(id=ids.GOAL_NAME, maxlength=100, autocomplete="off"),
                ),
                _field(
                    "Target amount",
                    ids.GOAL_TARGET,
                    dbc.Input(
                        id=ids.GOAL_TARGET,
                        placeholder="e.g. 5000.00",
                        inputmode="decimal",
                        autocomplete="off",
                    ),
                ),
                _field(
                    "Target date",
                    ids.GOAL_TARGET_DATE,
                    date_input(ids.GOAL_TARGET_DATE, None, "the target date"),
                    "Optional: with a date, the goal says what is needed each month.",
                ),
                source,
                account,
                tag,
                html.Div(
                    [
                        dbc.Button("Save goal", id=ids.GOAL_SAVE, color="primary"),
                        dbc.Button("Cancel", id=ids.GOAL_CANCEL, color="secondary", outline=True),
                    ],
                    className="d-flex gap-2 mt-2",
                ),
            ]
        ),
        class_name="goal-form",
    )


def layout() -> html.Div:
    return html.Div(
        [
            html.H1(TITLE, className="h4 mb-3"),
            dcc.Store(id=ids.GOAL_CELEBRATED, storage_type="local"),
            html.Div(id=ids.GOALS_FEEDBACK, **html_attrs({"aria-live": "polite"})),
            dbc.Row(
                [
                    dbc.Col(html.Div(id=ids.GOALS_LIST), lg=8),
                    dbc.Col(goal_form(), lg=4),
                ],
                class_name="g-3 mb-3",
            ),
            html.Div(id=ids.GOALS_ARCHIVED),
            dbc.Toast(
                id=ids.GOAL_TOAST,
                header="Goal reached",
                icon="success",
                is_open=False,
                dismissable=True,
                duration=8000,
                class_name="position-fixed bottom-0 end-0 m-3",
            ),
        ],
        className="goals-page",
    )
