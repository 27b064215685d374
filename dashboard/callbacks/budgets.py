"""Budgets callbacks: the month navigator, the month's limits against spending, and their edits.
The month's store is read in budget_month.py and the month's rows and gauges are built in
budget_view.py; register() here wires them all.

Each public function is one callback's body, callable directly in a request context; the
user always comes from the session (current_user_id), never from a component.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, services
from dashboard.callbacks.budget_month import (
    month_bounds,
    month_from_store,
    month_label,
    shift_month,
)
from dashboard.callbacks.budget_view import budget_page
from dashboard.callbacks.common import (
    edited_row,
    next_refresh,
    outcome_alert,
    outputs_with,
    row_messages,
    user_acted,
)
from dashboard.extensions import get_engine
from dashboard.security.auth import current_user_id
from data import validation, writes
from data.money import MoneyError, format_money, parse_amount
from data.months import add_months

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What an edit did: `saved` means something was written (refresh the page's views)."""

    saved: bool
    message: str = ""
    field_error: str = ""


def save_limit(stored: Any, category_id: Any, text: Any, today: date) -> Outcome:
    """An edited limit: blank clears it; a value equal to the stored one writes nothing.

    The rows are re-rendered after every write: a re-sent value must not write (and refresh) again.
    """
    user_id = current_user_id()
    month = month_from_store(stored, today)
    name = _category_name(user_id, category_id)
    if name is None:
        return NOT_FOUND
    budgets = services.budgets_for_month(user_id, month)
    current = budgets.loc[budgets["category_id"] == category_id, "limit_minor"].tolist()
    if text is None or not str(text).strip():
        if not current:
            return Outcome(False)
        try:
            writes.clear_budget(get_engine(), user_id, category_id, month)
        except WRITE_ERRORS as error:
            return _refused(error)
        return Outcome(True, f"Removed the {name} limit for {month:%B %Y}.")
    currency = services.user_currency(user_id)
    try:
        limit = parse_amount(str(text), currency)
    except MoneyError as error:
        return Outcome(False, field_error=str(error))
    if current == [limit]:
        return Outcome(False)
    try:
        writes.set_budget(get_engine(), user_id, category_id, month, limit)
    except WRITE_ERRORS as error:
        return _refused(error)
    return Outcome(True, f"{name}: limit set to {format_money(limit, currency)} for {month:%B %Y}.")


def add_limit(stored: Any, category_id: Any, text: Any, today: date) -> Outcome:
    """A limit for a category that had none this month."""
    user_id = current_user_id()
    month = month_from_store(stored, today)
    if category_id is None:
        return Outcome(False, "Choose a category to add a limit for.")
    name = _category_name(user_id, category_id)
    if name is None:
        return NOT_FOUND
    currency = services.user_currency(user_id)
    try:
        limit = parse_amount(None if text is None else str(text), currency)
        writes.set_budget(get_engine(), user_id, category_id, month, limit)
    except MoneyError as error:
        return Outcome(False, field_error=str(error))
    except WRITE_ERRORS as error:
        return _refused(error)
    return Outcome(
        True, f"Added a limit of {format_money(limit, currency)} for {name} in {month:%B %Y}."
    )


def copy_last_month(stored: Any, today: date) -> Outcome:
    """Copy the previous month's limits into this one; limits already set here stay as they are."""
    user_id = current_user_id()
    month = month_from_store(stored, today)
    previous = add_months(month, -1)
    if previous < month_bounds(today)[0]:
        return Outcome(False, "There is no earlier month to copy from.")
    try:
        copied = writes.copy_budgets(get_engine(), user_id, previous, month)
    except WRITE_ERRORS as error:
        return _refused(error)
    if copied:
        limits = "limit" if copied == 1 else "limits"
        return Outcome(True, f"Copied {copied} {limits} from {previous:%B %Y}.")
    if services.budgets_for_month(user_id, previous).empty:
        return Outcome(False, f"{previous:%B %Y} has no limits to copy.")
    return Outcome(
        False, f"Every limit of {previous:%B %Y} is already set for {month:%B %Y}; none changed."
    )


def feedback(outcome: Outcome) -> Any:
    return outcome_alert(outcome.message, outcome.saved)


WRITE_ERRORS = (validation.ValidationError, validation.NotFound, SQLAlchemyError)
NOT_FOUND = Outcome(False, "That category was not found.", "Not found.")


def _refused(error: Exception) -> Outcome:
    """A refused or failed write as a message; only an unexpected database failure is logged."""
    if isinstance(error, validation.NotFound):
        return NOT_FOUND
    if isinstance(error, validation.ValidationError):
        text = " ".join(dict.fromkeys(error.field_errors.values()))
        return Outcome(False, text, text)
    logger.exception("budget write failed")
    return Outcome(False, "Could not save right now. Please try again.")


# The callbacks' outputs by name; each function below returns a dict with these keys.
PAGE_OUTPUTS = {
    "table": Output(ids.BUDGET_TABLE, "children"),
    "gauges": Output(ids.BUDGET_GAUGES, "children"),
    "new_category_options": Output(ids.BUDGET_NEW_CATEGORY, "options"),
}
SAVE_OUTPUTS = {
    "errors": Output({"type": ids.BUDGET_LIMIT_ERROR, "category": ALL}, "children"),
    "invalid": Output({"type": ids.BUDGET_LIMIT_INPUT, "category": ALL}, "invalid"),
    "feedback": Output(ids.BUDGET_FEEDBACK, "children", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}
ADD_OUTPUTS = {
    "error": Output(ids.BUDGET_NEW_LIMIT_ERROR, "children"),
    "invalid": Output(ids.BUDGET_NEW_LIMIT, "invalid"),
    "value": Output(ids.BUDGET_NEW_LIMIT, "value"),
    "feedback": Output(ids.BUDGET_FEEDBACK, "children", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}
COPY_OUTPUTS = {
    "feedback": Output(ids.BUDGET_FEEDBACK, "children", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}
# Given to Dash as a copy (state=dict(...)): Dash adds the callback's inputs to the state dict
# it is given (dash/dependencies.py), which would leak one callback's inputs into the next.
MONTH_STATE = {"stored": State(ids.BUDGET_MONTH_STORE, "data")}
WRITE_STATE = {**MONTH_STATE, "refresh": State(ids.REFRESH_STORE, "data")}


def after_write(outputs: dict[str, Output], outcome: Outcome, refresh: Any) -> dict[str, Any]:
    """The feedback of a write (if it says something: an edit that wrote nothing leaves the last
    message) and, once written, the next refresh."""
    values: dict[str, Any] = {}
    if outcome.message:
        values["feedback"] = feedback(outcome)
    if outcome.saved:
        values["refresh"] = next_refresh(refresh)
    return outputs_with(outputs, values)


def limit_added(outcome: Outcome, refresh: Any) -> dict[str, Any]:
    """Keyed as ADD_OUTPUTS: the field's message; once added, the field is emptied."""
    values = after_write(ADD_OUTPUTS, outcome, refresh) | {"feedback": feedback(outcome)}
    values |= {"error": outcome.field_error, "invalid": bool(outcome.field_error)}
    if outcome.saved:
        values["value"] = ""
    return values


def limits_copied(outcome: Outcome, refresh: Any) -> dict[str, Any]:
    """Keyed as COPY_OUTPUTS: what the copy did (an empty answer clears the last message)."""
    return after_write(COPY_OUTPUTS, outcome, refresh) | {"feedback": feedback(outcome)}


def _category_name(user_id: int, category_id: Any) -> str | None:
    """The name of this user's category with that id (archived ones too), else None."""
    if not isinstance(category_id, int) or isinstance(category_id, bool):
        return None
    categories = services.list_categories(user_id, True)
    names = categories.loc[categories["id"] == category_id, "name"]
    return None if names.empty else str(names.iloc[0])


def _register_month(app: Dash) -> None:
    """The month navigator and the month's rows, gauges and choices."""

    @app.callback(
        output=Output(ids.BUDGET_MONTH_LABEL, "children"),
        inputs={"stored": Input(ids.BUDGET_MONTH_STORE, "data")},
    )
    def _label(stored: Any) -> str:
        return month_label(stored, date.today())

    @app.callback(
        output=Output(ids.BUDGET_MONTH_STORE, "data"),
        inputs={
            "_prev": Input(ids.BUDGET_PREV, "n_clicks"),
            "_next": Input(ids.BUDGET_NEXT, "n_clicks"),
        },
        state=dict(MONTH_STATE),
        prevent_initial_call=True,
    )
    def _navigate(_prev: Any, _next: Any, stored: Any) -> str:
        if not user_acted():
            raise PreventUpdate
        step = -1 if ctx.triggered_id == ids.BUDGET_PREV else 1
        return shift_month(stored, step, date.today())

    @app.callback(
        output=PAGE_OUTPUTS,
        inputs={
            "stored": Input(ids.BUDGET_MONTH_STORE, "data"),
            "_refresh": Input(ids.REFRESH_STORE, "data"),
        },
    )
    def _page(stored: Any, _refresh: Any) -> dict[str, Any]:
        # The meters are themed by CSS (assets/budget-meter.css): no theme input.
        return budget_page(stored, date.today())


def _register_writes(app: Dash) -> None:
    """The limit edits, the add form and the copy from last month."""

    @app.callback(
        output=SAVE_OUTPUTS,
        inputs={"_values": Input({"type": ids.BUDGET_LIMIT_INPUT, "category": ALL}, "value")},
        state=dict(WRITE_STATE),
        prevent_initial_call=True,
    )
    def _save(_values: Any, stored: Any, refresh: Any) -> dict[str, Any]:
        category_id = edited_row().get("category")
        outcome = save_limit(stored, category_id, ctx.triggered[0]["value"], date.today())
        errors, invalid = row_messages(outcome.field_error, "category", category_id, "errors")
        return after_write(SAVE_OUTPUTS, outcome, refresh) | {"errors": errors, "invalid": invalid}

    @app.callback(
        output=ADD_OUTPUTS,
        inputs={
            "_clicks": Input(ids.BUDGET_ADD, "n_clicks"),
            "_submits": Input(ids.BUDGET_NEW_LIMIT, "n_submit"),
        },
        state={
            "category_id": State(ids.BUDGET_NEW_CATEGORY, "value"),
            "text": State(ids.BUDGET_NEW_LIMIT, "value"),
            **WRITE_STATE,
        },
        prevent_initial_call=True,
    )
    def _add(
        _clicks: Any, _submits: Any, category_id: Any, text: Any, stored: Any, refresh: Any
    ) -> dict[str, Any]:
        if not user_acted():
            raise PreventUpdate
        return limit_added(add_limit(stored, category_id, text, date.today()), refresh)

    @app.callback(
        output=COPY_OUTPUTS,
        inputs={"_clicks": Input(ids.BUDGET_COPY, "n_clicks")},
        state=dict(WRITE_STATE),
        prevent_initial_call=True,
    )
    def _copy(_clicks: Any, stored: Any, refresh: Any) -> dict[str, Any]:
        if not user_acted():
            raise PreventUpdate
        return limits_copied(copy_last_month(stored, date.today()), refresh)


def register(app: Dash) -> None:
    _register_month(app)
    _register_writes(app)
