"""Running a user's rules over transactions: compiled once, then applied to each transaction.

Semantics:
- Rules run in their order. Each rule sees the transaction as the rules before it left it: a
  rule that renames the payee makes later payee conditions look at the new name.
- A rule's actions apply in their order; `stop` ends the run after that rule (if it matched).
- set_category does nothing to a split transaction (its parts have the categories), nor when
  the category is not among the usable ones given to compile_rules (archived since the rule was
  saved, say): the rule still counts as matched and its other actions apply.
- add_tags adds the names the transaction lacks (any case), keeping its own; at most MAX_TAGS.
- Disabled rules are left out when compiling.

Speed: every text condition (literals escaped) goes into RE2 Sets, one Set per text field and
chunk, so one linear-time pass over a payee says which of all the rules' payee conditions hold;
results are cached by text (bank lines repeat payees). A rule is only looked at when one of its
conditions could open it (its "gate": a text condition that held, its account, or always for
rules gated on amounts), so a transaction costs its few candidate rules, not all 500. Patterns
never go through Python's `re`: RE2 has no backtracking, so no pattern can hang a worker.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

import re2

from data.entries import Transaction
from data.imports.matching import normalised_text
from data.rules.model import TEXT_FIELDS, Action, Condition, Rule, re2_options
from data.tags import MAX_TAGS

# Patterns per RE2 Set: a Set's DFA grows with its patterns, and a Set whose DFA runs out of
# memory answers "no match" silently; smaller Sets keep each DFA small.
SET_SIZE = 64
SET_MAX_MEM = 64 << 20
# Distinct texts remembered per field before the cache starts over.
CACHE_LIMIT = 200_000
_NO_HITS: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RuleOutcome:
    """The transaction after the rules' actions, and the ids of the rules that matched, in
    order (None for a rule not stored yet)."""

    transaction: Transaction
    rule_ids: tuple[int | None, ...]


@dataclass(frozen=True)
class _Rule:
    rule_id: int | None
    match_all: bool
    # (field number, condition number within that field's Sets) of each text condition.
    text: tuple[tuple[int, int], ...]
    other: tuple[Condition, ...]
    actions: tuple[Action, ...]
    stop: bool

    def holds(self, txn: Transaction, hits: Sequence[frozenset[int]]) -> bool:
        # Plain loops: this runs a few times per transaction, generators cost a third more.
        for where, number in self.text:
            if (number in hits[where]) != self.match_all:
                return not self.match_all
        for condition in self.other:
            if _other_holds(condition, txn) != self.match_all:
                return not self.match_all
        return self.match_all


def _other_holds(condition: Condition, txn: Transaction) -> bool:
    if condition.field == "account":
        return txn.account_id == condition.value
    amount, op, value = txn.amount_minor, condition.op, condition.value
    if op == "equals":
        return amount == value
    if op == "between":
        assert isinstance(value, tuple)
        return value[0] <= amount <= value[1]
    return amount > 0 if value == "in" else amount < 0


class _TextIndex:
    """All the text conditions on one field, as RE2 Sets over the normalised text."""

    def __init__(self, patterns: list[str]) -> None:
        self._sets: list[tuple[int, re2.Set]] = []
        options = re2_options()
        options.max_mem = SET_MAX_MEM
        for start in range(0, len(patterns), SET_SIZE):
            chunk = re2.Set.SearchSet(options)
            for pattern in patterns[start : start + SET_SIZE]:
                chunk.Add(pattern)
            chunk.Compile()
            self._sets.append((start, chunk))
        self._cache: dict[str, frozenset[int]] = {}

    def hits(self, text: str) -> frozenset[int]:
        """The numbers of the conditions that hold for this text."""
        if not self._sets:
            return _NO_HITS
        found = self._cache.get(text)
        if found is None:
            normal = normalised_text(text)
            found = frozenset(
                start + number
                for start, chunk in self._sets
                for number in (chunk.Match(normal) or ())
            )
            # Most texts hold no condition: one shared empty set instead of one each (an
            # import's unique memos were 10 MB of empty sets).
            found = found or _NO_HITS
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = found
        return found


@dataclass
class CompiledRules:
    """A user's enabled rules, ready to apply; build with compile_rules."""

    rules: list[_Rule]
    fields: tuple[_TextIndex, ...]
    # Which rules a text condition that holds opens, per field; by account; always looked at.
    gates: tuple[dict[int, list[int]], ...]
    by_account: dict[int, list[int]]
    always: list[int]
    usable_categories: frozenset[int] | None

    def candidates(self, hits: Sequence[frozenset[int]], account_id: int) -> list[int]:
        """Positions of the rules that may match, in order."""
        found = set(self.always)
        found.update(self.by_account.get(account_id, ()))
        for gate, held in zip(self.gates, hits, strict=True):
            for number in held:
                found.update(gate.get(number, ()))
        return sorted(found)


def text_pattern(condition: Condition) -> str:
    """The RE2 pattern of a text condition, over normalised_text of the field."""
    value = str(condition.value)
    if condition.op == "matches":
        return value
    literal = re2.escape(normalised_text(value))
    if condition.op == "equals":
        return f"^{literal}$"
    return f"^{literal}" if condition.op == "starts_with" else literal


def compile_rules(
    rules: Iterable[Rule], usable_categories: Collection[int] | None = None
) -> CompiledRules:
    """The enabled rules, in the order given. `usable_categories`: the ids set_category may
    set (the user's categories not archived); None lets any id through (no database)."""
    patterns: tuple[list[str], ...] = tuple([] for _ in TEXT_FIELDS)
    gates: tuple[dict[int, list[int]], ...] = tuple({} for _ in TEXT_FIELDS)
    by_account: dict[int, list[int]] = {}
    always: list[int] = []
    compiled: list[_Rule] = []
    for rule in rules:
        if not rule.enabled:
            continue
        position = len(compiled)
        text, other = [], []
        for condition in rule.conditions:
            if condition.field in TEXT_FIELDS:
                where = TEXT_FIELDS.index(condition.field)
                text.append((where, len(patterns[where])))
                patterns[where].append(text_pattern(condition))
            else:
                other.append(condition)
        match_all = rule.match == "all"
        compiled.append(
            _Rule(rule.id, match_all, tuple(text), tuple(other), rule.actions, rule.stop)
        )
        _gate(compiled[-1], position, gates, by_account, always)
    usable = None if usable_categories is None else frozenset(usable_categories)
    indexes = tuple(_TextIndex(found) for found in patterns)
    return CompiledRules(compiled, indexes, gates, by_account, always, usable)


def _gate(
    rule: _Rule,
    position: int,
    gates: tuple[dict[int, list[int]], ...],
    by_account: dict[int, list[int]],
    always: list[int],
) -> None:
    """Where the rule is looked up from: "all" needs each condition, so any one of them can
    open it (a text one preferably, else its account); "any" needs one, so each must."""
    accounts = [c.value for c in rule.other if isinstance(c.value, int) and c.field == "account"]
    amounts = [c for c in rule.other if c.field == "amount"]
    if rule.match_all and rule.text:
        where, number = rule.text[0]
        gates[where].setdefault(number, []).append(position)
    elif rule.match_all and accounts:
        by_account.setdefault(accounts[0], []).append(position)
    elif rule.match_all or amounts:
        always.append(position)
    else:
        for where, number in rule.text:
            gates[where].setdefault(number, []).append(position)
        for account in accounts:
            by_account.setdefault(account, []).append(position)


def apply_rules(compiled: CompiledRules, txn: Transaction) -> RuleOutcome:
    """The transaction after every matching rule's actions, in order (see the module doc)."""
    payee, memo = compiled.fields
    hits = (payee.hits(txn.payee), memo.hits(txn.memo))
    order = compiled.candidates(hits, txn.account_id)
    matched: list[int | None] = []
    current = txn
    index = 0
    while index < len(order):
        position = order[index]
        index += 1
        rule = compiled.rules[position]
        if not rule.holds(current, hits):
            continue
        matched.append(rule.rule_id)
        changed = _act(rule.actions, current, compiled.usable_categories)
        if (changed.payee, changed.memo) != (current.payee, current.memo):
            # Later rules see the new texts: their candidates are looked up again.
            hits = (payee.hits(changed.payee), memo.hits(changed.memo))
            later = compiled.candidates(hits, changed.account_id)
            order, index = [found for found in later if found > position], 0
        current = changed
        if rule.stop:
            break
    return RuleOutcome(current, tuple(matched))


def apply_many(compiled: CompiledRules, txns: Iterable[Transaction]) -> list[RuleOutcome]:
    return [apply_rules(compiled, txn) for txn in txns]


def _act(actions: Sequence[Action], txn: Transaction, usable: frozenset[int] | None) -> Transaction:
    for action in actions:
        if action.kind == "set_category":
            category = action.value
            if txn.is_split or (usable is not None and category not in usable):
                continue
            assert isinstance(category, int)
            txn = replace(txn, category_id=category)
        elif action.kind == "rename_payee":
            txn = replace(txn, payee=str(action.value))
        elif action.kind == "set_memo":
            txn = replace(txn, memo=str(action.value))
        else:
            txn = replace(txn, tags=merged_tags(txn.tags, action.value))
    return txn


def merged_tags(have: tuple[str, ...], added: object) -> tuple[str, ...]:
    """`have`, then the names of `added` it lacks (any case), at most MAX_TAGS in all."""
    assert isinstance(added, tuple)
    known = {name.casefold() for name in have}
    extra = []
    for name in added:
        if name.casefold() not in known:
            known.add(name.casefold())
            extra.append(name)
    return (*have, *extra)[: max(MAX_TAGS, len(have))]
