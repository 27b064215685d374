"""What the page callbacks share: telling a person's action from a re-render, the refresh
counter that makes the other views read again after a write, and the per-row messages of a
table of pattern-matching (ALL) inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import ctx, no_update
from dash.exceptions import PreventUpdate


def user_acted() -> bool:
    """A real click or Enter: Dash also calls back when a control appears with a re-render."""
    return bool(ctx.triggered) and bool(ctx.triggered[0]["value"])


def outputs_with(outputs: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Every output of a dict-keyed callback: the values given by name, no_update for the
    others. A name that is not an output is a mistake in our code, so it raises."""
    unknown = set(values) - set(outputs)
    if unknown:
        raise KeyError(f"not an output of this callback: {sorted(unknown)}")
    return {name: values.get(name, no_update) for name in outputs}


def next_refresh(current: Any) -> int:
    """The refresh store's next value: any change makes the other views read again."""
    return (current if isinstance(current, int) and not isinstance(current, bool) else 0) + 1


def edited_row() -> dict:
    """The pattern-matching id of the row whose input changed; PreventUpdate otherwise.

    Rows appearing or disappearing also trigger an ALL input; only an edit acts.
    """
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered:
        raise PreventUpdate
    return trigger


def row_messages(
    message: str, key: str, row_id: Any, output: str | None = None
) -> tuple[list[str], list[bool]]:
    """The message and invalid flag of each row of an (ALL) output: the one named `output` of a
    dict-keyed callback, else the first. Only the row whose id[key] is row_id gets the message."""
    rows = ctx.outputs_grouping[output] if output else ctx.outputs_list[0]
    targets = [row["id"][key] for row in rows]
    messages = [message if target == row_id else "" for target in targets]
    return messages, [bool(text) for text in messages]


def outcome_alert(message: str, saved: bool) -> Any:
    """A write's one-line answer: green when it was saved, amber otherwise; None without one."""
    if not message:
        return None
    return dbc.Alert(
        message,
        color="success" if saved else "warning",
        dismissable=True,
        duration=6000,
        class_name="py-2",
    )
