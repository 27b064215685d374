"""The split parts of the entry form and the edit modal: adding a part, what is left to assign,
and reading the parts' inputs back as the rows forms.parse_split_parts takes."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, Patch, State, ctx, no_update

from dashboard import ids, services
from dashboard.callbacks.transaction_common import HIDDEN, category_options
from dashboard.forms import NO_CATEGORY
from dashboard.security.auth import current_user_id
from dashboard.split_editor import SPLIT_LEFT_JS, part_row
from data.entries import Split
from data.money import format_amount
from data.validation import MAX_SPLITS, MIN_SPLITS

FORMS = {
    "entry": (ids.ENTRY_SPLIT_PARTS, ids.ENTRY_SPLIT_ADD, ids.ENTRY_SPLIT_LEFT, ids.ENTRY_AMOUNT),
    "edit": (ids.EDIT_SPLIT_PARTS, ids.EDIT_SPLIT_ADD, ids.EDIT_SPLIT_LEFT, ids.EDIT_AMOUNT),
}


def part_states(form: str) -> dict[str, State]:
    """Every part's inputs of a form, as lists in the order of the rows."""
    return {
        "split_categories": State(ids.split_part_id(ids.SPLIT_CATEGORY, form, ALL), "value"),
        "split_amounts": State(ids.split_part_id(ids.SPLIT_AMOUNT, form, ALL), "value"),
        "split_memos": State(ids.split_part_id(ids.SPLIT_MEMO, form, ALL), "value"),
    }


def typed_parts(form: dict[str, Any]) -> list[dict[str, Any]] | str:
    """The parts' rows from the lists part_states read (none without them); a text (not a
    list) if they are not three lists of one length, which forms.parse_split_parts refuses."""
    columns = [form.get(name) for name in ("split_categories", "split_amounts", "split_memos")]
    if all(column is None for column in columns):
        return []
    if not all(isinstance(column, list) for column in columns):
        return "malformed"
    categories, amounts, memos = columns
    assert isinstance(categories, list) and isinstance(amounts, list) and isinstance(memos, list)
    if not len(categories) == len(amounts) == len(memos):
        return "malformed"
    return [
        {"category": category, "amount": amount, "memo": memo}
        for category, amount, memo in zip(categories, amounts, memos, strict=True)
    ]


def new_rows(user_id: int, form: str, start: int, count: int) -> list[Any]:
    options = category_options(services.list_categories(user_id))
    return [part_row(form, index, options) for index in range(start, start + count)]


def stored_rows(form: str, parts: tuple[Split, ...], currency: str, options: list) -> list[Any]:
    """The rows of a stored split, as the edit modal shows them."""
    return [
        part_row(form, index, options, {
            "category": NO_CATEGORY if part.category_id is None else str(part.category_id),
            "amount": format_amount(part.amount_minor, currency, grouping=False),
            "memo": part.memo,
        })
        for index, part in enumerate(parts)
    ]  # fmt: skip


def added_parts(user_id: int, form: str, existing: Any) -> Any:
    """A Patch that appends a part (the first two together: a split has two at least), or
    no_update at the limit."""
    count = len(existing) if isinstance(existing, list) else 0
    adding = MIN_SPLITS if count == 0 else 1
    if count + adding > MAX_SPLITS:
        return no_update
    patch = Patch()
    patch.extend(new_rows(user_id, form, count, adding))
    return patch


def split_mode_parts(user_id: int, mode: Any, existing: Any) -> Any:
    """Choosing "split" in the entry form shows two empty parts to start from."""
    if mode != "split" or (isinstance(existing, list) and existing):
        return no_update
    return new_rows(user_id, "entry", 0, MIN_SPLITS)


def register(app: Dash) -> None:
    @app.callback(
        output=Output(ids.ENTRY_SPLIT_PARTS, "children", allow_duplicate=True),
        inputs={
            "mode": Input(ids.ENTRY_MODE, "value"),
            "add": Input(ids.ENTRY_SPLIT_ADD, "n_clicks"),
        },
        state={"existing": State(ids.ENTRY_SPLIT_PARTS, "children")},
        prevent_initial_call=True,
    )
    def _entry_parts(mode: Any, add: Any, existing: Any) -> Any:
        if ctx.triggered_id == ids.ENTRY_SPLIT_ADD:
            return added_parts(current_user_id(), "entry", existing) if add else no_update
        return split_mode_parts(current_user_id(), mode, existing)

    @app.callback(
        output={
            "parts": Output(ids.EDIT_SPLIT_PARTS, "children", allow_duplicate=True),
            "category_style": Output(ids.EDIT_CATEGORY_COL, "style", allow_duplicate=True),
        },
        inputs={"add": Input(ids.EDIT_SPLIT_ADD, "n_clicks")},
        state={"existing": State(ids.EDIT_SPLIT_PARTS, "children")},
        prevent_initial_call=True,
    )
    def _edit_parts(add: Any, existing: Any) -> dict[str, Any]:
        if not add:
            return {"parts": no_update, "category_style": no_update}
        return {"parts": added_parts(current_user_id(), "edit", existing), "category_style": HIDDEN}

    for form, (_parts, _add, left, amount) in FORMS.items():
        app.clientside_callback(
            SPLIT_LEFT_JS,
            Output(left, "children"),
            Input(amount, "value"),
            Input(ids.split_part_id(ids.SPLIT_AMOUNT, form, ALL), "value"),
        )
