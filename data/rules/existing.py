"""Rules over past transactions: "test this rule", "apply to existing" and its undo.

What is looked at: every transaction of the user but transfers' legs (a transfer has no
category, and its payee names the transfer). A split transaction is looked at, but
set_category does not apply to it (its parts have the categories, see data/rules/engine.py).

A run is one DB transaction: the rows it changes get their new payee, memo, category and tags,
and rule_run_changes keeps each row's values before and after. Undo is one DB transaction too:
a row still holding the run's `after` values gets its `before` values back; a row edited since
(by hand, by another run) is left as it is and counted as kept, so an undo never throws away
a later edit. A row deleted since is gone from the run (its changes cascade). A tag the run
created stays in the tag list after undo, on no transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from data.entries import Split, Transaction, split_from_row, transaction_from_row
from data.ownership import bump_version, insert_id, owned_row
from data.rules.engine import CompiledRules, apply_rules, compile_rules
from data.rules.model import Rule
from data.rules.store import compiled_on, usable_categories
from data.schema import rule_run_changes, rule_runs, transaction_splits, transaction_tags
from data.schema import transactions as txns
from data.tags import names_by_transaction, tag_ids
from data.validation import ValidationError

PREVIEW_LIMIT = 50
_CHUNK = 500


@dataclass(frozen=True)
class RuleChange:
    transaction_id: int
    before: Transaction
    after: Transaction


@dataclass(frozen=True)
class RulePreview:
    """How many past transactions the rules match, how many of those they would change, and
    the first matches (newest first) as before -> after."""

    matched: int
    changed: int
    examples: tuple[RuleChange, ...]


@dataclass(frozen=True)
class UndoResult:
    restored: int
    # Rows edited since the run: left as they are.
    kept: int


def preview_rule(
    engine: Engine, user_id: int, rule: Rule, limit: int = PREVIEW_LIMIT
) -> RulePreview:
    """ "Test this rule": `rule` (stored or not, enabled or not) alone over the past."""
    with engine.connect() as conn:
        compiled = compile_rules([replace(rule, enabled=True)], usable_categories(conn, user_id))
        return _preview(conn, user_id, compiled, limit)


def preview_existing(
    engine: Engine, user_id: int, rule_ids: Sequence[int] | None, limit: int = PREVIEW_LIMIT
) -> RulePreview:
    """What apply_to_existing(rule_ids) would do, without doing it."""
    with engine.connect() as conn:
        return _preview(conn, user_id, compiled_on(conn, user_id, rule_ids), limit)


def _preview(conn: Connection, user_id: int, compiled: CompiledRules, limit: int) -> RulePreview:
    matched = changed = 0
    examples: list[RuleChange] = []
    for row_id, before in _past(conn, user_id):
        outcome = apply_rules(compiled, before)
        if not outcome.rule_ids:
            continue
        matched += 1
        changed += _values(outcome.transaction) != _values(before)
        if len(examples) < limit:
            examples.append(RuleChange(row_id, before, outcome.transaction))
    return RulePreview(matched, changed, tuple(examples))


def apply_to_existing(engine: Engine, user_id: int, rule_ids: Sequence[int] | None) -> int:
    """Apply the user's enabled rules (or the rules named, see store.compiled_on) to every
    past transaction, as one step; returns the run's id (a run that changed nothing too)."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        compiled = compiled_on(conn, user_id, rule_ids)
        changes = []
        for row_id, before in _past(conn, user_id):
            after = _values(apply_rules(compiled, before).transaction)
            if after != _values(before):
                changes.append((row_id, _values(before), after))
        run_id = insert_id(conn, rule_runs, user_id=user_id, count=len(changes))
        _write(conn, user_id, {row_id: after for row_id, _before, after in changes})
        rows = [{"user_id": user_id, "run_id": run_id, "transaction_id": row_id,
                 "before": json.dumps(before), "after": json.dumps(after)}
                for row_id, before, after in changes]  # fmt: skip
        if rows:
            conn.execute(insert(rule_run_changes), rows)
        return run_id


def run_count(engine: Engine, user_id: int, run_id: int) -> int:
    """How many transactions a run of this user changed; NotFound when it is not the user's."""
    with engine.connect() as conn:
        run = owned_row(conn, rule_runs, user_id, run_id, "rule run")
        # ._mapping: a Row is a tuple, whose .count is tuple.count.
        return int(run._mapping["count"])


def undo_rule_run(engine: Engine, user_id: int, run_id: int) -> UndoResult:
    """Give back the values a run replaced, as one step (see the module doc for rows edited
    since). ValidationError when the run is undone already; NotFound when it is not the user's."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        run = owned_row(conn, rule_runs, user_id, run_id, "rule run")
        if run.undone_at is not None:
            raise ValidationError({"run_id": "This run is undone already."})
        query = select(rule_run_changes).where(
            rule_run_changes.c.user_id == user_id, rule_run_changes.c.run_id == run.id
        )
        changes = {row.transaction_id: row for row in conn.execute(query)}
        now = _current(conn, user_id, sorted(changes))
        restore = {
            row_id: json.loads(change.before)
            for row_id, change in changes.items()
            if now.get(row_id) == json.loads(change.after)
        }
        _write(conn, user_id, restore)
        marked = update(rule_runs).where(rule_runs.c.id == run.id).values(undone_at=func.now())
        conn.execute(marked)
        return UndoResult(len(restore), len(changes) - len(restore))


def _values(txn: Transaction) -> dict[str, object]:
    """What a run may change and undo gives back, as JSON values."""
    tags = sorted(txn.tags, key=str.casefold)
    return {"payee": txn.payee, "memo": txn.memo, "category_id": txn.category_id, "tags": tags}


def _current(conn: Connection, user_id: int, ids: list[int]) -> dict[int, dict[str, object]]:
    found = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = select(txns).where(txns.c.user_id == user_id, txns.c.id.in_(chunk))
        names = names_by_transaction(conn, user_id, chunk)
        for row in conn.execute(query).mappings():
            found[row["id"]] = _values(transaction_from_row(row, (), names.get(row["id"], ())))
    return found


def _past(conn: Connection, user_id: int) -> Iterator[tuple[int, Transaction]]:
    """(id, Transaction) of every transaction but transfers' legs, newest first, read in
    chunks. Parts come without their tags: rules never touch parts."""
    own = (txns.c.user_id == user_id, txns.c.transfer_peer_id.is_(None))
    newest_first = select(txns.c.id).where(*own).order_by(txns.c.date.desc(), txns.c.id.desc())
    ids = list(conn.execute(newest_first).scalars())
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = {
            row["id"]: row
            for row in conn.execute(select(txns).where(*own, txns.c.id.in_(chunk))).mappings()
        }
        names = names_by_transaction(conn, user_id, chunk)
        parts = _parts(conn, user_id, chunk)
        for row_id in chunk:
            if row_id in rows:
                row = rows[row_id]
                yield (
                    row_id,
                    transaction_from_row(row, parts.get(row_id, ()), names.get(row_id, ())),
                )


def _parts(conn: Connection, user_id: int, ids: list[int]) -> dict[int, tuple[Split, ...]]:
    query = (
        select(transaction_splits)
        .where(
            transaction_splits.c.user_id == user_id, transaction_splits.c.transaction_id.in_(ids)
        )
        .order_by(transaction_splits.c.transaction_id, transaction_splits.c.position)
    )
    found: dict[int, list[Split]] = {}
    for row in conn.execute(query).mappings():
        found.setdefault(row["transaction_id"], []).append(split_from_row(row))
    return {row_id: tuple(parts) for row_id, parts in found.items()}


def _write(conn: Connection, user_id: int, values: dict[int, dict[str, object]]) -> None:
    """Set these rows' payee, memo, category and tags (tags created on first use)."""
    if not values:
        return
    rows = [{"b_id": row_id, "b_payee": value["payee"], "b_memo": value["memo"],
             "b_category": value["category_id"]} for row_id, value in values.items()]  # fmt: skip
    conn.execute(
        update(txns)
        .where(txns.c.id == bindparam("b_id"), txns.c.user_id == user_id)
        .values(
            payee=bindparam("b_payee"),
            memo=bindparam("b_memo"),
            category_id=bindparam("b_category"),
            updated_at=func.now(),
        ),  # fmt: skip
        rows,
    )
    # One name per tag whatever its case: tag_ids gives one id per name, in order.
    wanted = {str(name).casefold(): str(name) for value in values.values() for name in _tags(value)}
    by_name = dict(zip(wanted, tag_ids(conn, user_id, list(wanted.values())), strict=True))
    ids = list(values)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conn.execute(delete(transaction_tags).where(transaction_tags.c.transaction_id.in_(chunk)))
    links = {(row_id, by_name[str(name).casefold()]) for row_id, value in values.items()
             for name in _tags(value)}  # fmt: skip
    if links:
        rows = [{"user_id": user_id, "transaction_id": row_id, "tag_id": tag_id}
                for row_id, tag_id in sorted(links)]  # fmt: skip
        conn.execute(insert(transaction_tags), rows)


def _tags(value: dict[str, object]) -> list[object]:
    tags = value["tags"]
    assert isinstance(tags, list)
    return tags
