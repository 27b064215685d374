"""What the accounts page (/accounts) shows: the accounts with their balances, the categories and
their groups, a new user's first hint, and the currency a new account starts with; with the
tables they are drawn in (the page's layout only holds their places)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import ids, services
from dashboard.components import ACCOUNT_TYPE_LABELS, CARDS_ON_PHONES, KIND_LABELS, WIDE
from dashboard.html_attrs import html_attrs
from dashboard.security.auth import current_user_id
from data.money import format_money

_COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class AccountLine:
    id: int
    name: str
    type: str
    currency: str
    balance: str
    archived: bool


@dataclass(frozen=True)
class CategoryLine:
    id: int
    name: str
    kind: str
    color: str | None
    archived: bool
    group_id: int | None = None


@dataclass(frozen=True)
class TagLine:
    id: int
    name: str
    uses: int


@dataclass(frozen=True)
class GroupLine:
    id: int
    name: str
    categories: int


def accounts_tables() -> dict[str, Any]:
    """The accounts table with balances ("accounts"), the categories table ("categories"), the
    groups table ("groups") and a new user's first hint ("start_here")."""
    user_id = current_user_id()
    balances = services.account_balances(user_id, None, True)
    accounts = [
        AccountLine(
            id=int(row.account_id),
            name=row.account,
            type=row.type,
            currency=row.currency,
            balance=format_money(int(row.balance_minor), row.currency),
            archived=bool(row.archived),
        )
        for row in balances.itertuples()
    ]
    categories = [
        CategoryLine(
            id=int(row.id),
            name=row.name,
            kind=row.kind,
            color=_swatch_color(row.color),
            archived=bool(row.archived),
            group_id=None if pd.isna(row.group_id) else int(row.group_id),
        )
        for row in services.list_categories(user_id, True).itertuples()
    ]
    groups = [
        GroupLine(id=int(row.id), name=row.name, categories=int(row.categories))
        for row in services.list_category_groups(user_id).itertuples()
    ]
    tag_lines = [
        TagLine(id=int(row.id), name=row.name, uses=int(row.uses))
        for row in services.list_tags(user_id).itertuples()
    ]
    hint = start_here() if not accounts else None
    return {
        "accounts": accounts_table(accounts),
        "categories": category_table(categories, groups),
        "groups": groups_table(groups),
        "tags": tags_table(tag_lines),
        "start_here": hint,
    }


def default_currency() -> str:
    return services.user_currency(current_user_id())


def _swatch_color(value: Any) -> str | None:
    # Only a colour the write side would accept goes into a style attribute.
    return value if isinstance(value, str) and _COLOR_RE.fullmatch(value) else None


def _name_cell(pattern: tuple[str, str], row_id: int, name: str, noun: str) -> html.Td:
    input_type, error_type = pattern
    # The label wraps the input: pattern-matching ids cannot be named by a label's `for`.
    return html.Td(
        [
            html.Label(
                [
                    html.Span(f"Name of the {noun} {name}", className="visually-hidden"),
                    dbc.Input(
                        id={"type": input_type, "id": row_id},
                        value=name,
                        debounce=True,
                        size="sm",
                        autocomplete="off",
                    ),
                ],
                className="d-block mb-0",
            ),
            html.Div(id={"type": error_type, "id": row_id}, className="invalid-feedback d-block"),
        ],
        className=WIDE,
    )


def _archive_cell(button_type: str, row_id: int, archived: bool, name: str) -> html.Td:
    action = "unarchive" if archived else "archive"
    return html.Td(
        [
            dbc.Badge("Archived", color="secondary", class_name="me-2") if archived else None,
            dbc.Button(
                [
                    html.I(
                        className=f"bi bi-{'box-arrow-up' if archived else 'archive'} me-1",
                        **html_attrs({"aria-hidden": "true"}),
                    ),
                    action.capitalize(),
                    html.Span(f" {name}", className="visually-hidden"),
                ],
                id={"type": button_type, "id": row_id, "action": action},
                size="sm",
                color="secondary",
                outline=True,
            ),
        ],
        className="text-end text-nowrap",
    )


def _table(headers: list[str], rows: list[html.Tr], table_id: str) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(text) for text in headers]))
    return dbc.Table(
        [head, html.Tbody(rows)],
        hover=True,
        responsive=True,
        size="sm",
        id=table_id,
        class_name=CARDS_ON_PHONES,
    )


def accounts_table(lines: list[AccountLine]) -> dbc.Table | html.P:
    if not lines:
        return html.P("No accounts yet.", className="text-muted")
    rows = [
        html.Tr(
            [
                _name_cell(
                    (ids.ACCOUNT_NAME_INPUT, ids.ACCOUNT_NAME_ERROR), line.id, line.name, "account"
                ),
                # data-label names a cell where phones show the row as a card.
                html.Td(
                    ACCOUNT_TYPE_LABELS.get(line.type, line.type),
                    **html_attrs({"data-label": "Type"}),
                ),
                html.Td(line.currency, **html_attrs({"data-label": "Currency"})),
                html.Td(
                    line.balance, className="text-end", **html_attrs({"data-label": "Balance"})
                ),
                _archive_cell(ids.ACCOUNT_ARCHIVE, line.id, line.archived, line.name),
            ],
            className="settings-archived" if line.archived else None,
        )
        for line in lines
    ]
    return _table(["Name", "Type", "Currency", "Balance", ""], rows, f"{ids.ACCOUNTS_TABLE}-rows")


def _group_cell(line: CategoryLine, groups: list[GroupLine]) -> html.Td:
    options = [{"label": "No group", "value": ""}]
    options += [{"label": group.name, "value": str(group.id)} for group in groups]
    # The label wraps the select: pattern-matching ids cannot be named by a label's `for`.
    return html.Td(
        html.Label(
            [
                html.Span(f"Group of the category {line.name}", className="visually-hidden"),
                dbc.Select(
                    id={"type": ids.CATEGORY_GROUP_SELECT, "id": line.id},
                    options=options,
                    value="" if line.group_id is None else str(line.group_id),
                    size="sm",
                ),
            ],
            className="d-block mb-0",
        ),
        **html_attrs({"data-label": "Group"}),
    )


def category_table(
    lines: list[CategoryLine], groups: list[GroupLine] | None = None
) -> dbc.Table | html.P:
    if not lines:
        return html.P("No categories yet.", className="text-muted")
    groups = groups or []
    rows = [
        html.Tr(
            [
                _name_cell(
                    (ids.CATEGORY_NAME_INPUT, ids.CATEGORY_NAME_ERROR),
                    line.id,
                    line.name,
                    "category",
                ),
                html.Td(
                    KIND_LABELS.get(line.kind, line.kind), **html_attrs({"data-label": "Kind"})
                ),
                html.Td(
                    html.Span(
                        className="color-swatch" + ("" if line.color else " color-swatch-none"),
                        style={"backgroundColor": line.color} if line.color else {},
                        title=line.color or "No colour",
                        role="img",
                        **html_attrs({"aria-label": f"Colour {line.color or 'not set'}"}),
                    ),
                    **html_attrs({"data-label": "Colour"}),
                ),
                _group_cell(line, groups),
                _archive_cell(ids.CATEGORY_ARCHIVE, line.id, line.archived, line.name),
            ],
            className="settings-archived" if line.archived else None,
        )
        for line in lines
    ]
    return _table(["Name", "Kind", "Colour", "Group", ""], rows, f"{ids.CATEGORIES_TABLE}-rows")


def groups_table(lines: list[GroupLine]) -> dbc.Table | html.P:
    if not lines:
        return html.P(
            "No groups yet. A group sums categories (Housing: Rent, Utilities, Insurance) in the "
            "overview's charts and the budgets.",
            className="text-muted",
        )
    rows = [
        html.Tr(
            [
                _name_cell(
                    (ids.GROUP_NAME_INPUT, ids.GROUP_NAME_ERROR), line.id, line.name, "group"
                ),
                html.Td(
                    f"{line.categories} categor{'y' if line.categories == 1 else 'ies'}",
                    className="text-nowrap",
                    **html_attrs({"data-label": "Categories"}),
                ),
                _delete_cell(ids.GROUP_DELETE, line.id, f"the group {line.name}"),
            ]
        )
        for line in lines
    ]
    return _table(["Name", "Categories", ""], rows, f"{ids.GROUPS_TABLE}-rows")


def tags_table(lines: list[TagLine]) -> dbc.Table | html.P:
    if not lines:
        return html.P("No tags yet.", className="text-muted")
    rows = [
        html.Tr(
            [
                _name_cell((ids.TAG_NAME_INPUT, ids.TAG_NAME_ERROR), line.id, line.name, "tag"),
                html.Td(
                    f"{line.uses} use{'' if line.uses == 1 else 's'}",
                    className="text-nowrap",
                    **html_attrs({"data-label": "Uses"}),
                ),
                html.Td(_merge_select(line, lines), **html_attrs({"data-label": "Merge"})),
                _delete_cell(ids.TAG_DELETE, line.id, f"the tag {line.name}"),
            ]
        )
        for line in lines
    ]
    return _table(["Name", "Uses", "Merge into", ""], rows, f"{ids.TAGS_TABLE}-rows")


def _delete_cell(button_type: str, row_id: int, what: str) -> html.Td:
    """A row's delete button; `what` ("the tag Holiday") is read out after "Delete"."""
    icon = html.I(className="bi bi-trash me-1", **html_attrs({"aria-hidden": "true"}))
    return html.Td(
        dbc.Button(
            [icon, "Delete", html.Span(f" {what}", className="visually-hidden")],
            id={"type": button_type, "id": row_id},
            size="sm",
            color="secondary",
            outline=True,
        ),
        className="text-end text-nowrap",
    )


def _merge_select(line: TagLine, lines: list[TagLine]) -> html.Label:
    others = [{"label": other.name, "value": str(other.id)} for other in lines if other != line]
    return html.Label(
        [
            html.Span(f"Merge the tag {line.name} into", className="visually-hidden"),
            dbc.Select(
                id={"type": ids.TAG_MERGE, "id": line.id},
                options=[{"label": "Merge into…", "value": ""}, *others],
                value="",
                size="sm",
            ),
        ],
        className="w-100",
    )


def start_here() -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2("Start here: add your first account", className="h5"),
            html.P(
                "An account is where money lives: a checking account, a savings account, a credit "
                "card or a cash wallet. Add one below with its balance today, then set up the "
                "categories you want to track and enter your transactions.",
                className="mb-0",
            ),
        ],
        color="info",
    )
