"""bench/suggestions.py's own arithmetic: the date split, the bank rewrite and the calibration
error (the benchmark itself is never run by the tests)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np

from bench.suggestions import bank_text, noisy, quality, split_by_date
from data.payees import clean_payee
from data.suggest.features import HistoryRow
from data.suggest.model import Suggestion


def _rows(days):
    start = date(2025, 1, 1)
    return [HistoryRow("Lidl", "", -100, 1, start + timedelta(days=d), 4) for d in days]


def test_the_split_is_by_date_and_never_cuts_a_day():
    rows = _rows([0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 8])
    train, test = split_by_date(list(reversed(rows)))
    assert len(train) + len(test) == len(rows)
    assert max(r.date for r in train) < min(r.date for r in test)
    assert len(train) >= 8


def test_the_bank_rewrite_is_deterministic_and_shouts():
    rows = _rows(range(50))
    assert noisy(rows) == noisy(rows)
    texts = [row.payee for row in noisy(rows)]
    assert all(text.isupper() or "*" in text for text in texts)
    assert len(set(texts)) > 10
    assert {clean_payee(text).casefold() for text in texts} >= {"lidl"}


class _Fixed:
    """A stand-in model whose top suggestion is category 4 with a set probability."""

    def __init__(self, probability):
        self.probability = probability

    def suggest_many(self, examples):
        return [[Suggestion(4, self.probability), Suggestion(5, 0.0)] for _ in examples]


def test_calibration_error_is_the_gap_between_confidence_and_accuracy():
    rows = _rows(range(10))
    wrong = [r._replace(category_id=5) for r in rows[:3]] + rows[3:]  # 70 % right
    assert quality(_Fixed(0.7), wrong)["ece"] == 0.0
    result = quality(_Fixed(0.95), wrong)
    assert np.isclose(result["ece"], 0.25)
    assert result["top1"] == 0.7 and result["top3"] == 1.0


def test_bank_text_keeps_the_payee_readable_after_cleaning():
    rng = random.Random(1)
    cleaned = [clean_payee(bank_text("Sunrise Bakery", rng)) for _ in range(40)]
    # An unknown small town before the country code stays: "Sunrise Bakery Kleinstadt".
    assert all(text.startswith("Sunrise Bakery") for text in cleaned)
    assert cleaned.count("Sunrise Bakery") >= 30
