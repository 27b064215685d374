"""The overview's Upcoming card: the undecided dates of the user's schedules (overdue ones of
the last 30 days first), Post and Skip on each. A post goes through data/schedules/posting.py:
at most once per date, however many clicks."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, services
from dashboard.callbacks.schedules import names
from dashboard.callbacks.schedules_view import upcoming_list
from dashboard.extensions import get_engine
from dashboard.forms import parse_id, parse_iso_date
from dashboard.overview_ids import UPCOMING_DECIDED, UPCOMING_INTENT
from dashboard.security.auth import current_user_id
from data.schedules.posting import PostOverrides, post_occurrence, skip_occurrence
from data.validation import NotFound, ValidationError

logger = logging.getLogger(__name__)
UPCOMING_DAYS = 30
UPCOMING_POST, UPCOMING_SKIP = ids.UPCOMING_POST, ids.UPCOMING_SKIP


def upcoming_view(user_id: int, today: date) -> Any:
    found = services.upcoming_schedules(user_id, today, UPCOMING_DAYS)
    return upcoming_list(found, names(user_id), today)


def decide(action: str, schedule_id: Any, due: Any) -> tuple[bool, str]:
    """Post or skip the date `due` of the schedule: (whether anything changed, the message)."""
    user_id, engine = current_user_id(), get_engine()
    due_on, wanted = parse_iso_date(due), parse_id(schedule_id)
    if due_on is None or wanted is None:
        return False, "That date was not found."
    try:
        if action == "post":
            decision = post_occurrence(engine, user_id, wanted, due_on, PostOverrides())
        else:
            decision = skip_occurrence(engine, user_id, wanted, due_on)
    except NotFound:
        return False, "That schedule was not found."
    except ValidationError as refused:
        return False, "Not posted: " + " ".join(refused.field_errors.values())
    except SQLAlchemyError:
        logger.exception("deciding a scheduled date failed")
        return False, "Could not do that right now. Nothing changed."
    if not decision.created:
        return True, f"That date was {decision.status} already."
    if decision.status == "posted":
        return True, f"Posted the {due_on.isoformat()} transaction."
    return True, f"Skipped {due_on.isoformat()}."


# A Post or Skip click as {"type", "schedule", "due"}, in the browser: the buttons are ALL
# inputs, and the renderer calls an ALL callback whenever the list is drawn (each load, each
# refresh), whatever prevent_initial_call says. In the browser that call costs no request.
_INTENT_JS = """
function(_posts, _skips) {
    const clicked = (dash_clientside.callback_context.triggered || []).filter(t => t.value);
    if (!clicked.length) { return dash_clientside.no_update; }
    const prop = clicked[0].prop_id;
    const id = JSON.parse(prop.slice(0, prop.lastIndexOf('.')));
    return {type: id.type, schedule: id.schedule, due: id.due, at: Date.now()};
}
"""
# After a post or skip that changed something, the shell's refresh store: every view reads again.
_REFRESH_JS = """
function(decided, refresh) {
    if (!decided || !decided.changed) { return dash_clientside.no_update; }
    return (Number.isInteger(refresh) ? refresh : 0) + 1;
}
"""


def decided_outputs(intent: Any) -> tuple[Any, Any]:
    """The feedback and the decided store after a click's intent; PreventUpdate for none."""
    if not isinstance(intent, dict) or intent.get("type") not in (UPCOMING_POST, UPCOMING_SKIP):
        raise PreventUpdate
    action = "post" if intent["type"] == UPCOMING_POST else "skip"
    changed, message = decide(action, intent.get("schedule"), intent.get("due"))
    shown = dbc.Alert(
        message, color="success" if changed else "danger", dismissable=True, class_name="py-2 m-2"
    )
    return shown, {"changed": changed, "at": intent.get("at")}


def register(app: Dash) -> None:
    app.clientside_callback(
        _INTENT_JS,
        Output(UPCOMING_INTENT, "data"),
        Input({"type": UPCOMING_POST, "schedule": ALL, "due": ALL}, "n_clicks"),
        Input({"type": UPCOMING_SKIP, "schedule": ALL, "due": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )

    # Its input and outputs are all in the overview's layout, so drawing the page does not call
    # it (the renderer calls a callback for a new input only if an output is elsewhere).
    @app.callback(
        Output(ids.UPCOMING_FEEDBACK, "children"),
        Output(UPCOMING_DECIDED, "data"),
        Input(UPCOMING_INTENT, "data"),
        prevent_initial_call=True,
    )
    def _decide(intent: Any) -> tuple[Any, Any]:
        return decided_outputs(intent)

    app.clientside_callback(
        _REFRESH_JS,
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input(UPCOMING_DECIDED, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
