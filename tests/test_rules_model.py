"""data/rules/model.py: rules check themselves when built, and their JSON (from a browser) is
read strictly, each problem named where it is."""

from __future__ import annotations

import pytest

from data.entries import Malformed
from data.rules.model import (
    MAX_ACTIONS,
    MAX_CONDITIONS,
    PATTERN_MAX,
    Action,
    Condition,
    Rule,
    rule_from_json,
    rule_to_json,
)

PAYEE = Condition("payee", "contains", "rewe")
CATEGORY = Action("set_category", 3)


def a_rule(**changes) -> Rule:
    values = {"id": None, "name": "Groceries", "enabled": True, "match": "all",
              "conditions": (PAYEE,), "actions": (CATEGORY,), "stop": False}  # fmt: skip
    return Rule(**{**values, **changes})


def test_every_kind_of_condition_and_action_goes_through_json_and_back():
    rule = a_rule(
        id=7,
        match="any",
        stop=True,
        conditions=(
            Condition("payee", "equals", "REWE Markt"),
            Condition("memo", "starts_with", "Kartenzahlung"),
            Condition("memo", "matches", r"ref \d+"),
            Condition("amount", "equals", -1234),
            Condition("amount", "between", (-5000, -100)),
            Condition("amount", "sign", "out"),
            Condition("account", "is", 4),
        ),
        actions=(
            CATEGORY,
            Action("rename_payee", "REWE"),
            Action("add_tags", ("Food", "weekly")),
            Action("set_memo", "groceries"),
        ),  # fmt: skip
    )
    data = rule_to_json(rule)
    assert data["conditions"][4] == {"field": "amount", "op": "between", "value": [-5000, -100]}
    assert rule_from_json(data) == rule


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"name": 5}, "rule"),
        ({"match": "most"}, "rule"),
        ({"conditions": []}, "rule"),
        ({"actions": []}, "rule"),
        ({"stop": "yes"}, "rule"),
        ({"extra": 1}, "rule"),
        ({"conditions": [{"field": "payee", "op": "contains"}]}, "rule.conditions[0]"),
        ({"conditions": [{"field": "payee", "op": "near", "value": "x"}]}, "rule.conditions[0]"),
        ({"conditions": [{"field": "amount", "op": "equals", "value": 1.5}]}, "rule.conditions[0]"),
        (
            {"conditions": [{"field": "amount", "op": "between", "value": [5, 1]}]},
            "rule.conditions[0]",
        ),
        ({"conditions": [{"field": "amount", "op": "sign", "value": "up"}]}, "rule.conditions[0]"),
        ({"conditions": [{"field": "account", "op": "is", "value": True}]}, "rule.conditions[0]"),
        (
            {"conditions": [{"field": "payee", "op": "contains", "value": "  "}]},
            "rule.conditions[0]",
        ),
        ({"actions": [{"kind": "set_category", "value": "3"}]}, "rule.actions[0]"),
        ({"actions": [{"kind": "add_tags", "value": [1]}]}, "rule.actions[0]"),
        ({"actions": [{"kind": "add_tags", "value": ["a", "A"]}]}, "rule.actions[0]"),
        ({"actions": [{"kind": "rename_payee", "value": "x" * 201}]}, "rule.actions[0]"),
        ({"actions": [{"kind": "delete", "value": 1}]}, "rule.actions[0]"),
    ],
)
def test_malformed_json_is_refused_naming_where(change, where):
    data = {**rule_to_json(a_rule()), **change}
    with pytest.raises(Malformed) as refused:
        rule_from_json(data)
    assert str(refused.value).split(":")[0].startswith(where)


def test_limits_on_conditions_actions_and_pattern_length():
    data = rule_to_json(a_rule())
    too_many = {**data, "conditions": data["conditions"] * (MAX_CONDITIONS + 1)}
    with pytest.raises(Malformed, match="at most 20"):
        rule_from_json(too_many)
    with pytest.raises(Malformed, match="at most 10"):
        rule_from_json({**data, "actions": data["actions"] * (MAX_ACTIONS + 1)})
    assert Condition("memo", "matches", "a" * PATTERN_MAX)
    with pytest.raises(ValueError, match="At most 500"):
        Condition("memo", "matches", "a" * (PATTERN_MAX + 1))
    with pytest.raises(Malformed):
        rule_from_json([data])


@pytest.mark.parametrize("pattern", ["(a", "(?<=a)b", r"(a)\1", "[z-a]"])
def test_patterns_re2_cannot_use_are_refused_with_a_persons_message(pattern):
    with pytest.raises(ValueError) as refused:
        Condition("payee", "matches", pattern)
    message = str(refused.value)
    assert message.startswith("This pattern cannot be used")
    assert pattern not in message


def test_a_literal_is_not_a_pattern():
    assert Condition("payee", "contains", "(a").value == "(a"
