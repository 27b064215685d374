"""The rule editor's values as a Rule, and a Rule back as the editor's values.

The browser sends every control of every row (a condition row has a text box, two amount boxes,
a sign and an account select, shown or hidden by its field and op); only those the row's field
and op use are read. Values are untrusted: anything that is not what the control sends is
refused with a message for a person, and no message quotes what was typed. Amounts are typed
in the user's currency and parsed exactly (data/money.parse_amount) into minor units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data.money import format_amount, parse_amount
from data.rules.model import (
    ACTION_KINDS,
    AMOUNT_OPS,
    MATCH_MODES,
    MAX_ACTIONS,
    MAX_CONDITIONS,
    SIGNS,
    TEXT_FIELDS,
    TEXT_OPS,
    Action,
    Condition,
    Rule,
)
from data.tags import clean_tags
from data.validation import Invalid, as_id

FIELDS = (*TEXT_FIELDS, "amount", "account")
# Each field's ops, as the op select offers them.
OPS = {"payee": TEXT_OPS, "memo": TEXT_OPS, "amount": AMOUNT_OPS, "account": ("is",)}
# The name a rule being tested gets while it has none: a test needs no name.
UNNAMED = "Unsaved rule"


@dataclass(frozen=True)
class ConditionRow:
    """One condition row's controls as the browser sent them (texts for the amounts)."""

    field: Any = "payee"
    op: Any = "contains"
    text: Any = ""
    amount: Any = ""
    high: Any = ""
    sign: Any = "out"
    account: Any = None


@dataclass(frozen=True)
class ActionRow:
    """One action row's controls: the category select, the text box, the tags box."""

    kind: Any = "set_category"
    category: Any = None
    text: Any = ""
    tags: Any = ""


@dataclass(frozen=True)
class EditorValues:
    name: Any
    match: Any
    stop: Any
    conditions: tuple[ConditionRow, ...]
    actions: tuple[ActionRow, ...]


class EditorError(ValueError):
    """The editor's values do not make a rule; `problems` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


def chosen_id(value: Any) -> int | None:
    """A select's value (a text of digits, or a number) as a row id; None if it is neither."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12:
        return as_id(int(value))
    return as_id(value)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def tag_names(value: Any) -> tuple[str, ...]:
    """'a, b,  c' -> the tag names as stored (data/tags.clean_tags); Invalid when one is not."""
    if not isinstance(value, str):
        return ()
    return clean_tags([part.strip() for part in value.split(",") if part.strip()])


def parse_condition(row: ConditionRow, currency: str) -> Condition:
    """ValueError (or MoneyError) with a message for a person when the row is not a condition."""
    if not isinstance(row.field, str) or row.field not in FIELDS:
        raise ValueError("Choose what to look at: the payee, memo, amount or account.")
    if not isinstance(row.op, str) or row.op not in OPS[row.field]:
        raise ValueError("Choose how to compare.")
    if row.field in TEXT_FIELDS:
        return Condition(row.field, row.op, _text(row.text))
    if row.field == "account":
        account = chosen_id(row.account)
        if account is None:
            raise ValueError("Choose an account.")
        return Condition("account", "is", account)
    if row.op == "sign":
        if not isinstance(row.sign, str) or row.sign not in SIGNS:
            raise ValueError("Choose money in or money out.")
        return Condition("amount", "sign", row.sign)
    low = parse_amount(_text(row.amount), currency)
    if row.op == "equals":
        return Condition("amount", "equals", low)
    high = parse_amount(_text(row.high), currency)
    # Either order reads the same: "between -5 and -20" is the span from -20 to -5.
    return Condition("amount", "between", (min(low, high), max(low, high)))


def parse_action(row: ActionRow) -> Action:
    if not isinstance(row.kind, str) or row.kind not in ACTION_KINDS:
        raise ValueError("Choose what the rule does.")
    if row.kind == "set_category":
        category = chosen_id(row.category)
        if category is None:
            raise ValueError("Choose a category.")
        return Action("set_category", category)
    if row.kind == "add_tags":
        return Action("add_tags", tag_names(row.tags))
    if row.kind == "rename_payee" and not _text(row.text):
        raise ValueError("Enter the payee as it should read.")
    return Action(row.kind, _text(row.text))


def rule_from_editor(
    values: EditorValues, currency: str, rule_id: int | None = None, enabled: bool = True
) -> Rule:
    """The Rule the editor shows; EditorError listing every problem (row by row) otherwise.
    Texts are trimmed first: the model refuses spaces around them."""
    if len(values.conditions) > MAX_CONDITIONS or len(values.actions) > MAX_ACTIONS:
        # Refused before any row is parsed: no page sends more.
        raise EditorError(
            [f"Give 1 to {MAX_CONDITIONS} conditions and 1 to {MAX_ACTIONS} actions."]
        )
    problems: list[str] = []
    conditions: list[Condition] = []
    actions: list[Action] = []
    for number, condition_row in enumerate(values.conditions, 1):
        try:
            conditions.append(parse_condition(condition_row, currency))
        except (ValueError, Invalid) as problem:  # MoneyError is a ValueError
            problems.append(f"Condition {number}: {problem}")
    for number, action_row in enumerate(values.actions, 1):
        try:
            actions.append(parse_action(action_row))
        except (ValueError, Invalid) as problem:
            problems.append(f"Action {number}: {problem}")
    if not values.conditions:
        problems.append("Add at least one condition.")
    if not values.actions:
        problems.append("Add at least one action.")
    if not isinstance(values.match, str) or values.match not in MATCH_MODES:
        problems.append("Match all or any of the conditions.")
    if problems:
        raise EditorError(problems)
    try:
        return Rule(
            rule_id,
            _text(values.name),
            enabled,
            values.match,
            tuple(conditions),
            tuple(actions),
            values.stop is True,
        )
    except ValueError as problem:
        raise EditorError([str(problem)]) from None


def editor_rows(rule: Rule, currency: str) -> tuple[list[ConditionRow], list[ActionRow]]:
    """A stored rule as the editor's rows (amounts as text in the user's currency)."""

    def amount(minor: int) -> str:
        return format_amount(minor, currency, grouping=False)

    conditions = []
    for condition in rule.conditions:
        value = condition.value
        if condition.field in TEXT_FIELDS:
            row = ConditionRow(condition.field, condition.op, text=value)
        elif condition.field == "account":
            row = ConditionRow("account", "is", account=str(value))
        elif condition.op == "sign":
            row = ConditionRow("amount", "sign", sign=value)
        elif isinstance(value, tuple):
            row = ConditionRow("amount", "between", amount=amount(value[0]), high=amount(value[1]))
        else:
            assert isinstance(value, int)
            row = ConditionRow("amount", "equals", amount=amount(value))
        conditions.append(row)
    actions = []
    for action in rule.actions:
        if action.kind == "set_category":
            actions.append(ActionRow("set_category", category=str(action.value)))
        elif isinstance(action.value, tuple):
            actions.append(ActionRow("add_tags", tags=", ".join(action.value)))
        else:
            actions.append(ActionRow(action.kind, text=str(action.value)))
    return conditions, actions
