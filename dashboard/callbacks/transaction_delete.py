"""Delete from the edit modal of /transactions (after a confirmation), and undo it.

The undo snapshot travels through the browser (ids.UNDO_STORE), so it is untrusted: it is
checked field by field, and re-creating it goes through the same validated writes as the entry
form, with every id looked up together with the user.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import replace
from typing import Any

from dash import Dash, Input, Output, State

from dashboard import ids
from dashboard.callbacks.common import next_refresh, outputs_with
from dashboard.callbacks.transaction_common import HIDDEN, SHOWN
from dashboard.callbacks.transaction_edit import NOT_FOUND, find_transaction
from dashboard.extensions import get_engine
from dashboard.forms import parse_id
from dashboard.receipts import stored
from dashboard.security.auth import current_user_id
from data import lookups, writes
from data.entries import Malformed, entry_from_json, entry_to_json
from data.validation import Invalid, NotFound, ValidationError, clean_submission_key

# A second delete of a transaction that is gone: what the first answered, without undo.
ALREADY_DELETED = "Transaction deleted."


def delete_snapshot(user_id: int, transaction_id: int) -> dict[str, Any] | None:
    """What undo needs to re-create the transaction (both legs of a transfer), every field of
    it, with the submission key it was entered with (a fresh one if none, see undo_delete)."""
    entry = lookups.get_entry(get_engine(), user_id, transaction_id)
    if entry is None:
        return None
    return entry_to_json(replace(entry, submission_key=entry.submission_key or str(uuid.uuid4())))


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
    snapshot = delete_snapshot(user_id, int(txn["id"]))
    # NotFound: a concurrent attempt deleted it since it was read; this one answers the same.
    with contextlib.suppress(NotFound):
        stored.delete_transaction(user_id, int(txn["id"]))
    noun = "Transfer" if txn["transfer_peer_id"] is not None else "Transaction"
    return _deleted(f"{noun} deleted.", snapshot, refresh)


def _deleted(message: str, snapshot: dict[str, Any] | None, refresh: Any) -> dict[str, Any]:
    return {"deleted": True, "message": message, "undo": snapshot, "refresh": next_refresh(refresh)}


def undo_delete(user_id: int, snapshot: Any, refresh: Any) -> dict[str, Any]:
    """Re-create what was deleted, from the snapshot delete_transaction returned.

    The restored row takes back the submission key it was entered with (a fresh one if it had
    none), so undo is idempotent too: a retried or repeated undo meets the restored row and
    restores nothing more. And a late retry of the entry that first stored it still finds it.
    """
    try:
        entry = entry_from_json(snapshot)
        clean_submission_key(entry.submission_key)
    except (Malformed, Invalid):
        return {"restored": False, "message": "There is nothing to undo."}
    try:
        writes.restore_entry(get_engine(), user_id, entry)
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
