"""The import page's preview and commit: what the person sees of each line, and the store.

Plain functions of (user, values, progress) that return the outputs by name; registration as
background callbacks is in dashboard/callbacks/imports.py. The user is never a component value:
it is the session's, fixed when the job was queued (dashboard/background.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard import services
from dashboard.extensions import get_engine
from data import lookups
from data.imports.commit import DECISIONS, ImportChoices
from data.imports.csv_mapping import CsvMapping
from data.imports.csv_values import DATE_FORMATS, describe_date_format
from data.imports.matching import ImportPlan, PlannedLine
from data.imports.pipeline import Preview, commit_upload, preview_upload
from data.imports.reading import CsvReading
from data.imports.statement import UnreadableFile
from data.imports.uploads import load_upload
from data.money import format_money
from data.rules.store import list_rules
from data.suggest.features import Example
from data.validation import NotFound, ValidationError, as_id

SetProgress = Callable[[tuple[int, str]], None]

FATE_LABELS = {
    "new": "New",
    "duplicate_ref": "Duplicate (bank reference)",
    "duplicate_fingerprint": "Duplicate (imported before)",
    "probable": "Probably your entry",
    "error": "Error",
    "skipped": "Skipped",
}
DEFAULT_DECISIONS = {"new": "import", "probable": "skip"}
UPLOAD_GONE = "The uploaded file is no longer here (kept for a day). Upload it again."
NO_FILE = "Upload a statement first."


def reporter(set_progress: SetProgress) -> Callable[[int, int, str], None]:
    """The pipeline's progress (done, total, what) as the progress bar's (percent, label)."""

    def report(done: int, total: int, what: str) -> None:
        set_progress((int(100 * done / max(total, 1)), what))

    return report


def preview_view(
    user_id: int,
    state: Any,
    account: Any,
    mapping: CsvMapping | None,
    set_progress: SetProgress,
) -> dict[str, Any]:
    """The review of the staged file for `account` (None: remembered or to be chosen)."""
    upload_id = as_id(state.get("upload_id")) if isinstance(state, dict) else None
    if upload_id is None:
        return _empty(NO_FILE, "secondary")
    engine = get_engine()
    try:
        upload = load_upload(engine, user_id, upload_id)
        preview = preview_upload(
            engine, user_id, upload, as_id(_int(account)), mapping, reporter(set_progress)
        )
    except NotFound as missing:
        return _empty(UPLOAD_GONE if "upload" in str(missing) else str(missing), "warning")
    except UnreadableFile as refused:
        return _empty(str(refused), "danger")
    except ValueError as misfit:
        return _empty(f"These settings do not fit this file: {misfit}", "danger")
    return _preview_outputs(user_id, upload_id, preview)


def _int(value: Any) -> Any:
    """A select's value arrives as text."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _empty(message: str, color: str) -> dict[str, Any]:
    return {
        "rows": [],
        "summary": "",
        "questions": dbc.Alert(message, color=color, class_name="mb-2"),
        "store": {},
        "commit_disabled": True,
        "commit_label": "Import",
        "decisions": {},
        "mapping_style": {"display": "none"},
    }


def _preview_outputs(user_id: int, upload_id: int, preview: Preview) -> dict[str, Any]:
    reading, plan = preview.reading, preview.plan
    alerts = [
        dbc.Alert(question, color="warning", class_name="mb-2") for question in reading.questions
    ]
    if plan is None:
        alerts.append(dbc.Alert("Choose the account this statement is for.", color="info"))
    elif plan.problem:
        alerts.append(dbc.Alert(plan.problem, color="danger", class_name="mb-2"))
    warnings = plan.warnings if plan is not None else reading.statement.warnings
    alerts += [dbc.Alert(text, color="light", class_name="mb-2 small") for text in warnings]
    importable = plan is not None and not plan.problem and not reading.questions
    new = plan.counts()["new"] if plan is not None else 0
    mapping = reading.csv.mapping.to_json() if reading.csv is not None else None
    outputs = {
        "rows": [] if plan is None else review_rows(user_id, plan),
        "summary": summary(plan) if plan is not None else "",
        "questions": alerts,
        "store": {
            "upload_id": upload_id,
            "mapping": mapping,
            "account_id": preview.account_id,
            "importable": importable,
        },  # fmt: skip
        "commit_disabled": not importable,
        "commit_label": f"Import {new:,} new line{'s' if new != 1 else ''}",
        "decisions": {},
        "mapping_style": {"display": "block"} if reading.csv is not None else {"display": "none"},
    }
    # Only an account the page did not send: setting the select runs this preview again.
    if preview.account_reason in ("remembered", "profile"):
        outputs["account"] = str(preview.account_id)
    outputs["account_note"] = _account_note(preview.account_reason, preview)
    if reading.csv is not None:
        outputs.update(mapping_controls(reading.csv, preview))
    return outputs


def _account_note(reason: str, preview: Preview) -> str:
    if reason == "remembered":
        return "Chosen for you: this file names the same bank account as your last import."
    if reason == "profile" and preview.profile is not None:
        return f"Chosen for you: the saved reading '{preview.profile.name}' is for this account."
    return ""


def review_rows(user_id: int, plan: ImportPlan) -> list[dict[str, Any]]:
    """One grid row per line: compact, because a statement can have 50,000 of them."""
    names = dict(
        zip(*(lookups.list_categories(get_engine(), user_id, True)[c] for c in ("id", "name")),
            strict=True)
    )  # fmt: skip
    rule_names = {rule.id: rule.name for rule in list_rules(get_engine(), user_id)}
    rows = [_row(planned, plan.currency, names, rule_names) for planned in plan.lines]
    _add_suggestions(user_id, plan, rows, names)
    return rows


def _add_suggestions(
    user_id: int, plan: ImportPlan, rows: list[dict[str, Any]], names: Mapping[int, str]
) -> None:
    """The model's likeliest category for each storable line without one: its id, name and
    probability in %, and an unticked Accept box (data/suggest/; none without history)."""
    open_lines = [
        (row, planned.transaction)
        for row, planned in zip(rows, plan.lines, strict=True)
        if planned.fate in DEFAULT_DECISIONS
        and planned.transaction is not None
        and planned.transaction.category_id is None
        and not planned.transaction.splits
    ]
    model = services.category_model(user_id) if open_lines else None
    if model is None:
        return
    examples = [Example(t.payee, t.memo, t.amount_minor, t.account_id, t.date.day)
                for _row, t in open_lines]  # fmt: skip
    for (row, _txn), found in zip(open_lines, model.suggest_many(examples), strict=True):
        if found and found[0].category_id in names:
            best = found[0]
            row.update(sid=best.category_id, sugg=names[best.category_id],
                       sp=round(100 * best.probability), accept=False)  # fmt: skip


def _row(
    planned: PlannedLine,
    currency: str,
    names: Mapping[int, str],
    rule_names: Mapping[int | None, str],
) -> dict[str, Any]:
    """The grid shows the status from `kind` (assets/dashAgGridFunctions.js) and leaves out
    what is empty or said by the status already: 50,000 lines are 5 MB, not 15."""
    line, txn = planned.line, planned.transaction
    row: dict[str, Any] = {"n": line.number, "kind": planned.fate}
    if planned.fate in DEFAULT_DECISIONS:
        row["decision"] = DEFAULT_DECISIONS[planned.fate]
    notes = [planned.note] if planned.fate not in ("duplicate_ref", "duplicate_fingerprint") else []
    if planned.rule_ids:
        ran = ", ".join(rule_names.get(rule_id, "?") for rule_id in planned.rule_ids)
        notes.append(f"Rules: {ran}.")
    if planned.scheduled is not None:
        # Ticked: the line posts the schedule's date (unticked in the grid: a plain line).
        row.update(sched=True, sname=planned.scheduled.name)
        notes.append(planned.scheduled.note)
    if any(notes):
        row["note"] = " ".join(note for note in notes if note)
    if txn is not None:
        category = "Split" if txn.splits else names.get(txn.category_id or 0, "")
        row.update(date=txn.date.isoformat(), amount=format_money(txn.amount_minor, currency),
                   minor=txn.amount_minor, payee=txn.payee)  # fmt: skip
        extra = {"memo": txn.memo, "category": category}
    else:
        row.update(date=line.date.isoformat() if line.date else "", payee=line.payee,
                   amount="" if line.amount is None else str(line.amount))  # fmt: skip
        extra = {"memo": line.memo or " · ".join(line.source)[:200]}
    row.update((key, value) for key, value in extra.items() if value)
    return row


def summary(plan: ImportPlan) -> html.Div:
    counts = plan.counts()
    # Dark text on the light colours: white on yellow or light grey is unreadable.
    badges = [
        dbc.Badge(f"{FATE_LABELS[fate]}: {counts[fate]:,}", color=color, class_name="me-1",
                  text_color="dark" if color in ("warning", "light") else None)
        for fate, color in (
            ("new", "success"), ("duplicate_ref", "secondary"),
            ("duplicate_fingerprint", "secondary"), ("probable", "warning"),
            ("error", "danger"), ("skipped", "light"),
        )
    ]  # fmt: skip
    return html.Div([html.Span(f"{len(plan.lines):,} lines: ", className="me-1"), *badges])


def mapping_controls(csv: CsvReading, preview: Preview) -> dict[str, Any]:
    """The CSV reading's controls: column choices named by the header, and the values used."""
    layout, mapping = csv.layout, csv.mapping
    columns = [
        {"label": f"{index + 1}: {name or '(no name)'}", "value": index}
        for index, name in enumerate(layout.header)
    ]
    formats = list(csv.guess.date_format_candidates) or list(DATE_FORMATS)
    format_options = [{"label": describe_date_format(fmt), "value": fmt} for fmt in formats]
    delimiter = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "bar"}.get(
        layout.delimiter, layout.delimiter
    )
    where = "no header" if layout.header_row is None else f"header on line {layout.header_row + 1}"
    profile = f"; saved reading '{preview.profile.name}' used" if preview.profile else ""
    return {
        "columns": [columns] * 7,
        "date_formats": format_options,
        "values": [
            mapping.date_column, mapping.date_format, mapping.amount_mode, mapping.amount_column,
            mapping.debit_column, mapping.credit_column, mapping.indicator_column,
            mapping.decimal_mark, list(mapping.payee_columns), list(mapping.memo_columns),
            mapping.invert_sign,
        ],
        "mapping_summary": f"Read as {layout.encoding}, {delimiter}-separated, {where}, "
        f"{len(layout.rows):,} data rows{profile}.",
    }  # fmt: skip


def mapping_from_controls(values: list[Any], base: Any) -> CsvMapping:
    """The mapping the person set in the controls, over the one the preview used (which keeps
    what the controls do not show: the bank reference column, indicator marks); ValueError
    with a message when it does not hold together."""
    saved = CsvMapping.from_json(base) if isinstance(base, dict) else None
    (date_column, date_format, mode, amount, debit, credit, indicator, decimal, payee, memo,
     invert) = values  # fmt: skip
    keep = saved.to_json() if saved is not None else CsvMapping(date_column=None).to_json()
    keep.update(
        date_column=date_column, date_format=date_format, amount_mode=mode,
        amount_column=amount if mode in ("signed", "indicator") else None,
        debit_column=debit if mode == "debit_credit" else None,
        credit_column=credit if mode == "debit_credit" else None,
        indicator_column=indicator if mode == "indicator" else None,
        decimal_mark=decimal, payee_columns=list(payee or []), memo_columns=list(memo or []),
        invert_sign=bool(invert),
    )  # fmt: skip
    if mode != "indicator":
        keep.update(debit_marks=[], credit_marks=[])
    return CsvMapping.from_json(keep)


def commit_view(
    user_id: int, review: Mapping[str, Any], set_progress: SetProgress
) -> dict[str, Any]:
    """Store the reviewed upload: review holds the preview store, the account, the decisions
    and the default for probable matches, as the page sent them (untrusted)."""
    store = review.get("store") if isinstance(review.get("store"), dict) else {}
    assert isinstance(store, dict)
    upload_id, account_id = as_id(store.get("upload_id")), as_id(_int(review.get("account")))
    if upload_id is None or account_id is None or not store.get("importable"):
        return {"result": dbc.Alert(NO_FILE, color="warning")}
    try:
        mapping = CsvMapping.from_json(store["mapping"]) if store.get("mapping") else None
        choices = _choices(review.get("decisions"), review.get("probable"))
    except ValueError:
        return {
            "result": dbc.Alert("The review was changed in transit; review again.", color="danger")
        }
    report = reporter(set_progress)
    report(1, 3, "Storing the lines")
    engine = get_engine()
    try:
        upload = load_upload(engine, user_id, upload_id)
        result = commit_upload(engine, user_id, upload, account_id, mapping, choices)
    except NotFound as missing:
        return {
            "result": dbc.Alert(
                UPLOAD_GONE if "upload" in str(missing) else str(missing), color="warning"
            )
        }
    except (ValidationError, UnreadableFile) as refused:
        text = (
            " ".join(refused.field_errors.values())
            if isinstance(refused, ValidationError)
            else str(refused)
        )
        return {"result": dbc.Alert(f"Nothing was stored: {text}", color="danger")}
    report(3, 3, "Done")
    return {"result": dbc.Alert(committed_message(result.counts, result.batch_id), color="success"),
            "done": True}  # fmt: skip


def committed_message(counts: Mapping[str, int], batch_id: int) -> str:
    duplicates = counts["duplicate_ref_count"] + counts["duplicate_fingerprint_count"]
    parts = [f"Imported {counts['imported_count']:,} lines"]
    if counts["linked_count"]:
        parts.append(f"marked {counts['linked_count']:,} of your entries as their bank lines")
    if duplicates:
        parts.append(f"left out {duplicates:,} imported before")
    if counts["error_count"]:
        parts.append(f"{counts['error_count']:,} with errors")
    if counts["skipped_count"]:
        parts.append(f"skipped {counts['skipped_count']:,}")
    return (
        ", ".join(parts) + f". It is import #{batch_id} in the list below, where it can be undone."
    )


def _choices(decisions: Any, probable: Any) -> ImportChoices:
    """The decisions store: {"<line>": "import" | "skip" | "link"}, for an accepted
    suggestion {"c<line>": category id}, for a declined scheduled date {"s<line>": "decline"};
    ValueError on anything else."""
    if probable not in DECISIONS:
        raise ValueError("unknown default")
    if not isinstance(decisions, dict):
        raise ValueError("decisions are an object")
    chosen, categories, declined = {}, {}, set()
    for key, value in decisions.items():
        if isinstance(key, str) and key.startswith("s"):
            number = as_id(_int(key[1:]))
            if number is None or value != "decline":
                raise ValueError("bad scheduled decision")
            declined.add(number)
            continue
        accepted = isinstance(key, str) and key.startswith("c")
        number = as_id(_int(key[1:] if accepted else key))
        if number is None:
            raise ValueError("bad line")
        if accepted:
            category = as_id(value)
            if category is None:
                raise ValueError("bad category")
            categories[number] = category
        elif value in DECISIONS:
            chosen[number] = value
        else:
            raise ValueError("bad decision")
    return ImportChoices(chosen, probable, categories, frozenset(declined))
