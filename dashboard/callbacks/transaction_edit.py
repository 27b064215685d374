"""The edit modal of /transactions: open it from a grid row, save, cancel (its receipt is
attached, replaced or removed in transaction_receipt.py, delete and undo are in
transaction_delete.py).

Every id that comes back from the browser (the row clicked, the id in the modal's store) is
looked up together with the user: another user's id is "not found".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, ctx, html, no_update

from dashboard import ids, services
from dashboard.callbacks.common import next_refresh, outputs_with
from dashboard.callbacks.rule_offers import rename_offer_text
from dashboard.callbacks.transaction_common import (
    HIDDEN,
    SHOWN,
    FormOutcome,
    account_currencies,
    account_options,
    category_options,
    id_set,
    outcome_outputs,
    outcome_values,
)
from dashboard.callbacks.transaction_splits import part_states, stored_rows, typed_parts
from dashboard.callbacks.transaction_tags import tag_options
from dashboard.extensions import get_engine
from dashboard.forms import (
    NO_CATEGORY,
    FormChoices,
    form_field_errors,
    parse_id,
    parse_transaction_form,
)
from dashboard.receipts import download
from dashboard.security.auth import current_user_id
from data import lookups, writes
from data.entries import Split, with_entered
from data.money import format_amount
from data.rules.learned import rename_offer
from data.validation import NotFound, ValidationError

logger = logging.getLogger(__name__)

NOT_FOUND = "This transaction was not found: it may have been deleted."
TRANSFER_CATEGORY = [{"label": "Transfer (no category)", "value": NO_CATEGORY}]
# The tag select has no red border.
INVALID_CAPABLE = tuple(name for name in ids.EDIT_FIELDS if name != "tags")
NO_RECEIPT = "No receipt attached."
# The grid's receipt column is a link: a click on it opens the file, not the modal.
RECEIPT_COLUMN = "receipt_link"

# The callbacks' outputs and form fields by name; each function below returns (or takes) a
# dict with these keys, so no value's meaning is its position.
OPEN_OUTPUTS = {
    "is_open": Output(ids.EDIT_MODAL, "is_open"),
    "id": Output(ids.EDIT_ID, "data"),
    "fields_style": Output(ids.EDIT_FIELDS_BOX, "style"),
    "save_disabled": Output(ids.EDIT_SAVE, "disabled"),
    "delete_disabled": Output(ids.EDIT_DELETE, "disabled"),
    "date": Output(ids.EDIT_DATE, "value"),
    "amount": Output(ids.EDIT_AMOUNT, "value"),
    "account_options": Output(ids.EDIT_ACCOUNT, "options"),
    "account": Output(ids.EDIT_ACCOUNT, "value"),
    "category_options": Output(ids.EDIT_CATEGORY, "options"),
    "category": Output(ids.EDIT_CATEGORY, "value"),
    "category_disabled": Output(ids.EDIT_CATEGORY, "disabled"),
    "payee": Output(ids.EDIT_PAYEE, "value"),
    "memo": Output(ids.EDIT_MEMO, "value"),
    "confirm": Output(ids.DELETE_CONFIRM, "message"),
    **outcome_outputs(ids.EDIT_ERRORS, ids.EDIT_FIELDS, INVALID_CAPABLE),
    "receipt_current": Output(ids.EDIT_RECEIPT_CURRENT, "children"),
    "receipt_remove_style": Output(ids.EDIT_RECEIPT_REMOVE, "style"),
    "receipt_message": Output(ids.feedback_id(ids.EDIT_RECEIPT), "children"),
    "split_parts": Output(ids.EDIT_SPLIT_PARTS, "children"),
    "category_style": Output(ids.EDIT_CATEGORY_COL, "style"),
    "tags": Output(ids.EDIT_TAGS, "value"),
    "tags_options": Output(ids.EDIT_TAGS, "options"),
}
# The values open_edit returns that go to the output of the same name.
SHOWN_AS_IS = (
    "id", "date", "amount", "account_options", "account", "category_options", "category",
    "category_disabled", "payee", "memo", "confirm", "split_parts", "category_style", "tags",
    "tags_options",
)  # fmt: skip
SAVE_OUTPUTS = {
    "is_open": Output(ids.EDIT_MODAL, "is_open", allow_duplicate=True),
    **outcome_outputs(ids.EDIT_ERRORS, ids.EDIT_FIELDS, INVALID_CAPABLE, allow_duplicate=True),
    "undo_open": Output(ids.UNDO_TOAST, "is_open", allow_duplicate=True),
    "undo_message": Output(ids.UNDO_MESSAGE, "children", allow_duplicate=True),
    "undo_button_style": Output(ids.UNDO_BUTTON, "style", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
    "offer_open": Output(ids.RULE_OFFER_TOAST, "is_open", allow_duplicate=True),
    "offer_text": Output(ids.RULE_OFFER_TEXT, "children", allow_duplicate=True),
    "offer": Output(ids.RULE_OFFER_STORE, "data", allow_duplicate=True),
}
# Given to Dash as a copy (state=dict(...)): Dash adds the callback's inputs to the state dict
# it is given (dash/dependencies.py), which would leak one callback's inputs into the next.
# Keyed as forms.parse_transaction_form reads it.
SAVED_FORM = {
    "date": State(ids.EDIT_DATE, "value"),
    "amount": State(ids.EDIT_AMOUNT, "value"),
    "account": State(ids.EDIT_ACCOUNT, "value"),
    "category": State(ids.EDIT_CATEGORY, "value"),
    "payee": State(ids.EDIT_PAYEE, "value"),
    "memo": State(ids.EDIT_MEMO, "value"),
    "tags": State(ids.EDIT_TAGS, "value"),
    **part_states("edit"),
}


def row_to_open(cell: Any, key_event: Any, from_key: bool) -> Any:
    """The grid row to open in the modal, or None: the row of a clicked cell (unless the click
    was on a receipt link, which opens the file) or of a cell where Enter was pressed (the
    grid's eventData from assets/dashAgGridFunctions.js; the modal shows the receipt link)."""
    if from_key:
        data = key_event.get("data") if isinstance(key_event, dict) else None
        return data.get("rowId") if isinstance(data, dict) else None
    if not isinstance(cell, dict):
        return None
    if cell.get("colId") == RECEIPT_COLUMN and cell.get("value"):
        return None
    return cell.get("rowId")


def find_transaction(user_id: int, transaction_id: Any) -> dict[str, Any] | None:
    wanted = parse_id(transaction_id)
    if wanted is None:
        return None
    return lookups.get_transaction(get_engine(), user_id, wanted)


def _with_current(frame: pd.DataFrame, everything: pd.DataFrame, current_id: Any) -> pd.DataFrame:
    """The active rows plus the transaction's own (archived) one: an edit may keep it."""
    if pd.isna(current_id) or (frame["id"] == current_id).any():
        return frame
    return pd.concat([frame, everything[everything["id"] == current_id]], ignore_index=True)


def edit_choices(
    user_id: int, txn: dict[str, Any], parts: tuple[Split, ...] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(accounts, categories) the edit form offers for this transaction and its parts."""
    accounts = _with_current(
        services.list_accounts(user_id), services.list_accounts(user_id, True), txn["account_id"]
    )
    categories = services.list_categories(user_id)
    every_category = services.list_categories(user_id, True)
    for category_id in [txn["category_id"], *(part.category_id for part in parts)]:
        if category_id is not None:
            categories = _with_current(categories, every_category, category_id)
    return accounts, categories


def delete_confirm(txn: dict[str, Any]) -> str:
    """The question asked before deleting this transaction."""
    question = (
        "Delete this transfer? Both of its legs will be deleted."
        if txn["transfer_peer_id"] is not None
        else "Delete this transaction?"
    )
    return question + (" Its receipt will be deleted too." if txn["receipt_id"] is not None else "")


def receipt_box(receipt: dict[str, Any] | None) -> tuple[Any, dict]:
    """(what the modal shows of the receipt, the remove button's style)."""
    if receipt is None:
        return html.Span(NO_RECEIPT, className="text-muted"), HIDDEN
    link = html.A(
        [html.I(className="bi bi-paperclip me-1"), receipt["name"]],
        href=receipt["url"],
        target="_blank",
        rel="noopener noreferrer",
    )
    return link, SHOWN


def open_edit(user_id: int, transaction_id: Any) -> dict[str, Any]:
    """What the modal shows for a clicked row: its values and choices, or 'not found'."""
    txn = find_transaction(user_id, transaction_id)
    if txn is None:
        return {"found": False, "id": None, "error": NOT_FOUND}
    stored = lookups.stored_transaction(get_engine(), user_id, int(txn["id"]))
    parts = stored.splits if stored is not None else ()
    accounts, categories = edit_choices(user_id, txn, parts)
    is_transfer = txn["transfer_peer_id"] is not None
    category = txn["category_id"]
    options = category_options(categories)
    return {
        "found": True,
        "id": int(txn["id"]),
        "error": "",
        "date": str(txn["date"])[:10],
        "amount": format_amount(int(txn["amount_minor"]), txn["currency"], grouping=False),
        "account_options": account_options(accounts),
        "account": str(txn["account_id"]),
        "category_options": TRANSFER_CATEGORY if is_transfer else options,
        "category": NO_CATEGORY if category is None else str(category),
        "category_disabled": is_transfer,
        "payee": txn["payee"],
        "memo": txn["memo"],
        "confirm": delete_confirm(txn),
        "receipt": download.receipt_summary(user_id, txn["receipt_id"]),
        "split_parts": stored_rows(user_id, parts, txn["currency"], options),
        "category_style": HIDDEN if parts else SHOWN,
        "tags": list(stored.tags) if stored is not None else [],
        "tags_options": tag_options(user_id, None, stored.tags if stored is not None else ()),
    }


def save_edit(
    user_id: int, transaction_id: Any, form: Mapping[str, Any], refresh: Any
) -> FormOutcome:
    """Parse the modal's form (keyed as SAVED_FORM) and store it over the fields a person
    enters; what the form does not show (an import's mark) stays as it is."""
    txn = find_transaction(user_id, transaction_id)
    stored = None if txn is None else lookups.stored_transaction(get_engine(), user_id, txn["id"])
    if txn is None or stored is None:
        return FormOutcome(saved=False, error=NOT_FOUND)
    accounts, categories = edit_choices(user_id, txn, stored.splits)
    choices = FormChoices(account_currencies(accounts), id_set(categories))
    parsed = parse_transaction_form({**form, "splits": typed_parts(dict(form))}, choices)
    if isinstance(parsed, dict):
        return FormOutcome(saved=False, field_errors=parsed)
    try:
        writes.update_transaction(
            get_engine(), user_id, int(txn["id"]), with_entered(stored, parsed)
        )
    except ValidationError as refused:
        return FormOutcome(saved=False, field_errors=form_field_errors(refused.field_errors))
    except NotFound:
        return FormOutcome(saved=False, error=NOT_FOUND)
    renamed = rename_offer(get_engine(), user_id, stored, parsed)
    offer = None if renamed is None else {"kind": "rename", "from": renamed[0], "to": renamed[1]}
    return FormOutcome(
        saved=True, message="Transaction saved.", refresh=next_refresh(refresh), offer=offer
    )


def edit_modal(user_id: int, row_id: Any) -> dict[str, Any]:
    """The modal opened on a row, keyed as OPEN_OUTPUTS: its values, no messages, and its
    receipt; or 'not found' with the fields hidden and the buttons disabled."""
    view = open_edit(user_id, row_id)
    cleared = outcome_values(FormOutcome(saved=False), ids.EDIT_FIELDS, INVALID_CAPABLE)
    del cleared["feedback"]
    values = {"is_open": True, **cleared, "receipt_message": ""}
    if not view["found"]:
        values |= {"id": None, "fields_style": HIDDEN, "errors": view["error"]}
        return outputs_with(OPEN_OUTPUTS, values | {"save_disabled": True, "delete_disabled": True})
    current, remove_style = receipt_box(view["receipt"])
    values |= {name: view[name] for name in SHOWN_AS_IS}
    values |= {"fields_style": SHOWN, "save_disabled": False, "delete_disabled": False}
    values |= {"receipt_current": current, "receipt_remove_style": remove_style}
    return outputs_with(OPEN_OUTPUTS, values)


def edit_saved(outcome: FormOutcome) -> dict[str, Any]:
    """After a save, keyed as SAVE_OUTPUTS: the messages; once saved the modal closes, the undo
    toast says so (without an undo button) and the other views read again."""
    values = outcome_values(outcome, ids.EDIT_FIELDS, INVALID_CAPABLE)
    del values["feedback"]
    if outcome.saved:
        values |= {"is_open": False, "undo_open": True, "undo_message": outcome.message}
        values |= {"undo_button_style": HIDDEN, "refresh": outcome.refresh}
    if outcome.saved and outcome.offer is not None:
        values |= {"offer_open": True, "offer": outcome.offer,
                   "offer_text": rename_offer_text(outcome.offer)}  # fmt: skip
    return outputs_with(SAVE_OUTPUTS, values)


def make_schedule_href(transaction_id: Any) -> str:
    """The link to a new schedule prefilled from the open transaction."""
    return f"/schedules?from={transaction_id}" if parse_id(transaction_id) else "/schedules"


def register(app: Dash) -> None:
    @app.callback(
        output=OPEN_OUTPUTS,
        inputs={"cell": Input(ids.GRID, "cellClicked"), "key_event": Input(ids.GRID, "eventData")},
        prevent_initial_call=True,
    )
    def _open(cell: Any, key_event: Any) -> dict[str, Any]:
        from_key = any(t["prop_id"] == f"{ids.GRID}.eventData" for t in ctx.triggered)
        row_id = row_to_open(cell, key_event, from_key)
        if row_id is None:
            return outputs_with(OPEN_OUTPUTS, {})
        return edit_modal(current_user_id(), row_id)

    # "Create schedule from this transaction": /schedules looks the id up with the owner.
    app.callback(Output(ids.EDIT_MAKE_SCHEDULE, "href"), Input(ids.EDIT_ID, "data"))(
        make_schedule_href
    )

    @app.callback(
        output=Output(ids.EDIT_MODAL, "is_open", allow_duplicate=True),
        inputs={"n_clicks": Input(ids.EDIT_CANCEL, "n_clicks")},
        prevent_initial_call=True,
    )
    def _cancel(n_clicks: Any) -> Any:
        return False if n_clicks else no_update

    @app.callback(
        output=SAVE_OUTPUTS,
        inputs={"n_clicks": Input(ids.EDIT_SAVE, "n_clicks")},
        state={
            "transaction_id": State(ids.EDIT_ID, "data"),
            "form": dict(SAVED_FORM),
            "refresh": State(ids.REFRESH_STORE, "data"),
        },
        prevent_initial_call=True,
    )
    def _save(
        n_clicks: Any, transaction_id: Any, form: dict[str, Any], refresh: Any
    ) -> dict[str, Any]:
        if not n_clicks:
            return outputs_with(SAVE_OUTPUTS, {})
        return edit_saved(save_edit(current_user_id(), transaction_id, form, refresh))
