"""The split parts of the entry form and the edit modal: adding a part, what is left to assign,
and reading the parts' inputs back as the rows forms.parse_split_parts takes."""

from __future__ import annotations

from typing import Any

from dash import ALL, MATCH, Dash, Input, Output, Patch, State, ctx, no_update

from dashboard import ids, services
from dashboard.callbacks.transaction_common import HIDDEN, category_options
from dashboard.callbacks.transaction_tags import tag_options
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
        "split_tags": State(ids.split_part_id(ids.SPLIT_TAGS, form, ALL), "value"),
    }


def typed_parts(form: dict[str, Any]) -> list[dict[str, Any]] | str:
    """The parts' rows from the lists part_states read (none without them); a text (not a
    list) if they are not three lists of one length, which forms.parse_split_parts refuses."""
    names = ("split_categories", "split_amounts", "split_memos", "split_tags")
    columns = [form.get(name) for name in names]
    if all(column is None for column in columns):
        return []
    if columns[3] is None:  # a caller without part tags (the tests' forms)
        columns[3] = [None] * len(columns[0]) if isinstance(columns[0], list) else None
    lists = [column for column in columns if isinstance(column, list)]
    if len(lists) != len(columns) or len({len(column) for column in lists}) != 1:
        return "malformed"
    categories, amounts, memos, tags = lists
    return [
        {"category": category, "amount": amount, "memo": memo, "tags": part_tags}
        for category, amount, memo, part_tags in zip(categories, amounts, memos, tags, strict=True)
    ]


def new_rows(user_id: int, form: str, start: int, count: int) -> list[Any]:
    options = category_options(services.list_categories(user_id))
    tags = tag_options(user_id, None, ())
    return [part_row(form, index, options, tags) for index in range(start, start + count)]


def stored_rows(user_id: int, parts: tuple[Split, ...], currency: str, options: list) -> list[Any]:
    """The rows of a stored split, as the edit modal shows them."""
    return [
        part_row("edit", index, options, tag_options(user_id, None, part.tags), {
            "category": NO_CATEGORY if part.category_id is None else str(part.category_id),
            "amount": format_amount(part.amount_minor, currency, grouping=False),
            "memo": part.memo,
            "tags": part.tags,
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

    # What is typed in a part's tag select is offered as a new tag, as in the forms' own.
    app.callback(
        Output(ids.split_part_id(ids.SPLIT_TAGS, MATCH, MATCH), "options"),
        Input(ids.split_part_id(ids.SPLIT_TAGS, MATCH, MATCH), "search_value"),
        State(ids.split_part_id(ids.SPLIT_TAGS, MATCH, MATCH), "value"),
        prevent_initial_call=True,
    )(_part_tag_options)

    for form, (_parts, _add, left, amount) in FORMS.items():
        app.clientside_callback(
            SPLIT_LEFT_JS,
            Output(left, "children"),
            Input(amount, "value"),
            Input(ids.split_part_id(ids.SPLIT_AMOUNT, form, ALL), "value"),
        )


def _part_tag_options(search: Any, chosen: Any) -> list[dict[str, str]]:
    return tag_options(current_user_id(), search, chosen if isinstance(chosen, list) else ())
