"""/rates' callbacks: the tables, a rate saved by hand, a rate deleted, the ECB's file imported.

Plain functions plus register(app). The user comes from the session; every write goes through
data/rates.py (validated, one transaction, the data_version bumped).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from dashboard import ids, services
from dashboard.callbacks.common import user_acted
from dashboard.callbacks.rates_view import base_text, needed_table, rates_table
from dashboard.extensions import get_engine
from dashboard.forms import not_a_date, parse_iso_date
from dashboard.security.auth import current_user_id
from data import rates
from data.rates_ecb import EcbFileError, parse_ecb
from data.validation import NotFound, ValidationError, as_id

# Form field -> its input id (errors are shown under each).
RATE_FIELDS = {"currency": ids.RATE_CURRENCY, "on_date": ids.RATE_DATE, "rate": ids.RATE_VALUE}
LISTED_RATES = 200


def page_tables() -> dict[str, Any]:
    user_id = current_user_id()
    reporting = services.user_currency(user_id)
    return {
        "base": base_text(reporting),
        "needed": needed_table(services.needed_currencies(user_id), reporting),
        "list": rates_table(services.list_rates(user_id, LISTED_RATES), reporting),
    }


def save_rate(currency: Any, day: Any, rate: Any) -> tuple[dict[str, str], str | None]:
    """(field errors, the success message or None)."""
    on_date = parse_iso_date(day)
    try:
        value = rates.clean_rate(currency, on_date, rate)
        rates.save_rate(get_engine(), current_user_id(), value)
    except ValidationError as error:
        messages = dict(error.field_errors)
        if on_date is None:  # what was typed, quoted, rather than "Enter a date."
            messages["on_date"] = not_a_date(day)
        return messages, None
    return {}, f"Saved: 1 {services.user_currency(current_user_id())} = " + (
        f"{rates.format_rate(value.rate_micro)} {value.currency} on {value.on_date.isoformat()}."
    )


def delete_rate(rate_id: Any) -> str:
    try:
        rates.delete_rate(get_engine(), current_user_id(), as_id(rate_id))
    except NotFound:
        return "That rate was not found."
    return "Deleted the rate."


def import_file(contents: Any, filename: Any) -> tuple[bool, str]:
    """(imported, the message): the ECB's file as a dcc.Upload data URL."""
    if not isinstance(contents, str) or "," not in contents:
        return False, "Choose the ECB's CSV file."
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return False, "The upload arrived damaged; try again."
    user_id = current_user_id()
    reporting = services.user_currency(user_id)
    wanted = set(services.needed_currencies(user_id)["currency"])
    if not wanted:
        return False, f"All your accounts are in {reporting}: no rate is needed."
    try:
        parsed = parse_ecb(data, reporting, wanted)
    except EcbFileError as error:
        return False, f"{_name(filename)}: {error}"
    if not parsed.rates:
        return False, f"{_name(filename)} has no rates of {', '.join(sorted(wanted))}."
    count = rates.import_rates(get_engine(), user_id, parsed.rates)
    found = sorted({rate.currency for rate in parsed.rates})
    lacking = sorted(wanted - set(found))
    message = f"Imported {count:,} rates of {', '.join(found)} from {_name(filename)}."
    if lacking:
        message += f" The file has no rates of {', '.join(lacking)}: enter them by hand."
    return True, message


def _name(filename: Any) -> str:
    return str(filename)[:80] if isinstance(filename, str) and filename else "The file"


def _alert(message: str | None, ok: bool) -> Any:
    if not message:
        return None
    return dbc.Alert(message, color="success" if ok else "danger", class_name="mt-2 mb-0 py-2")


def _bump(refresh: Any) -> int:
    return (refresh if isinstance(refresh, int) and not isinstance(refresh, bool) else 0) + 1


SAVE_OUTPUTS = {
    "feedback": Output(ids.RATES_FEEDBACK, "children"),
    "refresh": Output(ids.RATES_REFRESH, "data", allow_duplicate=True),
    "errors": {name: Output(ids.error_id(i), "children") for name, i in RATE_FIELDS.items()},
    "invalid": {name: Output(i, "invalid") for name, i in RATE_FIELDS.items()},
}


def register(app: Dash) -> None:
    @app.callback(
        output={
            "base": Output(ids.RATES_BASE, "children"),
            "needed": Output(ids.RATES_NEEDED, "children"),
            "list": Output(ids.RATES_LIST, "children"),
        },
        inputs={"_refresh": Input(ids.RATES_REFRESH, "data")},
    )
    def _tables(_refresh: Any) -> dict[str, Any]:
        return page_tables()

    @app.callback(
        output=SAVE_OUTPUTS,
        inputs={"_clicks": Input(ids.RATE_SAVE, "n_clicks")},
        state={
            "fields": {name: State(i, "value") for name, i in RATE_FIELDS.items()},
            "refresh": State(ids.RATES_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def _save(_clicks: Any, fields: dict[str, Any], refresh: Any) -> dict[str, Any]:
        if not user_acted():
            raise PreventUpdate
        errors, saved = save_rate(fields["currency"], fields["on_date"], fields["rate"])
        return {
            "feedback": _alert(saved, True),
            "refresh": _bump(refresh) if saved else refresh,
            "errors": {name: errors.get(name, "") for name in RATE_FIELDS},
            "invalid": {name: name in errors for name in RATE_FIELDS},
        }

    @app.callback(
        output={
            "feedback": Output(ids.RATES_FEEDBACK, "children", allow_duplicate=True),
            "refresh": Output(ids.RATES_REFRESH, "data", allow_duplicate=True),
        },
        inputs={"_clicks": Input({"type": ids.RATE_DELETE, "id": ALL}, "n_clicks")},
        state={"refresh": State(ids.RATES_REFRESH, "data")},
        prevent_initial_call=True,
    )
    def _delete(_clicks: Any, refresh: Any) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not user_acted():
            raise PreventUpdate
        message = delete_rate(trigger.get("id"))
        return {"feedback": _alert(message, message.startswith("Deleted")),
                "refresh": _bump(refresh)}  # fmt: skip

    @app.callback(
        output={
            "feedback": Output(ids.RATES_UPLOAD_FEEDBACK, "children"),
            "refresh": Output(ids.RATES_REFRESH, "data", allow_duplicate=True),
        },
        inputs={"contents": Input(ids.RATES_UPLOAD, "contents")},
        state={
            "filename": State(ids.RATES_UPLOAD, "filename"),
            "refresh": State(ids.RATES_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    def _import(contents: Any, filename: Any, refresh: Any) -> dict[str, Any]:
        if contents is None:
            raise PreventUpdate
        ok, message = import_file(contents, filename)
        return {"feedback": _alert(message, ok), "refresh": _bump(refresh) if ok else refresh}
