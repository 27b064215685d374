"""/schedules: recurring transactions (rent, salary, subscriptions). The list with each one's
next date, and the editor: the transaction it posts, how often, the weekend shift, the end, and
whether it posts by itself (`flask post-due`, daily).

Layout only; dashboard/callbacks/schedules.py fills it (schedules_view.py draws the list).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.date_input import date_input
from dashboard.html_attrs import html_attrs
from data.schedules.builder import END_LABELS, FREQUENCY_LABELS

TITLE = "Schedules"
F = ids.SCHEDULE_FIELDS
SHIFT_OPTIONS = [
    {"label": "Keep the date", "value": "none"},
    {"label": "Move to the Friday before", "value": "before"},
    {"label": "Move to the Monday after", "value": "after"},
]
AMOUNT_HELP = "Negative for money out (-950.00 rent), positive for money in (a salary)."
DAY_HELP = "1 to 31; 29 to 31 fall on the last day of shorter months. Empty: the first date's."


def _field(label: str, control: object, field: str, help_text: str = "") -> html.Div:
    """Label, control, help and the field's message (filled by the save callback)."""
    parts: list = [dbc.Label(label, html_for=F[field], class_name="small mb-1"), control]
    if help_text:
        parts.append(html.Div(help_text, className="form-text"))
    parts.append(html.Div(id=ids.feedback_id(F[field]), className="invalid-feedback d-block"))
    return html.Div(parts, className="mb-2")


def _text(field: str, **props: object) -> dbc.Input:
    return dbc.Input(id=F[field], type="text", autocomplete="off", **props)


def _what() -> dbc.Row:
    return dbc.Row(
        [
            dbc.Col(_field("Name", _text("name", placeholder="Rent"), "name"), md=6),
            dbc.Col(_field("Account", dbc.Select(id=F["account_id"]), "account_id"), md=6),
            dbc.Col(_field("Payee", _text("payee"), "payee"), md=6),
            dbc.Col(_field("Category", dbc.Select(id=F["category_id"]), "category_id"), md=6),
            dbc.Col(_field("Amount", _text("amount_minor"), "amount_minor", AMOUNT_HELP), md=6),
            dbc.Col(_field("Memo", _text("memo"), "memo"), md=6),
        ],
        class_name="g-2",
    )


def _when() -> dbc.Row:
    frequency = dbc.Select(
        id=F["frequency"],
        options=[{"label": label, "value": value} for value, label in FREQUENCY_LABELS.items()],
        value="monthly",
    )
    end = dbc.RadioItems(
        id=F["end"],
        options=[{"label": label, "value": value} for value, label in END_LABELS.items()],
        value="never",
        inline=True,
    )
    return dbc.Row(
        [
            dbc.Col(
                _field(
                    "First date", date_input(F["starts_on"], None, "the first date"), "starts_on"
                ),
                md=4,
            ),
            dbc.Col(_field("How often", frequency, "frequency"), md=4),
            dbc.Col(
                _field("Every (N days/weeks/months)", _text("interval", value="1"), "interval"),
                md=4,
            ),
            dbc.Col(_field("Day of the month", _text("day"), "day", DAY_HELP), md=4),
            dbc.Col(
                _field(
                    "Custom rule (RRULE)",
                    _text("custom", placeholder="FREQ=MONTHLY;BYDAY=2MO"),
                    "custom",
                    "Only with How often: Custom RRULE.",
                ),
                md=8,
            ),
            dbc.Col(
                _field(
                    "On a weekend",
                    dbc.Select(id=F["weekend_shift"], options=SHIFT_OPTIONS, value="none"),
                    "weekend_shift",
                ),
                md=4,
            ),
            dbc.Col(
                html.Div(
                    [
                        html.Span("Ends", id=f"{F['end']}-label", className="small me-2"),
                        html.Div(
                            end,
                            role="radiogroup",
                            className="d-inline-block",
                            **html_attrs({"aria-labelledby": f"{F['end']}-label"}),
                        ),
                        html.Div(
                            id=ids.feedback_id(F["end"]), className="invalid-feedback d-block"
                        ),
                    ],
                    className="mb-2",
                ),
                md=8,
            ),
            dbc.Col(_field("Ends on", date_input(F["until"], None, "the end date"), "until"), md=6),
            dbc.Col(_field("Ends after (times)", _text("count"), "count"), md=6),
        ],  # fmt: skip
        class_name="g-2",
    )


def editor_card() -> dbc.Card:
    switches = html.Div(
        [
            dbc.Checkbox(
                id=F["auto_post"],
                value=False,
                label="Post by itself when due (the daily post-due run)",
            ),
            dbc.Checkbox(id=F["active"], value=True, label="Active (a paused one is not due)"),
        ],
        className="mb-2",
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H2("New schedule", id=ids.SCHEDULE_EDITOR_TITLE, className="h5 mb-0")
            ),
            dbc.CardBody(
                [
                    _what(),
                    _when(),
                    switches,
                    html.Div(id=ids.SCHEDULE_ERRORS, **html_attrs({"aria-live": "polite"})),
                    html.Div(
                        [
                            dbc.Button("Save schedule", id=ids.SCHEDULE_SAVE, color="primary"),
                            dbc.Button(
                                "New schedule", id=ids.SCHEDULE_NEW, color="secondary", outline=True
                            ),
                        ],
                        className="d-flex flex-wrap gap-2",
                    ),
                    dcc.Store(id=ids.SCHEDULE_EDIT_ID, data=None),
                ]  # fmt: skip
            ),
        ],
        class_name="mb-3",
    )


def layout() -> html.Div:
    listing = dbc.Card(
        [
            dbc.CardHeader(html.H2("Your schedules", className="h5 mb-0")),
            dbc.CardBody(
                [
                    html.Div(id=ids.SCHEDULES_FEEDBACK, **html_attrs({"aria-live": "polite"})),
                    html.Div(id=ids.SCHEDULES_LIST),
                ]
            ),
        ],
        class_name="mb-3",
    )
    return html.Div(
        [html.H1(TITLE, className="h3 mb-3"), listing, editor_card()], className="schedules-page"
    )
