"""data/rules/engine.py: each condition, any/all, order, stop, later rules seeing earlier
changes, tags merged, splits keeping their parts' categories, RE2's linear time on a ReDoS
pattern, and the engine agreeing with the plain loop (tests/rules_reference.py) everywhere."""

from __future__ import annotations

import random
from datetime import date

import pytest

from data.entries import Split, Transaction
from data.rules.engine import apply_many, apply_rules, compile_rules
from data.rules.model import Action, Condition, Rule
from tests.rules_reference import PlainRules

DAY = date(2026, 5, 4)
COFFEE = Transaction(1, DAY, -350, "  Café   MÜLLER  Berlin", "Kartenzahlung 0042 ref 991")
TAG = Action("add_tags", ("hit",))


def rule(*conditions: Condition, actions=(TAG,), match="all", stop=False, rule_id=1) -> Rule:
    return Rule(rule_id, f"r{rule_id}", True, match, conditions, actions, stop)


def matches(condition: Condition, txn: Transaction = COFFEE) -> bool:
    return bool(apply_rules(compile_rules([rule(condition)]), txn).rule_ids)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("payee", "contains", "müller"), True),
        (Condition("payee", "contains", "café müller"), True),
        (Condition("payee", "contains", "mueller"), False),
        (Condition("payee", "equals", "café müller berlin"), True),
        (Condition("payee", "equals", "café müller"), False),
        (Condition("payee", "starts_with", "CAFÉ M"), True),
        (Condition("payee", "starts_with", "müller"), False),
        (Condition("payee", "matches", r"^caf. m\pL+ (berlin|hamburg)$"), True),
        # RE2's \w is ASCII (as documented in model.py): \pL is any letter.
        (Condition("payee", "matches", r"^caf. m\w+ berlin$"), False),
        (Condition("payee", "matches", r"hamburg"), False),
        (Condition("memo", "contains", "REF 991"), True),
        (Condition("memo", "matches", r"\d{4} ref 9+1"), True),
        (Condition("memo", "equals", "kartenzahlung"), False),
        (Condition("payee", "contains", "a.c"), False),  # a literal, not a pattern
        (Condition("amount", "equals", -350), True),
        (Condition("amount", "equals", 350), False),
        (Condition("amount", "between", (-500, -350)), True),
        (Condition("amount", "between", (-349, 0)), False),
        (Condition("amount", "sign", "out"), True),
        (Condition("amount", "sign", "in"), False),
        (Condition("account", "is", 1), True),
        (Condition("account", "is", 2), False),
    ],
)
def test_each_condition(condition, expected):
    assert matches(condition) is expected


def test_all_needs_every_condition_any_needs_one():
    hit, miss = Condition("payee", "contains", "café"), Condition("amount", "sign", "in")
    assert not matches_rule(rule(hit, miss))
    assert matches_rule(rule(hit, miss, match="any"))
    assert matches_rule(rule(miss, Condition("account", "is", 1), match="any"))
    assert not matches_rule(rule(miss, Condition("account", "is", 2), match="any"))


def matches_rule(one: Rule) -> bool:
    return bool(apply_rules(compile_rules([one]), COFFEE).rule_ids)


def test_rules_run_in_order_later_ones_see_earlier_changes_and_stop_ends_it():
    rename = rule(Condition("payee", "contains", "müller"),
                  actions=(Action("rename_payee", "Bakery"),), rule_id=1)  # fmt: skip
    on_new_name = rule(Condition("payee", "equals", "bakery"),
                       actions=(Action("set_category", 9),), rule_id=2)  # fmt: skip
    on_old_name = rule(Condition("payee", "contains", "müller"), rule_id=3)
    memo = rule(Condition("amount", "sign", "out"), actions=(Action("set_memo", "coffee"),),
                stop=True, rule_id=4)  # fmt: skip
    after_stop = rule(Condition("amount", "sign", "out"), rule_id=5)
    outcome = apply_rules(
        compile_rules([rename, on_new_name, on_old_name, memo, after_stop]), COFFEE
    )
    assert outcome.rule_ids == (1, 2, 4)
    assert outcome.transaction.payee == "Bakery"
    assert outcome.transaction.category_id == 9
    assert outcome.transaction.memo == "coffee"
    assert outcome.transaction.tags == ()
    # In the other order the category rule looks before the rename, and misses.
    assert apply_rules(compile_rules([on_new_name, rename]), COFFEE).rule_ids == (1,)


def test_add_tags_merges_whatever_the_case_and_keeps_the_transactions_own():
    tagged = Transaction(1, DAY, -100, "Shop", tags=("Food", "weekly"))
    first = rule(
        Condition("payee", "equals", "shop"), actions=(Action("add_tags", ("food", "Trip")),)
    )
    more = (Action("add_tags", ("TRIP", "x")),)
    second = rule(Condition("payee", "equals", "shop"), actions=more, rule_id=2)
    outcome = apply_rules(compile_rules([first, second]), tagged)
    assert outcome.transaction.tags == ("Food", "weekly", "Trip", "x")


def test_set_category_skips_a_split_and_a_category_not_usable_but_the_rest_applies():
    split = Transaction(1, DAY, -1000, "Market", splits=(Split(-600, 1), Split(-400, 2)))
    actions = (Action("set_category", 5), Action("rename_payee", "Farmers market"))
    compiled = compile_rules([rule(Condition("payee", "contains", "market"), actions=actions)])
    outcome = apply_rules(compiled, split)
    assert outcome.transaction == Transaction(1, DAY, -1000, "Farmers market", splits=split.splits)
    whole = Transaction(1, DAY, -1000, "Market")
    archived = compile_rules([rule(Condition("payee", "contains", "market"), actions=actions)],
                             usable_categories={6})  # fmt: skip
    outcome = apply_rules(archived, whole)
    assert outcome.rule_ids == (1,)
    assert (outcome.transaction.category_id, outcome.transaction.payee) == (None, "Farmers market")


def test_disabled_rules_are_left_out():
    off = Rule(1, "off", False, "all", (Condition("amount", "sign", "out"),), (TAG,))
    assert apply_rules(compile_rules([off]), COFFEE).rule_ids == ()


def test_the_owasp_redos_pattern_runs_in_linear_time():
    """^(a+)+$ backtracks exponentially in Python's re on "aaaa…!"; RE2 answers at once."""
    evil = Transaction(1, DAY, -1, "a" * 50_000 + "!", "a" * 50_000 + "!")
    compiled = compile_rules([rule(Condition("payee", "matches", "^(a+)+$")),
                              rule(Condition("memo", "matches", r"^(([a-z])+.)+[A-Z]([a-z])+$"),
                                   rule_id=2)])  # fmt: skip
    assert apply_rules(compiled, evil).rule_ids == ()
    assert apply_rules(compiled, Transaction(1, DAY, -1, "a" * 50_000)).rule_ids == (1,)


def random_rules(draw: random.Random, count: int) -> list[Rule]:
    words = ["rewe", "café", "bahn", "ref 1", "amazon", "müller", "kiosk"]
    made = []
    for number in range(count):
        conditions = []
        for _ in range(draw.randint(1, 3)):
            kind = draw.randrange(6)
            field = draw.choice(["payee", "memo"])
            if kind < 3:
                conditions.append(Condition(field, ["contains", "starts_with", "equals"][kind],
                                            draw.choice(words)))  # fmt: skip
            elif kind == 3:
                conditions.append(
                    Condition(field, "matches", draw.choice([r"\d{2}", r"^r.we", "n$"]))
                )
            elif kind == 4:
                conditions.append(Condition("amount", "between", (-draw.randint(0, 5000), 100)))
            else:
                conditions.append(Condition("account", "is", draw.randint(1, 2)))
        actions = [Action("add_tags", (f"t{number}",))]
        if draw.random() < 0.3:
            actions.append(Action("rename_payee", draw.choice(["REWE", "Kiosk 2", "Bahn"])))
        if draw.random() < 0.3:
            actions.append(Action("set_memo", draw.choice(["ref 10", "x"])))
        if draw.random() < 0.5:
            actions.append(Action("set_category", draw.randint(1, 4)))
        made.append(Rule(number, f"r{number}", draw.random() < 0.9, draw.choice(["all", "any"]),
                         tuple(conditions), tuple(actions), draw.random() < 0.1))  # fmt: skip
    return made


def random_transactions(draw: random.Random, count: int) -> list[Transaction]:
    payees = ["REWE Markt", "Café Müller", "DB Bahn", "Kiosk 2", "amazon.de", ""]
    return [
        Transaction(
            draw.randint(1, 2),
            DAY,
            draw.randint(-6000, 200),
            draw.choice(payees),
            f"ref {draw.randint(1, 30)} {draw.choice(payees)}",
        )  # fmt: skip
        for _ in range(count)
    ]


@pytest.mark.parametrize("seed", range(5))
def test_the_engine_agrees_with_the_plain_loop(seed):
    draw = random.Random(seed)
    rules = random_rules(draw, 40)
    txns = random_transactions(draw, 300)
    expected = [PlainRules(rules, {1, 2, 3}).apply(txn) for txn in txns]
    assert apply_many(compile_rules(rules, {1, 2, 3}), txns) == expected
    assert sum(1 for outcome in expected if outcome.rule_ids) > 100
