"""The string ids the app's layouts hold: the shell's (on every page) and each page's own."""

from __future__ import annotations

from dash.development.base_component import Component

from dashboard import shell
from dashboard.routing import PAGES


def string_ids(component: Component) -> set[str]:
    """Every string id in a layout tree (pattern-matching ids are dicts and left out)."""
    found = {component.id} if isinstance(getattr(component, "id", None), str) else set()
    for child in component._traverse():
        child_id = getattr(child, "id", None)
        if isinstance(child_id, str):
            found.add(child_id)
    return found


def shell_ids() -> set[str]:
    return string_ids(shell.layout())


def page_ids() -> dict[str, set[str]]:
    """Per page module's name, its layout's ids (the old /settings address shares /accounts')."""
    return {module.__name__: string_ids(module.layout()) for module in set(PAGES.values())}


def all_ids() -> set[str]:
    return shell_ids().union(*page_ids().values())
