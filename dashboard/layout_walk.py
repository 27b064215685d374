"""A page's layout as the renderer gets it (JSON: {"type", "namespace", "props"}), searched."""

from __future__ import annotations

from typing import Any


def props_by_id(layout: Any) -> dict[str, dict[str, Any]]:
    """The props of every component with a string id, walking the children (the props are the
    layout's own dicts: changing one changes the layout)."""
    found: dict[str, dict[str, Any]] = {}
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        props = node.get("props") if isinstance(node, dict) else None
        if not isinstance(props, dict):
            continue
        if isinstance(props.get("id"), str):
            found[props["id"]] = props
        stack.append(props.get("children"))
    return found
