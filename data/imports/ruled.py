"""The user's rules as an import's transform (data/imports/matching.plan_import's `rules`).

Kept apart from matching.py because the rules engine compares texts with matching's
normalised_text: matching must not import the rules.
"""

from __future__ import annotations

from sqlalchemy import Connection

from data.entries import Transaction
from data.imports.matching import Transform
from data.rules.engine import CompiledRules, apply_rules
from data.rules.store import compiled_on


def rules_transform(conn: Connection, user_id: int) -> Transform | None:
    """The user's enabled rules in their order, or None when there are none."""
    compiled = compiled_on(conn, user_id, None)
    return _transform(compiled) if compiled.rules else None


def _transform(compiled: CompiledRules) -> Transform:
    def run(txn: Transaction) -> tuple[Transaction, tuple[int, ...]]:
        outcome = apply_rules(compiled, txn)
        return outcome.transaction, tuple(rule for rule in outcome.rule_ids if rule is not None)

    return run
