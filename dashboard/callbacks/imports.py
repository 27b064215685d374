"""/import's callbacks: staging the upload, the account choices, the review (a background job
with progress), the decisions, the commit (a background job), the history and its undo."""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update, set_props
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.background import job_user_id
from dashboard.callbacks.common import next_refresh, user_acted
from dashboard.callbacks.import_review import commit_view, mapping_from_controls, preview_view
from dashboard.extensions import get_engine
from dashboard.receipts import stored
from dashboard.security.auth import current_user_id
from data import lookups
from data.imports.commit import DECISIONS, undo_preview
from data.imports.detect import MAX_IMPORT_BYTES
from data.imports.history import list_batches
from data.imports.uploads import stage_upload
from data.validation import NotFound, as_id

logger = logging.getLogger(__name__)

UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# How often the page asks about a running job (Dash's default is a second).
JOB_POLL_MS = 300
MAPPING_VALUES = [State(control, "value") for control in ids.IMPORT_MAPPING_FIELDS.values()]
COLUMN_CONTROLS = (
    ids.IMPORT_MAP_DATE_COLUMN, ids.IMPORT_MAP_AMOUNT, ids.IMPORT_MAP_DEBIT, ids.IMPORT_MAP_CREDIT,
    ids.IMPORT_MAP_INDICATOR, ids.IMPORT_MAP_PAYEE, ids.IMPORT_MAP_MEMO,
)  # fmt: skip
PREVIEW_OUTPUTS = {
    "rows": Output(ids.IMPORT_GRID, "rowData"),
    "summary": Output(ids.IMPORT_SUMMARY, "children"),
    "questions": Output(ids.IMPORT_QUESTIONS, "children"),
    "store": Output(ids.IMPORT_PREVIEW_STORE, "data"),
    "commit_disabled": Output(ids.IMPORT_COMMIT, "disabled"),
    "commit_label": Output(ids.IMPORT_COMMIT, "children"),
    "decisions": Output(ids.IMPORT_DECISIONS, "data"),
    "mapping_style": Output(ids.IMPORT_MAPPING_CARD, "style"),
    "mapping_summary": Output(ids.IMPORT_MAPPING_SUMMARY, "children"),
    "account": Output(ids.IMPORT_ACCOUNT, "value"),
    "account_note": Output(ids.IMPORT_ACCOUNT_NOTE, "children"),
    "columns": [Output(control, "options") for control in COLUMN_CONTROLS],
    "date_formats": Output(ids.IMPORT_MAP_DATE_FORMAT, "options"),
    "values": [Output(control, "value") for control in ids.IMPORT_MAPPING_FIELDS.values()],
}
COMMIT_OUTPUTS = {
    "result": Output(ids.IMPORT_RESULT, "children"),
    "history": Output(ids.IMPORT_HISTORY_REFRESH, "data", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
    "state": Output(ids.IMPORT_STATE, "data", allow_duplicate=True),
    "rows": Output(ids.IMPORT_GRID, "rowData", allow_duplicate=True),
    "commit_disabled": Output(ids.IMPORT_COMMIT, "disabled", allow_duplicate=True),
}
PROGRESS = [Output(ids.IMPORT_PROGRESS, "value"), Output(ids.IMPORT_PROGRESS, "label")]
# The progress bar while a job runs. The "Read again" button stays usable: a click during a
# preview replaces it (Dash cancels the job it supersedes) instead of being lost.
RUNNING = [(Output(ids.IMPORT_PROGRESS, "style"), {"display": "flex"}, {"display": "none"})]


def stage(user_id: int, contents: Any, filename: Any) -> tuple[dict[str, Any], Any, Any]:
    """Keep the uploaded file for its review: (state, status, result cleared)."""
    if not isinstance(contents, str) or "," not in contents:
        raise PreventUpdate
    name = filename if isinstance(filename, str) else "statement"
    try:
        content = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return {}, dbc.Alert("The upload arrived damaged; try again.", color="danger"), ""
    limit = min(UPLOAD_MAX_BYTES, MAX_IMPORT_BYTES)
    if not content:
        return {}, dbc.Alert("The file is empty.", color="danger"), ""
    if len(content) > limit:
        return {}, dbc.Alert(f"The file is over the {limit // 2**20} MB limit.", color="danger"), ""
    upload = stage_upload(get_engine(), user_id, name, content)
    status = html.Span([html.I(className="bi bi-file-earmark-check me-1"), upload.file_name,
                        f" ({len(content):,} bytes) is being read."])  # fmt: skip
    return {"upload_id": upload.id, "file_name": upload.file_name}, status, ""


def account_options(user_id: int) -> list[dict[str, str]]:
    frame = lookups.list_accounts(get_engine(), user_id)
    return [
        {"label": f"{row.name} ({row.currency})", "value": str(row.id)}
        for row in frame.itertuples()
    ]


def decisions_after(changes: Any, decisions: Any) -> dict[str, str]:
    """The decisions store with the grid's edited Decision cells applied (untrusted values)."""
    current = dict(decisions) if isinstance(decisions, dict) else {}
    for change in changes if isinstance(changes, list) else []:
        if not isinstance(change, dict):
            continue
        row_id = change.get("rowId")
        number = as_id(int(row_id) if isinstance(row_id, str) and row_id.isdigit() else row_id)
        if number is None:
            continue
        if change.get("colId") == "decision" and change.get("value") in DECISIONS:
            current[str(number)] = change["value"]
        elif change.get("colId") == "sched":
            # Unticked: the line is not the schedule's date (data/imports/scheduled.py).
            if change.get("value") is False:
                current[f"s{number}"] = "decline"
            else:
                current.pop(f"s{number}", None)
        elif change.get("colId") == "accept":
            # The suggested category travels with the row; the commit checks it is theirs.
            data = change.get("data")
            sid = data.get("sid") if isinstance(data, dict) else None
            category = as_id(sid) if change.get("value") is True else None
            if category is None:
                current.pop(f"c{number}", None)
            else:
                current[f"c{number}"] = category
    return current


def history_table(user_id: int) -> Any:
    batches = list_batches(get_engine(), user_id)
    if not batches:
        return html.P("No imports yet.", className="text-muted small mb-0")
    head = html.Thead(html.Tr([html.Th(text) for text in (
        "When", "File", "Account", "Format", "Imported", "Duplicates", "Probable", "Errors",
        "Skipped", "",
    )]))  # fmt: skip
    body = html.Tbody([_history_row(batch) for batch in batches])
    return dbc.Table([head, body], size="sm", responsive=True, class_name="small mb-0")


def _history_row(batch: dict[str, Any]) -> html.Tr:
    duplicates = batch["duplicate_ref_count"] + batch["duplicate_fingerprint_count"]
    if batch["undone_at"] is not None:
        action: Any = html.Span("undone", className="text-muted")
    else:
        action = dbc.Button("Undo", id={"type": ids.IMPORT_UNDO, "id": batch["id"]},
                            size="sm", color="outline-danger")  # fmt: skip
    when = batch["created_at"]
    return html.Tr([
        html.Td(when.strftime("%Y-%m-%d %H:%M") if hasattr(when, "strftime") else str(when)),
        html.Td(batch["file_name"]), html.Td(batch["account"]), html.Td(batch["format"].upper()),
        html.Td(f"{batch['imported_count']:,}"), html.Td(f"{duplicates:,}"),
        html.Td(f"{batch['probable_count']:,}"), html.Td(f"{batch['error_count']:,}"),
        html.Td(f"{batch['skipped_count']:,}"), html.Td(action),
    ])  # fmt: skip


def undo_question(user_id: int, batch_id: Any) -> tuple[bool, Any, Any, Any]:
    """(modal open, its text, the batch to undo, feedback) for an Undo click."""
    try:
        preview = undo_preview(get_engine(), user_id, batch_id)
    except NotFound:
        return False, "", None, dbc.Alert("No such import.", color="warning")
    if preview.undone:
        return False, "", None, dbc.Alert("That import was undone already.", color="info")
    lines = [html.P(f"This removes the {preview.rows:,} transactions imported from "
                    f"{preview.file_name}.")]  # fmt: skip
    if preview.edited_since:
        edited = f"{preview.edited_since:,} of them were edited since the import: "
        edited += "they are removed too, with their edits."
        lines.append(html.P(edited, className="text-danger"))
    if preview.linked:
        lines.append(html.P(f"{preview.linked:,} entries of yours that it marked as bank lines "
                            "stay, without the mark."))  # fmt: skip
    lines.append(html.P("You can import the same file again afterwards.", className="small"))
    return True, lines, preview.batch_id, ""


def undo_confirmed(user_id: int, batch_id: Any) -> Any:
    try:
        removed = stored.undo_import(user_id, batch_id)
    except NotFound as missing:
        return dbc.Alert(str(missing), color="warning")
    return dbc.Alert(f"Import undone: {removed:,} transactions removed.", color="success")


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.IMPORT_STATE, "data"),
        Output(ids.IMPORT_UPLOAD_STATUS, "children"),
        Output(ids.IMPORT_RESULT, "children"),
        Input(ids.IMPORT_UPLOAD, "contents"),
        State(ids.IMPORT_UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    def stage_callback(contents: Any, filename: Any) -> tuple[Any, Any, Any]:
        return stage(current_user_id(), contents, filename)

    @app.callback(
        Output(ids.IMPORT_ACCOUNT, "options"),
        Output(ids.IMPORT_HISTORY, "children"),
        Input(ids.IMPORT_HISTORY_REFRESH, "data"),
    )
    def history_callback(_refresh: Any) -> tuple[Any, Any]:
        user_id = current_user_id()
        return account_options(user_id), history_table(user_id)

    @app.callback(
        output=PREVIEW_OUTPUTS,
        inputs={
            "state": Input(ids.IMPORT_STATE, "data"),
            "account": Input(ids.IMPORT_ACCOUNT, "value"),
            "apply": Input(ids.IMPORT_MAP_APPLY, "n_clicks"),
            "store": State(ids.IMPORT_PREVIEW_STORE, "data"),
            "values": MAPPING_VALUES,
        },  # fmt: skip
        background=True,
        progress=PROGRESS,
        running=RUNNING,
        interval=JOB_POLL_MS,
        on_error=_job_failed(ids.IMPORT_QUESTIONS),
        prevent_initial_call=True,
    )
    def preview_callback(set_progress: Any, state: Any, account: Any, apply: Any, store: Any,
                         values: Any) -> dict[str, Any]:  # fmt: skip
        user_id = job_user_id()
        trigger = ctx.triggered_id
        same_file = isinstance(store, dict) and isinstance(state, dict) and (
            store.get("upload_id") == state.get("upload_id"))  # fmt: skip
        mapping = None
        try:
            if trigger == ids.IMPORT_MAP_APPLY and same_file:
                mapping = mapping_from_controls(list(values), store.get("mapping"))
            elif trigger == ids.IMPORT_ACCOUNT and same_file and store.get("mapping"):
                mapping = mapping_from_controls(list(values), store.get("mapping"))
        except (ValueError, TypeError) as misfit:
            return _filled({"questions": dbc.Alert(f"These settings do not hold together: "
                                                   f"{misfit}", color="danger")})  # fmt: skip
        outputs = preview_view(user_id, state, account, mapping, set_progress)
        if trigger != ids.IMPORT_STATE:
            # Only a new file sets the reading's controls: a later answer (a re-read, another
            # account) must not undo what the person changed there meanwhile.
            outputs.pop("values", None)
        return _filled(outputs)

    @app.callback(
        Output(ids.IMPORT_DECISIONS, "data", allow_duplicate=True),
        Input(ids.IMPORT_GRID, "cellValueChanged"),
        State(ids.IMPORT_DECISIONS, "data"),
        prevent_initial_call=True,
    )
    def decisions_callback(changes: Any, decisions: Any) -> dict[str, str]:
        current_user_id()
        return decisions_after(changes, decisions)

    @app.callback(
        output=COMMIT_OUTPUTS,
        inputs={
            "clicks": Input(ids.IMPORT_COMMIT, "n_clicks"),
            "store": State(ids.IMPORT_PREVIEW_STORE, "data"),
            "account": State(ids.IMPORT_ACCOUNT, "value"),
            "decisions": State(ids.IMPORT_DECISIONS, "data"),
            "probable": State(ids.IMPORT_PROBABLE, "value"),
            "history": State(ids.IMPORT_HISTORY_REFRESH, "data"),
            "refresh": State(ids.REFRESH_STORE, "data"),
        },  # fmt: skip
        background=True,
        progress=PROGRESS,
        running=[*RUNNING, (Output(ids.IMPORT_COMMIT, "disabled"), True, True)],
        interval=JOB_POLL_MS,
        on_error=_job_failed(ids.IMPORT_RESULT),
        prevent_initial_call=True,
    )
    def commit_callback(set_progress: Any, **review: Any) -> dict[str, Any]:
        if not review.get("clicks"):
            raise PreventUpdate
        outcome = commit_view(job_user_id(), review, set_progress)
        outputs: dict[str, Any] = dict.fromkeys(COMMIT_OUTPUTS, no_update)
        outputs["result"] = outcome["result"]
        outputs["commit_disabled"] = bool(outcome.get("done"))
        if outcome.get("done"):
            outputs.update(
                history=next_refresh(review.get("history")),
                refresh=next_refresh(review.get("refresh")),
                state={},
                rows=[],
            )
        return outputs

    @app.callback(
        Output(ids.IMPORT_UNDO_MODAL, "is_open"),
        Output(ids.IMPORT_UNDO_TEXT, "children"),
        Output(ids.IMPORT_UNDO_BATCH, "data"),
        Output(ids.IMPORT_UNDO_FEEDBACK, "children"),
        Input({"type": ids.IMPORT_UNDO, "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def undo_ask_callback(_clicks: Any) -> tuple[Any, Any, Any, Any]:
        trigger = ctx.triggered_id
        if not user_acted() or not isinstance(trigger, dict):
            raise PreventUpdate
        return undo_question(current_user_id(), trigger.get("id"))

    @app.callback(
        Output(ids.IMPORT_UNDO_MODAL, "is_open", allow_duplicate=True),
        Output(ids.IMPORT_UNDO_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.IMPORT_HISTORY_REFRESH, "data", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input(ids.IMPORT_UNDO_CONFIRM, "n_clicks"),
        Input(ids.IMPORT_UNDO_CANCEL, "n_clicks"),
        State(ids.IMPORT_UNDO_BATCH, "data"),
        State(ids.IMPORT_HISTORY_REFRESH, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def undo_callback(_confirm: Any, _cancel: Any, batch_id: Any, history: Any,
                      refresh: Any) -> tuple[Any, Any, Any, Any]:  # fmt: skip
        user_id = current_user_id()
        if ctx.triggered_id != ids.IMPORT_UNDO_CONFIRM or not user_acted():
            return False, no_update, no_update, no_update
        feedback = undo_confirmed(user_id, batch_id)
        return False, feedback, next_refresh(history), next_refresh(refresh)


def _job_failed(target: str) -> Callable[[Exception], None]:
    """A job's unexpected error (or its time limit) as a message where the page shows results,
    instead of a 500 to the poll; the error itself goes to the log."""

    def shown(error: Exception) -> None:
        logger.error("import job failed", exc_info=error)
        message = "The import stopped on an unexpected error; nothing was stored. Try again."
        set_props(target, {"children": dbc.Alert(message, color="danger")})

    return shown


def _filled(values: dict[str, Any]) -> dict[str, Any]:
    """Every preview output: the values given, no_update for the rest (lists kept as lists)."""
    outputs: dict[str, Any] = {}
    for name, output in PREVIEW_OUTPUTS.items():
        default = [no_update] * len(output) if isinstance(output, list) else no_update
        outputs[name] = values.get(name, default)
    return outputs
