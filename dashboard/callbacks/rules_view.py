"""What the rules page (/rules) draws: the list of rules with their readable summaries, the
editor's condition and action rows, and the before -> after tables of "test this rule" and
"apply to existing". The page's layout only holds their places."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.callbacks.rules_form import OPS, ActionRow, ConditionRow
from dashboard.components import CARDS_ON_PHONES, WIDE
from dashboard.html_attrs import html_attrs
from data.entries import Transaction
from data.money import format_amount
from data.rules.existing import RuleChange, RulePreview
from data.rules.model import Action, Condition, Rule

FIELD_LABELS = {"payee": "Payee", "memo": "Memo", "amount": "Amount", "account": "Account"}
OP_LABELS = {
    "contains": "contains",
    "equals": "is",
    "starts_with": "starts with",
    "matches": "matches the pattern",
    "between": "is between",
    "sign": "is money in or out",
    "is": "is",
}
ACTION_LABELS = {
    "set_category": "Set the category",
    "rename_payee": "Rename the payee",
    "add_tags": "Add tags",
    "set_memo": "Set the memo",
}
SIGN_LABELS = {"out": "Money out", "in": "Money in"}
# Examples shown under a test or before applying: enough to judge, short enough to read.
SHOWN_EXAMPLES = 10
ARROW = "\u2192"


@dataclass(frozen=True)
class Names:
    """What ids in a rule stand for, for a person: category and account names, the currency."""

    categories: dict[int, str]
    accounts: dict[int, str]
    currency: str


@dataclass(frozen=True)
class Choices:
    """The selects' options of the editor's rows: (id, name) of categories and accounts."""

    categories: list[tuple[int, str]]
    accounts: list[tuple[int, str]]


def _quoted(text: str) -> str:
    return f"'{text}'"


def condition_text(condition: Condition, names: Names) -> str:
    value = condition.value
    if condition.field == "account":
        account = names.accounts.get(value) if isinstance(value, int) else None
        return f"Account {account or '(not found)'}"
    if condition.field == "amount":
        if condition.op == "sign":
            return SIGN_LABELS.get(str(value), "Money in or out")
        if isinstance(value, tuple):
            low, high = (format_amount(v, names.currency) for v in value)
            return f"Amount between {low} and {high}"
        assert isinstance(value, int)
        return f"Amount is {format_amount(value, names.currency)}"
    label = FIELD_LABELS.get(condition.field, condition.field)
    return f"{label} {OP_LABELS.get(condition.op, condition.op)} {_quoted(str(value))}"


def action_text(action: Action, names: Names) -> str:
    value = action.value
    if action.kind == "set_category":
        category = names.categories.get(value) if isinstance(value, int) else None
        return f"Category {category or '(not found)'}"
    if isinstance(value, tuple):
        return "Tags " + ", ".join(_quoted(name) for name in value)
    if action.kind == "rename_payee":
        return f"Payee {_quoted(str(value))}"
    return f"Memo {_quoted(str(value))}" if value else "Memo cleared"


def rule_summary(rule: Rule, names: Names) -> str:
    """'Payee contains 'netflix' -> Category Subscriptions, stop'."""
    joiner = " and " if rule.match == "all" else " or "
    conditions = joiner.join(condition_text(c, names) for c in rule.conditions)
    actions = [action_text(a, names) for a in rule.actions] + (["stop"] if rule.stop else [])
    return f"{conditions} {ARROW} {', '.join(actions)}"


def _icon(name: str) -> html.I:
    return html.I(className=f"bi bi-{name}", **html_attrs({"aria-hidden": "true"}))


def _row_button(label: str, icon: str, button_id: dict, what: str, **props: Any) -> dbc.Button:
    """A small outlined button; `what` ("the rule Netflix") is read out after its label."""
    text = (
        [label, html.Span(f" {what}", className="visually-hidden")]
        if label
        else [html.Span(f"{what}", className="visually-hidden")]
    )
    return dbc.Button(
        [_icon(icon), " " if label else None, *text],
        id=button_id,
        size="sm",
        color="secondary",
        outline=True,
        **props,
    )


def _rule_row(rule: Rule, place: int, count: int, names: Names) -> html.Tr:
    assert rule.id is not None
    rid, what = rule.id, f"the rule {rule.name}"
    switch = dbc.Switch(
        id={"type": ids.RULE_ENABLED, "id": rid},
        value=rule.enabled,
        label=html.Span(["On", html.Span(f" for {what}", className="visually-hidden")]),
        class_name="mb-0",
    )
    moves = html.Div(
        [
            _row_button(
                "",
                "arrow-up",
                {"type": ids.RULE_MOVE, "id": rid, "action": "up"},
                f"Move {what} up",
                disabled=place == 0,
            ),
            _row_button(
                "",
                "arrow-down",
                {"type": ids.RULE_MOVE, "id": rid, "action": "down"},
                f"Move {what} down",
                disabled=place == count - 1,
            ),
        ],  # fmt: skip
        className="btn-group",
        role="group",
        **html_attrs({"aria-label": f"Order of {what}"}),
    )
    buttons = [
        _row_button("Edit", "pencil", {"type": ids.RULE_EDIT, "id": rid}, what),
        _row_button("Apply", "play", {"type": ids.RULE_APPLY, "id": rid}, f"{what} to existing"),
        _row_button("Delete", "trash", {"type": ids.RULE_DELETE, "id": rid}, what),
    ]
    return html.Tr(
        [
            html.Td(str(place + 1), **html_attrs({"data-label": "Order"})),
            html.Td(
                [
                    html.Div(rule.name, className="fw-semibold"),
                    html.Div(rule_summary(rule, names), className="small text-muted rule-summary"),
                ],
                className=WIDE,
            ),
            html.Td(switch, **html_attrs({"data-label": "Enabled"})),
            html.Td(moves, **html_attrs({"data-label": "Move"})),
            html.Td(
                html.Div(buttons, className="d-flex gap-1 flex-wrap justify-content-end"),
                className="text-end",
            ),  # fmt: skip
        ],
        className=None if rule.enabled else "settings-archived",
    )


def rules_table(rules: list[Rule], names: Names) -> Component:
    if not rules:
        return html.P(
            "No rules yet. A rule sorts transactions for you: \u201cpayee contains 'netflix' "
            f"{ARROW} category Subscriptions\u201d. Add one with New rule.",
            className="text-muted",
        )
    head = html.Thead(html.Tr([html.Th(text) for text in ("#", "Rule", "On", "Order", "")]))
    rows = [_rule_row(rule, place, len(rules), names) for place, rule in enumerate(rules)]
    return dbc.Table(
        [head, html.Tbody(rows)],
        hover=True,
        responsive=True,
        size="sm",
        id=f"{ids.RULES_LIST}-rows",
        class_name=CARDS_ON_PHONES,
    )


def _choice(value: Any) -> str:
    """A select's value from the browser as a key: anything but text (a list, a dict) is ''."""
    return value if isinstance(value, str) else ""


def condition_parts(field: Any, op: Any) -> set[str]:
    """Which of a condition row's boxes its field and op use."""
    if field == "account":
        return {"account"}
    if field == "amount":
        return {"equals": {"amount"}, "between": {"amount", "high"}, "sign": {"sign"}}.get(
            _choice(op), {"amount"}
        )
    return {"text"}


def action_parts(kind: Any) -> set[str]:
    return {"set_category": {"category"}, "add_tags": {"tags"}}.get(_choice(kind), {"text"})


def ops_of(field: Any) -> tuple[str, ...]:
    """The ops a field offers (a payee's for anything that is not a field)."""
    return OPS.get(_choice(field), OPS["payee"])


def op_options(field: Any) -> list[dict[str, str]]:
    return [{"label": OP_LABELS[op], "value": op} for op in ops_of(field)]


def _labelled(text: str, control: Component) -> html.Label:
    # The label wraps the control: pattern-matching ids cannot be named by a label's `for`.
    return html.Label([html.Span(text, className="small d-block"), control], className="w-100")


def _box(kind: str, index: int, part: str, width: str, hidden: bool, content: Any) -> html.Div:
    return html.Div(
        content,
        id={"type": kind, "index": index, "part": part},
        className=f"col-12 {width}",
        hidden=hidden,
    )


def _remove_button(button_type: str, index: int, what: str) -> html.Div:
    return html.Div(
        _row_button("", "x-lg", {"type": button_type, "index": index}, f"Remove {what}"),
        className="col-auto d-flex align-items-end",
    )


def _options(pairs: list[tuple[int, str]], placeholder: str) -> list[dict[str, str]]:
    return [{"label": placeholder, "value": ""}] + [
        {"label": name, "value": str(row_id)} for row_id, name in pairs
    ]


def condition_row(index: int, row: ConditionRow, choices: Choices) -> html.Div:
    """One condition's controls; every box is there, those its field and op do not use hidden."""
    shown = condition_parts(row.field, row.op)
    number = f"condition {index + 1}"
    fields = [{"label": label, "value": value} for value, label in FIELD_LABELS.items()]
    signs = [{"label": label, "value": value} for value, label in SIGN_LABELS.items()]

    def control(kind: str) -> dict[str, Any]:
        return {"type": kind, "index": index}

    def box(part: str, width: str, content: Any) -> html.Div:
        return _box(ids.COND_BOX, index, part, width, part not in shown, content)

    return html.Div(
        [
            html.Div(
                _labelled(
                    "Look at",
                    dbc.Select(
                        id=control(ids.COND_FIELD), options=fields, value=row.field, size="sm"
                    ),
                ),
                className="col-6 col-md-2",
            ),  # fmt: skip
            html.Div(
                _labelled(
                    "How",
                    dbc.Select(
                        id=control(ids.COND_OP),
                        options=op_options(row.field),
                        value=row.op,
                        size="sm",
                    ),
                ),
                className="col-6 col-md-2",
            ),  # fmt: skip
            box(
                "text",
                "col-md-6",
                _labelled(
                    "Text",
                    dbc.Input(
                        id=control(ids.COND_TEXT), value=row.text, size="sm", autocomplete="off"
                    ),
                ),
            ),
            box(
                "amount",
                "col-md-3",
                _labelled(
                    "Amount",
                    dbc.Input(
                        id=control(ids.COND_AMOUNT),
                        value=row.amount,
                        size="sm",
                        inputmode="decimal",
                        placeholder="-12.50",
                        autocomplete="off",
                    ),
                ),
            ),
            box(
                "high",
                "col-md-3",
                _labelled(
                    "and",
                    dbc.Input(
                        id=control(ids.COND_HIGH),
                        value=row.high,
                        size="sm",
                        inputmode="decimal",
                        placeholder="-5.00",
                        autocomplete="off",
                    ),
                ),
            ),
            box(
                "sign",
                "col-md-3",
                _labelled(
                    "In or out",
                    dbc.Select(id=control(ids.COND_SIGN), options=signs, value=row.sign, size="sm"),
                ),
            ),
            box(
                "account",
                "col-md-4",
                _labelled(
                    "Account",
                    dbc.Select(
                        id=control(ids.COND_ACCOUNT),
                        options=_options(choices.accounts, "Choose an account"),
                        value=row.account or "",
                        size="sm",
                    ),
                ),
            ),
            _remove_button(ids.COND_REMOVE, index, number),
        ],  # fmt: skip
        className="row g-2 align-items-end mb-2 rule-condition",
        role="group",
        **html_attrs({"aria-label": number.capitalize()}),
    )


def action_row(index: int, row: ActionRow, choices: Choices) -> html.Div:
    shown = action_parts(row.kind)
    number = f"action {index + 1}"
    kinds = [{"label": label, "value": value} for value, label in ACTION_LABELS.items()]

    def control(kind: str) -> dict[str, Any]:
        return {"type": kind, "index": index}

    def box(part: str, content: Any) -> html.Div:
        return _box(ids.ACTION_BOX, index, part, "col-md-6", part not in shown, content)

    return html.Div(
        [
            html.Div(
                _labelled(
                    "Do",
                    dbc.Select(
                        id=control(ids.ACTION_KIND), options=kinds, value=row.kind, size="sm"
                    ),
                ),
                className="col-12 col-md-4",
            ),  # fmt: skip
            box(
                "category",
                _labelled(
                    "Category",
                    dbc.Select(
                        id=control(ids.ACTION_CATEGORY),
                        options=_options(choices.categories, "Choose a category"),
                        value=row.category or "",
                        size="sm",
                    ),
                ),
            ),
            box(
                "text",
                _labelled(
                    "To",
                    dbc.Input(
                        id=control(ids.ACTION_TEXT), value=row.text, size="sm", autocomplete="off"
                    ),
                ),
            ),
            box(
                "tags",
                _labelled(
                    "Tags (separated by commas)",
                    dbc.Input(
                        id=control(ids.ACTION_TAGS),
                        value=row.tags,
                        size="sm",
                        autocomplete="off",
                        placeholder="groceries, weekly",
                    ),
                ),
            ),
            _remove_button(ids.ACTION_REMOVE, index, number),
        ],  # fmt: skip
        className="row g-2 align-items-end mb-2 rule-action",
        role="group",
        **html_attrs({"aria-label": number.capitalize()}),
    )


def _category(category_id: int | None, names: Names) -> str:
    if category_id is None:
        return "\u2014"
    return names.categories.get(category_id, "(archived)")


def _changed(before: str, after: str) -> Any:
    if before == after:
        return before
    return html.Span([html.Del(before) if before else None, f" {ARROW} ", html.Ins(after)])


def _example_row(change: RuleChange, names: Names) -> html.Tr:
    before, after = change.before, change.after
    return html.Tr(
        [
            html.Td(
                before.date.isoformat(),
                className="text-nowrap",
                **html_attrs({"data-label": "Date"}),
            ),
            html.Td(
                format_amount(before.amount_minor, names.currency),
                className="text-end",
                **html_attrs({"data-label": "Amount"}),
            ),
            html.Td(_changed(before.payee, after.payee), **html_attrs({"data-label": "Payee"})),
            html.Td(
                _changed(_category(before.category_id, names), _category(after.category_id, names)),
                **html_attrs({"data-label": "Category"}),
            ),
            html.Td(_changed(_tags(before), _tags(after)), **html_attrs({"data-label": "Tags"})),
        ]  # fmt: skip
    )


def _tags(txn: Transaction) -> str:
    return ", ".join(sorted(txn.tags, key=str.casefold))


def preview_view(preview: RulePreview, names: Names) -> html.Div:
    """'Matches 12 of your transactions; 9 would change.' and the first examples, newest first."""
    plural = "" if preview.matched == 1 else "s"
    summary = (
        f"Matches {preview.matched:,} of your transaction{plural}; "
        f"{preview.changed:,} would change."
    )
    if not preview.examples:
        return html.Div(html.P(summary, className="mb-0"))
    head = html.Thead(html.Tr([html.Th(text) for text in
                               ("Date", "Amount", "Payee", "Category", "Tags")]))  # fmt: skip
    rows = [_example_row(change, names) for change in preview.examples[:SHOWN_EXAMPLES]]
    shown = min(len(preview.examples), SHOWN_EXAMPLES)
    caption = f"The newest {shown} it matches:" if preview.matched > shown else "They are:"
    return html.Div(
        [
            html.P(summary, className="mb-1"),
            html.P(caption, className="small text-muted mb-1"),
            dbc.Table(
                [head, html.Tbody(rows)],
                size="sm",
                responsive=True,
                class_name=f"small mb-0 {CARDS_ON_PHONES}",
            ),  # fmt: skip
        ]
    )
