"""The rules figure: 500 varied rules over 50,000 transactions, in memory (no database).

  python -m bench.rules [--rules 500] [--transactions 50000] [--plain]

Prints one JSON object: seconds to compile the rules and to apply them to every transaction
(data/rules/engine.py), how many transactions some rule matched, and with --plain the same
through tests/rules_reference.py's plain loop (every rule, every condition: the "before").
The transactions are a bank's lines as an import makes them: 2,000 merchants, card memos
whose references all differ, nine in ten amounts money out.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta

from data.entries import Transaction
from data.rules.engine import apply_many, compile_rules
from data.rules.model import Action, Condition, Rule

CITIES = ("Berlin", "Hamburg", "München", "Köln", "Leipzig")
KINDS = ("Markt", "Bäckerei", "Tankstelle", "Apotheke", "Café", "Buchhandlung", "Kiosk")


def transactions(count: int, seed: int = 11) -> list[Transaction]:
    draw = random.Random(seed)
    start = date(2025, 1, 1)
    made = []
    for number in range(count):
        merchant = draw.randrange(2_000)
        payee = f"{KINDS[merchant % len(KINDS)]} {merchant} {CITIES[merchant % 5]}"
        memo = f"Kartenzahlung {draw.randrange(10_000):04d} Ref {number} {payee.upper()}"
        cents = -draw.randint(100, 250_000) if draw.random() < 0.9 else draw.randint(1_000, 400_000)
        made.append(Transaction(1 + number % 3, start + timedelta(days=number % 700), cents,
                                payee, memo))  # fmt: skip
    return made


def rules(count: int, seed: int = 5) -> list[Rule]:
    """Contains, starts_with, equals, patterns, amount ranges, any/all, a few stops."""
    draw = random.Random(seed)
    made = []
    for number in range(count):
        merchant = draw.randrange(2_000)
        kind = number % 10
        payee_text = f"{KINDS[merchant % len(KINDS)]} {merchant}"
        conditions: tuple[Condition, ...]
        if kind < 4:
            conditions = (Condition("payee", "contains", f"{merchant} {CITIES[merchant % 5]}"),)
        elif kind < 6:
            conditions = (Condition("payee", "starts_with", payee_text),)
        elif kind == 6:
            pattern = rf"^{KINDS[merchant % len(KINDS)]} {merchant // 10}\d\b"
            conditions = (Condition("payee", "matches", pattern),)
        elif kind == 7:
            pattern = rf"kartenzahlung \d{{4}} ref \d*{merchant:03d}\b"
            conditions = (Condition("memo", "matches", pattern),)
        elif kind == 8:
            low = -draw.randint(1_000, 100_000)
            conditions = (Condition("payee", "contains", payee_text),
                          Condition("amount", "between", (low * 2, low)))  # fmt: skip
        else:
            conditions = _any_or_amount(number, merchant)
        match = "any" if kind == 9 and number % 20 == 9 else "all"
        actions = (Action("set_category", 1 + number % 40), Action("add_tags", (f"r{number}",)))
        made.append(Rule(number + 1, f"Rule {number}", True, match, conditions, actions,
                         stop=number % 7 == 0))  # fmt: skip
    return made


def _any_or_amount(number: int, merchant: int) -> tuple[Condition, ...]:
    if number % 20 == 9:
        return (Condition("memo", "contains", f"ref {merchant}7"),
                Condition("payee", "equals", f"kiosk {merchant} berlin"))  # fmt: skip
    # Amount-only rules are looked at for every transaction: a few, as people write them.
    if number % 100 == 19:
        return (Condition("amount", "between", (-500, -100)), Condition("amount", "sign", "out"))
    return (Condition("account", "is", 1 + number % 3),
            Condition("memo", "starts_with", f"kartenzahlung {merchant:04d}"))  # fmt: skip


def run(rule_count: int, txn_count: int, plain: bool) -> dict[str, float]:
    lines, rule_list = transactions(txn_count), rules(rule_count)
    figures: dict[str, float] = {"rules": rule_count, "transactions": txn_count}
    started = time.perf_counter()
    compiled = compile_rules(rule_list)
    figures["compile_s"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    outcomes = apply_many(compiled, lines)
    figures["apply_s"] = round(time.perf_counter() - started, 3)
    figures["matched"] = sum(1 for outcome in outcomes if outcome.rule_ids)
    figures["rule_matches"] = sum(len(outcome.rule_ids) for outcome in outcomes)
    if plain:
        from tests.rules_reference import PlainRules

        reference = PlainRules(rule_list)
        started = time.perf_counter()
        expected = [reference.apply(txn) for txn in lines]
        figures["plain_apply_s"] = round(time.perf_counter() - started, 3)
        figures["plain_agrees"] = int(expected == outcomes)
    return figures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.rules")
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--transactions", type=int, default=50_000)
    parser.add_argument("--plain", action="store_true", help="also time the plain loop")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.rules, args.transactions, args.plain)))


if __name__ == "__main__":
    main(sys.argv[1:])
