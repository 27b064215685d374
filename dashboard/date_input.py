"""A date field that sends exactly what was typed, with a calendar button beside it. Layout only.

Why not dcc.DatePickerSingle/Range: in Dash 4.4.1 (tried in Chromium) a typed day that does not
exist rolls over (2023-02-30 and 2023/02/30 become 2023-03-02), other text falls back to the
previous date, and only that date reaches the server, which cannot refuse what it never sees.
Here the text is the value: the server parses it (dashboard/forms.py) and says what it could not
read. The button opens the browser's own date picker (assets/date-input.js), which writes the
chosen day into the text as YYYY-MM-DD; no third-party calendar is loaded.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.forms import DATE_FORMAT
from dashboard.html_attrs import html_attrs


def calendar_button_id(field_id: str) -> str:
    """The id of the button that opens the calendar for a date field."""
    return f"{field_id}-calendar"


def date_input(field_id: str, value: str | None, name: str, **input_props: Any) -> dbc.InputGroup:
    """The text input `field_id` (placeholder YYYY-MM-DD) and its calendar button; `name` says
    which date the button picks ("the date", "the start date"), for its accessible name."""
    text = dbc.Input(
        id=field_id,
        type="text",
        value=value,
        placeholder=DATE_FORMAT,
        autocomplete="off",
        **input_props,
    )
    # type="button": inside a form a plain <button> would submit it.
    button = html.Button(
        html.I(className="bi bi-calendar3", **html_attrs({"aria-hidden": "true"})),
        id=calendar_button_id(field_id),
        type="button",
        title=f"Pick {name} from a calendar",
        className="btn btn-outline-secondary date-input-calendar",
        **html_attrs({"aria-label": f"Pick {name} from a calendar", "data-date-input": field_id}),
    )
    return dbc.InputGroup([text, button], class_name="date-input flex-nowrap")
