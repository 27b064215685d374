"""A user's rules in the database: one DB transaction per use case, each starting with
bump_version (data/ownership.py) and checking every id against the owner.

Order: `position`, lowest first. A new rule goes last; moving one rewrites the positions of
all the user's rules in its transaction (there is no unique index on them to trip over midway).
Names are unique per user whatever their case.

A rule's set_category must name a category of the user, not archived, when it is saved (an
edit may keep the archived one it had); an account condition an account of the user. A category
archived after the rule was saved is left out when the rules are compiled (load_compiled): the
action is skipped, the rest of the rule still applies.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import Connection, Engine, Row, delete, func, select, update

from data.ownership import bump_version, insert_id, owned_row, update_owned
from data.rules.engine import CompiledRules, compile_rules
from data.rules.model import Rule, definition_to_json, rule_from_json
from data.schema import accounts, categories, rules
from data.validation import ValidationError, clean_flag


def create_rule(engine: Engine, user_id: int, rule: Rule) -> int:
    """Store a new rule last in the user's order; returns its id (rule.id is ignored)."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        _check(conn, user_id, rule, None)
        last = select(func.max(rules.c.position)).where(rules.c.user_id == user_id)
        highest = conn.execute(last).scalar_one_or_none()
        position = 0 if highest is None else highest + 1
        return insert_id(conn, rules, user_id=user_id, position=position, **_columns(rule))


def update_rule(engine: Engine, user_id: int, rule_id: int, rule: Rule) -> None:
    """Replace a rule's name, state and definition; its place in the order stays."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        current = owned_row(conn, rules, user_id, rule_id, "rule")
        _check(conn, user_id, rule, current)
        update_owned(conn, rules, user_id, current.id, **_columns(rule), updated_at=func.now())


def delete_rule(engine: Engine, user_id: int, rule_id: int) -> None:
    """Delete a rule. Past runs of it stay undoable: they recorded values, not rules."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        current = owned_row(conn, rules, user_id, rule_id, "rule")
        conn.execute(delete(rules).where(rules.c.id == current.id))


def set_rule_enabled(engine: Engine, user_id: int, rule_id: int, enabled: bool) -> None:
    with engine.begin() as conn:
        bump_version(conn, user_id)
        current = owned_row(conn, rules, user_id, rule_id, "rule")
        try:
            flag = clean_flag(enabled)
        except ValueError as problem:
            raise ValidationError({"enabled": str(problem)}) from None
        update_owned(conn, rules, user_id, current.id, enabled=flag, updated_at=func.now())


def move_rule(engine: Engine, user_id: int, rule_id: int, position: int) -> None:
    """Put a rule at `position` (0 = first) of the user's order; the others keep theirs in
    relation to each other. The positions become 0..n-1."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        current = owned_row(conn, rules, user_id, rule_id, "rule")
        order = [row.id for row in _ordered(conn, user_id) if row.id != current.id]
        valid = isinstance(position, int) and not isinstance(position, bool)
        if not valid or not 0 <= position <= len(order):
            raise ValidationError({"position": f"Choose a place from 1 to {len(order) + 1}."})
        order.insert(position, current.id)
        for place, row_id in enumerate(order):
            conn.execute(update(rules).where(rules.c.id == row_id).values(position=place))


def get_rule(engine: Engine, user_id: int, rule_id: int) -> Rule:
    """One rule of this user; NotFound whether it is missing or another user's."""
    with engine.connect() as conn:
        return rule_of(owned_row(conn, rules, user_id, rule_id, "rule"))


def list_rules(engine: Engine, user_id: int) -> list[Rule]:
    """The user's rules in their order, disabled ones included."""
    with engine.connect() as conn:
        return [rule_of(row) for row in _ordered(conn, user_id)]


def load_compiled(engine: Engine, user_id: int) -> CompiledRules:
    """The user's enabled rules compiled, with their usable categories (see the module doc)."""
    with engine.connect() as conn:
        return compiled_on(conn, user_id, None)


def compiled_on(conn: Connection, user_id: int, rule_ids: Sequence[int] | None) -> CompiledRules:
    """The enabled rules of the user, or the rules named (each the user's, enabled or not: the
    person chose them), in their order, compiled with the usable categories."""
    rows = _ordered(conn, user_id)
    if rule_ids is not None:
        wanted = {owned_row(conn, rules, user_id, rule_id, "rule").id for rule_id in rule_ids}
        chosen = [replace(rule_of(row), enabled=True) for row in rows if row.id in wanted]
    else:
        chosen = [rule_of(row) for row in rows]
    return compile_rules(chosen, usable_categories(conn, user_id))


def usable_categories(conn: Connection, user_id: int) -> frozenset[int]:
    """The ids a rule's set_category may still set: the user's categories not archived."""
    query = select(categories.c.id).where(
        categories.c.user_id == user_id, categories.c.archived.is_(False)
    )
    return frozenset(conn.execute(query).scalars())


def rule_of(row: Row) -> Rule:
    definition = json.loads(row.definition)
    return rule_from_json({"id": row.id, "name": row.name, "enabled": row.enabled, **definition})


def _ordered(conn: Connection, user_id: int) -> list[Row]:
    query = select(rules).where(rules.c.user_id == user_id)
    return list(conn.execute(query.order_by(rules.c.position, rules.c.id)))


def _columns(rule: Rule) -> dict[str, object]:
    definition = json.dumps(definition_to_json(rule), ensure_ascii=False)
    return {"name": rule.name, "enabled": rule.enabled, "definition": definition}


def _check(conn: Connection, user_id: int, rule: Rule, current: Row | None) -> None:
    """The rule's name is free and every id it names is the user's (NotFound otherwise)."""
    if not isinstance(rule, Rule):
        raise TypeError(f"expected a Rule, got {type(rule).__name__}")
    key = rule.name.casefold()
    names = select(rules.c.id, rules.c.name).where(rules.c.user_id == user_id)
    for other_id, name in conn.execute(names):
        if name.casefold() == key and (current is None or other_id != current.id):
            raise ValidationError({"name": "You have a rule with that name already."})
    kept = set() if current is None else _categories_set_by(rule_of(current))
    for category_id in sorted(_categories_set_by(rule)):
        category = owned_row(conn, categories, user_id, category_id, "category")
        if category.archived and category.id not in kept:
            raise ValidationError({"actions": "That category is archived."})
    for condition in rule.conditions:
        if condition.field == "account":
            owned_row(conn, accounts, user_id, condition.value, "account")


def _categories_set_by(rule: Rule) -> set[int]:
    return {a.value for a in rule.actions if a.kind == "set_category" and isinstance(a.value, int)}
