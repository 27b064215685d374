"""Accounts & categories callbacks (/accounts): the accounts, categories and groups tables, their
add forms, rename and archive (a group: delete), and each category's group. The tables are
built in accounts_view.py; register() here wires them with the writes.

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
import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, services
from dashboard.callbacks.accounts_view import accounts_tables, default_currency
from dashboard.callbacks.common import (
    edited_row,
    next_refresh,
    outputs_with,
    row_messages,
    user_acted,
)
from dashboard.extensions import get_engine
from dashboard.security.auth import current_user_id
from data import setup_writes, validation
from data import tags as tag_data
from data.money import MoneyError, parse_amount

logger = logging.getLogger(__name__)

_CURRENCY_RE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class FormOutcome:
    """What a write did: `saved` means something changed; errors are per field of the write."""

    saved: bool
    message: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AddForm:
    """An add form: its button, its fields (write field name -> input id), its alert, the
    fields emptied after a save, and the function that adds (taking the fields by name)."""

    submit: str
    fields: dict[str, str]
    feedback: str
    cleared: tuple[str, ...]
    add: Callable[..., FormOutcome]


# The add forms' parameters are named as their fields (ids.NEW_ACCOUNT_FIELDS,
# ids.NEW_CATEGORY_FIELDS): the form's callback passes the fields' values by those names.
def add_account(name: Any, type: Any, currency: Any, opening_balance_minor: Any) -> FormOutcome:
    """A new account; a blank opening balance is zero, a blank currency the user's."""
    account_type, opening = type, opening_balance_minor
    user_id = current_user_id()
    code = currency.strip().upper() if isinstance(currency, str) else ""
    parse_currency = code if _CURRENCY_RE.fullmatch(code) else services.user_currency(user_id)
    try:
        opening_minor = parse_amount(str(opening), parse_currency) if _filled(opening) else 0
    except MoneyError as error:
        return FormOutcome(False, field_errors={"opening_balance_minor": str(error)})
    outcome = _attempt(
        lambda: setup_writes.create_account(
            get_engine(), user_id, name, account_type, code or None, opening_minor
        ),
        "account",
    )
    return outcome or FormOutcome(True, f"Added the account {str(name).strip()}.")


def add_category(name: Any, kind: Any, color: Any) -> FormOutcome:
    user_id = current_user_id()
    outcome = _attempt(
        lambda: setup_writes.create_category(
            get_engine(), user_id, name, kind, None, color or None
        ),
        "category",
    )
    return outcome or FormOutcome(True, f"Added the category {str(name).strip()}.")


def add_group(name: Any) -> FormOutcome:
    user_id = current_user_id()
    outcome = _attempt(lambda: setup_writes.create_group(get_engine(), user_id, name), "group")
    return outcome or FormOutcome(True, f"Added the group {str(name).strip()}.")


def rename_group(group_id: Any, name: Any) -> FormOutcome:
    return _rename("group", group_id, name)


def delete_group(group_id: Any) -> FormOutcome:
    user_id = current_user_id()
    row = _current_row("group", user_id, group_id)
    if row is None:
        return FormOutcome(False, "That group was not found.")
    outcome = _attempt(lambda: setup_writes.delete_group(get_engine(), user_id, row.id), "group")
    return outcome or FormOutcome(
        True, f"Deleted the group {row.name}; its categories are in no group now."
    )


def rename_tag(tag_id: Any, name: Any) -> FormOutcome:
    return _rename("tag", tag_id, name)


def merge_tag(tag_id: Any, value: Any) -> FormOutcome:
    """Merge a tag into the one chosen in its row's select ("" chooses nothing)."""
    user_id = current_user_id()
    source = _current_row("tag", user_id, tag_id)
    target_id = int(value) if isinstance(value, str) and value.isdigit() else None
    target = _current_row("tag", user_id, target_id)
    if value in ("", None):
        return FormOutcome(False)
    if source is None or target is None:
        return FormOutcome(False, "That tag was not found.")
    outcome = _attempt(
        lambda: tag_data.merge_tags(get_engine(), user_id, source.id, target.id), "tag"
    )
    return outcome or FormOutcome(True, f"Merged {source.name} into {target.name}.")


def delete_tag(tag_id: Any) -> FormOutcome:
    user_id = current_user_id()
    row = _current_row("tag", user_id, tag_id)
    if row is None:
        return FormOutcome(False, "That tag was not found.")
    outcome = _attempt(lambda: tag_data.delete_tag(get_engine(), user_id, row.id), "tag")
    if outcome is not None and "tag" in outcome.field_errors:
        # Refused because a goal counts the tag: the alert names the goal.
        return FormOutcome(False, outcome.field_errors["tag"])
    return outcome or FormOutcome(True, f"Deleted the tag {row.name}; it is on nothing now.")


def _group_choice(value: Any) -> int | None | bool:
    """A group select's value: "" is no group, else a group id; False if it is neither."""
    if value in ("", None):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return False


def set_category_group(category_id: Any, value: Any) -> FormOutcome:
    """Put a category in a group ("" for none); an unchanged choice writes nothing."""
    user_id = current_user_id()
    category = _current_row("category", user_id, category_id)
    group_id = _group_choice(value)
    if category is None:
        return FormOutcome(False, "That category was not found.")
    if group_id is False:
        return FormOutcome(False, "That group was not found.")
    current = None if pd.isna(category.group_id) else int(category.group_id)
    # The selects are re-rendered after every write: an unchanged choice must not write again.
    if group_id == current:
        return FormOutcome(False)
    outcome = _attempt(
        lambda: setup_writes.set_category_group(get_engine(), user_id, category.id, group_id),
        "group",
    )
    if outcome:
        return outcome
    if group_id is None:
        return FormOutcome(True, f"{category.name} is in no group now.")
    group = _current_row("group", user_id, group_id)
    return FormOutcome(True, f"Moved {category.name} to {group.name if group else 'its group'}.")


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


def form_outputs(outcome: FormOutcome, fields: dict[str, str]) -> dict[str, Any]:
    """Per form field its message ("<field>_message") and red border ("<field>_invalid"), and
    the form's alert ("feedback", with any error of another field)."""
    values: dict[str, Any] = {}
    for name in fields:
        values[f"{name}_message"] = outcome.field_errors.get(name, "")
        values[f"{name}_invalid"] = bool(outcome.field_errors.get(name))
    unplaced = [text for name, text in outcome.field_errors.items() if name not in fields]
    values["feedback"] = alert(outcome, " ".join(unplaced))
    return values


def refreshed(outcome: FormOutcome, refresh: Any) -> Any:
    """The refresh store after a write: the next value once something changed."""
    return next_refresh(refresh) if outcome.saved else no_update


def row_message(outcome: FormOutcome) -> str:
    """The message under an edited row's name: its name's error, or why nothing was written."""
    return outcome.field_errors.get("name") or ("" if outcome.saved else outcome.message)


def form_submitted(
    outcome: FormOutcome, form: AddForm, outputs: dict[str, Output], refresh: Any
) -> dict[str, Any]:
    """After an add form's submit, keyed as its outputs: the messages and alert; after a save
    its `cleared` fields are emptied and the other views read again."""
    values = form_outputs(outcome, form.fields)
    if outcome.saved:
        values |= {f"{name}_value": "" for name in form.cleared}
        values["refresh"] = next_refresh(refresh)
    return outputs_with(outputs, values)


def _filled(value: Any) -> bool:
    return value is not None and bool(str(value).strip())


def _attempt(write: Callable[[], Any], noun: str) -> FormOutcome | None:
    """Run a write; None if it succeeded, else what went wrong as an outcome to show."""
    try:
        write()
    except validation.NotFound:
        return FormOutcome(False, f"That {noun} was not found.")
    except validation.ValidationError as error:
        return FormOutcome(False, "", error.field_errors)
    except SQLAlchemyError:
        logger.exception("settings write failed")
        return FormOutcome(False, "Could not save right now. Please try again.")
    return None


_NOUNS = {
    "account": (lambda user_id: services.list_accounts(user_id, True), setup_writes.rename_account),
    "category": (
        lambda user_id: services.list_categories(user_id, True),
        setup_writes.rename_category,
    ),
    "group": (services.list_category_groups, setup_writes.rename_group),
    "tag": (services.list_tags, tag_data.rename_tag),
}
_ARCHIVERS = {
    "account": setup_writes.set_account_archived,
    "category": setup_writes.set_category_archived,
}


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


# Given to Dash as a copy (state=dict(...)): Dash adds the callback's inputs to the state dict
# it is given (dash/dependencies.py), which would leak one callback's inputs into the next.
REFRESH_STATE = {"refresh": State(ids.REFRESH_STORE, "data")}
WRITE_OUTPUTS = {
    "feedback": Output(ids.ACCOUNTS_FEEDBACK, "children", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}
TABLE_OUTPUTS = {
    "accounts": Output(ids.ACCOUNTS_TABLE, "children"),
    "categories": Output(ids.CATEGORIES_TABLE, "children"),
    "groups": Output(ids.GROUPS_TABLE, "children"),
    "tags": Output(ids.TAGS_TABLE, "children"),
    "start_here": Output(ids.ACCOUNTS_START_HERE, "children"),
}
ACCOUNT_FORM = AddForm(
    ids.NEW_ACCOUNT_SUBMIT,
    ids.NEW_ACCOUNT_FIELDS,
    ids.NEW_ACCOUNT_FEEDBACK,
    ("name", "opening_balance_minor"),
    add_account,
)
CATEGORY_FORM = AddForm(
    ids.NEW_CATEGORY_SUBMIT,
    ids.NEW_CATEGORY_FIELDS,
    ids.NEW_CATEGORY_FEEDBACK,
    ("name",),
    add_category,
)
GROUP_FORM = AddForm(
    ids.NEW_GROUP_SUBMIT, ids.NEW_GROUP_FIELDS, ids.NEW_GROUP_FEEDBACK, ("name",), add_group
)


def form_outputs_of(form: AddForm) -> dict[str, Output]:
    """An add form's outputs by name, as form_submitted fills them."""
    fields = form.fields.items()
    outputs = {f"{name}_message": Output(ids.error_id(i), "children") for name, i in fields}
    outputs |= {f"{name}_invalid": Output(i, "invalid") for name, i in fields}
    outputs["feedback"] = Output(form.feedback, "children")
    outputs |= {f"{name}_value": Output(form.fields[name], "value") for name in form.cleared}
    outputs["refresh"] = Output(ids.REFRESH_STORE, "data", allow_duplicate=True)
    return outputs


def _register_rename(app: Dash, input_type: str, error_type: str, rename: Callable) -> None:
    rows = {"type": input_type, "id": ALL}

    @app.callback(
        output={
            "errors": Output({"type": error_type, "id": ALL}, "children"),
            "invalid": Output(rows, "invalid"),
            **WRITE_OUTPUTS,
        },
        inputs={"_names": Input(rows, "value")},
        state=dict(REFRESH_STATE),
        prevent_initial_call=True,
    )
    def _rename_row(_names: Any, refresh: Any) -> dict[str, Any]:
        row_id = edited_row().get("id")
        outcome = rename(row_id, ctx.triggered[0]["value"])
        errors, invalid = row_messages(row_message(outcome), "id", row_id, "errors")
        feedback = alert(outcome) or no_update
        return {"errors": errors, "invalid": invalid, "feedback": feedback} | {
            "refresh": refreshed(outcome, refresh)
        }


def _register_archive(app: Dash, button_type: str, set_archived: Callable) -> None:
    @app.callback(
        output=WRITE_OUTPUTS,
        inputs={"_clicks": Input({"type": button_type, "id": ALL, "action": ALL}, "n_clicks")},
        state=dict(REFRESH_STATE),
        prevent_initial_call=True,
    )
    def _archive(_clicks: Any, refresh: Any) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not user_acted():
            raise PreventUpdate
        outcome = set_archived(trigger.get("id"), trigger.get("action") == "archive")
        return {"feedback": alert(outcome), "refresh": refreshed(outcome, refresh)}


def _register_choice(
    app: Dash, select_type: str, choose: Callable[[Any, Any], FormOutcome]
) -> None:
    """A row's select whose choice writes (a category's group, the tag to merge a tag into):
    {"type": select_type, "id": row_id}."""

    @app.callback(
        output=WRITE_OUTPUTS,
        inputs={"_values": Input({"type": select_type, "id": ALL}, "value")},
        state=dict(REFRESH_STATE),
        prevent_initial_call=True,
    )
    def _choose(_values: Any, refresh: Any) -> dict[str, Any]:
        outcome = choose(edited_row().get("id"), ctx.triggered[0]["value"])
        return {"feedback": alert(outcome) or no_update, "refresh": refreshed(outcome, refresh)}


def _register_delete(app: Dash, button_type: str, delete: Callable[[Any], FormOutcome]) -> None:
    """A row's delete button (a group's, a tag's): {"type": button_type, "id": row_id}."""

    @app.callback(
        output=WRITE_OUTPUTS,
        inputs={"_clicks": Input({"type": button_type, "id": ALL}, "n_clicks")},
        state=dict(REFRESH_STATE),
        prevent_initial_call=True,
    )
    def _delete(_clicks: Any, refresh: Any) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not user_acted():
            raise PreventUpdate
        outcome = delete(trigger.get("id"))
        return {"feedback": alert(outcome), "refresh": refreshed(outcome, refresh)}


def _register_form(app: Dash, form: AddForm) -> None:
    outputs = form_outputs_of(form)

    @app.callback(
        output=outputs,
        inputs={"_clicks": Input(form.submit, "n_clicks")},
        state={
            "fields": {name: State(i, "value") for name, i in form.fields.items()},
            **REFRESH_STATE,
        },
        prevent_initial_call=True,
    )
    def _submit(_clicks: Any, fields: dict[str, Any], refresh: Any) -> dict[str, Any]:
        if not user_acted():
            raise PreventUpdate
        return form_submitted(form.add(**fields), form, outputs, refresh)


def register(app: Dash) -> None:
    @app.callback(output=TABLE_OUTPUTS, inputs={"_refresh": Input(ids.REFRESH_STORE, "data")})
    def _tables(_refresh: Any) -> dict[str, Any]:
        return accounts_tables()

    # On the page load only: a refresh after a write must not reset what the user chose.
    @app.callback(Output(ids.NEW_ACCOUNT_CURRENCY, "value"), Input(ids.URL, "pathname"))
    def _currency(_pathname: Any) -> str:
        return default_currency()

    _register_form(app, ACCOUNT_FORM)
    _register_form(app, CATEGORY_FORM)
    _register_rename(app, ids.ACCOUNT_NAME_INPUT, ids.ACCOUNT_NAME_ERROR, rename_account)
    _register_rename(app, ids.CATEGORY_NAME_INPUT, ids.CATEGORY_NAME_ERROR, rename_category)
    _register_archive(app, ids.ACCOUNT_ARCHIVE, set_account_archived)
    _register_archive(app, ids.CATEGORY_ARCHIVE, set_category_archived)
    _register_form(app, GROUP_FORM)
    _register_rename(app, ids.GROUP_NAME_INPUT, ids.GROUP_NAME_ERROR, rename_group)
    _register_choice(app, ids.CATEGORY_GROUP_SELECT, set_category_group)
    _register_rename(app, ids.TAG_NAME_INPUT, ids.TAG_NAME_ERROR, rename_tag)
    _register_choice(app, ids.TAG_MERGE, merge_tag)
    # Last: the isolation sweep's own bodies delete the group and the tag the ones above use.
    _register_delete(app, ids.GROUP_DELETE, delete_group)
    _register_delete(app, ids.TAG_DELETE, delete_tag)
