"""data/rules/store.py and data/rules/existing.py on both dialects: rules stored in order,
moved, checked against their owner; "test this rule", "apply to existing" and its undo."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, select

from data import lookups, setup_writes, writes
from data.entries import Split, Transaction, Transfer
from data.rules import existing, store
from data.rules.engine import apply_rules
from data.rules.model import Action, Condition, Rule
from data.schema import users
from data.validation import NotFound, ValidationError
from tests.conftest import make_user

DAY = date(2026, 5, 4)


def household(engine: Engine, name: str) -> dict[str, int]:
    user_id = make_user(engine, name)
    ids = {"user": user_id}
    ids["checking"] = setup_writes.create_account(engine, user_id, "Checking", "checking")
    ids["savings"] = setup_writes.create_account(engine, user_id, "Savings", "savings")
    ids["food"] = setup_writes.create_category(engine, user_id, "Food", "expense")
    ids["fun"] = setup_writes.create_category(engine, user_id, "Fun", "expense")
    return ids


@pytest.fixture
def alice(engine) -> dict[str, int]:
    return household(engine, "alice")


@pytest.fixture
def bob(engine) -> dict[str, int]:
    return household(engine, "bob")


def a_rule(name: str, category: int, text: str = "rewe", **changes) -> Rule:
    actions = (Action("set_category", category), Action("add_tags", ("groceries",)))
    conditions = (Condition("payee", "contains", text),)
    values = {"id": None, "name": name, "enabled": True, "match": "all",
              "conditions": conditions, "actions": actions}  # fmt: skip
    return Rule(**{**values, **changes})


def version(engine: Engine, user_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(select(users.c.data_version).where(users.c.id == user_id)).scalar_one()


def test_create_update_list_get_and_delete(engine, alice):
    user = alice["user"]
    before = version(engine, user)
    first = store.create_rule(engine, user, a_rule("Groceries", alice["food"]))
    second = store.create_rule(engine, user, a_rule("Cinema", alice["fun"], "kino"))
    assert version(engine, user) == before + 2
    assert [r.name for r in store.list_rules(engine, user)] == ["Groceries", "Cinema"]
    assert store.get_rule(engine, user, first) == a_rule("Groceries", alice["food"], id=first)
    changed = a_rule("Supermarket", alice["fun"], "lidl", match="any", stop=True)
    store.update_rule(engine, user, first, changed)
    assert store.get_rule(engine, user, first) == replace(changed, id=first)
    store.set_rule_enabled(engine, user, second, False)
    assert [r.enabled for r in store.list_rules(engine, user)] == [True, False]
    store.delete_rule(engine, user, first)
    assert [r.id for r in store.list_rules(engine, user)] == [second]
    with pytest.raises(NotFound):
        store.get_rule(engine, user, first)


def test_names_are_unique_per_user_whatever_their_case(engine, alice, bob):
    store.create_rule(engine, alice["user"], a_rule("Groceries", alice["food"]))
    with pytest.raises(ValidationError) as refused:
        store.create_rule(engine, alice["user"], a_rule("GROCERIES", alice["fun"]))
    assert "name" in refused.value.field_errors
    store.create_rule(engine, bob["user"], a_rule("Groceries", bob["food"]))


def test_move_rewrites_the_order(engine, alice):
    user = alice["user"]
    ids = [store.create_rule(engine, user, a_rule(f"R{n}", alice["food"])) for n in range(4)]
    store.move_rule(engine, user, ids[3], 0)
    assert [r.id for r in store.list_rules(engine, user)] == [ids[3], ids[0], ids[1], ids[2]]
    store.move_rule(engine, user, ids[3], 3)
    store.move_rule(engine, user, ids[0], 1)
    assert [r.id for r in store.list_rules(engine, user)] == [ids[1], ids[0], ids[2], ids[3]]
    for bad in (4, -1, "1", True):
        with pytest.raises(ValidationError):
            store.move_rule(engine, user, ids[0], bad)
    compiled = store.load_compiled(engine, user)
    coffee = Transaction(alice["checking"], DAY, -100, "REWE")
    assert apply_rules(compiled, coffee).rule_ids == (ids[1], ids[0], ids[2], ids[3])


def test_a_rule_names_only_the_owners_categories_and_accounts(engine, alice, bob):
    with pytest.raises(NotFound):
        store.create_rule(engine, alice["user"], a_rule("Steal", bob["food"]))
    on_bobs_account = a_rule("Acc", alice["food"],
                             conditions=(Condition("account", "is", bob["checking"]),))  # fmt: skip
    with pytest.raises(NotFound):
        store.create_rule(engine, alice["user"], on_bobs_account)
    setup_writes.set_category_archived(engine, alice["user"], alice["fun"], True)
    with pytest.raises(ValidationError):
        store.create_rule(engine, alice["user"], a_rule("Old", alice["fun"]))
    assert store.list_rules(engine, alice["user"]) == []


def test_bob_can_neither_read_nor_change_alices_rules_nor_runs(engine, alice, bob):
    rule_id = store.create_rule(engine, alice["user"], a_rule("Groceries", alice["food"]))
    writes.create_transaction(
        engine, alice["user"], Transaction(alice["checking"], DAY, -5, "Rewe")
    )
    run_id = existing.apply_to_existing(engine, alice["user"], None)
    bob_user = bob["user"]
    calls = [
        lambda: store.get_rule(engine, bob_user, rule_id),
        lambda: store.update_rule(engine, bob_user, rule_id, a_rule("X", bob["food"])),
        lambda: store.move_rule(engine, bob_user, rule_id, 0),
        lambda: store.set_rule_enabled(engine, bob_user, rule_id, False),
        lambda: store.delete_rule(engine, bob_user, rule_id),
        lambda: existing.apply_to_existing(engine, bob_user, [rule_id]),
        lambda: existing.preview_existing(engine, bob_user, [rule_id]),
        lambda: existing.undo_rule_run(engine, bob_user, run_id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert store.list_rules(engine, bob_user) == []
    assert store.get_rule(engine, alice["user"], rule_id).name == "Groceries"
    assert existing.undo_rule_run(engine, alice["user"], run_id).restored == 1


def ledger(engine: Engine, home: dict[str, int]) -> dict[str, int]:
    user, checking = home["user"], home["checking"]
    ids = {}
    ids["rewe"] = writes.create_transaction(
        engine,
        user,
        Transaction(
            checking, DAY, -2000, "REWE Markt", "weekly", home["fun"], tags=("Trip",)
        ),  # fmt: skip
    )
    ids["plain"] = writes.create_transaction(engine, user, Transaction(checking, DAY, -700, "rewe"))
    ids["split"] = writes.create_transaction(
        engine, user, Transaction(checking, DAY, -900, "Rewe City",
                                  splits=(Split(-500, home["food"]), Split(-400, home["fun"]))),
    )  # fmt: skip
    ids["other"] = writes.create_transaction(engine, user, Transaction(checking, DAY, -1, "Kino"))
    transfer = Transfer(checking, home["savings"], DAY, 100, "REWE savings")
    ids["out"], ids["in"] = writes.create_transfer(engine, user, transfer)
    return ids


def snapshot(engine: Engine, user_id: int, ids: dict[str, int]) -> dict[str, Transaction | None]:
    return {name: lookups.stored_transaction(engine, user_id, row) for name, row in ids.items()}


def test_preview_counts_and_shows_before_and_after(engine, alice):
    rows = ledger(engine, alice)
    unsaved = a_rule("Groceries", alice["food"])
    preview = existing.preview_rule(engine, alice["user"], unsaved, limit=2)
    assert (preview.matched, preview.changed) == (3, 3)  # not the transfer's legs
    assert len(preview.examples) == 2
    first = {change.transaction_id: change for change in preview.examples}[rows["split"]]
    assert first.before.category_id is None and first.after.category_id is None
    assert first.after.tags == ("groceries",)
    assert snapshot(engine, alice["user"], rows)["plain"].tags == ()


def test_apply_to_existing_then_undo_gives_back_exactly_what_was(engine, alice, bob):
    rows = ledger(engine, alice)
    bobs = ledger(engine, bob)
    store.create_rule(engine, bob["user"], a_rule("Bob's", bob["food"]))
    rename = a_rule("Rename", alice["food"], actions=(Action("rename_payee", "REWE"),
                                                      Action("set_memo", "food")))  # fmt: skip
    store.create_rule(engine, alice["user"], rename)
    store.create_rule(engine, alice["user"], a_rule("Groceries", alice["food"], "REWE"))
    before = snapshot(engine, alice["user"], rows)
    bob_before = snapshot(engine, bob["user"], bobs)

    run_id = existing.apply_to_existing(engine, alice["user"], None)

    after = snapshot(engine, alice["user"], rows)
    assert after["plain"] == replace(before["plain"], payee="REWE", memo="food",
                                     category_id=alice["food"], tags=("groceries",))  # fmt: skip
    assert after["rewe"].tags == ("groceries", "Trip")
    assert after["split"].splits == before["split"].splits
    assert after["split"].category_id is None
    assert (after["out"], after["in"], after["other"]) == (before["out"], before["in"],
                                                           before["other"])  # fmt: skip
    assert snapshot(engine, bob["user"], bobs) == bob_before

    result = existing.undo_rule_run(engine, alice["user"], run_id)
    assert (result.restored, result.kept) == (3, 0)
    assert snapshot(engine, alice["user"], rows) == before
    with pytest.raises(ValidationError):
        existing.undo_rule_run(engine, alice["user"], run_id)


def test_undo_keeps_rows_edited_since_the_run(engine, alice):
    rows = ledger(engine, alice)
    rule_id = store.create_rule(engine, alice["user"], a_rule("Groceries", alice["food"]))
    store.set_rule_enabled(engine, alice["user"], rule_id, False)
    assert existing.preview_existing(engine, alice["user"], None).matched == 0
    # A rule named runs even when disabled: the person chose it.
    run_id = existing.apply_to_existing(engine, alice["user"], [rule_id])
    edited = replace(lookups.stored_transaction(engine, alice["user"], rows["plain"]), memo="mine")
    writes.update_transaction(engine, alice["user"], rows["plain"], edited)
    result = existing.undo_rule_run(engine, alice["user"], run_id)
    assert (result.restored, result.kept) == (2, 1)
    assert lookups.stored_transaction(engine, alice["user"], rows["plain"]) == edited
    assert (
        lookups.stored_transaction(engine, alice["user"], rows["rewe"]).category_id == alice["fun"]
    )


def test_a_category_archived_after_saving_is_skipped_when_applying(engine, alice):
    rows = ledger(engine, alice)
    store.create_rule(engine, alice["user"], a_rule("Groceries", alice["food"]))
    setup_writes.set_category_archived(engine, alice["user"], alice["food"], True)
    existing.apply_to_existing(engine, alice["user"], None)
    plain = lookups.stored_transaction(engine, alice["user"], rows["plain"])
    assert (plain.category_id, plain.tags) == (None, ("groceries",))
