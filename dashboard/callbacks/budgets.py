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

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, services
from dashboard.auth import current_user_id
from dashboard.callbacks.budget_month import (
    month_bounds,
    month_from_store,
    month_label,
    shift_month,
)
from dashboard.callbacks.budget_view import budget_page
from dashboard.callbacks.common import edited_row, next_refresh, row_messages, user_acted
from dashboard.extensions import get_engine
from dashboard.forms import add_months
from dashboard.pages.budgets import BUDGET_LIMIT_ERROR, BUDGET_LIMIT_INPUT, BUDGET_NEW_LIMIT_ERROR
from data import writes
from data.money import MoneyError, format_money, parse_amount

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
    if not outcome.message:
        return None
    return dbc.Alert(
        outcome.message,
        color="success" if outcome.saved else "warning",
        dismissable=True,
        duration=6000,
        class_name="py-2",
    )


WRITE_ERRORS = (writes.ValidationError, writes.NotFound, SQLAlchemyError)
NOT_FOUND = Outcome(False, "That category was not found.", "Not found.")


def _refused(error: Exception) -> Outcome:
    """A refused or failed write as a message; only an unexpected database failure is logged."""
    if isinstance(error, writes.NotFound):
        return NOT_FOUND
    if isinstance(error, writes.ValidationError):
        text = " ".join(dict.fromkeys(error.field_errors.values()))
        return Outcome(False, text, text)
    logger.exception("budget write failed")
    return Outcome(False, "Could not save right now. Please try again.")


def _category_name(user_id: int, category_id: Any) -> str | None:
    """The name of this user's category with that id (archived ones too), else None."""
    if not isinstance(category_id, int) or isinstance(category_id, bool):
        return None
    categories = services.list_categories(user_id, True)
    names = categories.loc[categories["id"] == category_id, "name"]
    return None if names.empty else str(names.iloc[0])


def register(app: Dash) -> None:
    @app.callback(Output(ids.BUDGET_MONTH_LABEL, "children"), Input(ids.BUDGET_MONTH_STORE, "data"))
    def _label(stored):
        return month_label(stored, date.today())

    @app.callback(
        Output(ids.BUDGET_MONTH_STORE, "data"),
        Input(ids.BUDGET_PREV, "n_clicks"),
        Input(ids.BUDGET_NEXT, "n_clicks"),
        State(ids.BUDGET_MONTH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _navigate(_previous, _next, stored):
        if not user_acted():
            raise PreventUpdate
        step = -1 if ctx.triggered_id == ids.BUDGET_PREV else 1
        return shift_month(stored, step, date.today())

    @app.callback(
        Output(ids.BUDGET_TABLE, "children"),
        Output(ids.BUDGET_GAUGES, "children"),
        Output(ids.BUDGET_NEW_CATEGORY, "options"),
        Input(ids.BUDGET_MONTH_STORE, "data"),
        Input(ids.REFRESH_STORE, "data"),
        Input(ids.THEME_SWITCH, "value"),
    )
    def _page(stored, _refresh, dark):
        return budget_page(stored, dark, date.today())

    @app.callback(
        Output({"type": BUDGET_LIMIT_ERROR, "category": ALL}, "children"),
        Output({"type": BUDGET_LIMIT_INPUT, "category": ALL}, "invalid"),
        Output(ids.BUDGET_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input({"type": BUDGET_LIMIT_INPUT, "category": ALL}, "value"),
        State(ids.BUDGET_MONTH_STORE, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _save(_values, stored, refresh):
        category_id = edited_row().get("category")
        outcome = save_limit(stored, category_id, ctx.triggered[0]["value"], date.today())
        errors, invalid = row_messages(outcome.field_error, "category", category_id)
        refreshed = next_refresh(refresh) if outcome.saved else no_update
        return errors, invalid, feedback(outcome) or no_update, refreshed

    @app.callback(
        Output(BUDGET_NEW_LIMIT_ERROR, "children"),
        Output(ids.BUDGET_NEW_LIMIT, "invalid"),
        Output(ids.BUDGET_NEW_LIMIT, "value"),
        Output(ids.BUDGET_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input(ids.BUDGET_ADD, "n_clicks"),
        Input(ids.BUDGET_NEW_LIMIT, "n_submit"),
        State(ids.BUDGET_NEW_CATEGORY, "value"),
        State(ids.BUDGET_NEW_LIMIT, "value"),
        State(ids.BUDGET_MONTH_STORE, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _add(_clicks, _submits, category_id, text, stored, refresh):
        if not user_acted():
            raise PreventUpdate
        outcome = add_limit(stored, category_id, text, date.today())
        if not outcome.saved:
            return (
                outcome.field_error,
                bool(outcome.field_error),
                no_update,
                feedback(outcome),
                no_update,
            )
        return "", False, "", feedback(outcome), next_refresh(refresh)

    @app.callback(
        Output(ids.BUDGET_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input(ids.BUDGET_COPY, "n_clicks"),
        State(ids.BUDGET_MONTH_STORE, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _copy(_clicks, stored, refresh):
        if not user_acted():
            raise PreventUpdate
        outcome = copy_last_month(stored, date.today())
        return feedback(outcome), next_refresh(refresh) if outcome.saved else no_update
