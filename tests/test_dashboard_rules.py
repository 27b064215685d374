"""The /rules page: the editor's values parsed into a Rule (and refused, saying why), the list's
summaries, and the callbacks' bodies (create, edit, enable, move, delete, test, apply to
existing and its undo) called as plain functions inside a request acting as a user."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from dash import Patch, no_update

from dashboard import ids, routing
from dashboard.callbacks import rules as cb
from dashboard.callbacks.rules_form import (
    ActionRow,
    ConditionRow,
    EditorError,
    EditorValues,
    editor_rows,
    rule_from_editor,
)
from dashboard.callbacks.rules_view import (
    Names,
    action_parts,
    condition_parts,
    op_options,
    rule_summary,
)
from dashboard.callbacks.shell import PAGES_WITHOUT_FILTERS
from dashboard.shell import NAV_ITEMS
from data import lookups, setup_writes, writes
from data.entries import Transaction
from data.rules import existing, store
from data.rules.model import Action, Condition, Rule
from tests.conftest import as_user, make_user
from tests.test_dashboard_budgets import texts, walk

DAY = date(2026, 3, 14)


SEVEN = (ActionRow(category="7"),)


def values(*conditions: ConditionRow, actions=SEVEN, **changes) -> EditorValues:
    fields = {"name": "Netflix", "match": "all", "stop": False, "actions": actions,
              "conditions": conditions or (ConditionRow(text="netflix"),)}  # fmt: skip
    return EditorValues(**{**fields, **changes})


def problems_of(editor: EditorValues, currency: str = "EUR") -> list[str]:
    with pytest.raises(EditorError) as refused:
        rule_from_editor(editor, currency)
    return refused.value.problems


# --- The page and its place in the app ---


def test_the_rules_page_answers_at_rules_after_import_in_the_navbar():
    assert routing.PAGES["/rules"].TITLE == "Rules"
    shown = {
        c.id for c in walk(routing.render_page("/rules")) if isinstance(getattr(c, "id", None), str)
    }
    assert {ids.RULES_LIST, ids.RULE_EDITOR, ids.RULES_APPLY_MODAL, ids.RULES_RUN_STORE} <= shown
    hrefs = [href for href, _label, _icon in NAV_ITEMS]
    assert hrefs.index("/rules") == hrefs.index("/import") + 1
    assert "/rules" in PAGES_WITHOUT_FILTERS


# --- The editor's values as a Rule ---


def test_the_editor_makes_a_rule_with_trimmed_texts_and_exact_amounts():
    editor = values(
        ConditionRow("payee", "starts_with", "  Netflix  "),
        ConditionRow("amount", "between", amount=" -5.00 ", high="-20"),
        ConditionRow("amount", "equals", amount="-1,234.56"),
        ConditionRow("amount", "sign", sign="out"),
        ConditionRow("account", "is", account="3"),
        ConditionRow("memo", "matches", r" card \d+ "),
        actions=(
            ActionRow("set_category", category="7"),
            ActionRow("rename_payee", text="  Netflix  "),
            ActionRow("add_tags", tags=" tv,  Streaming , tv,, "),
            ActionRow("set_memo", text=" "),
        ),
        name="  Streaming  ",
        match="any",
        stop=True,
    )
    rule = rule_from_editor(editor, "EUR")
    assert rule == Rule(
        None,
        "Streaming",
        True,
        "any",
        (
            Condition("payee", "starts_with", "Netflix"),
            # Either order: the span from the lower to the higher.
            Condition("amount", "between", (-2000, -500)),
            Condition("amount", "equals", -123456),
            Condition("amount", "sign", "out"),
            Condition("account", "is", 3),
            Condition("memo", "matches", r"card \d+"),
        ),
        (
            Action("set_category", 7),
            Action("rename_payee", "Netflix"),
            Action("add_tags", ("Streaming", "tv")),
            Action("set_memo", ""),
        ),
        True,
    )


def test_amounts_are_read_in_the_users_currency():
    rule = rule_from_editor(values(ConditionRow("amount", "equals", amount="-1200")), "JPY")
    assert rule.conditions == (Condition("amount", "equals", -1200),)
    problems = problems_of(values(ConditionRow("amount", "equals", amount="12.5")), "JPY")
    assert problems == ["Condition 1: JPY amounts have no decimals."]


def test_every_bad_row_is_named_with_its_reason():
    editor = values(
        ConditionRow("payee", "contains", "   "),
        ConditionRow("payee", "between", "x"),
        ConditionRow("colour", "contains", "x"),
        ConditionRow("amount", "equals", amount="12.345"),
        ConditionRow("amount", "between", amount="1", high=""),
        ConditionRow("amount", "sign", sign="sideways"),
        ConditionRow("account", "is", account="alice's"),
        ConditionRow("memo", "matches", "(?=lookahead)"),
        actions=(
            ActionRow("set_category", category=""),
            ActionRow("rename_payee", text="  "),
            ActionRow("explode"),
            ActionRow("add_tags", tags=" , "),
        ),
    )
    problems = problems_of(editor)
    assert problems[:8] == [
        "Condition 1: Enter the text to look for.",
        "Condition 2: Choose how to compare.",
        "Condition 3: Choose what to look at: the payee, memo, amount or account.",
        "Condition 4: Use at most 2 decimals for EUR.",
        "Condition 5: Enter an amount.",
        "Condition 6: Choose money in or money out.",
        "Condition 7: Choose an account.",
        "Condition 8: This pattern cannot be used: invalid perl operator "
        "(look-around and back-references are not supported).",
    ]
    assert problems[8:] == [
        "Action 1: Choose a category.",
        "Action 2: Enter the payee as it should read.",
        "Action 3: Choose what the rule does.",
        "Action 4: Name at least one tag.",
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        values(ConditionRow(["payee"], "contains", "x")),
        values(ConditionRow({"f": 1}, "contains", "x")),
        values(ConditionRow("payee", {"op": 1}, "x")),
        values(ConditionRow("amount", "sign", sign={"in": 1})),
        values(actions=(ActionRow({"kind": 1}),)),
        values(match={"all": 1}),
        values(ConditionRow("payee", "contains", {"$gt": 1})),
        values(ConditionRow("account", "is", account={"id": 1})),
        values(ConditionRow("account", "is", account=True)),
        values(ConditionRow("amount", "equals", amount=12)),
        values(actions=(ActionRow("set_category", category="99999999999999999"),)),
        values(actions=(ActionRow("add_tags", tags=["a"]),)),
        values(match="some"),
        values(name=["Netflix"]),
        values(name="   "),
        values(conditions=(), actions=()),
    ],
)
def test_values_a_browser_never_sends_are_refused_without_a_crash(hostile):
    problems = problems_of(hostile)
    assert problems and all(isinstance(line, str) and line for line in problems)


def test_too_many_rows_are_refused_before_any_is_read():
    many = values(*[ConditionRow(text="x")] * 21)
    assert problems_of(many) == ["Give 1 to 20 conditions and 1 to 10 actions."]


def test_each_field_and_op_shows_only_the_boxes_it_uses():
    assert condition_parts("payee", "matches") == {"text"}
    assert condition_parts("amount", "between") == {"amount", "high"}
    assert condition_parts("amount", "sign") == {"sign"}
    assert condition_parts("account", "is") == {"account"}
    assert [o["value"] for o in op_options("memo")] == [
        "contains",
        "equals",
        "starts_with",
        "matches",
    ]
    assert [o["value"] for o in op_options("account")] == ["is"]
    # Whatever a page sends, some choices are shown.
    assert condition_parts(None, None) == {"text"} and op_options({"x": 1})
    assert [action_parts(k) for k in ("set_category", "add_tags", "set_memo", None)] == [
        {"category"}, {"tags"}, {"text"}, {"text"},
    ]  # fmt: skip


def test_messages_never_quote_what_was_typed():
    secret = "<script>SECRET</script>"
    editor = values(
        ConditionRow("amount", "equals", amount=secret),
        ConditionRow("memo", "matches", f"({secret}"),
        actions=(ActionRow("rename_payee", text=" " * 3),),
    )
    assert "SECRET" not in " ".join(problems_of(editor))


def test_a_stored_rule_comes_back_into_the_editor_as_it_was():
    rule = Rule(
        None, "Trip", True, "all",
        (Condition("memo", "contains", "trip"), Condition("amount", "between", (-99999, -1)),
         Condition("amount", "equals", 250), Condition("amount", "sign", "in"),
         Condition("account", "is", 4)),
        (Action("set_category", 9), Action("add_tags", ("a b", "c")), Action("set_memo", "x")),
        False,
    )  # fmt: skip
    conditions, actions = editor_rows(rule, "EUR")
    assert conditions[1] == ConditionRow("amount", "between", amount="-999.99", high="-0.01")
    assert actions[1] == ActionRow("add_tags", tags="a b, c")
    again = EditorValues("Trip", "all", False, tuple(conditions), tuple(actions))
    assert rule_from_editor(again, "EUR") == rule


# --- The summary in the list ---

NAMES = Names({7: "Subscriptions"}, {3: "Checking"}, "EUR")


def test_the_summary_reads_as_a_sentence():
    netflix = rule_from_editor(values(stop=True), "EUR")
    assert (
        rule_summary(netflix, NAMES)
        == "Payee contains 'netflix' \u2192 Category Subscriptions, stop"
    )
    editor = values(
        ConditionRow("amount", "between", amount="-20", high="-5"),
        ConditionRow("account", "is", account="3"),
        ConditionRow("amount", "sign", sign="in"),
        ConditionRow("memo", "equals", "rent"),
        actions=(ActionRow("add_tags", tags="b, a"), ActionRow("rename_payee", text="X"),
                 ActionRow("set_memo", text=""), ActionRow("set_category", category="8")),
        match="any",
    )  # fmt: skip
    assert rule_summary(rule_from_editor(editor, "EUR"), NAMES) == (
        "Amount between -20.00 and -5.00 or Account Checking or Money in or Memo is 'rent' "
        "\u2192 Tags 'a', 'b', Payee 'X', Memo cleared, Category (not found)"
    )


# --- The callbacks' bodies, as a user ---


@pytest.fixture
def alice(engine) -> dict[str, int]:
    user_id = make_user(engine, "alice")
    found = {"user": user_id}
    found["checking"] = setup_writes.create_account(engine, user_id, "Checking", "checking")
    found["food"] = setup_writes.create_category(engine, user_id, "Food", "expense")
    found["fun"] = setup_writes.create_category(engine, user_id, "Fun", "expense")
    for number, payee in enumerate(("REWE Markt 12", "Rewe City", "Cinema", "REWE edited")):
        txn = Transaction(found["checking"], DAY, -1000 - number, payee, "", found["fun"])
        found[f"t{number}"] = writes.create_transaction(engine, user_id, txn)
    return found


def form_of(editor: EditorValues) -> dict:
    """The editor as the save and test callbacks receive it (_editor_state's "form")."""
    form = {"name": editor.name, "match": editor.match, "stop": editor.stop}
    for name in cb.CONDITION_CONTROLS:
        form[f"cond_{name}"] = [getattr(row, name) for row in editor.conditions]
    for name in cb.ACTION_CONTROLS:
        form[f"action_{name}"] = [getattr(row, name) for row in editor.actions]
    return form


def rewe_form(h: dict[str, int], name: str = "Groceries", text: str = " rewe ") -> dict:
    actions = (ActionRow(category=str(h["food"])), ActionRow("add_tags", tags="groceries"))
    return form_of(values(ConditionRow("payee", "contains", text), actions=actions, name=name))


def categories_of(engine, h: dict[str, int]) -> list:
    return [lookups.get_transaction(engine, h["user"], h[f"t{n}"])["category_id"] for n in range(4)]


def test_create_edit_enable_move_and_delete_through_the_callbacks(app, engine, alice):
    user = alice["user"]
    with as_user(app, user):
        saved, problems = cb.save_rule(None, rewe_form(alice))
        assert (saved.saved, saved.message, problems) == (True, "Added the rule Groceries.", [])
        cinema = rewe_form(alice, "Cinema", "cinema")
        assert cb.save_rule(None, cinema)[0].saved
        # The same name again, in another case: the store's message, next to the form.
        again = cb.save_rule(None, rewe_form(alice, "GROCERIES"))
        assert again == (cb.FormOutcome(False), ["You have a rule with that name already."])
        first, second = store.list_rules(engine, user)
        shown = texts(cb.rules_list())
        assert "Payee contains 'rewe' \u2192 Category Food, Tags 'groceries'" in shown

        assert cb.set_enabled(first.id, False).message == "The rule Groceries is off."
        assert cb.set_enabled(first.id, False) == cb.FormOutcome(False)  # a re-render: no write
        # An edit keeps the rule off and its place.
        edited = cb.save_rule(first.id, rewe_form(alice, "Food shops", "rewe"))
        assert edited == (cb.FormOutcome(True, "Saved the rule Food shops."), [])
        assert store.get_rule(engine, user, first.id).enabled is False

        assert cb.move(first.id, "up").message == "That rule is first already."
        assert cb.move(second.id, "down").message == "That rule is last already."
        assert cb.move(second.id, "up") == cb.FormOutcome(True, "Moved the rule to place 1.")
        assert [r.name for r in store.list_rules(engine, user)] == ["Cinema", "Food shops"]

        is_open, text, target, _feedback = cb.delete_question(first.id)
        assert (is_open, target) == (True, first.id) and "Food shops" in texts(text)
        assert cb.delete(target).message == "Deleted the rule Food shops."
        assert [r.name for r in store.list_rules(engine, user)] == ["Cinema"]


def test_the_editor_opens_empty_or_with_the_rule(app, engine, alice):
    with as_user(app, alice["user"]):
        cb.save_rule(None, rewe_form(alice))
        [rule] = store.list_rules(engine, alice["user"])
        new = cb.open_editor(None)
        edit = cb.open_editor(rule.id)
    assert (new["edit_id"], new["name"], len(new["conditions"]), len(new["actions"])) == (
        None, "", 1, 1,
    )  # fmt: skip
    assert (edit["edit_id"], edit["name"], edit["title"]) == (
        rule.id, "Groceries", "Edit the rule Groceries",
    )  # fmt: skip
    values_shown = [getattr(c, "value", None) for c in walk(edit["actions"])]
    assert str(alice["food"]) in values_shown and "groceries" in values_shown


def test_bad_editor_values_are_shown_next_to_the_form_and_store_nothing(app, engine, alice):
    with as_user(app, alice["user"]):
        outcome, problems = cb.save_rule(None, form_of(values(ConditionRow(text=""))))
        assert not outcome.saved and problems[0] == "Condition 1: Enter the text to look for."
        # Rows whose controls do not line up: not a form the page sends.
        broken = rewe_form(alice) | {"cond_op": []}
        assert cb.save_rule(None, broken) == (cb.FormOutcome(False), [cb.OUT_OF_DATE])
        assert "out of date" in texts(cb.test_rule(broken))
        archived = setup_writes.create_category(engine, alice["user"], "Old", "expense")
        setup_writes.set_category_archived(engine, alice["user"], archived, True)
        old = form_of(values(actions=(ActionRow(category=str(archived)),)))
        assert cb.save_rule(None, old)[1] == ["That category is archived."]
    assert store.list_rules(engine, alice["user"]) == []


def test_test_this_rule_counts_matches_and_changes_of_an_unsaved_rule(app, engine, alice):
    with as_user(app, alice["user"]):
        shown = texts(cb.test_rule(rewe_form(alice, name="  ")))
        broken = texts(cb.test_rule(form_of(values(ConditionRow("amount", "equals", amount="x")))))
    assert "Matches 3 of your transactions; 3 would change." in shown
    assert "REWE Markt 12" in shown and "Food" in shown and "Cinema" not in shown
    assert "Condition 1: Enter a number" in broken
    assert store.list_rules(engine, alice["user"]) == []


def test_apply_to_existing_shows_then_changes_then_undoes_keeping_later_edits(app, engine, alice):
    user = alice["user"]
    with as_user(app, user):
        cb.save_rule(None, rewe_form(alice))
        [rule] = store.list_rules(engine, user)
        is_open, text, target, _ = cb.apply_question({"rule_ids": None})
        assert (is_open, target) == (True, {"rule_ids": None})
        assert "Matches 3 of your transactions; 3 would change." in texts(text)
        assert categories_of(engine, alice) == [alice["fun"]] * 4  # nothing changed yet

        result, run_id = cb.apply_confirmed(target)
        assert "Applied: 3 transactions changed." in texts(result)
        food, fun = alice["food"], alice["fun"]
        assert categories_of(engine, alice) == [food, food, fun, food]
        # The row's own Apply, once every one is changed: nothing to do, said so.
        is_open, _text, _target, feedback = cb.apply_question({"rule_ids": [rule.id]})
        assert not is_open and "This rule would change none" in texts(feedback)
        # An edit after the run: undo leaves it.
        txn = lookups.stored_transaction(engine, user, alice["t3"])
        writes.update_transaction(engine, user, alice["t3"], replace(txn, category_id=fun))

        outcome, finished = cb.undo(run_id)
        assert outcome.message == (
            "Undone: 2 transactions restored. 1 kept as it is: it was edited since."
        )
        assert finished and categories_of(engine, alice) == [fun] * 4
        assert cb.undo(run_id)[0].message == "That apply was undone already."


def test_another_users_rules_and_runs_are_not_found_and_unchanged(app, engine, alice):
    with as_user(app, alice["user"]):
        cb.save_rule(None, rewe_form(alice))
        [rule] = store.list_rules(engine, alice["user"])
        _, run_id = cb.apply_confirmed({"rule_ids": None})
    before = store.list_rules(engine, alice["user"])
    bob = make_user(engine, "bob")
    with as_user(app, bob):
        assert "not found" in texts(cb.open_editor(rule.id)["feedback"])
        assert cb.save_rule(rule.id, rewe_form(alice))[1] == ["That rule was not found."]
        # Bob naming alice's category in his own new rule: not found either.
        assert cb.save_rule(None, rewe_form(alice))[1] == ["No such category."]
        assert cb.set_enabled(rule.id, False).message == "That rule was not found."
        assert cb.move(rule.id, "down").message == "That rule was not found."
        assert cb.delete_question(rule.id)[0] is False
        assert cb.delete(rule.id).message == "That rule was not found."
        assert cb.apply_question({"rule_ids": [rule.id]})[0] is False
        assert "not found" in texts(cb.apply_confirmed({"rule_ids": [rule.id]})[0])
        assert cb.undo(run_id)[0].message == "There is nothing to undo."
        assert "Groceries" not in texts(cb.rules_list())
    assert store.list_rules(engine, alice["user"]) == before
    assert existing.undo_rule_run(engine, alice["user"], run_id).restored == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"rule_ids": None}, None),
        ({"rule_ids": [3, 4]}, [3, 4]),
        ({"rule_ids": []}, False),
        ({"rule_ids": ["3"]}, False),
        ({"rule_ids": [True]}, False),
        ({"rule_ids": 3}, False),
        ({}, False),
        (None, False),
        ([3], False),
    ],
)
def test_the_apply_target_is_all_enabled_rules_or_ids(value, expected):
    assert cb.apply_target(value) == expected


def test_condition_rows_are_added_and_removed_within_limits(app, alice):
    with as_user(app, alice["user"]):
        added, message = cb.rows_changed("condition", ids.RULE_CONDITION_ADD, [0, 4])
        assert message == "" and isinstance(added, Patch)
        [operation] = added.to_plotly_json()["operations"]
        assert operation["operation"] == "Append"
        assert operation["params"]["value"].children[0].children.children[1].id == {
            "type": ids.COND_FIELD, "index": 5,
        }  # fmt: skip
        removed, _ = cb.rows_changed("action", {"type": ids.ACTION_REMOVE, "index": 4}, [0, 4])
        [operation] = removed.to_plotly_json()["operations"]
        assert operation["operation"] == "Delete" and operation["location"] == [1]
        full = cb.rows_changed("action", ids.RULE_ACTION_ADD, list(range(10)))
        assert full == (no_update, "A rule has at most 10 actions.")
        last = cb.rows_changed("condition", {"type": ids.COND_REMOVE, "index": 0}, [0])
        assert last == (no_update, "A rule needs at least one condition.")
