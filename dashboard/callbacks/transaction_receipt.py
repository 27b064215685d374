"""The receipt in the edit modal of /transactions: attach a file (replacing the current one) or
remove it. The modal's transaction id comes back from the browser, so it is looked up together
with the user: another user's id is "not found"."""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State

from dashboard import ids
from dashboard.callbacks.common import next_refresh, outputs_with
from dashboard.callbacks.transaction_edit import (
    NOT_FOUND,
    delete_confirm,
    find_transaction,
    receipt_box,
)
from dashboard.receipts import download, stored, upload_js
from dashboard.receipts.files import ReceiptRefused
from dashboard.security.auth import current_user_id
from dashboard.transaction_forms import RECEIPT_PROMPT
from data.validation import NotFound, ValidationError

logger = logging.getLogger(__name__)

RECEIPT_NOT_STORED = "The receipt could not be stored. Try again."


def _receipt_result(user_id: int, transaction_id: int, refresh: Any) -> dict[str, Any]:
    txn = find_transaction(user_id, transaction_id)
    if txn is None:
        return {"done": False, "error": NOT_FOUND}
    return {
        "done": True,
        "error": "",
        "receipt": download.receipt_summary(user_id, txn["receipt_id"]),
        "confirm": delete_confirm(txn),
        "refresh": next_refresh(refresh),
    }


def upload_receipt(
    user_id: int, transaction_id: Any, contents: Any, filename: Any, refresh: Any
) -> dict[str, Any]:
    """Attach the chosen file to the modal's transaction, replacing its receipt if it has one."""
    txn = find_transaction(user_id, transaction_id)
    if txn is None:
        return {"done": False, "error": NOT_FOUND}
    try:
        receipt = stored.check_upload(contents, filename)
        stored.store_receipt(user_id, int(txn["id"]), receipt, replace=True)
    except ReceiptRefused as refused:
        return {"done": False, "error": str(refused)}
    except NotFound:
        return {"done": False, "error": NOT_FOUND}
    except (OSError, ValidationError):
        logger.exception("receipt of transaction %s not stored", txn["id"])
        return {"done": False, "error": RECEIPT_NOT_STORED}
    return _receipt_result(user_id, int(txn["id"]), refresh)


def remove_receipt(user_id: int, transaction_id: Any, refresh: Any) -> dict[str, Any]:
    """Delete the modal's transaction's receipt (row, then file)."""
    txn = find_transaction(user_id, transaction_id)
    if txn is None:
        return {"done": False, "error": NOT_FOUND}
    try:
        stored.remove_receipt(user_id, int(txn["id"]))
    except NotFound:
        return {"done": False, "error": NOT_FOUND}
    return _receipt_result(user_id, int(txn["id"]), refresh)


# The callbacks' outputs by name; receipt_view and uploaded_view return dicts with these keys.
RECEIPT_OUTPUTS = {
    "current": Output(ids.EDIT_RECEIPT_CURRENT, "children", allow_duplicate=True),
    "remove_style": Output(ids.EDIT_RECEIPT_REMOVE, "style", allow_duplicate=True),
    "message": Output(ids.feedback_id(ids.EDIT_RECEIPT), "children", allow_duplicate=True),
    "confirm": Output(ids.DELETE_CONFIRM, "message", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}
UPLOAD_OUTPUTS = {
    **RECEIPT_OUTPUTS,
    # Emptied once handled, so choosing the same file again is a new upload.
    "contents": Output(ids.EDIT_RECEIPT, "contents", allow_duplicate=True),
    "name": Output(ids.EDIT_RECEIPT_NAME, "children", allow_duplicate=True),
}


def receipt_view(result: dict[str, Any]) -> dict[str, Any]:
    """Keyed as RECEIPT_OUTPUTS: the receipt box, the remove button, the message, the delete
    question (which mentions a receipt) and the refresh; a failure shows only its message."""
    if not result["done"]:
        return outputs_with(RECEIPT_OUTPUTS, {"message": result["error"]})
    box, remove_style = receipt_box(result["receipt"])
    return {
        "current": box,
        "remove_style": remove_style,
        "message": "",
        "confirm": result["confirm"],
        "refresh": result["refresh"],
    }


def uploaded_view(result: dict[str, Any]) -> dict[str, Any]:
    """Keyed as UPLOAD_OUTPUTS: receipt_view, and the upload emptied for the next file."""
    return receipt_view(result) | {"contents": None, "name": RECEIPT_PROMPT}


def register(app: Dash) -> None:
    # Choosing a file attaches it at once, once the browser has checked its size.
    app.clientside_callback(
        upload_js.upload_check_js(
            app.server.extensions["ft_settings"].receipt_max_bytes, RECEIPT_PROMPT, True
        ),
        Output(ids.EDIT_RECEIPT_NAME, "children"),
        Output(ids.feedback_id(ids.EDIT_RECEIPT), "children", allow_duplicate=True),
        Output(ids.EDIT_RECEIPT, "contents", allow_duplicate=True),
        Output(ids.EDIT_RECEIPT_READY, "data"),
        Input(ids.EDIT_RECEIPT, "contents"),
        State(ids.EDIT_RECEIPT, "filename"),
        prevent_initial_call=True,
    )

    @app.callback(
        output=UPLOAD_OUTPUTS,
        inputs={"ready": Input(ids.EDIT_RECEIPT_READY, "data")},
        state={
            "contents": State(ids.EDIT_RECEIPT, "contents"),
            "filename": State(ids.EDIT_RECEIPT, "filename"),
            "transaction_id": State(ids.EDIT_ID, "data"),
            "refresh": State(ids.REFRESH_STORE, "data"),
        },
        prevent_initial_call=True,
    )
    def _upload(ready: Any, contents: Any, filename: Any, transaction_id: Any, refresh: Any) -> Any:
        if not ready or not contents:
            return outputs_with(UPLOAD_OUTPUTS, {})
        result = upload_receipt(current_user_id(), transaction_id, contents, filename, refresh)
        return uploaded_view(result)

    @app.callback(
        output=Output(ids.RECEIPT_REMOVE_CONFIRM, "displayed"),
        inputs={"n_clicks": Input(ids.EDIT_RECEIPT_REMOVE, "n_clicks")},
        prevent_initial_call=True,
    )
    def _ask_remove(n_clicks: Any) -> bool:
        return bool(n_clicks)

    @app.callback(
        output=RECEIPT_OUTPUTS,
        inputs={"confirmed": Input(ids.RECEIPT_REMOVE_CONFIRM, "submit_n_clicks")},
        state={
            "transaction_id": State(ids.EDIT_ID, "data"),
            "refresh": State(ids.REFRESH_STORE, "data"),
        },
        prevent_initial_call=True,
    )
    def _remove(confirmed: Any, transaction_id: Any, refresh: Any) -> dict[str, Any]:
        if not confirmed:
            return outputs_with(RECEIPT_OUTPUTS, {})
        return receipt_view(remove_receipt(current_user_id(), transaction_id, refresh))
