"""Delete from the edit modal of /transactions (after a confirmation), and undo it.

The undo snapshot travels through the browser (ids.UNDO_STORE), so it is untrusted: it is
checked field by field, and re-creating it goes through the same validated writes as the entry
form, with every id looked up together with the user.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from dash import Dash, Input, Output, State

from dashboard import ids
from dashboard.callbacks.common import next_refresh, outputs_with
from dashboard.callbacks.transaction_common import HIDDEN, SHOWN
from dashboard.callbacks.transaction_edit import NOT_FOUND, find_transaction
from dashboard.extensions import get_engine
from dashboard.forms import parse_id, parse_iso_date
from dashboard.receipts import stored
from dashboard.security.auth import current_user_id
from data import lookups, writes
from data.lookups import submission_key_of
from data.validation import Invalid, NotFound, ValidationError, clean_submission_key

# A second delete of a transaction that is gone: what the first answered, without undo.
ALREADY_DELETED = "Transaction deleted."


def _leg(txn: dict[str, Any]) -> dict[str, Any]:
    return {
        "account_id": int(txn["account_id"]),
        "date": str(txn["date"])[:10],
        "amount_minor": int(txn["amount_minor"]),
        "payee": txn["payee"],
        "memo": txn["memo"],
        "category_id": None if txn["category_id"] is None else int(txn["category_id"]),
    }


def delete_snapshot(user_id: int, txn: dict[str, Any]) -> dict[str, Any]:
    """What undo needs to re-create the transaction: both legs for a transfer, outflow first,
    and the submission key of the outflow leg (see undo_delete)."""
    legs = [txn]
    if txn["transfer_peer_id"] is not None:
        peer = lookups.get_transaction(get_engine(), user_id, int(txn["transfer_peer_id"]))
        legs = sorted([txn, peer] if peer else [txn], key=lambda leg: leg["amount_minor"])
    key = submission_key_of(get_engine(), user_id, int(legs[0]["id"]))
    return {"legs": [_leg(leg) for leg in legs], "key": key or str(uuid.uuid4())}


def delete_transaction(user_id: int, transaction_id: Any, refresh: Any) -> dict[str, Any]:
    """Delete (both legs of a transfer, and their receipt files); returns the message and the
    undo snapshot. Undo brings the transaction back without its receipt.

    Deleting is idempotent: a transaction that is already gone (a retried request whose first
    answer was lost, the same confirmation sent twice) is answered as deleted, not as an error.
    Only the attempt that still found it can offer undo: after it, nothing of the row is left.
    """
    wanted = parse_id(transaction_id)
    txn = None if wanted is None else find_transaction(user_id, wanted)
    if wanted is None:
        return {"deleted": False, "message": NOT_FOUND, "undo": None, "refresh": None}
    if txn is None:
        return _deleted(ALREADY_DELETED, None, refresh)
    snapshot = delete_snapshot(user_id, txn)
    # NotFound: a concurrent attempt deleted it since it was read; this one answers the same.
    with contextlib.suppress(NotFound):
        stored.delete_transaction(user_id, int(txn["id"]))
    noun = "Transfer" if len(snapshot["legs"]) == 2 else "Transaction"
    return _deleted(f"{noun} deleted.", snapshot, refresh)


def _deleted(message: str, snapshot: dict[str, Any] | None, refresh: Any) -> dict[str, Any]:
    return {"deleted": True, "message": message, "undo": snapshot, "refresh": next_refresh(refresh)}


def _snapshot_input(leg: Any) -> writes.TransactionInput | None:
    """A leg of an undo snapshot (browser data, so untrusted) -> a TransactionInput, or None."""
    if not isinstance(leg, dict):
        return None
    account_id, day = parse_id(leg.get("account_id")), parse_iso_date(leg.get("date"))
    amount, raw_category = leg.get("amount_minor"), leg.get("category_id")
    category_id = None if raw_category is None else parse_id(raw_category)
    payee, memo = leg.get("payee", ""), leg.get("memo", "")
    if (
        account_id is None
        or day is None
        or not isinstance(amount, int)
        or isinstance(amount, bool)
        or (raw_category is not None and category_id is None)
        or not isinstance(payee, str)
        or not isinstance(memo, str)
    ):
        return None
    return writes.TransactionInput(account_id, day, amount, payee, memo, category_id)


def _snapshot_key(snapshot: Any) -> str | None:
    """The snapshot's submission key, as stored; None if it has none or a malformed one."""
    try:
        return clean_submission_key(snapshot.get("key") if isinstance(snapshot, dict) else None)
    except Invalid:
        return None


def _snapshot_legs(snapshot: Any) -> list[writes.TransactionInput] | None:
    """One transaction, or a transfer's outflow then inflow; None for anything else."""
    raw_legs = snapshot.get("legs") if isinstance(snapshot, dict) else None
    if not isinstance(raw_legs, list) or not 1 <= len(raw_legs) <= 2:
        return None
    legs = [leg for leg in map(_snapshot_input, raw_legs) if leg is not None]
    if len(legs) != len(raw_legs):
        return None
    if len(legs) == 2 and not legs[0].amount_minor < 0 < legs[1].amount_minor:
        return None
    return legs


def _restore(user_id: int, legs: list[writes.TransactionInput], key: str) -> None:
    engine = get_engine()
    if len(legs) == 1:
        writes.create_transaction(engine, user_id, legs[0], submission_key=key)
        return
    out, into = legs
    _, in_id = writes.create_transfer(
        engine, user_id, out.account_id, into.account_id, out.date, into.amount_minor,
        out.payee, out.memo, submission_key=key,
    )  # fmt: skip
    if (into.payee, into.memo) != (out.payee, out.memo):
        writes.update_transaction(engine, user_id, in_id, into)


def undo_delete(user_id: int, snapshot: Any, refresh: Any) -> dict[str, Any]:
    """Re-create what was deleted, from the snapshot delete_transaction returned.

    The restored row takes back the submission key it was entered with (a fresh one if it had
    none), so undo is idempotent too: a retried or repeated undo meets the restored row and
    restores nothing more. And a late retry of the entry that first stored it still finds it.
    """
    legs, key = _snapshot_legs(snapshot), _snapshot_key(snapshot)
    if legs is None or key is None:
        return {"restored": False, "message": "There is nothing to undo."}
    try:
        _restore(user_id, legs, key)
    except ValidationError as refused:
        reason = " ".join(refused.field_errors.values())
        return {"restored": False, "message": f"Could not undo: {reason}"}
    except NotFound as missing:
        return {"restored": False, "message": f"Could not undo: {missing}"}
    return {"restored": True, "message": "Restored.", "refresh": next_refresh(refresh)}


# The callbacks' outputs by name; deleted_view and undone_view return dicts with these keys.
DELETE_OUTPUTS = {
    "modal_open": Output(ids.EDIT_MODAL, "is_open", allow_duplicate=True),
    "errors": Output(ids.EDIT_ERRORS, "children", allow_duplicate=True),
    "undo_open": Output(ids.UNDO_TOAST, "is_open", allow_duplicate=True),
    "undo_message": Output(ids.UNDO_MESSAGE, "children", allow_duplicate=True),
    "undo_button_style": Output(ids.UNDO_BUTTON, "style", allow_duplicate=True),
    "undo": Output(ids.UNDO_STORE, "data", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}
UNDO_OUTPUTS = {
    "undo_message": Output(ids.UNDO_MESSAGE, "children", allow_duplicate=True),
    "undo_button_style": Output(ids.UNDO_BUTTON, "style", allow_duplicate=True),
    "undo": Output(ids.UNDO_STORE, "data", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}


def deleted_view(result: dict[str, Any]) -> dict[str, Any]:
    """After a confirmed delete, keyed as DELETE_OUTPUTS: the modal closes and the toast offers
    the undo (when there is one); a refusal shows its message in the modal."""
    if not result["deleted"]:
        return outputs_with(DELETE_OUTPUTS, {"errors": result["message"]})
    return {
        "modal_open": False,
        "errors": "",
        "undo_open": True,
        "undo_message": result["message"],
        "undo_button_style": SHOWN if result["undo"] else HIDDEN,
        "undo": result["undo"],
        "refresh": result["refresh"],
    }


def undone_view(result: dict[str, Any]) -> dict[str, Any]:
    """After an undo, keyed as UNDO_OUTPUTS: its message; the undo is spent either way."""
    values = {"undo_message": result["message"], "undo_button_style": HIDDEN, "undo": None}
    if result["restored"]:
        values["refresh"] = result["refresh"]
    return outputs_with(UNDO_OUTPUTS, values)


def register(app: Dash) -> None:
    @app.callback(
        output=Output(ids.DELETE_CONFIRM, "displayed"),
        inputs={"n_clicks": Input(ids.EDIT_DELETE, "n_clicks")},
        prevent_initial_call=True,
    )
    def _ask_delete(n_clicks: Any) -> bool:
        return bool(n_clicks)

    @app.callback(
        output=DELETE_OUTPUTS,
        inputs={"confirmed": Input(ids.DELETE_CONFIRM, "submit_n_clicks")},
        state={
            "transaction_id": State(ids.EDIT_ID, "data"),
            "refresh": State(ids.REFRESH_STORE, "data"),
        },
        prevent_initial_call=True,
    )
    def _delete(confirmed: Any, transaction_id: Any, refresh: Any) -> dict[str, Any]:
        if not confirmed:
            return outputs_with(DELETE_OUTPUTS, {})
        return deleted_view(delete_transaction(current_user_id(), transaction_id, refresh))

    @app.callback(
        output=UNDO_OUTPUTS,
        inputs={"n_clicks": Input(ids.UNDO_BUTTON, "n_clicks")},
        state={
            "snapshot": State(ids.UNDO_STORE, "data"),
            "refresh": State(ids.REFRESH_STORE, "data"),
        },
        prevent_initial_call=True,
    )
    def _undo(n_clicks: Any, snapshot: Any, refresh: Any) -> dict[str, Any]:
        if not n_clicks:
            return outputs_with(UNDO_OUTPUTS, {})
        return undone_view(undo_delete(current_user_id(), snapshot, refresh))
