"""Goals callbacks: the list and archived goals, the create/edit form, archive, restore and
delete, and the one-time toast of a reached goal. The texts and cards are built in
goals_view.py, the form's parsing in goals_form.py; register() wires them.

Each public function is one callback's body, callable directly in a request context; the user
always comes from the session (current_user_id), never from a component.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, services
from dashboard.callbacks.common import next_refresh, outcome_alert, outputs_with, user_acted
from dashboard.callbacks.goals_form import EMPTY_FORM, form_errors, form_values, parse_goal_form
from dashboard.callbacks.goals_view import archived_list, goals_list
from dashboard.extensions import get_engine
from dashboard.forms import parse_id
from dashboard.security.auth import current_user_id
from data import validation
from data.goals import store
from data.goals.pace import GoalStatus

logger = logging.getLogger(__name__)
FIELDS = ids.GOAL_FIELDS
# The inputs that can show Bootstrap's invalid state (the selects and radios show the message).
TEXT_FIELDS = ("name", "target", "target_date", "starts_on")
ACTIONS = ("archive", "unarchive", "delete")


@dataclass(frozen=True)
class GoalOutcome:
    """What a write did: `saved` means something changed; errors are per form field."""

    saved: bool
    message: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)


def _statuses(user_id: int, today: date) -> list[GoalStatus]:
    return services.goal_statuses(user_id, today)


def save_goal(edit_id: Any, form: dict[str, Any], today: date) -> GoalOutcome:
    """Create a goal, or edit the one whose id the form holds."""
    user_id = current_user_id()
    currency = services.user_currency(user_id)
    parsed = parse_goal_form(form, currency)
    if isinstance(parsed, dict):
        return GoalOutcome(False, "", parsed)
    goal_id = parse_id(edit_id)
    try:
        if edit_id is None:
            store.create_goal(get_engine(), user_id, parsed, today)
        elif goal_id is None:
            return GoalOutcome(False, "That goal was not found.")
        else:
            store.update_goal(get_engine(), user_id, goal_id, parsed, today)
    except WRITE_ERRORS as error:
        return _refused(error)
    verb = "Saved" if edit_id is not None else "Added"
    return GoalOutcome(True, f"{verb} the goal {str(parsed.name).strip()}.")


def goal_action(goal_id: Any, action: Any, today: date) -> GoalOutcome:
    """Archive, restore or delete one of the user's goals."""
    user_id = current_user_id()
    wanted = parse_id(goal_id)
    found = [s for s in _statuses(user_id, today) if s.goal.id == wanted]
    if not found or action not in ACTIONS:
        return GoalOutcome(False, "That goal was not found.")
    name = found[0].goal.name
    try:
        if action == "delete":
            store.delete_goal(get_engine(), user_id, found[0].goal.id)
            return GoalOutcome(True, f"Deleted the goal {name}.")
        store.set_goal_archived(get_engine(), user_id, found[0].goal.id, action == "archive", today)
    except WRITE_ERRORS as error:
        return _refused(error)
    done = "Archived" if action == "archive" else "Restored"
    return GoalOutcome(True, f"{done} the goal {name}.")


def goal_to_edit(goal_id: Any, today: date) -> dict[str, Any] | None:
    """The form's values for one of the user's goals, or None if it is not theirs."""
    user_id = current_user_id()
    wanted = parse_id(goal_id)
    for status in _statuses(user_id, today):
        if status.goal.id == wanted:
            return form_values(status, services.user_currency(user_id))
    return None


def goals_page(celebrated: Any, today: date) -> dict[str, Any]:
    """The lists, the form's choices, and the toast for goals reached since this browser last
    celebrated one (`celebrated`: the ids it has, from localStorage)."""
    user_id = current_user_id()
    currency = services.user_currency(user_id)
    statuses = _statuses(user_id, today)
    accounts = services.list_accounts(user_id, True)
    tags = services.list_tags(user_id)
    account_options = [
        {"label": f"{row.name} (archived)" if row.archived else str(row.name), "value": int(row.id)}
        for row in accounts.itertuples()
        if row.currency == currency
    ]
    tag_options = [{"label": str(row.name), "value": int(row.id)} for row in tags.itertuples()]
    seen = {i for i in celebrated if isinstance(i, int)} if isinstance(celebrated, list) else set()
    reached = [s for s in statuses if s.status == "reached" and not s.goal.archived]
    fresh = [s.goal.name for s in reached if s.goal.id not in seen]
    values: dict[str, Any] = {
        "list": goals_list(statuses, currency),
        "archived": archived_list(statuses, currency),
        "account_options": account_options,
        "tag_options": tag_options,
        "toast_open": bool(fresh),
        "toast": f"You reached {', '.join(fresh)}. Archive it when you are ready." if fresh else "",
        "celebrated": sorted(seen | {s.goal.id for s in reached}),
    }
    return values


def source_boxes(source: Any) -> tuple[bool, bool]:
    """(account box hidden, tag box hidden) for the chosen source."""
    return source == "tag", source != "tag"


WRITE_ERRORS = (validation.ValidationError, validation.NotFound, SQLAlchemyError)


def _refused(error: Exception) -> GoalOutcome:
    if isinstance(error, validation.NotFound):
        return GoalOutcome(False, "That goal was not found.")
    if isinstance(error, validation.ValidationError):
        return GoalOutcome(False, "", form_errors(error.field_errors))
    logger.exception("goal write failed")
    return GoalOutcome(False, "Could not save right now. Please try again.")


def feedback(outcome: GoalOutcome) -> Any:
    return outcome_alert(outcome.message, outcome.saved)


PAGE_OUTPUTS = {
    "list": Output(ids.GOALS_LIST, "children"),
    "archived": Output(ids.GOALS_ARCHIVED, "children"),
    "account_options": Output(ids.GOAL_ACCOUNT, "options"),
    "tag_options": Output(ids.GOAL_TAG, "options"),
    "toast_open": Output(ids.GOAL_TOAST, "is_open"),
    "toast": Output(ids.GOAL_TOAST, "children"),
    "celebrated": Output(ids.GOAL_CELEBRATED, "data"),
}
MESSAGE_OUTPUTS = {
    f"{name}_message": Output(ids.feedback_id(input_id), "children")
    for name, input_id in FIELDS.items()
}
INVALID_OUTPUTS = {f"{name}_invalid": Output(FIELDS[name], "invalid") for name in TEXT_FIELDS}
SAVE_OUTPUTS = {
    "feedback": Output(ids.GOALS_FEEDBACK, "children", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
    "saved": Output(ids.GOAL_SAVED, "data"),
    **MESSAGE_OUTPUTS,
    **INVALID_OUTPUTS,
}
FORM_OUTPUTS = {
    "title": Output(ids.GOAL_FORM_TITLE, "children"),
    "edit_id": Output(ids.GOAL_EDIT_ID, "data"),
    **{name: Output(input_id, "value") for name, input_id in FIELDS.items()},
    **{
        name: Output(output.component_id, output.component_property, allow_duplicate=True)
        for name, output in {**MESSAGE_OUTPUTS, **INVALID_OUTPUTS}.items()
    },
}
ACTION_OUTPUTS = {
    "feedback": Output(ids.GOALS_FEEDBACK, "children", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}


def saved_outputs(outcome: GoalOutcome, refresh: Any, saved: Any) -> dict[str, Any]:
    """Keyed as SAVE_OUTPUTS: each field's message, the feedback, and once saved the refresh
    and the bump that empties the form."""
    values: dict[str, Any] = {"feedback": feedback(outcome)}
    for name in FIELDS:
        values[f"{name}_message"] = outcome.field_errors.get(name, "")
    for name in TEXT_FIELDS:
        values[f"{name}_invalid"] = bool(outcome.field_errors.get(name))
    if outcome.saved:
        values["refresh"] = next_refresh(refresh)
        values["saved"] = next_refresh(saved)
    return outputs_with(SAVE_OUTPUTS, values)


def form_outputs(values: dict[str, Any] | None, edit_id: int | None) -> dict[str, Any]:
    """Keyed as FORM_OUTPUTS: the form filled (to edit) or emptied (new), messages cleared."""
    filled = EMPTY_FORM if values is None else values
    return {
        "title": "New goal" if edit_id is None else f"Edit {filled['name']}",
        "edit_id": edit_id,
        **filled,
        **dict.fromkeys(MESSAGE_OUTPUTS, ""),
        **dict.fromkeys(INVALID_OUTPUTS, False),
    }


def register(app: Dash) -> None:
    @app.callback(
        output=PAGE_OUTPUTS,
        inputs={"_refresh": Input(ids.REFRESH_STORE, "data")},
        state={"celebrated": State(ids.GOAL_CELEBRATED, "data")},
    )
    def _page(_refresh: Any, celebrated: Any) -> dict[str, Any]:
        return goals_page(celebrated, date.today())

    @app.callback(
        Output(ids.GOAL_ACCOUNT_BOX, "hidden"),
        Output(ids.GOAL_TAG_BOX, "hidden"),
        Input(ids.GOAL_SOURCE, "value"),
    )
    def _boxes(source: Any) -> tuple[bool, bool]:
        return source_boxes(source)

    @app.callback(
        output=SAVE_OUTPUTS,
        inputs={"_clicks": Input(ids.GOAL_SAVE, "n_clicks")},
        state={
            "form": {name: State(input_id, "value") for name, input_id in FIELDS.items()},
            "edit_id": State(ids.GOAL_EDIT_ID, "data"),
            "refresh": State(ids.REFRESH_STORE, "data"),
            "saved": State(ids.GOAL_SAVED, "data"),
        },
        prevent_initial_call=True,
    )
    def _save(
        _clicks: Any, form: dict[str, Any], edit_id: Any, refresh: Any, saved: Any
    ) -> dict[str, Any]:
        if not user_acted():
            raise PreventUpdate
        return saved_outputs(save_goal(edit_id, form, date.today()), refresh, saved)

    @app.callback(
        output=FORM_OUTPUTS,
        inputs={
            "_edit": Input({"type": ids.GOAL_EDIT, "id": ALL}, "n_clicks"),
            "_cancel": Input(ids.GOAL_CANCEL, "n_clicks"),
            "_saved": Input(ids.GOAL_SAVED, "data"),
        },
        prevent_initial_call=True,
    )
    def _form(_edit: Any, _cancel: Any, _saved: Any) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if isinstance(trigger, dict):
            if not user_acted():
                raise PreventUpdate
            values = goal_to_edit(trigger.get("id"), date.today())
            if values is None:
                raise PreventUpdate
            return form_outputs(values, parse_id(trigger.get("id")))
        if trigger == ids.GOAL_CANCEL and not user_acted():
            raise PreventUpdate
        return form_outputs(None, None)

    @app.callback(
        output=ACTION_OUTPUTS,
        inputs={"_clicks": Input({"type": ids.GOAL_ACTION, "id": ALL, "action": ALL}, "n_clicks")},
        state={"refresh": State(ids.REFRESH_STORE, "data")},
        prevent_initial_call=True,
    )
    def _action(_clicks: Any, refresh: Any) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not user_acted():
            raise PreventUpdate
        outcome = goal_action(trigger.get("id"), trigger.get("action"), date.today())
        values: dict[str, Any] = {"feedback": feedback(outcome)}
        if outcome.saved:
            values["refresh"] = next_refresh(refresh)
        return outputs_with(ACTION_OUTPUTS, values)
