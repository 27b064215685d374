"""The entry form's "amount received": shown only for a transfer between accounts of two
currencies, labelled with the second account's currency. Each leg keeps its own amount."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output

from dashboard import ids, services
from dashboard.forms import parse_id
from dashboard.security.auth import current_user_id

HIDDEN = {"display": "none"}


def received_view(user_id: int, mode: Any, account: Any, to_account: Any) -> dict[str, Any]:
    """{"style", "label"}: shown when the transfer's two accounts have different currencies."""
    label = "Amount received"
    if mode != "transfer":
        return {"style": HIDDEN, "label": label}
    accounts = services.list_accounts(user_id)
    currencies = dict(zip(accounts["id"].astype(int), accounts["currency"], strict=True))
    source = currencies.get(parse_id(account) or 0)
    target = currencies.get(parse_id(to_account) or 0)
    if source is None or target is None or source == target:
        return {"style": HIDDEN, "label": label}
    return {"style": {}, "label": f"Amount received ({target})"}


def register(app: Dash) -> None:
    @app.callback(
        output={
            "style": Output(ids.ENTRY_RECEIVED_COL, "style"),
            "label": Output(ids.ENTRY_RECEIVED_LABEL, "children"),
        },
        inputs={
            "mode": Input(ids.ENTRY_MODE, "value"),
            "account": Input(ids.ENTRY_ACCOUNT, "value"),
            "to_account": Input(ids.ENTRY_TO_ACCOUNT, "value"),
        },
    )
    def _received(mode: Any, account: Any, to_account: Any) -> dict[str, Any]:
        return received_view(current_user_id(), mode, account, to_account)
