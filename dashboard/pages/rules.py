"""/rules: the user's rules in their order (switch, move, edit, apply, delete), the editor of
one rule with "test this rule", and "apply to existing" with its confirmation and undo.

Layout only; dashboard/callbacks/rules*.py fill it (the list, the editor's rows, the previews).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.html_attrs import html_attrs

TITLE = "Rules"
MATCH_OPTIONS = [
    {"label": "all of the conditions", "value": "all"},
    {"label": "any of the conditions", "value": "any"},
]


def _live(element_id: str, class_name: str = "") -> html.Div:
    return html.Div(id=element_id, className=class_name, **html_attrs({"aria-live": "polite"}))


def editor_card() -> dbc.Card:
    """Hidden until New rule or Edit fills it (its rows come from the callbacks)."""
    name = html.Div(
        [
            dbc.Label("Name", html_for=ids.RULE_NAME, class_name="small mb-1"),
            dbc.Input(id=ids.RULE_NAME, autocomplete="off"),
        ],
        className="mb-2",
    )
    match = html.Div(
        [
            html.Span(
                "A transaction matches when it meets ",
                className="me-2",
                id=f"{ids.RULE_MATCH}-label",
            ),
            html.Div(
                dbc.RadioItems(id=ids.RULE_MATCH, options=MATCH_OPTIONS, value="all", inline=True),
                role="radiogroup",
                **html_attrs({"aria-labelledby": f"{ids.RULE_MATCH}-label"}),
            ),
        ],  # fmt: skip
        className="d-flex flex-wrap align-items-center small mb-2",
    )

    def section(title: str, rows_id: str, add_id: str, add_label: str) -> html.Div:
        return html.Div(
            [
                html.H3(title, className="h6 mt-2"),
                html.Div(id=rows_id),
                dbc.Button(
                    [
                        html.I(
                            className="bi bi-plus-lg me-1", **html_attrs({"aria-hidden": "true"})
                        ),
                        add_label,
                    ],
                    id=add_id,
                    size="sm",
                    color="secondary",
                    outline=True,
                ),
            ]  # fmt: skip
        )

    buttons = html.Div(
        [
            dbc.Button("Save rule", id=ids.RULE_SAVE, color="primary"),
            dbc.Button("Test this rule", id=ids.RULE_TEST, color="secondary"),
            dbc.Button("Cancel", id=ids.RULE_CANCEL, color="secondary", outline=True),
        ],
        className="d-flex flex-wrap gap-2 mt-3",
    )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2("New rule", id=ids.RULE_EDITOR_TITLE, className="h5 mb-0")),
            dbc.CardBody(
                [
                    name,
                    match,
                    section(
                        "Conditions", ids.RULE_CONDITIONS, ids.RULE_CONDITION_ADD, "Add a condition"
                    ),
                    section("Then", ids.RULE_ACTIONS, ids.RULE_ACTION_ADD, "Add an action"),
                    _live(ids.RULE_ROWS_MESSAGE, "small text-danger mt-1"),
                    dbc.Checkbox(
                        id=ids.RULE_STOP,
                        value=False,
                        class_name="mt-3",
                        label="Stop after this rule: the rules below it do not run on "
                        "a transaction it matched",
                    ),
                    _live(ids.RULE_ERRORS, "mt-2"),
                    buttons,
                    _live(ids.RULE_TEST_RESULT, "mt-3"),
                ]  # fmt: skip
            ),
        ],
        id=ids.RULE_EDITOR,
        class_name="mb-3",
        style={"display": "none"},
    )


def list_card() -> dbc.Card:
    header = html.Div(
        [
            html.H2("Your rules, in order", className="h5 mb-0 me-auto"),
            dbc.Button(
                [
                    html.I(className="bi bi-plus-lg me-1", **html_attrs({"aria-hidden": "true"})),
                    "New rule",
                ],
                id=ids.RULES_NEW,
                color="primary",
                size="sm",
            ),
            dbc.Button(
                "Apply all to existing transactions",
                id=ids.RULES_APPLY_ALL,
                color="secondary",
                size="sm",
            ),
        ],  # fmt: skip
        className="d-flex flex-wrap align-items-center gap-2",
    )
    hint = html.P(
        "Rules run from the top on every new transaction; each sees what the ones above it did. "
        "A disabled rule is skipped.",
        className="small text-muted",
    )
    return dbc.Card(
        [dbc.CardHeader(header), dbc.CardBody([hint, html.Div(id=ids.RULES_LIST)])],
        class_name="mb-3",
    )


def _modal(modal_id: str, title: str, body_id: str, buttons: list[dbc.Button]) -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(title)),
            dbc.ModalBody(html.Div(id=body_id)),
            dbc.ModalFooter(buttons),
        ],
        id=modal_id,
        is_open=False,
        size="lg" if modal_id == ids.RULES_APPLY_MODAL else None,
    )


def result_area() -> html.Div:
    """What apply to existing did, and its Undo (shown while there is a run to undo)."""
    return html.Div(
        [
            _live(ids.RULES_RESULT),
            dbc.Button(
                "Undo",
                id=ids.RULES_UNDO,
                color="warning",
                size="sm",
                class_name="mb-2",
                style={"display": "none"},
            ),
        ],  # fmt: skip
    )


def layout() -> html.Div:
    return html.Div(
        [
            html.H1(TITLE, className="h4 mb-3"),
            dcc.Store(id=ids.RULE_EDIT_ID, data=None),
            dcc.Store(id=ids.RULE_DELETE_TARGET, data=None),
            dcc.Store(id=ids.RULES_APPLY_TARGET, data=None),
            dcc.Store(id=ids.RULES_RUN_STORE, data=None),
            _live(ids.RULES_FEEDBACK),
            result_area(),
            editor_card(),
            list_card(),
            _modal(
                ids.RULE_DELETE_MODAL,
                "Delete this rule?",
                ids.RULE_DELETE_TEXT,
                [
                    dbc.Button("Keep it", id=ids.RULE_DELETE_CANCEL, color="secondary"),
                    dbc.Button("Delete the rule", id=ids.RULE_DELETE_CONFIRM, color="danger"),
                ],
            ),
            _modal(
                ids.RULES_APPLY_MODAL,
                "Apply to existing transactions?",
                ids.RULES_APPLY_TEXT,
                [
                    dbc.Button("Cancel", id=ids.RULES_APPLY_CANCEL, color="secondary"),
                    dbc.Button("Apply", id=ids.RULES_APPLY_CONFIRM, color="primary"),
                ],
            ),
        ],  # fmt: skip
        className="rules-page",
    )
