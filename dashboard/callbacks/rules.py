"""/rules' callbacks: the list (enable, move, delete), the editor (its rows, test, save), and
apply to existing with its confirmation and undo. rules_view.py draws, rules_form.py parses.

Each public function is one callback's body, callable directly in a request context; the user
always comes from the session (current_user_id), and every id from the browser goes to a data
function that looks it up together with that user (NotFound for another user's).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Dash, Input, Output, Patch, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, services
from dashboard.callbacks.accounts import FormOutcome, alert
from dashboard.callbacks.common import edited_row, next_refresh, outputs_with, user_acted
from dashboard.callbacks.rules_form import (
    UNNAMED,
    ActionRow,
    ConditionRow,
    EditorError,
    EditorValues,
    editor_rows,
    rule_from_editor,
)
from dashboard.callbacks.rules_view import (
    SHOWN_EXAMPLES,
    Choices,
    Names,
    action_parts,
    action_row,
    condition_parts,
    condition_row,
    op_options,
    ops_of,
    preview_view,
    rules_table,
)
from dashboard.extensions import get_engine
from dashboard.security.auth import current_user_id
from data.rules import existing, store
from data.rules.model import MAX_ACTIONS, MAX_CONDITIONS, Rule
from data.validation import NotFound, ValidationError, as_id

logger = logging.getLogger(__name__)

COND_PARTS = ("text", "amount", "high", "sign", "account")
ACTION_PARTS = ("category", "text", "tags")
# A rule's ids a browser may name at once when applying: far more than anyone has.
MAX_APPLY_IDS = 1000
SHOWN = {"display": "block"}
HIDDEN = {"display": "none"}
UNDO_SHOWN = {"display": "inline-block"}


# --- What the list and the editor show ---


def _names(user_id: int) -> Names:
    categories = services.list_categories(user_id, True)
    accounts = services.list_accounts(user_id, True)
    return Names(
        {int(row.id): row.name for row in categories.itertuples()},
        {int(row.id): row.name for row in accounts.itertuples()},
        services.user_currency(user_id),
    )


def _choices(user_id: int, rule: Rule | None = None) -> Choices:
    """The active categories and accounts, and the archived ones `rule` names (an edit may
    keep them)."""
    named = set() if rule is None else _ids_named(rule)

    def pairs(frame: Any) -> list[tuple[int, str]]:
        return [
            (int(row.id), f"{row.name} (archived)" if row.archived else row.name)
            for row in frame.itertuples()
            if not row.archived or int(row.id) in named
        ]

    return Choices(
        pairs(services.list_categories(user_id, True)),
        pairs(services.list_accounts(user_id, True)),
    )


def _ids_named(rule: Rule) -> set[int]:
    values: list[object] = [c.value for c in rule.conditions if c.field == "account"]
    values += [a.value for a in rule.actions if a.kind == "set_category"]
    return {value for value in values if isinstance(value, int)}


def rules_list() -> Any:
    """The user's rules in their order, each with its summary and buttons."""
    user_id = current_user_id()
    return rules_table(store.list_rules(get_engine(), user_id), _names(user_id))


def _problem(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="danger", dismissable=True, class_name="py-2 mb-2")


def open_editor(rule_id: Any) -> dict[str, Any]:
    """The editor's values for a new rule (rule_id None) or for this rule of the user, keyed as
    EDITOR_OUTPUTS; only a message when the rule is not the user's."""
    user_id = current_user_id()
    rule = None
    if rule_id is not None:
        try:
            rule = store.get_rule(get_engine(), user_id, as_id(rule_id))  # type: ignore[arg-type]
        except NotFound:
            return outputs_with(EDITOR_OUTPUTS, {"feedback": _problem("That rule was not found.")})
    choices = _choices(user_id, rule)
    if rule is None:
        conditions, actions = [ConditionRow()], [ActionRow()]
    else:
        conditions, actions = editor_rows(rule, services.user_currency(user_id))
    values = {
        "style": SHOWN,
        "title": "New rule" if rule is None else f"Edit the rule {rule.name}",
        "edit_id": None if rule is None else rule.id,
        "name": "" if rule is None else rule.name,
        "match": "all" if rule is None else rule.match,
        "stop": False if rule is None else rule.stop,
        "conditions": [condition_row(i, row, choices) for i, row in enumerate(conditions)],
        "actions": [action_row(i, row, choices) for i, row in enumerate(actions)],
        "errors": None,
        "test": None,
        "rows_message": "",
        "feedback": None,
    }
    return outputs_with(EDITOR_OUTPUTS, values)


def rows_changed(kind: str, trigger: Any, indexes: list[Any]) -> tuple[Any, str]:
    """Add or remove a condition (kind "condition") or action row: (a Patch of the rows, a
    message). `indexes` are the rows' indexes in their order on the page."""
    user_id = current_user_id()
    limit = MAX_CONDITIONS if kind == "condition" else MAX_ACTIONS
    add = ids.RULE_CONDITION_ADD if kind == "condition" else ids.RULE_ACTION_ADD
    rows = Patch()
    known = [index for index in indexes if isinstance(index, int) and not isinstance(index, bool)]
    if trigger == add:
        if len(known) >= limit:
            return no_update, f"A rule has at most {limit} {kind}s."
        index = max(known, default=-1) + 1
        if kind == "condition":
            rows.append(condition_row(index, ConditionRow(), _choices(user_id)))
        else:
            rows.append(action_row(index, ActionRow(), _choices(user_id)))
        return rows, ""
    removed = trigger.get("index") if isinstance(trigger, dict) else None
    if removed not in known or len(known) != len(indexes):
        raise PreventUpdate
    if len(known) == 1:
        return no_update, f"A rule needs at least one {kind}."
    del rows[known.index(removed)]
    return rows, ""


def editor_values(form: dict[str, Any]) -> EditorValues | None:
    """The editor's controls (keyed as EDITOR_STATE's "form") as EditorValues; None when the
    rows' controls do not line up (a page out of date, or not a browser's request)."""
    condition_lists = [form.get(f"cond_{name}") for name in CONDITION_CONTROLS]
    action_lists = [form.get(f"action_{name}") for name in ACTION_CONTROLS]
    for lists in (condition_lists, action_lists):
        if not all(isinstance(values, list) for values in lists):
            return None
        if len({len(values) for values in lists}) != 1:  # type: ignore[arg-type]
            return None
    conditions = tuple(ConditionRow(*values) for values in zip(*condition_lists, strict=True))
    actions = tuple(ActionRow(*values) for values in zip(*action_lists, strict=True))
    return EditorValues(form.get("name"), form.get("match"), form.get("stop"), conditions, actions)


OUT_OF_DATE = "This form is out of date: open the rule again."


def test_rule(form: dict[str, Any]) -> Any:
    """ "Test this rule": the rule as it stands in the editor (saved or not) over the past."""
    user_id = current_user_id()
    values = editor_values(form)
    if values is None:
        return _problem(OUT_OF_DATE)
    if not isinstance(values.name, str) or not values.name.strip():
        values = replace(values, name=UNNAMED)
    currency = services.user_currency(user_id)
    try:
        rule = rule_from_editor(values, currency)
        preview = existing.preview_rule(get_engine(), user_id, rule, SHOWN_EXAMPLES)
    except EditorError as error:
        return _problems(error.problems)
    except SQLAlchemyError:
        logger.exception("testing a rule failed")
        return _problem("Could not test the rule right now. Please try again.")
    return dbc.Alert(preview_view(preview, _names(user_id)), color="info", class_name="mb-0")


def _problems(lines: list[str]) -> dbc.Alert:
    items = [html.Li(line) for line in lines]
    return dbc.Alert(html.Ul(items, className="mb-0 ps-3"), color="danger", class_name="py-2")


def save_rule(edit_id: Any, form: dict[str, Any]) -> tuple[FormOutcome, list[str]]:
    """Create the rule (edit_id None) or replace the user's rule edit_id with the editor's
    values: (the outcome, the problems to show next to the form)."""
    user_id = current_user_id()
    engine = get_engine()
    values = editor_values(form)
    if values is None:
        return FormOutcome(False), [OUT_OF_DATE]
    enabled, rule_id = True, None
    if edit_id is not None:
        rule_id = as_id(edit_id)
        try:
            enabled = store.get_rule(engine, user_id, rule_id).enabled  # type: ignore[arg-type]
        except NotFound:
            return FormOutcome(False), ["That rule was not found."]
    try:
        rule = rule_from_editor(values, services.user_currency(user_id), rule_id, enabled)
        if rule_id is None:
            store.create_rule(engine, user_id, rule)
        else:
            store.update_rule(engine, user_id, rule_id, rule)
    except EditorError as error:
        return FormOutcome(False), error.problems
    except ValidationError as error:
        return FormOutcome(False), list(error.field_errors.values())
    except NotFound as missing:
        return FormOutcome(False), [str(missing)]
    except SQLAlchemyError:
        logger.exception("saving a rule failed")
        return FormOutcome(False), ["Could not save right now. Please try again."]
    done = "Added" if rule_id is None else "Saved"
    return FormOutcome(True, f"{done} the rule {rule.name}."), []


def _rule_or_none(engine: Any, user_id: int, rule_id: Any) -> Rule | None:
    try:
        return store.get_rule(engine, user_id, as_id(rule_id))  # type: ignore[arg-type]
    except NotFound:
        return None


def _attempt(write: Callable[[], Any], done: str) -> FormOutcome:
    try:
        write()
    except NotFound:
        return FormOutcome(False, "That rule was not found.")
    except ValidationError as error:
        return FormOutcome(False, " ".join(error.field_errors.values()))
    except SQLAlchemyError:
        logger.exception("a rules write failed")
        return FormOutcome(False, "Could not save right now. Please try again.")
    return FormOutcome(True, done)


def set_enabled(rule_id: Any, value: Any) -> FormOutcome:
    """Switch a rule on or off; the switch's own re-render (the same value) writes nothing."""
    user_id, engine = current_user_id(), get_engine()
    rule = _rule_or_none(engine, user_id, rule_id)
    if rule is None or rule.id is None:
        return FormOutcome(False, "That rule was not found.")
    if not isinstance(value, bool) or value == rule.enabled:
        return FormOutcome(False)
    state = "on" if value else "off"
    return _attempt(
        lambda: store.set_rule_enabled(engine, user_id, rule.id, value),  # type: ignore[arg-type]
        f"The rule {rule.name} is {state}.",
    )


def move(rule_id: Any, direction: Any) -> FormOutcome:
    """One place up or down in the user's order."""
    user_id, engine = current_user_id(), get_engine()
    wanted = as_id(rule_id)
    order = [rule.id for rule in store.list_rules(engine, user_id)]
    if wanted is None or wanted not in order or direction not in ("up", "down"):
        return FormOutcome(False, "That rule was not found.")
    place = order.index(wanted) + (-1 if direction == "up" else 1)
    if not 0 <= place < len(order):
        return FormOutcome(False, f"That rule is {'first' if place < 0 else 'last'} already.")
    return _attempt(
        lambda: store.move_rule(engine, user_id, wanted, place),
        f"Moved the rule to place {place + 1}.",
    )


def delete_question(rule_id: Any) -> tuple[bool, Any, Any, Any]:
    """(modal open, its text, the rule to delete, feedback) for a row's Delete."""
    user_id = current_user_id()
    rule = _rule_or_none(get_engine(), user_id, rule_id)
    if rule is None:
        return False, "", None, _problem("That rule was not found.")
    text = [
        html.P(f"The rule {rule.name} is deleted. Transactions it changed keep their values."),
        html.P("An apply to existing it took part in can still be undone.", className="small"),
    ]
    return True, text, rule.id, None


def delete(rule_id: Any) -> FormOutcome:
    user_id, engine = current_user_id(), get_engine()
    rule = _rule_or_none(engine, user_id, rule_id)
    if rule is None or rule.id is None:
        return FormOutcome(False, "That rule was not found.")
    return _attempt(
        lambda: store.delete_rule(engine, user_id, rule.id),  # type: ignore[arg-type]
        f"Deleted the rule {rule.name}.",
    )


def apply_target(value: Any) -> list[int] | None | bool:
    """The apply modal's store: None for every enabled rule, else the rule ids; False when
    it is neither (nothing is applied)."""
    if not isinstance(value, dict) or "rule_ids" not in value:
        return False
    rule_ids = value["rule_ids"]
    if rule_ids is None:
        return None
    if not isinstance(rule_ids, list) or not 1 <= len(rule_ids) <= MAX_APPLY_IDS:
        return False
    wanted = [as_id(rule_id) for rule_id in rule_ids]
    return False if None in wanted else wanted  # type: ignore[return-value]


def apply_question(target: Any) -> tuple[bool, Any, Any, Any]:
    """(modal open, what would change, the target to apply, feedback) before applying the
    user's enabled rules ({"rule_ids": None}) or the rules named to the past."""
    user_id = current_user_id()
    rule_ids = apply_target(target)
    if rule_ids is False:
        raise PreventUpdate
    try:
        preview = existing.preview_existing(
            get_engine(),
            user_id,
            rule_ids,  # type: ignore[arg-type]
            SHOWN_EXAMPLES,
        )
    except NotFound:
        return False, "", None, _problem("That rule was not found.")
    if not preview.changed:
        what = "Your enabled rules" if rule_ids is None else "This rule"
        message = (
            f"{what} would change none of your transactions "
            f"(they match {preview.matched:,}); nothing to apply."
        )
        return False, "", None, dbc.Alert(message, color="info", dismissable=True)
    text = [
        preview_view(preview, _names(user_id)),
        html.P(
            "They are changed as one step, which you can undo afterwards.",
            className="small mt-2 mb-0",
        ),
    ]
    return True, text, {"rule_ids": rule_ids}, None


def apply_confirmed(target: Any) -> tuple[Any, Any]:
    """Apply the rules the modal showed: (the result to show, the run's id or no_update)."""
    user_id, engine = current_user_id(), get_engine()
    rule_ids = apply_target(target)
    if rule_ids is False:
        return _problem("Nothing to apply: choose the rules again."), no_update
    try:
        run_id = existing.apply_to_existing(engine, user_id, rule_ids)  # type: ignore[arg-type]
        count = existing.run_count(engine, user_id, run_id)
    except NotFound:
        return _problem("That rule was not found."), no_update
    except SQLAlchemyError:
        logger.exception("applying rules failed")
        return _problem("Could not apply the rules right now. Nothing changed."), no_update
    plural = "" if count == 1 else "s"
    message = f"Applied: {count:,} transaction{plural} changed. Undo gives back their values."
    return dbc.Alert(message, color="success", class_name="py-2 mb-2"), run_id


def undo(run_id: Any) -> tuple[FormOutcome, bool]:
    """Undo the user's run: (the outcome, whether the run is done with, so Undo goes)."""
    user_id = current_user_id()
    try:
        result = existing.undo_rule_run(get_engine(), user_id, as_id(run_id))  # type: ignore[arg-type]
    except NotFound:
        return FormOutcome(False, "There is nothing to undo."), True
    except ValidationError:
        return FormOutcome(False, "That apply was undone already."), True
    except SQLAlchemyError:
        logger.exception("undoing a rule run failed")
        return FormOutcome(False, "Could not undo right now. Please try again."), False
    plural = "" if result.restored == 1 else "s"
    message = f"Undone: {result.restored:,} transaction{plural} restored."
    if result.kept:
        kept = "it is: it was" if result.kept == 1 else "they are: they were"
        message += f" {result.kept:,} kept as {kept} edited since."
    return FormOutcome(True, message), True


# --- Wiring ---

EDITOR_OUTPUTS = {
    "style": Output(ids.RULE_EDITOR, "style"),
    "title": Output(ids.RULE_EDITOR_TITLE, "children"),
    "edit_id": Output(ids.RULE_EDIT_ID, "data"),
    "name": Output(ids.RULE_NAME, "value"),
    "match": Output(ids.RULE_MATCH, "value"),
    "stop": Output(ids.RULE_STOP, "value"),
    "conditions": Output(ids.RULE_CONDITIONS, "children"),
    "actions": Output(ids.RULE_ACTIONS, "children"),
    "errors": Output(ids.RULE_ERRORS, "children"),
    "test": Output(ids.RULE_TEST_RESULT, "children"),
    "rows_message": Output(ids.RULE_ROWS_MESSAGE, "children"),
    "feedback": Output(ids.RULES_FEEDBACK, "children", allow_duplicate=True),
}
# A condition row's controls (ConditionRow's fields after field and op) and an action row's.
CONDITION_CONTROLS = {
    "field": ids.COND_FIELD,
    "op": ids.COND_OP,
    "text": ids.COND_TEXT,
    "amount": ids.COND_AMOUNT,
    "high": ids.COND_HIGH,
    "sign": ids.COND_SIGN,
    "account": ids.COND_ACCOUNT,
}
ACTION_CONTROLS = {
    "kind": ids.ACTION_KIND,
    "category": ids.ACTION_CATEGORY,
    "text": ids.ACTION_TEXT,
    "tags": ids.ACTION_TAGS,
}


def _editor_state() -> dict[str, Any]:
    """The editor's controls as State, a fresh dict each time (Dash adds to the one given)."""
    form: dict[str, Any] = {
        "name": State(ids.RULE_NAME, "value"),
        "match": State(ids.RULE_MATCH, "value"),
        "stop": State(ids.RULE_STOP, "value"),
    }
    for name, control in CONDITION_CONTROLS.items():
        form[f"cond_{name}"] = State({"type": control, "index": ALL}, "value")
    for name, control in ACTION_CONTROLS.items():
        form[f"action_{name}"] = State({"type": control, "index": ALL}, "value")
    return {"form": form}


WRITE_OUTPUTS = {
    "feedback": Output(ids.RULES_FEEDBACK, "children", allow_duplicate=True),
    "refresh": Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
}


def _written(outcome: FormOutcome, refresh: Any) -> dict[str, Any]:
    return {
        "feedback": alert(outcome) or no_update,
        "refresh": next_refresh(refresh) if outcome.saved else no_update,
    }


def _register_editor(app: Dash) -> None:
    @app.callback(
        output=EDITOR_OUTPUTS,
        inputs={
            "_new": Input(ids.RULES_NEW, "n_clicks"),
            "_edit": Input({"type": ids.RULE_EDIT, "id": ALL}, "n_clicks"),
        },
        prevent_initial_call=True,
    )
    def _open(_new: Any, _edit: Any) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if not user_acted():
            raise PreventUpdate
        return open_editor(trigger.get("id") if isinstance(trigger, dict) else None)

    @app.callback(
        Output(ids.RULE_EDITOR, "style", allow_duplicate=True),
        Input(ids.RULE_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )
    def _cancel(_clicks: Any) -> dict[str, str]:
        current_user_id()
        return HIDDEN

    for kind, rows_id, add_id, remove_type, field_type in (
        ("condition", ids.RULE_CONDITIONS, ids.RULE_CONDITION_ADD, ids.COND_REMOVE, ids.COND_FIELD),
        ("action", ids.RULE_ACTIONS, ids.RULE_ACTION_ADD, ids.ACTION_REMOVE, ids.ACTION_KIND),
    ):
        _register_rows(app, kind, (rows_id, add_id, remove_type, field_type))

    @app.callback(
        Output({"type": ids.COND_OP, "index": MATCH}, "options"),
        Output({"type": ids.COND_OP, "index": MATCH}, "value"),
        Input({"type": ids.COND_FIELD, "index": MATCH}, "value"),
        State({"type": ids.COND_OP, "index": MATCH}, "value"),
        prevent_initial_call=True,
    )
    def _ops(field: Any, op: Any) -> tuple[list[dict[str, str]], str]:
        current_user_id()
        return op_options(field), op if isinstance(op, str) and op in ops_of(field) else ops_of(
            field
        )[0]

    @app.callback(
        [Output({"type": ids.COND_BOX, "index": MATCH, "part": p}, "hidden") for p in COND_PARTS],
        Input({"type": ids.COND_FIELD, "index": MATCH}, "value"),
        Input({"type": ids.COND_OP, "index": MATCH}, "value"),
        prevent_initial_call=True,
    )
    def _condition_boxes(field: Any, op: Any) -> list[bool]:
        current_user_id()
        shown = condition_parts(field, op)
        return [part not in shown for part in COND_PARTS]

    @app.callback(
        [Output({"type": ids.ACTION_BOX, "index": MATCH, "part": p}, "hidden")
         for p in ACTION_PARTS],
        Input({"type": ids.ACTION_KIND, "index": MATCH}, "value"),
        prevent_initial_call=True,
    )  # fmt: skip
    def _action_boxes(kind: Any) -> list[bool]:
        current_user_id()
        shown = action_parts(kind)
        return [part not in shown for part in ACTION_PARTS]

    @app.callback(
        Output(ids.RULE_TEST_RESULT, "children", allow_duplicate=True),
        inputs={"_clicks": Input(ids.RULE_TEST, "n_clicks")},
        state=_editor_state(),
        prevent_initial_call=True,
    )
    def _test(_clicks: Any, form: dict[str, Any]) -> Any:
        if not user_acted():
            raise PreventUpdate
        return test_rule(form)

    @app.callback(
        output={
            "errors": Output(ids.RULE_ERRORS, "children", allow_duplicate=True),
            "style": Output(ids.RULE_EDITOR, "style", allow_duplicate=True),
            **WRITE_OUTPUTS,
        },
        inputs={"_clicks": Input(ids.RULE_SAVE, "n_clicks")},
        state={
            "edit_id": State(ids.RULE_EDIT_ID, "data"),
            "refresh": State(ids.REFRESH_STORE, "data"),
            **_editor_state(),
        },
        prevent_initial_call=True,
    )
    def _save(_clicks: Any, edit_id: Any, refresh: Any, form: dict[str, Any]) -> dict[str, Any]:
        if not user_acted():
            raise PreventUpdate
        outcome, problems = save_rule(edit_id, form)
        if not outcome.saved:
            return {"errors": _problems(problems), "style": no_update,
                    "feedback": no_update, "refresh": no_update}  # fmt: skip
        return {"errors": None, "style": HIDDEN, **_written(outcome, refresh)}


def _register_rows(app: Dash, kind: str, controls: tuple[str, str, str, str]) -> None:
    """Add and remove buttons of the condition (or action) rows: a Patch of the rows."""
    rows_id, add_id, remove_type, field_type = controls

    @app.callback(
        Output(rows_id, "children", allow_duplicate=True),
        Output(ids.RULE_ROWS_MESSAGE, "children", allow_duplicate=True),
        Input(add_id, "n_clicks"),
        Input({"type": remove_type, "index": ALL}, "n_clicks"),
        State({"type": field_type, "index": ALL}, "value"),
        prevent_initial_call=True,
    )
    def _rows(_add: Any, _remove: Any, _fields: Any) -> tuple[Any, str]:
        if not user_acted():
            raise PreventUpdate
        indexes = [item["id"].get("index") for item in ctx.states_list[0]]
        return rows_changed(kind, ctx.triggered_id, indexes)


def _register_list(app: Dash) -> None:
    @app.callback(Output(ids.RULES_LIST, "children"), Input(ids.REFRESH_STORE, "data"))
    def _list(_refresh: Any) -> Any:
        return rules_list()

    @app.callback(
        output=WRITE_OUTPUTS,
        inputs={"_values": Input({"type": ids.RULE_ENABLED, "id": ALL}, "value")},
        state={"refresh": State(ids.REFRESH_STORE, "data")},
        prevent_initial_call=True,
    )
    def _enabled(_values: Any, refresh: Any) -> dict[str, Any]:
        row_id = edited_row().get("id")
        return _written(set_enabled(row_id, ctx.triggered[0]["value"]), refresh)

    @app.callback(
        output=WRITE_OUTPUTS,
        inputs={"_clicks": Input({"type": ids.RULE_MOVE, "id": ALL, "action": ALL}, "n_clicks")},
        state={"refresh": State(ids.REFRESH_STORE, "data")},
        prevent_initial_call=True,
    )
    def _move(_clicks: Any, refresh: Any) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not user_acted():
            raise PreventUpdate
        return _written(move(trigger.get("id"), trigger.get("action")), refresh)


def _register_apply(app: Dash) -> None:
    @app.callback(
        Output(ids.RULES_APPLY_MODAL, "is_open"),
        Output(ids.RULES_APPLY_TEXT, "children"),
        Output(ids.RULES_APPLY_TARGET, "data"),
        Output(ids.RULES_FEEDBACK, "children", allow_duplicate=True),
        Input(ids.RULES_APPLY_ALL, "n_clicks"),
        Input({"type": ids.RULE_APPLY, "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _ask(_all: Any, _rows: Any) -> tuple[Any, Any, Any, Any]:
        trigger = ctx.triggered_id
        if not user_acted():
            raise PreventUpdate
        rule_ids = [trigger.get("id")] if isinstance(trigger, dict) else None
        return apply_question({"rule_ids": rule_ids})

    @app.callback(
        Output(ids.RULES_APPLY_MODAL, "is_open", allow_duplicate=True),
        Output(ids.RULES_RESULT, "children"),
        Output(ids.RULES_RUN_STORE, "data"),
        Output(ids.RULES_UNDO, "style"),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input(ids.RULES_APPLY_CONFIRM, "n_clicks"),
        Input(ids.RULES_APPLY_CANCEL, "n_clicks"),
        State(ids.RULES_APPLY_TARGET, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _apply(_confirm: Any, _cancel: Any, target: Any, refresh: Any) -> tuple[Any, ...]:
        current_user_id()
        if ctx.triggered_id != ids.RULES_APPLY_CONFIRM or not user_acted():
            return False, no_update, no_update, no_update, no_update
        result, run_id = apply_confirmed(target)
        if run_id is no_update:
            return False, result, no_update, no_update, no_update
        return False, result, run_id, UNDO_SHOWN, next_refresh(refresh)

    @app.callback(
        Output(ids.RULES_RESULT, "children", allow_duplicate=True),
        Output(ids.RULES_RUN_STORE, "data", allow_duplicate=True),
        Output(ids.RULES_UNDO, "style", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input(ids.RULES_UNDO, "n_clicks"),
        State(ids.RULES_RUN_STORE, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _undo(_clicks: Any, run_id: Any, refresh: Any) -> tuple[Any, ...]:
        if not user_acted():
            raise PreventUpdate
        outcome, finished = undo(run_id)
        color = "success" if outcome.saved else "warning"
        shown = dbc.Alert(outcome.message, color=color, class_name="py-2 mb-2")
        refreshed = next_refresh(refresh) if outcome.saved else no_update
        if not finished:
            return shown, no_update, no_update, refreshed
        return shown, None, HIDDEN, refreshed


def _register_delete(app: Dash) -> None:
    @app.callback(
        Output(ids.RULE_DELETE_MODAL, "is_open"),
        Output(ids.RULE_DELETE_TEXT, "children"),
        Output(ids.RULE_DELETE_TARGET, "data"),
        Output(ids.RULES_FEEDBACK, "children", allow_duplicate=True),
        Input({"type": ids.RULE_DELETE, "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _ask(_clicks: Any) -> tuple[Any, Any, Any, Any]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not user_acted():
            raise PreventUpdate
        return delete_question(trigger.get("id"))

    @app.callback(
        Output(ids.RULE_DELETE_MODAL, "is_open", allow_duplicate=True),
        Output(ids.RULES_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.REFRESH_STORE, "data", allow_duplicate=True),
        Input(ids.RULE_DELETE_CONFIRM, "n_clicks"),
        Input(ids.RULE_DELETE_CANCEL, "n_clicks"),
        State(ids.RULE_DELETE_TARGET, "data"),
        State(ids.REFRESH_STORE, "data"),
        prevent_initial_call=True,
    )
    def _delete(_confirm: Any, _cancel: Any, rule_id: Any, refresh: Any) -> tuple[Any, ...]:
        current_user_id()
        if ctx.triggered_id != ids.RULE_DELETE_CONFIRM or not user_acted():
            return False, no_update, no_update
        outcome = delete(rule_id)
        written = _written(outcome, refresh)
        return False, written["feedback"], written["refresh"]


def register(app: Dash) -> None:
    _register_list(app)
    _register_editor(app)
    _register_apply(app)
    # Last: the isolation sweep's own bodies delete the rule the ones above use.
    _register_delete(app)
