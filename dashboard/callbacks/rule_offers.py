"""/transactions: offer a rule after the same payee was put in the same category by hand twice
(data/rules/learned.py), and create it only when the person says so."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.callbacks.common import user_acted
from dashboard.extensions import get_engine
from dashboard.security.auth import current_user_id
from data import lookups
from data.rules.learned import offer_after_edit
from data.rules.model import Action, Condition, Rule
from data.rules.store import create_rule
from data.validation import NotFound, ValidationError, as_id


def offer_view(user_id: int, transaction_id: Any) -> tuple[Any, Any, Any, Any]:
    """(toast open, its text, the offer, the button's style) after a write, for the
    transaction last edited."""
    offer = offer_after_edit(get_engine(), user_id, transaction_id)
    if offer is None:
        return no_update, no_update, no_update, no_update
    text = [
        f"You put “{offer.payee}” in {offer.category} by hand {offer.times} times. ",
        html.Strong("Always do that?"),
    ]
    return True, text, {"payee": offer.payee, "category_id": offer.category_id}, {}


def rename_offer_text(offer: dict[str, Any]) -> list[Any]:
    return [f"You renamed “{offer['from']}” to “{offer['to']}”. ",
            html.Strong("Always call it that when it is imported?")]  # fmt: skip


def create_offered_rule(user_id: int, offer: Any) -> tuple[str, bool]:
    """Create the offered rule (the offer came back from the browser: checked again); returns
    the message and whether it was created."""
    if isinstance(offer, dict) and offer.get("kind") == "rename":
        return _create_rename(user_id, offer.get("from"), offer.get("to"))
    if not isinstance(offer, dict) or not isinstance(offer.get("payee"), str):
        return "There is no rule to create.", False
    category = as_id(offer.get("category_id"))
    names = lookups.list_categories(get_engine(), user_id)
    name = next((row.name for row in names.itertuples() if row.id == category), None)
    payee = " ".join(offer["payee"].split())
    if name is None or not payee:
        return "There is no rule to create.", False
    try:
        conditions = (Condition("payee", "equals", payee),)
        actions = (Action("set_category", int(category or 0)),)
        rule = Rule(None, f"{payee[:60]} → {name}"[:100], True, "all", conditions, actions)
        create_rule(get_engine(), user_id, rule)
    except ValidationError as refused:
        return f"The rule was not created: {' '.join(refused.field_errors.values())}", False
    except (ValueError, NotFound) as refused:
        return f"The rule was not created: {refused}", False
    return f"Rule created: “{payee}” goes to {name} from now on (see Rules).", True


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.RULE_OFFER_TOAST, "is_open"),
        Output(ids.RULE_OFFER_TEXT, "children"),
        Output(ids.RULE_OFFER_STORE, "data"),
        Output(ids.RULE_OFFER_CREATE, "style", allow_duplicate=True),
        Input(ids.REFRESH_STORE, "data"),
        State(ids.EDIT_ID, "data"),
        prevent_initial_call=True,
    )
    def offer_callback(_refresh: Any, transaction_id: Any) -> tuple[Any, Any, Any, Any]:
        if transaction_id is None:
            raise PreventUpdate
        return offer_view(current_user_id(), transaction_id)

    @app.callback(
        Output(ids.RULE_OFFER_TEXT, "children", allow_duplicate=True),
        Output(ids.RULE_OFFER_CREATE, "style"),
        Input(ids.RULE_OFFER_CREATE, "n_clicks"),
        State(ids.RULE_OFFER_STORE, "data"),
        prevent_initial_call=True,
    )
    def create_callback(_clicks: Any, offer: Any) -> tuple[Any, Any]:
        if not user_acted():
            raise PreventUpdate
        message, created = create_offered_rule(current_user_id(), offer)
        return message, {"display": "none"} if created else {}


def _create_rename(user_id: int, old: Any, new: Any) -> tuple[str, bool]:
    if not isinstance(old, str) or not isinstance(new, str) or not old.strip() or not new.strip():
        return "There is no rule to create.", False
    old, new = " ".join(old.split()), " ".join(new.split())
    try:
        condition, action = Condition("payee", "equals", old), Action("rename_payee", new)
        rule = Rule(None, f"Rename {old[:40]} → {new[:40]}", True, "all", (condition,), (action,))
        create_rule(get_engine(), user_id, rule)
    except ValidationError as refused:
        return f"The rule was not created: {' '.join(refused.field_errors.values())}", False
    except (ValueError, NotFound) as refused:
        return f"The rule was not created: {refused}", False
    return f"Rule created: “{old}” is called “{new}” from now on (see Rules).", True
