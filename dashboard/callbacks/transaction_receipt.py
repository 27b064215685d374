"""The receipt in the edit modal of /transactions: attach a file (replacing the current one) or
remove it. The modal's transaction id comes back from the browser, so it is looked up together
with the user: another user's id is "not found"."""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, no_update

from dashboard import ids, receipts
from dashboard.auth import current_user_id
from dashboard.callbacks.common import next_refresh
from dashboard.callbacks.transaction_edit import (
    NOT_FOUND,
    delete_confirm,
    find_transaction,
    receipt_box,
)
from dashboard.receipt_files import ReceiptRefused
from dashboard.transaction_forms import (
    EDIT_RECEIPT,
    EDIT_RECEIPT_CURRENT,
    EDIT_RECEIPT_NAME,
    EDIT_RECEIPT_READY,
    EDIT_RECEIPT_REMOVE,
    RECEIPT_PROMPT,
    RECEIPT_REMOVE_CONFIRM,
    feedback_id,
)
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
        "receipt": receipts.receipt_summary(user_id, txn["receipt_id"]),
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
        receipt = receipts.check_upload(contents, filename)
        receipts.store_receipt(user_id, int(txn["id"]), receipt, replace=True)
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
        receipts.remove_receipt(user_id, int(txn["id"]))
    except NotFound:
        return {"done": False, "error": NOT_FOUND}
    return _receipt_result(user_id, int(txn["id"]), refresh)


def _receipt_outputs(result: dict[str, Any]) -> list:
    """The receipt box, remove style, message, delete question and refresh of one result."""
    if not result["done"]:
        return [no_update, no_update, result["error"], no_update, no_update]
    box, remove_style = receipt_box(result["receipt"])
    return [box, remove_style, "", result["confirm"], result["refresh"]]


def register(app: Dash) -> None:
    receipt_outputs = [
        Output(EDIT_RECEIPT_CURRENT, "children", allow_duplicate=True),
        Output(EDIT_RECEIPT_REMOVE, "style", allow_duplicate=True),
        Output(feedback_id(EDIT_RECEIPT), "children", allow_duplicate=True),
        Output(ids.DELETE_CONFIRM, "message", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
    ]

    # Choosing a file attaches it at once, once the browser has checked its size.
    app.clientside_callback(
        receipts.upload_check_js(
            app.server.extensions["ft_settings"].receipt_max_bytes, RECEIPT_PROMPT, True
        ),
        Output(EDIT_RECEIPT_NAME, "children"),
        Output(feedback_id(EDIT_RECEIPT), "children", allow_duplicate=True),
        Output(EDIT_RECEIPT, "contents", allow_duplicate=True),
        Output(EDIT_RECEIPT_READY, "data"),
        Input(EDIT_RECEIPT, "contents"),
        State(EDIT_RECEIPT, "filename"),
        prevent_initial_call=True,
    )

    @app.callback(
        *receipt_outputs,
        # Emptied once handled, so choosing the same file again is a new upload.
        Output(EDIT_RECEIPT, "contents", allow_duplicate=True),
        Output(EDIT_RECEIPT_NAME, "children", allow_duplicate=True),
        Input(EDIT_RECEIPT_READY, "data"),
        State(EDIT_RECEIPT, "contents"),
        State(EDIT_RECEIPT, "filename"),
        State(ids.EDIT_ID, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _upload(ready, contents, filename, transaction_id, refresh):
        if not ready or not contents:
            return [no_update] * (len(receipt_outputs) + 2)
        result = upload_receipt(current_user_id(), transaction_id, contents, filename, refresh)
        return [*_receipt_outputs(result), None, RECEIPT_PROMPT]

    @app.callback(
        Output(RECEIPT_REMOVE_CONFIRM, "displayed"),
        Input(EDIT_RECEIPT_REMOVE, "n_clicks"),
        prevent_initial_call=True,
    )
    def _ask_remove(n_clicks):
        return bool(n_clicks)

    @app.callback(
        *receipt_outputs,
        Input(RECEIPT_REMOVE_CONFIRM, "submit_n_clicks"),
        State(ids.EDIT_ID, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _remove(confirmed, transaction_id, refresh):
        if not confirmed:
            return [no_update] * len(receipt_outputs)
        return _receipt_outputs(remove_receipt(current_user_id(), transaction_id, refresh))
