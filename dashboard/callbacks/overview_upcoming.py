"""The overview's Upcoming card: the undecided dates of the user's schedules (overdue ones of
the last 30 days first), Post and Skip on each. A post goes through data/schedules/posting.py:
at most once per date, however many clicks."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, services
from dashboard.callbacks.common import next_refresh, user_acted
from dashboard.callbacks.schedules import names
from dashboard.callbacks.schedules_view import upcoming_list
from dashboard.extensions import get_engine
from dashboard.forms import parse_id, parse_iso_date
from dashboard.security.auth import current_user_id
from data.schedules.posting import PostOverrides, post_occurrence, skip_occurrence
from data.validation import NotFound, ValidationError

logger = logging.getLogger(__name__)
UPCOMING_DAYS = 30


def upcoming_view(today: date | None = None) -> Any:
    user_id = current_user_id()
    today = today or date.today()
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


def register(app: Dash) -> None:
    @app.callback(Output(ids.UPCOMING_LIST, "children"), Input(ids.REFRESH_STORE, "data"))
    def _upcoming(_refresh: Any) -> Any:
        return upcoming_view()

    @app.callback(
        Output(ids.UPCOMING_FEEDBACK, "children"),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input({"type": ids.UPCOMING_POST, "schedule": ALL, "due": ALL}, "n_clicks"),
        Input({"type": ids.UPCOMING_SKIP, "schedule": ALL, "due": ALL}, "n_clicks"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _decide(_post: Any, _skip: Any, refresh: Any) -> tuple[Any, Any]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not user_acted():
            raise PreventUpdate
        action = "post" if trigger.get("type") == ids.UPCOMING_POST else "skip"
        changed, message = decide(action, trigger.get("schedule"), trigger.get("due"))
        shown = dbc.Alert(
            message, color="success" if changed else "danger", dismissable=True,
            class_name="py-2 m-2",
        )  # fmt: skip
        return shown, next_refresh(refresh) if changed else no_update
