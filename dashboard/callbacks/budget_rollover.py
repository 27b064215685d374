"""Budget rollover callbacks on /budgets: a category's 'Roll over' toggle and the month's
available to budget. The rows and their notes are drawn in budget_view.py with the helpers of
budget_rollover_view.py."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from dashboard import ids, services
from dashboard.callbacks.budget_month import month_from_store
from dashboard.callbacks.budget_rollover_view import available_line
from dashboard.callbacks.budgets import WRITE_ERRORS, Outcome, after_write
from dashboard.callbacks.common import edited_row
from dashboard.extensions import get_engine
from dashboard.forms import parse_id
from dashboard.security.auth import current_user_id
from data import validation
from data.budget_rollover import set_category_rollover

logger = logging.getLogger(__name__)

TOGGLE_OUTPUTS = {
    "feedback": Output(ids.BUDGET_FEEDBACK, "children", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}


def toggle_rollover(category_id: Any, value: Any) -> Outcome:
    """Turn rollover on or off for one of the user's categories."""
    user_id = current_user_id()
    wanted = parse_id(category_id)
    categories = services.list_categories(user_id, True)
    rows = categories[categories["id"] == wanted] if wanted is not None else categories[:0]
    if rows.empty or not isinstance(value, bool):
        return Outcome(False, "That category was not found.")
    on = value
    category = int(rows["id"].iloc[0])
    # The rows are drawn again after every write: a re-sent value must not write again.
    if on == (category in services.rollover_category_ids(user_id)):
        return Outcome(False)
    name = str(rows["name"].iloc[0])
    try:
        set_category_rollover(get_engine(), user_id, category, on)
    except WRITE_ERRORS as error:
        if isinstance(error, validation.ValidationError | validation.NotFound):
            return Outcome(False, "That category was not found.")
        logger.exception("rollover write failed")
        return Outcome(False, "Could not save right now. Please try again.")
    if on:
        return Outcome(True, f"{name}: what is left of each month now carries into the next.")
    return Outcome(True, f"{name}: each month starts from its limit again.")


def available_to_budget(stored: Any, today: date) -> Any:
    user_id = current_user_id()
    month = month_from_store(stored, today)
    available = services.available_to_budget(user_id, month)
    return available_line(available, services.user_currency(user_id), f"{month:%B %Y}")


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.BUDGET_AVAILABLE, "children"),
        Input(ids.BUDGET_MONTH_STORE, "data"),
        Input(ids.REFRESH_STORE, "data"),
    )
    def _available(stored: Any, _refresh: Any) -> Any:
        return available_to_budget(stored, date.today())

    @app.callback(
        output=TOGGLE_OUTPUTS,
        inputs={"_values": Input({"type": ids.BUDGET_ROLLOVER_TOGGLE, "category": ALL}, "value")},
        state={"refresh": State(ids.REFRESH_STORE, "data")},
        prevent_initial_call=True,
    )
    def _toggle(_values: Any, refresh: Any) -> dict[str, Any]:
        category_id = edited_row().get("category")
        if not ctx.triggered:
            raise PreventUpdate
        outcome = toggle_rollover(category_id, ctx.triggered[0]["value"])
        return after_write(TOGGLE_OUTPUTS, outcome, refresh)
