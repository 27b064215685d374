"""The entry form of /transactions: options, transfer mode, payee suggestions, an optional
receipt, submit."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from dash import Dash, Input, Output, State, html, no_update

from dashboard import ids, services
from dashboard.callbacks.common import next_refresh, outputs_with
from dashboard.callbacks.transaction_common import (
    HIDDEN,
    FormOutcome,
    account_currencies,
    account_options,
    category_options,
    id_set,
    outcome_outputs,
    outcome_values,
)
from dashboard.callbacks.transaction_saving import ENTRY_KEY_JS, save_entry, submission_key_errors
from dashboard.callbacks.transaction_splits import new_rows, part_states, typed_parts
from dashboard.components import empty_state
from dashboard.extensions import get_engine
from dashboard.forms import (
    NO_CATEGORY,
    FormChoices,
    form_field_errors,
    parse_transaction_form,
    parse_transfer_form,
)
from dashboard.receipts import stored, upload_js
from dashboard.receipts.files import CleanReceipt, ReceiptRefused
from dashboard.security.auth import current_user_id
from dashboard.transaction_forms import AMOUNT_HELP, RECEIPT_PROMPT, TRANSFER_AMOUNT_HELP
from data import lookups
from data.entries import Transaction, Transfer
from data.money import MoneyError, parse_amount
from data.rules.engine import apply_rules
from data.rules.store import load_compiled
from data.suggest.model import Suggestion
from data.validation import MIN_SPLITS, PAYEE_MAX, NotFound, ValidationError, as_id

logger = logging.getLogger(__name__)
# The model's first guess is pre-selected from this probability (below it, only shown).
PRESELECT = 0.8

PAYEE_SUGGESTIONS = 100
# Inputs and selects can show a red border; the upload has no such prop.
INVALID_CAPABLE = tuple(name for name in ids.ENTRY_FIELDS if name not in ("receipt", "tags"))
# After a save these start over; date and account stay for the next entry.
CLEARED_AFTER_SAVE = {
    "amount": "", "received": "", "category": NO_CATEGORY, "payee": "", "memo": "", "tags": [],
}  # fmt: skip
NO_PARTS = "Enter two parts or more, or choose “Income or expense” for one category."
RECEIPT_NOT_STORED = "The receipt could not be stored, so nothing was saved. Try again."

# The callbacks' outputs and form fields by name; each function below returns (or takes) a
# dict with these keys, so no value's meaning is its position.
OPTIONS_OUTPUTS = {
    "empty": Output(ids.ENTRY_EMPTY, "children"),
    "card_style": Output(ids.ENTRY_CARD, "style"),
    "account_options": Output(ids.ENTRY_ACCOUNT, "options"),
    "account": Output(ids.ENTRY_ACCOUNT, "value"),
    "to_account_options": Output(ids.ENTRY_TO_ACCOUNT, "options"),
    "to_account": Output(ids.ENTRY_TO_ACCOUNT, "value"),
    "category_options": Output(ids.ENTRY_CATEGORY, "options"),
    "payee_options": Output(ids.ENTRY_PAYEE_OPTIONS, "children"),
}
MODE_OUTPUTS = {
    "account_label": Output(ids.ENTRY_ACCOUNT_LABEL, "children"),
    "to_account_style": Output(ids.ENTRY_TO_ACCOUNT_COL, "style"),
    "category_style": Output(ids.ENTRY_CATEGORY_COL, "style"),
    "amount_help": Output(ids.ENTRY_AMOUNT_HELP, "children"),
    "split_style": Output(ids.ENTRY_SPLIT_BOX, "style"),
}
SUBMIT_OUTPUTS = {
    "feedback": Output(ids.ENTRY_FEEDBACK, "children"),
    **outcome_outputs(ids.ENTRY_ERRORS, ids.ENTRY_FIELDS, INVALID_CAPABLE),
    **{
        f"{name}_value": Output(ids.ENTRY_FIELDS[name], "value", allow_duplicate=True)
        for name in CLEARED_AFTER_SAVE
    },
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
    "receipt": Output(ids.ENTRY_RECEIPT, "contents", allow_duplicate=True),
    "split_parts": Output(ids.ENTRY_SPLIT_PARTS, "children", allow_duplicate=True),
}
# Given to Dash as a copy (state=dict(...)): Dash adds the callback's inputs to the state dict
# it is given (dash/dependencies.py), which would leak one callback's inputs into the next.
# Keyed as forms.parse_transaction_form and parse_transfer_form read it, plus what only the
# entry form has: its mode, the receipt and the submission key.
SUBMITTED_FORM = {
    "mode": State(ids.ENTRY_MODE, "value"),
    "date": State(ids.ENTRY_DATE, "value"),
    "amount": State(ids.ENTRY_AMOUNT, "value"),
    "account": State(ids.ENTRY_ACCOUNT, "value"),
    "to_account": State(ids.ENTRY_TO_ACCOUNT, "value"),
    "received": State(ids.ENTRY_RECEIVED, "value"),
    "category": State(ids.ENTRY_CATEGORY, "value"),
    "payee": State(ids.ENTRY_PAYEE, "value"),
    "memo": State(ids.ENTRY_MEMO, "value"),
    "tags": State(ids.ENTRY_TAGS, "value"),
    "receipt_contents": State(ids.ENTRY_RECEIPT, "contents"),
    "receipt_filename": State(ids.ENTRY_RECEIPT, "filename"),
    "submission_key": State(ids.ENTRY_SUBMISSION_KEY, "data"),
    **part_states("entry"),
}


def _kept_or(value: Any, options: list[dict[str, str]], fallback: str | None) -> str | None:
    values = [option["value"] for option in options]
    return str(value) if str(value) in values else fallback


def entry_options(user_id: int, account_value: Any, to_account_value: Any) -> dict[str, Any]:
    """The form's choices, keyed as OPTIONS_OUTPUTS; a chosen account stays chosen. A user
    without accounts gets the empty state instead of the form."""
    accounts = services.list_accounts(user_id)
    if accounts.empty:
        empty = empty_state(
            "Add an account first",
            "Transactions belong to an account: add your bank account, card or cash first.",
            "Add an account",
            "/accounts",
        )
        return {
            "empty": empty,
            "card_style": HIDDEN,
            "account_options": [],
            "account": None,
            "to_account_options": [],
            "to_account": None,
            "category_options": [],
            "payee_options": [],
        }
    options = account_options(accounts)
    account = _kept_or(account_value, options, options[0]["value"])
    others = [option["value"] for option in options if option["value"] != account]
    to_account = _kept_or(to_account_value, options, others[0] if others else account)
    categories = category_options(services.list_categories(user_id))
    payees = [
        html.Option(value=payee)
        for payee in services.payee_suggestions(user_id, "", PAYEE_SUGGESTIONS)
    ]
    return {
        "empty": None,
        "card_style": {},
        "account_options": options,
        "account": account,
        "to_account_options": options,
        "to_account": to_account,
        "category_options": categories,
        "payee_options": payees,
    }


def entry_mode_view(mode: Any) -> dict[str, Any]:
    """The labels and shown columns of a transfer or a transaction, keyed as MODE_OUTPUTS."""
    transfer, split = mode == "transfer", mode == "split"
    return {
        "account_label": "From account" if transfer else "Account",
        "to_account_style": {} if transfer else HIDDEN,
        "category_style": HIDDEN if transfer or split else {},
        "amount_help": TRANSFER_AMOUNT_HELP if transfer else AMOUNT_HELP,
        "split_style": {} if split else HIDDEN,
    }


def payee_category(user_id: int, form: Mapping[str, Any]) -> tuple[Any, Any]:
    """The category select and the suggestions' line after the payee field is left. The
    category: the one the user's rules set for this payee (account and amount, if typed),
    else the payee's last one, else the model's first guess if it is sure enough (PRESELECT).
    The line: the model's top 3 with their probabilities, so the person sees how sure it is."""
    if form.get("mode") == "transfer":
        return no_update, ""
    payee = form.get("payee")
    category = rule_category(user_id, form) or category_for_payee(user_id, payee)
    found = model_suggestions(user_id, form)
    if category is None and found and found[0].probability >= PRESELECT:
        category = str(found[0].category_id)
    return (no_update if category is None else category), suggestions_line(user_id, found)


def model_suggestions(user_id: int, form: Mapping[str, Any]) -> list[Suggestion]:
    """The user's model's top 3 for the entry as typed; none without a payee or history."""
    typed = typed_entry(user_id, form)
    # Never trained during a request: the last model stored (the warm-up job of
    # callbacks/model_warmup.py, or an import's preview, trains it off the request path).
    model = services.category_model(user_id, train=False) if typed is not None else None
    if typed is None or model is None:
        return []
    return model.suggest(typed.payee, "", typed.amount_minor, typed.account_id, typed.date)


def suggestions_line(user_id: int, found: list[Suggestion]) -> Any:
    names = dict(zip(*(services.list_categories(user_id)[c] for c in ("id", "name")), strict=True))
    shown = [f"{names[s.category_id]} {round(100 * s.probability)} %" for s in found
             if s.category_id in names and s.probability >= 0.05]  # fmt: skip
    return f"Suggested: {' · '.join(shown)}" if shown else ""


def typed_entry(user_id: int, form: Mapping[str, Any]) -> Transaction | None:
    """The entry as typed so far (payee, account, amount if it parses), or None without a
    payee."""
    payee = form.get("payee")
    if not isinstance(payee, str) or not payee.strip() or len(payee.strip()) > PAYEE_MAX:
        return None
    account = as_id(int(form["account"]) if str(form.get("account")).isdigit() else None)
    currencies = account_currencies(services.list_accounts(user_id))
    try:
        amount = parse_amount(form.get("amount"), currencies.get(account or 0, "EUR"))
    except MoneyError:
        amount = 0
    return Transaction(account or 0, date.today(), amount, payee.strip())


def rule_category(user_id: int, form: Mapping[str, Any]) -> str | None:
    """The category the user's rules give the entry as typed so far (a pre-fill: the person
    sees it and may change it)."""
    typed = typed_entry(user_id, form)
    if typed is None:
        return None
    outcome = apply_rules(load_compiled(get_engine(), user_id), typed)
    category = outcome.transaction.category_id
    return str(category) if outcome.rule_ids and category is not None else None


def category_for_payee(user_id: int, payee: Any) -> str | None:
    """The category last used with exactly this payee, as the select's value, if any."""
    # A payee longer than any stored one has no category; cut, it could match another payee.
    if not isinstance(payee, str) or not payee.strip() or len(payee.strip()) > PAYEE_MAX:
        return None
    category_id = lookups.last_category_for_payee(get_engine(), user_id, payee.strip())
    return None if category_id is None else str(category_id)


def checked_receipt(contents: Any, filename: Any) -> tuple[CleanReceipt | None, dict[str, str]]:
    """(the cleaned receipt, no errors), (None, its field error), or (None, {}) without one."""
    if not contents:
        return None, {}
    try:
        return stored.check_upload(contents, filename), {}
    except ReceiptRefused as refused:
        return None, {"receipt": str(refused)}


def submit_entry(user_id: int, form: Mapping[str, Any], refresh: Any) -> FormOutcome:
    """Parse the form (keyed as SUBMITTED_FORM), then store only if every field, the receipt
    (if any) and the page's submission key are valid; field messages otherwise. A transfer's
    receipt goes with its outflow leg. A retry with the key of a stored entry stores nothing
    and answers as its first attempt."""
    currencies = account_currencies(services.list_accounts(user_id))
    parsed: Transfer | Transaction | dict[str, str]
    if form.get("mode") == "transfer":
        parsed = parse_transfer_form(form, currencies)
    else:
        category_ids = id_set(services.list_categories(user_id))
        typed = {**form, "splits": typed_parts(dict(form))} if form.get("mode") == "split" else form
        parsed = parse_transaction_form(typed, FormChoices(currencies, category_ids))
        if form.get("mode") == "split" and isinstance(parsed, Transaction) and not parsed.splits:
            parsed = {"splits": NO_PARTS}
    submission_key: Any = form.get("submission_key")
    receipt, receipt_error = checked_receipt(
        form.get("receipt_contents"), form.get("receipt_filename")
    )
    key_error = submission_key_errors(submission_key)
    if isinstance(parsed, dict) or receipt_error or key_error:
        field_errors = parsed if isinstance(parsed, dict) else {}
        return FormOutcome(saved=False, field_errors={**field_errors, **receipt_error, **key_error})
    try:
        message = save_entry(user_id, parsed, receipt, submission_key)
    except OSError:
        logger.exception("receipt file of an entry not written")
        return FormOutcome(saved=False, error=RECEIPT_NOT_STORED)
    except ValidationError as refused:
        return FormOutcome(saved=False, field_errors=form_field_errors(refused.field_errors))
    except NotFound:
        return FormOutcome(
            saved=False, error="That account or category no longer exists. Reload the page."
        )
    return FormOutcome(saved=True, message=message, refresh=next_refresh(refresh))


def entry_submitted(outcome: FormOutcome) -> dict[str, Any]:
    """What the page shows after a submit, keyed as SUBMIT_OUTPUTS: the messages; after a save
    the cleared fields, the next refresh and no receipt; a refused file is dropped (the message
    says why, the drop zone is ready for another); the rest is left as it is."""
    values = outcome_values(outcome, ids.ENTRY_FIELDS, INVALID_CAPABLE)
    if outcome.saved:
        values |= {f"{name}_value": value for name, value in CLEARED_AFTER_SAVE.items()}
        values |= {"refresh": outcome.refresh, "receipt": None}
    elif "receipt" in outcome.field_errors:
        values["receipt"] = None
    return outputs_with(SUBMIT_OUTPUTS, values)


def _register_server_side(app: Dash) -> None:
    """The form's choices, its mode, the payee's category and the submit."""

    @app.callback(
        output=OPTIONS_OUTPUTS,
        inputs={
            "_pathname": Input(ids.URL, "pathname"),
            "_refresh": Input(ids.REFRESH_STORE, "data"),
        },
        state={
            "account": State(ids.ENTRY_ACCOUNT, "value"),
            "to_account": State(ids.ENTRY_TO_ACCOUNT, "value"),
        },
    )
    def _options(_pathname: Any, _refresh: Any, account: Any, to_account: Any) -> dict[str, Any]:
        return entry_options(current_user_id(), account, to_account)

    app.callback(output=MODE_OUTPUTS, inputs={"mode": Input(ids.ENTRY_MODE, "value")})(
        entry_mode_view
    )

    @app.callback(
        output=[
            Output(ids.ENTRY_CATEGORY, "value", allow_duplicate=True),
            Output(ids.ENTRY_SUGGESTIONS, "children"),
        ],
        inputs={"_blur": Input(ids.ENTRY_PAYEE, "n_blur")},
        state={
            "payee": State(ids.ENTRY_PAYEE, "value"),
            "mode": State(ids.ENTRY_MODE, "value"),
            "account": State(ids.ENTRY_ACCOUNT, "value"),
            "amount": State(ids.ENTRY_AMOUNT, "value"),
        },
        prevent_initial_call=True,
    )
    def _payee_category(_blur: Any, **form: Any) -> Any:
        return payee_category(current_user_id(), form)

    @app.callback(
        output=SUBMIT_OUTPUTS,
        inputs={"n_submit": Input(ids.ENTRY_FORM, "n_submit")},
        state={"form": dict(SUBMITTED_FORM), "refresh": State(ids.REFRESH_STORE, "data")},
        prevent_initial_call=True,
    )
    def _submit(n_submit: Any, form: dict[str, Any], refresh: Any) -> dict[str, Any]:
        if not n_submit:
            return outputs_with(SUBMIT_OUTPUTS, {})
        user_id = current_user_id()
        values = entry_submitted(submit_entry(user_id, form, refresh))
        if values["refresh"] is not no_update and form.get("mode") == "split":
            values["split_parts"] = new_rows(user_id, "entry", 0, MIN_SPLITS)
        return values


def _register_browser_side(app: Dash) -> None:
    """What runs in the browser: the receipt's size check, the submission key, the focus."""
    app.clientside_callback(
        upload_js.upload_check_js(
            app.server.extensions["ft_settings"].receipt_max_bytes, RECEIPT_PROMPT, False
        ),
        Output(ids.ENTRY_RECEIPT_NAME, "children"),
        Output(ids.feedback_id(ids.ENTRY_RECEIPT), "children", allow_duplicate=True),
        Output(ids.ENTRY_RECEIPT, "contents", allow_duplicate=True),
        Input(ids.ENTRY_RECEIPT, "contents"),
        State(ids.ENTRY_RECEIPT, "filename"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ENTRY_KEY_JS,
        Output(ids.ENTRY_SUBMISSION_KEY, "data"),
        Input(ids.ENTRY_FEEDBACK, "children"),
        # No callback sets an id: this input makes the call when the form appears, which the
        # feedback alone would not (it waits for the submit callback, which answers no_update).
        Input(ids.ENTRY_SUBMISSION_KEY, "id"),
        State(ids.ENTRY_SUBMISSION_KEY, "data"),
    )

    # After a save the cursor goes back to the amount: ready for the next entry.
    app.clientside_callback(
        """
        function(feedback) {
            const amount = document.getElementById('%s');
            if (feedback && amount) { amount.focus(); }
            return window.dash_clientside.no_update;
        }
        """.replace("%s", ids.ENTRY_AMOUNT),
        Output(ids.ENTRY_FOCUS_SIGNAL, "data"),
        Input(ids.ENTRY_FEEDBACK, "children"),
        prevent_initial_call=True,
    )


def register(app: Dash) -> None:
    _register_server_side(app)
    _register_browser_side(app)
