r"""Categorisation rules as values: conditions on a transaction, actions on it, and their JSON.

A rule matches when all (match="all") or any (match="any") of its conditions hold, then its
actions change the transaction; `stop` ends the run after it. Text conditions compare the
payee or memo case-insensitively with spacing collapsed (data/imports/matching.normalised_text
on both sides); a pattern is an RE2 expression (linear time: no look-around, no
back-references), searched in that same normalised text, case-insensitively; as in RE2, \w, \d
and \b are ASCII (\pL is any letter: "m\pL+" finds "müller"). Amounts are signed
integer minor units, as in Transaction.amount_minor.

The values check themselves when built (ValueError with a message for a person); the JSON comes
from a browser, so `rule_from_json` is strict about shape and raises Malformed naming where.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import re2

from data.entries import Malformed
from data.tags import clean_tags
from data.validation import MEMO_MAX, PAYEE_MAX, Invalid, clean_name, clean_text

TEXT_FIELDS = ("payee", "memo")
TEXT_OPS = ("contains", "equals", "starts_with", "matches")
AMOUNT_OPS = ("equals", "between", "sign")
SIGNS = ("in", "out")
ACTION_KINDS = ("set_category", "rename_payee", "add_tags", "set_memo")
MATCH_MODES = ("all", "any")
MAX_CONDITIONS, MAX_ACTIONS = 20, 10
PATTERN_MAX = 500
# The largest amount a condition may name: beyond any currency's cap (data/money.py).
AMOUNT_LIMIT = 10**15
_ID_LIMIT = 2**31 - 1


def re2_options() -> re2.Options:
    """How every rule pattern is compiled: case-insensitive, errors raised, never logged."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    return options


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 cannot use this pattern, said for a person (without quoting it), or None."""
    try:
        re2.compile(pattern, re2_options())
    except re2.error as error:
        detail = error.args[0] if error.args else b""
        text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        reason = text.split(":", 1)[0].strip() or "not a valid pattern"
        hint = " (look-around and back-references are not supported)" if "perl" in text else ""
        return f"This pattern cannot be used: {reason}{hint}."
    return None


def _integer(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > AMOUNT_LIMIT:
        raise ValueError(f"Enter {what} as a whole number of minor units.")
    return value


@dataclass(frozen=True)
class Condition:
    """payee|memo: contains|equals|starts_with|matches, value text; amount: equals (int),
    between ((low, high), both included), sign ("in" or "out"); account: is (account id)."""

    field: str
    op: str
    value: str | int | tuple[int, int]

    def __post_init__(self) -> None:
        if self.field in TEXT_FIELDS:
            self._check_text()
        elif self.field == "amount":
            self._check_amount()
        elif self.field == "account":
            if self.op != "is":
                raise ValueError("An account condition is 'is'.")
            if isinstance(self.value, bool) or not isinstance(self.value, int):
                raise ValueError("Choose an account.")
            if not 1 <= self.value <= _ID_LIMIT:
                raise ValueError("Choose an account.")
        else:
            raise ValueError("A condition is on the payee, memo, amount or account.")

    def _check_text(self) -> None:
        if self.op not in TEXT_OPS:
            raise ValueError(f"Choose one of: {', '.join(TEXT_OPS)}.")
        if not isinstance(self.value, str) or not self.value.strip():
            raise ValueError("Enter the text to look for.")
        if len(self.value) > PATTERN_MAX:
            raise ValueError(f"At most {PATTERN_MAX} characters (this has {len(self.value)}).")
        problem = pattern_problem(self.value) if self.op == "matches" else None
        if problem:
            raise ValueError(problem)

    def _check_amount(self) -> None:
        if self.op == "equals":
            _integer(self.value, "the amount")
        elif self.op == "between":
            if not isinstance(self.value, tuple) or len(self.value) != 2:
                raise ValueError("Enter the lowest and the highest amount.")
            low, high = (_integer(item, "each amount") for item in self.value)
            if low > high:
                raise ValueError("The lowest amount comes first.")
        elif self.op == "sign":
            if self.value not in SIGNS:
                raise ValueError("Choose money in or money out.")
        else:
            raise ValueError(f"Choose one of: {', '.join(AMOUNT_OPS)}.")


@dataclass(frozen=True)
class Action:
    """set_category (category id), rename_payee (text), add_tags (names), set_memo (text)."""

    kind: str
    value: int | str | tuple[str, ...]

    def __post_init__(self) -> None:
        try:
            self._check()
        except Invalid as problem:
            raise ValueError(str(problem)) from None

    def _check(self) -> None:
        if self.kind == "set_category":
            valid = isinstance(self.value, int) and not isinstance(self.value, bool)
            if not valid or not 1 <= int(self.value) <= _ID_LIMIT:  # type: ignore[arg-type]
                raise ValueError("Choose a category.")
        elif self.kind == "rename_payee":
            if clean_text(self.value, PAYEE_MAX) != self.value or not self.value:
                raise ValueError("Enter the payee as it should read (no spaces around it).")
        elif self.kind == "set_memo":
            if clean_text(self.value, MEMO_MAX, multiline=True) != self.value:
                raise ValueError("Enter the memo without spaces around it.")
        elif self.kind == "add_tags":
            if not isinstance(self.value, tuple) or not self.value:
                raise ValueError("Name at least one tag.")
            if clean_tags(self.value) != tuple(sorted(self.value, key=str.casefold)):
                raise ValueError("Tags are named once each, with single spaces.")
        else:
            raise ValueError(f"Choose one of: {', '.join(ACTION_KINDS)}.")


@dataclass(frozen=True)
class Rule:
    """One rule of a user's ordered list; `id` is None until it is stored."""

    id: int | None
    name: str
    enabled: bool
    match: str
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    stop: bool = False

    def __post_init__(self) -> None:
        try:
            if clean_name(self.name) != self.name:
                raise ValueError("Enter the name without spaces around it.")
        except Invalid as problem:
            raise ValueError(str(problem)) from None
        if self.match not in MATCH_MODES:
            raise ValueError("Match all or any of the conditions.")
        if not 1 <= len(self.conditions) <= MAX_CONDITIONS:
            raise ValueError(f"Give 1 to {MAX_CONDITIONS} conditions.")
        if not 1 <= len(self.actions) <= MAX_ACTIONS:
            raise ValueError(f"Give 1 to {MAX_ACTIONS} actions.")
        if not all(isinstance(flag, bool) for flag in (self.enabled, self.stop)):
            raise ValueError("enabled and stop are yes or no.")


def rule_to_json(rule: Rule) -> dict[str, Any]:
    """Plain JSON of a rule (tuples as lists)."""
    return {"id": rule.id, "name": rule.name, "enabled": rule.enabled, **definition_to_json(rule)}


def definition_to_json(rule: Rule) -> dict[str, Any]:
    """What the rules table keeps as JSON text: match, conditions, actions, stop."""
    return {
        "match": rule.match,
        "conditions": [
            {"field": c.field, "op": c.op, "value": _listed(c.value)} for c in rule.conditions
        ],
        "actions": [{"kind": a.kind, "value": _listed(a.value)} for a in rule.actions],
        "stop": rule.stop,
    }


def _listed(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def rule_from_json(value: object) -> Rule:
    """The Rule `rule_to_json` made, from untrusted JSON: Malformed("where: why") otherwise."""
    data = _object(value, "rule", {"id", "name", "enabled", "match", "conditions", "actions",
                                   "stop"}, optional={"id", "stop"})  # fmt: skip
    rule_id = data.get("id")
    if rule_id is not None and (isinstance(rule_id, bool) or not isinstance(rule_id, int)):
        raise Malformed("rule.id: expected a number")
    conditions = tuple(
        _condition(item, f"rule.conditions[{i}]")
        for i, item in enumerate(_list(data["conditions"], "rule.conditions", MAX_CONDITIONS))
    )
    actions = tuple(
        _action(item, f"rule.actions[{i}]")
        for i, item in enumerate(_list(data["actions"], "rule.actions", MAX_ACTIONS))
    )
    fields = (data["name"], data["enabled"], data["match"], conditions, actions)
    return _built(Rule, "rule", rule_id, *fields, data.get("stop", False))


def _condition(value: object, where: str) -> Condition:
    data = _object(value, where, {"field", "op", "value"})
    item = data["value"]
    if isinstance(item, list):
        item = tuple(item)
    return _built(Condition, where, data["field"], data["op"], item)


def _action(value: object, where: str) -> Action:
    data = _object(value, where, {"kind", "value"})
    item = data["value"]
    if isinstance(item, list):
        if not all(isinstance(name, str) for name in item):
            raise Malformed(f"{where}.value: expected tag names")
        item = tuple(item)
    return _built(Action, where, data["kind"], item)


def _built(kind: Any, where: str, *args: object) -> Any:
    try:
        return kind(*args)
    except ValueError as problem:
        raise Malformed(f"{where}: {problem}") from None


def _object(
    value: object, where: str, keys: set[str], optional: frozenset[str] | set[str] = frozenset()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Malformed(f"{where}: expected an object")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise Malformed(f"{where}: unknown field {unknown[0]!r}")
    missing = sorted(keys - set(optional) - set(value))
    if missing:
        raise Malformed(f"{where}: missing field {missing[0]!r}")
    return value


def _list(value: object, where: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise Malformed(f"{where}: expected a list")
    if len(value) > limit:
        raise Malformed(f"{where}: at most {limit}")
    return value
