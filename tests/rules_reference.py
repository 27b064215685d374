"""The rules' meaning as a plain loop: every rule, every condition, one at a time.

The oracle of tests/test_rules_engine.py (the engine's Sets and gates must agree with it) and
the "before" of bench/rules.py. Literals by Python's string operations, patterns each by RE2.
"""

from __future__ import annotations

from dataclasses import replace

import re2

from data.entries import Transaction
from data.imports.matching import normalised_text
from data.rules.engine import RuleOutcome, merged_tags
from data.rules.model import Condition, Rule, re2_options


class PlainRules:
    def __init__(self, rules: list[Rule], usable: set[int] | None = None) -> None:
        self.rules = [rule for rule in rules if rule.enabled]
        self.usable = usable
        self.patterns = {
            condition.value: re2.compile(condition.value, re2_options())
            for rule in self.rules
            for condition in rule.conditions
            if condition.op == "matches"
        }

    def holds(self, condition: Condition, txn: Transaction) -> bool:
        value = condition.value
        if condition.field == "account":
            return txn.account_id == value
        if condition.field == "amount":
            amount = txn.amount_minor
            if condition.op == "equals":
                return amount == value
            if condition.op == "between":
                return value[0] <= amount <= value[1]
            return amount > 0 if value == "in" else amount < 0
        text = normalised_text(getattr(txn, condition.field))
        if condition.op == "matches":
            return self.patterns[value].search(text) is not None
        wanted = normalised_text(value)
        if condition.op == "equals":
            return text == wanted
        if condition.op == "starts_with":
            return text.startswith(wanted)
        return wanted in text

    def apply(self, txn: Transaction) -> RuleOutcome:
        matched = []
        for rule in self.rules:
            results = (self.holds(condition, txn) for condition in rule.conditions)
            if not (all(results) if rule.match == "all" else any(results)):
                continue
            matched.append(rule.id)
            for action in rule.actions:
                if action.kind == "set_category":
                    unusable = self.usable is not None and action.value not in self.usable
                    if txn.is_split or unusable:
                        continue
                    txn = replace(txn, category_id=action.value)
                elif action.kind == "rename_payee":
                    txn = replace(txn, payee=action.value)
                elif action.kind == "set_memo":
                    txn = replace(txn, memo=action.value)
                else:
                    txn = replace(txn, tags=merged_tags(txn.tags, action.value))
            if rule.stop:
                break
        return RuleOutcome(txn, tuple(matched))
