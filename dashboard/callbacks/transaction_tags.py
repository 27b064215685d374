"""The tag selects of the entry form and the edit modal: the user's tags as suggestions, and
what is being typed offered as a new tag (created when the entry is saved, data/tags.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dash import Dash, Input, Output, State

from dashboard import ids, services
from dashboard.security.auth import current_user_id
from data.tags import clean_tag
from data.validation import Invalid

NEW_TAG = "New tag: {}"


def tag_options(user_id: int, search: Any, chosen: Iterable[Any]) -> list[dict[str, str]]:
    """Options of a tag select: the user's tags and the chosen ones, by name, and first, if
    what is typed is a tag name not among them, that name as a new tag."""
    names = {str(name).casefold(): str(name) for name in services.list_tags(user_id)["name"]}
    for name in chosen or ():
        if isinstance(name, str):
            names.setdefault(name.casefold(), name)
    options = [{"label": name, "value": name} for name in sorted(names.values(), key=str.casefold)]
    try:
        typed = clean_tag(search) if isinstance(search, str) and search.strip() else None
    except Invalid:
        typed = None
    if typed is not None and typed.casefold() not in names:
        options.insert(0, {"label": NEW_TAG.format(typed), "value": typed})
    return options


def register(app: Dash) -> None:
    for field in (ids.ENTRY_TAGS, ids.EDIT_TAGS):
        app.callback(
            output=Output(field, "options", allow_duplicate=field == ids.EDIT_TAGS),
            inputs={
                "search": Input(field, "search_value"),
                "_refresh": Input(ids.REFRESH_STORE, "data"),
            },
            state={"chosen": State(field, "value")},
            prevent_initial_call=field == ids.EDIT_TAGS,
        )(_options_callback)


def _options_callback(search: Any, _refresh: Any, chosen: Any) -> list[dict[str, str]]:
    return tag_options(current_user_id(), search, chosen if isinstance(chosen, list) else ())
