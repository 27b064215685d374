"""/schedules' callbacks: the list, the editor (new, edit, prefilled from ?edit=<id> or
?from=<transaction id>), save and delete. schedules_form.py parses, schedules_view.py draws.

Each public function is one callback's body, callable directly in a request context; the user
comes from the session (current_user_id), and every id from the browser goes to a data function
that looks it up with that user (NotFound for another user's).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, services
from dashboard.callbacks.accounts import FormOutcome, alert
from dashboard.callbacks.common import next_refresh, user_acted
from dashboard.callbacks.schedules_form import (
    form_from_schedule,
    form_from_transaction,
    schedule_from_form,
    with_kept_parts,
)
from dashboard.callbacks.schedules_view import Names, schedules_table
from dashboard.extensions import get_engine
from dashboard.forms import NO_CATEGORY, parse_id
from dashboard.security.auth import current_user_id
from data.lookups import stored_transaction
from data.schedules import store
from data.schedules.due import next_dates
from data.validation import NotFound, ValidationError

logger = logging.getLogger(__name__)
F = ids.SCHEDULE_FIELDS
# The fields with a message under them (the checkboxes' problems go to the alert).
MESSAGE_FIELDS = tuple(name for name in F if name not in ("auto_post", "active"))
EMPTY_FORM: dict[str, Any] = {
    "name": "", "account_id": None, "payee": "", "category_id": NO_CATEGORY, "amount_minor": "",
    "memo": "", "starts_on": None, "frequency": "monthly", "interval": "1", "day": "",
    "end": "never", "until": "", "count": "", "custom": "", "weekend_shift": "none",
    "auto_post": False, "active": True,
}  # fmt: skip


def names(user_id: int) -> Names:
    accounts = services.list_accounts(user_id, True)
    categories = services.list_categories(user_id, True)
    return Names(
        {int(row.id): row.name for row in accounts.itertuples()},
        {int(row.id): row.currency for row in accounts.itertuples()},
        {int(row.id): row.name for row in categories.itertuples()},
    )


def schedules_list(today: date | None = None) -> Any:
    user_id = current_user_id()
    today = today or date.today()
    schedules = services.list_schedules(user_id)
    upcoming = {s.id: next(iter(next_dates(s, today)), None) for s in schedules if s.id}
    return schedules_table(schedules, upcoming, names(user_id))


def field_options() -> tuple[list[dict], list[dict]]:
    """The active accounts and categories, as the editor's select options."""
    user_id = current_user_id()
    accounts = services.list_accounts(user_id)
    categories = services.list_categories(user_id)
    account_options = [{"label": row.name, "value": str(row.id)} for row in accounts.itertuples()]
    category_options = [{"label": "No category", "value": NO_CATEGORY}] + [
        {"label": row.name, "value": str(row.id)} for row in categories.itertuples()
    ]
    return account_options, category_options


def editor_for(search: Any = None, edit_id: Any = None, today: date | None = None) -> dict:
    """The editor's values, title and target: the schedule `edit_id` (or ?edit=), a new one
    prefilled from the transaction of ?from=, or an empty new one. Another user's ids (or none
    of any) give the empty form and a message."""
    user_id, today = current_user_id(), today or date.today()
    query = parse_qs(search[1:] if isinstance(search, str) and search.startswith("?") else "")
    wanted = edit_id if edit_id is not None else next(iter(query.get("edit", [])), None)
    source = next(iter(query.get("from", [])), None) if edit_id is None else None
    currencies = names(user_id).currencies
    empty = {"values": {**EMPTY_FORM, "starts_on": today.isoformat()}, "title": "New schedule",
             "target": {"schedule": None, "from": None}, "message": None}  # fmt: skip
    if wanted is not None:
        try:
            schedule = store.get_schedule(get_engine(), user_id, parse_id(wanted))
        except NotFound:
            return {**empty, "message": "That schedule was not found."}
        currency = currencies.get(schedule.account_id, "EUR")
        return {"values": form_from_schedule(schedule, currency), "title": f"Edit {schedule.name}",
                "target": {"schedule": schedule.id, "from": None}, "message": None}  # fmt: skip
    if source is not None:
        txn_id = parse_id(source)
        txn = None if txn_id is None else stored_transaction(get_engine(), user_id, txn_id)
        if txn is None:
            return {**empty, "message": "That transaction was not found."}
        currency = currencies.get(txn.account_id, "EUR")
        return {"values": form_from_transaction(txn, currency, today),
                "title": "New schedule from a transaction",
                "target": {"schedule": None, "from": txn_id}, "message": None}  # fmt: skip
    return empty


def save_schedule(target: Any, values: dict[str, Any]) -> tuple[FormOutcome, Any]:
    """Create or update from the editor; (the outcome with per-field errors, the new target)."""
    user_id, engine = current_user_id(), get_engine()
    target = target if isinstance(target, dict) else {}
    schedule_id, from_id = parse_id(target.get("schedule")), parse_id(target.get("from"))
    schedule, problems = schedule_from_form(values, names(user_id).currencies)
    if schedule is None:
        return FormOutcome(False, "Check the fields marked below.", problems), no_update
    try:
        if schedule_id is not None:
            kept = store.get_schedule(engine, user_id, schedule_id)
            store.update_schedule(engine, user_id, schedule_id, with_kept_parts(schedule, kept))
            return FormOutcome(True, f"Saved {schedule.name}."), no_update
        source = None if from_id is None else stored_transaction(engine, user_id, from_id)
        new_id = store.create_schedule(engine, user_id, with_kept_parts(schedule, source))
    except ValidationError as refused:
        errors = dict(refused.field_errors)
        return FormOutcome(False, "Check the fields marked below.", errors), no_update
    except NotFound:
        return FormOutcome(False, "That schedule was not found."), no_update
    except SQLAlchemyError:
        logger.exception("saving a schedule failed")
        return FormOutcome(False, "Could not save right now. Nothing changed."), no_update
    return FormOutcome(True, f"Added {schedule.name}."), {"schedule": new_id, "from": None}


def delete_schedule(schedule_id: Any) -> FormOutcome:
    try:
        store.delete_schedule(get_engine(), current_user_id(), parse_id(schedule_id))
    except NotFound:
        return FormOutcome(False, "That schedule was not found.")
    return FormOutcome(True, "Deleted the schedule. The transactions it posted stay.")


def field_messages(outcome: FormOutcome) -> dict[str, Any]:
    """Per editor field its message; errors of fields the editor has not go to the alert."""
    shown = {name: outcome.field_errors.get(name, "") for name in MESSAGE_FIELDS}
    others = [m for name, m in outcome.field_errors.items() if name not in MESSAGE_FIELDS]
    summary = alert(outcome, " ".join(others)) if not outcome.saved else None
    return {"messages": shown, "errors": summary}


# --- Wiring ---

VALUE_PROPS = {name: "value" for name in F}


def _values_state() -> dict[str, State]:
    return {name: State(F[name], VALUE_PROPS[name]) for name in F}


def register(app: Dash) -> None:
    @app.callback(Output(ids.SCHEDULES_LIST, "children"), Input(ids.REFRESH_STORE, "data"))
    def _list(_refresh: Any) -> Any:
        return schedules_list()

    @app.callback(
        Output(F["account_id"], "options"),
        Output(F["category_id"], "options"),
        Input(ids.REFRESH_STORE, "data"),
    )
    def _options(_refresh: Any) -> tuple[list[dict], list[dict]]:
        return field_options()

    @app.callback(
        output={
            "values": {name: Output(F[name], VALUE_PROPS[name]) for name in F},
            "title": Output(ids.SCHEDULE_EDITOR_TITLE, "children"),
            "target": Output(ids.SCHEDULE_EDIT_ID, "data"),
            "message": Output(ids.SCHEDULES_FEEDBACK, "children", allow_duplicate=True),
        },
        inputs={
            "search": Input(ids.URL, "search"),
            "_new": Input(ids.SCHEDULE_NEW, "n_clicks"),
            "_edit": Input({"type": ids.SCHEDULE_ROW_EDIT, "id": ALL}, "n_clicks"),
        },
        prevent_initial_call="initial_duplicate",
    )
    def _editor(search: Any, _new: Any, _edit: Any) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if isinstance(trigger, dict):
            if not user_acted():
                raise PreventUpdate
            shown = editor_for(edit_id=trigger.get("id"))
        elif trigger == ids.SCHEDULE_NEW:
            shown = editor_for()
        else:
            shown = editor_for(search)
        message = shown["message"]
        shown["message"] = (
            dbc.Alert(message, color="warning", class_name="py-2") if message else None
        )
        return shown

    @app.callback(
        output={
            "messages": {
                name: Output(ids.feedback_id(F[name]), "children") for name in MESSAGE_FIELDS
            },
            "errors": Output(ids.SCHEDULE_ERRORS, "children"),
            "target": Output(ids.SCHEDULE_EDIT_ID, "data", allow_duplicate=True),
            "feedback": Output(ids.SCHEDULES_FEEDBACK, "children", allow_duplicate=True),
            "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        },
        inputs={"_clicks": Input(ids.SCHEDULE_SAVE, "n_clicks")},
        state={
            "target": State(ids.SCHEDULE_EDIT_ID, "data"),
            "refresh": State(ids.REFRESH_STORE, "data"),
            "values": _values_state(),
        },
        prevent_initial_call=True,
    )
    def _save(_clicks: Any, target: Any, refresh: Any, values: dict[str, Any]) -> dict[str, Any]:
        if not user_acted():
            raise PreventUpdate
        outcome, new_target = save_schedule(target, values)
        return {
            **field_messages(outcome),
            "target": new_target,
            "feedback": alert(outcome) if outcome.saved else no_update,
            "refresh": next_refresh(refresh) if outcome.saved else no_update,
        }

    @app.callback(
        Output(ids.SCHEDULES_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input({"type": ids.SCHEDULE_ROW_DELETE, "id": ALL}, "n_clicks"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _delete(_clicks: Any, refresh: Any) -> tuple[Any, Any]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not user_acted():
            raise PreventUpdate
        outcome = delete_schedule(trigger.get("id"))
        return alert(outcome), next_refresh(refresh) if outcome.saved else no_update
