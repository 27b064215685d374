"""Settings callbacks: the accounts and categories tables, their add forms, rename and archive.
The tables are built in settings_view.py; register() here wires them with the writes.

Each public function is one callback's body, callable directly in a request context; the
user always comes from the session (current_user_id), and every id from the browser goes to
a write that looks it up together with that user.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, services
from dashboard.auth import current_user_id
from dashboard.callbacks.common import edited_row, next_refresh, row_messages, user_acted
from dashboard.callbacks.settings_view import default_currency, settings_tables
from dashboard.extensions import get_engine
from dashboard.pages.settings import (
    ACCOUNT_ARCHIVE,
    ACCOUNT_NAME_ERROR,
    ACCOUNT_NAME_INPUT,
    CATEGORY_ARCHIVE,
    CATEGORY_NAME_ERROR,
    CATEGORY_NAME_INPUT,
    NEW_ACCOUNT_FIELDS,
    NEW_CATEGORY_FIELDS,
    SETTINGS_START_HERE,
    error_id,
)
from data import writes
from data.money import MoneyError, parse_amount

logger = logging.getLogger(__name__)

_CURRENCY_RE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class FormOutcome:
    """What a write did: `saved` means something changed; errors are per field of the write."""

    saved: bool
    message: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)


def add_account(name: Any, account_type: Any, currency: Any, opening: Any) -> FormOutcome:
    """A new account; a blank opening balance is zero, a blank currency the user's."""
    user_id = current_user_id()
    code = currency.strip().upper() if isinstance(currency, str) else ""
    parse_currency = code if _CURRENCY_RE.fullmatch(code) else services.user_currency(user_id)
    try:
        opening_minor = parse_amount(str(opening), parse_currency) if _filled(opening) else 0
    except MoneyError as error:
        return FormOutcome(False, field_errors={"opening_balance_minor": str(error)})
    outcome = _attempt(
        lambda: writes.create_account(
            get_engine(), user_id, name, account_type, code or None, opening_minor
        ),
        "account",
    )
    return outcome or FormOutcome(True, f"Added the account {str(name).strip()}.")


def add_category(name: Any, kind: Any, color: Any) -> FormOutcome:
    user_id = current_user_id()
    outcome = _attempt(
        lambda: writes.create_category(get_engine(), user_id, name, kind, None, color or None),
        "category",
    )
    return outcome or FormOutcome(True, f"Added the category {str(name).strip()}.")


def rename_account(account_id: Any, name: Any) -> FormOutcome:
    return _rename("account", account_id, name)


def rename_category(category_id: Any, name: Any) -> FormOutcome:
    return _rename("category", category_id, name)


def set_account_archived(account_id: Any, archived: bool) -> FormOutcome:
    return _set_archived("account", account_id, archived)


def set_category_archived(category_id: Any, archived: bool) -> FormOutcome:
    return _set_archived("category", category_id, archived)


def alert(outcome: FormOutcome, extra: str = "") -> Any:
    text = " ".join(part for part in (outcome.message, extra) if part)
    if not text:
        return None
    color = "success" if outcome.saved else "danger"
    return dbc.Alert(text, color=color, dismissable=True, class_name="py-2 mb-2")


def form_outputs(outcome: FormOutcome, fields: dict[str, str]) -> tuple[list, list, Any]:
    """Messages and invalid flags per form field, and the form's alert (with any other error)."""
    messages = [outcome.field_errors.get(name, "") for name in fields]
    unplaced = [text for name, text in outcome.field_errors.items() if name not in fields]
    return messages, [bool(text) for text in messages], alert(outcome, " ".join(unplaced))


def _filled(value: Any) -> bool:
    return value is not None and bool(str(value).strip())


def _attempt(write: Callable[[], Any], noun: str) -> FormOutcome | None:
    """Run a write; None if it succeeded, else what went wrong as an outcome to show."""
    try:
        write()
    except writes.NotFound:
        return FormOutcome(False, f"That {noun} was not found.")
    except writes.ValidationError as error:
        return FormOutcome(False, "", error.field_errors)
    except SQLAlchemyError:
        logger.exception("settings write failed")
        return FormOutcome(False, "Could not save right now. Please try again.")
    return None


_NOUNS = {
    "account": (lambda user_id: services.list_accounts(user_id, True), writes.rename_account),
    "category": (lambda user_id: services.list_categories(user_id, True), writes.rename_category),
}
_ARCHIVERS = {"account": writes.set_account_archived, "category": writes.set_category_archived}


def _current_row(noun: str, user_id: int, row_id: Any) -> Any:
    """This user's row with that id (from the read model), or None."""
    if not isinstance(row_id, int) or isinstance(row_id, bool):
        return None
    rows = _NOUNS[noun][0](user_id)
    match = rows[rows["id"] == row_id]
    return None if match.empty else next(match.itertuples())


def _rename(noun: str, row_id: Any, name: Any) -> FormOutcome:
    user_id = current_user_id()
    row = _current_row(noun, user_id, row_id)
    if row is None:
        return FormOutcome(False, f"That {noun} was not found.")
    # The inputs are re-rendered after every write: an unchanged name must not write again.
    if isinstance(name, str) and name.strip() == row.name:
        return FormOutcome(False)
    outcome = _attempt(lambda: _NOUNS[noun][1](get_engine(), user_id, row_id, name), noun)
    return outcome or FormOutcome(True, f"Renamed {row.name} to {str(name).strip()}.")


def _set_archived(noun: str, row_id: Any, archived: bool) -> FormOutcome:
    user_id = current_user_id()
    row = _current_row(noun, user_id, row_id)
    if row is None:
        return FormOutcome(False, f"That {noun} was not found.")
    outcome = _attempt(lambda: _ARCHIVERS[noun](get_engine(), user_id, row_id, archived), noun)
    done = "Archived" if archived else "Restored"
    return outcome or FormOutcome(True, f"{done} the {noun} {row.name}.")


def _row_outputs(outcome: FormOutcome, row_id: Any) -> tuple[list, list]:
    """Per-row name errors and invalid flags: only the edited row gets the message."""
    message = outcome.field_errors.get("name") or ("" if outcome.saved else outcome.message)
    return row_messages(message, "id", row_id)


def _register_rename(app: Dash, input_type: str, error_type: str, rename: Callable) -> None:
    @app.callback(
        Output({"type": error_type, "id": ALL}, "children"),
        Output({"type": input_type, "id": ALL}, "invalid"),
        Output(ids.SETTINGS_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input({"type": input_type, "id": ALL}, "value"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _rename_row(_names, refresh):
        trigger = edited_row()
        outcome = rename(trigger.get("id"), ctx.triggered[0]["value"])
        errors, invalid = _row_outputs(outcome, trigger.get("id"))
        refreshed = next_refresh(refresh) if outcome.saved else no_update
        return errors, invalid, alert(outcome) or no_update, refreshed


def _register_archive(app: Dash, button_type: str, set_archived: Callable) -> None:
    @app.callback(
        Output(ids.SETTINGS_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input({"type": button_type, "id": ALL, "action": ALL}, "n_clicks"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _archive(_clicks, refresh):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not user_acted():
            raise PreventUpdate
        outcome = set_archived(trigger.get("id"), trigger.get("action") == "archive")
        return alert(outcome), next_refresh(refresh) if outcome.saved else no_update


def _register_form(
    app: Dash, submit: str, fields: dict[str, str], form_feedback: str, cleared: list[str], add
) -> None:
    """An add form: its fields' messages, its alert, and the `cleared` fields emptied on a save."""
    inputs = list(fields.values())

    @app.callback(
        *[Output(error_id(field_id), "children") for field_id in inputs],
        *[Output(field_id, "invalid") for field_id in inputs],
        Output(form_feedback, "children"),
        *[Output(field_id, "value") for field_id in cleared],
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input(submit, "n_clicks"),
        *[State(field_id, "value") for field_id in inputs],
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _submit(_clicks, *values):
        if not user_acted():
            raise PreventUpdate
        *field_values, refresh = values
        outcome = add(*field_values)
        messages, invalid, message = form_outputs(outcome, fields)
        if not outcome.saved:
            return *messages, *invalid, message, *[no_update] * len(cleared), no_update
        return *messages, *invalid, message, *[""] * len(cleared), next_refresh(refresh)


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.ACCOUNTS_TABLE, "children"),
        Output(ids.CATEGORIES_TABLE, "children"),
        Output(SETTINGS_START_HERE, "children"),
        Input(ids.REFRESH_STORE, "data"),
    )
    def _tables(_refresh):
        return settings_tables()

    # On the page load only: a refresh after a write must not reset what the user chose.
    @app.callback(Output(ids.NEW_ACCOUNT_CURRENCY, "value"), Input(ids.URL, "pathname"))
    def _currency(_pathname):
        return default_currency()

    account_cleared = [ids.NEW_ACCOUNT_NAME, ids.NEW_ACCOUNT_OPENING]
    _register_form(
        app,
        ids.NEW_ACCOUNT_SUBMIT,
        NEW_ACCOUNT_FIELDS,
        ids.NEW_ACCOUNT_FEEDBACK,
        account_cleared,
        add_account,
    )
    _register_form(
        app,
        ids.NEW_CATEGORY_SUBMIT,
        NEW_CATEGORY_FIELDS,
        ids.NEW_CATEGORY_FEEDBACK,
        [ids.NEW_CATEGORY_NAME],
        add_category,
    )
    _register_rename(app, ACCOUNT_NAME_INPUT, ACCOUNT_NAME_ERROR, rename_account)
    _register_rename(app, CATEGORY_NAME_INPUT, CATEGORY_NAME_ERROR, rename_category)
    _register_archive(app, ACCOUNT_ARCHIVE, set_account_archived)
    _register_archive(app, CATEGORY_ARCHIVE, set_category_archived)
