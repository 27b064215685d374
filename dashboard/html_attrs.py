"""Hyphenated HTML attributes (aria-*, data-*) for Dash components, in a form mypy accepts."""

from typing import Any


def html_attrs(attributes: dict[str, object]) -> dict[str, Any]:
    """Hand `attributes` to a Dash component as `**html_attrs({...})`.

    A name such as "aria-label" is no Python identifier, so it can only travel in **kwargs.
    Dash types every named prop of its components, and mypy checks an unpacked dict[str, str]
    against each of them (a str is no bool for `hidden`); typed as dict[str, Any], the dict is
    taken for what it is: extra attributes the component passes through to the DOM.
    """
    return attributes
