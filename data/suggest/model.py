"""A person's own category model: trained on their categorised history, it suggests the three
likeliest categories of a transaction with a calibrated probability each.

Multinomial logistic regression (scikit-learn, lbfgs) over data/suggest/features.py, then one
temperature fitted on the latest fifth of the history by date (the model trained on the rest
predicts it), so that "80 %" comes true about 80 % of the time. Identical lines (same payee,
memo, account, amount bucket, day bucket and category: the same features) are trained on once,
weighted by their count: years of the same coffee cost one row, and memory stays bounded.

Without history there is no model (`train_model` returns None): no guess. Only the columns
seen in training are kept (a few thousand of the hashed space), so a model is small and its
bytes (`to_bytes`, numpy's npz without pickle) are cheap to cache by the user's data_version.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from data.suggest.features import (
    DAY_BUCKET_DAYS,
    Example,
    HistoryRow,
    hashed,
    payee_words,
    weighted,
)

if TYPE_CHECKING:
    import scipy.sparse as sp

MIN_ROWS = 20
MIN_CATEGORIES = 2
TOP = 3
# Examples per vectorised pass of suggest_many.
SUGGEST_CHUNK = 2_000
# Inverse regularisation: the history is clean and specific, little shrinkage is wanted.
C = 20.0
MAX_ITER = 300
# A temperature needs enough held-out lines to mean anything; below, it stays 1.
CALIBRATION_MIN_ROWS = 100
CALIBRATION_SHARE = 5  # the latest 1/5 of the history by date
# The temperatures searched. Below 0.5 a history where every held-out line is right (a tidy
# household) would sharpen without end, and a payee never seen would get 90 %.
TEMPERATURES = np.exp(np.linspace(math.log(0.5), math.log(4.0), 31))
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Suggestion:
    category_id: int
    probability: float


@dataclass(frozen=True, eq=False)
class CategoryModel:
    """The fitted weights over the hashed columns seen in training (`columns`, sorted)."""

    columns: np.ndarray
    idf: np.ndarray
    unseen_idf: float
    coef: np.ndarray
    intercept: np.ndarray
    category_ids: np.ndarray
    temperature: float

    def suggest(
        self, payee: str, memo: str, amount_minor: int, account_id: int, day: int | date
    ) -> list[Suggestion]:
        """The top 3 categories of one transaction (day: its date or its day of the month)."""
        day_of_month = day.day if isinstance(day, date) else day
        return self.suggest_many([Example(payee, memo, amount_minor, account_id, day_of_month)])[0]

    def suggest_many(self, examples: Sequence[Example]) -> list[list[Suggestion]]:
        """The top 3 of each example, likeliest first, vectorised SUGGEST_CHUNK examples at a
        time (an import): every step is row by row, so the chunks change no answer, and the
        sparse matrices of 30,000 lines at once took 170 MB."""
        found: list[list[Suggestion]] = []
        cache: dict[str, list[str]] = {}
        for start in range(0, len(examples), SUGGEST_CHUNK):
            probabilities = self.probabilities(examples[start : start + SUGGEST_CHUNK], cache)
            top = np.argsort(-probabilities, axis=1, kind="stable")[:, :TOP]
            ids = self.category_ids
            found += [
                [Suggestion(int(ids[k]), float(row[k])) for k in order]
                for row, order in zip(probabilities, top, strict=True)
            ]
        return found

    def probabilities(
        self, examples: Sequence[Example], cache: dict[str, list[str]] | None = None
    ) -> np.ndarray:
        """One row per example, one column per category of `category_ids`; rows sum to 1.
        `cache`: the payees' words already found (features.payee_words), shared by chunks."""
        matrix = self._features(hashed(examples, cache))
        scores = (matrix @ self.coef.T + self.intercept) / self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def _features(self, raw: sp.csr_matrix) -> sp.csr_matrix:
        """TF-IDF of the raw hashed matrix, kept to the trained columns. An unseen n-gram weighs
        in each block's norm with the rarest IDF, so a novel payee leans less on its known part."""
        import scipy.sparse as sp

        position = np.searchsorted(self.columns, raw.indices)
        clipped = np.minimum(position, len(self.columns) - 1)
        seen = self.columns[clipped] == raw.indices
        idf = np.where(seen, self.idf[clipped], self.unseen_idf)
        weighted_raw = weighted(raw, idf)
        kept = sp.csr_matrix(
            (weighted_raw.data, np.where(seen, clipped, 0), weighted_raw.indptr),
            shape=(raw.shape[0], len(self.columns)),
        )
        kept.data[~seen] = 0.0
        return kept

    def to_bytes(self) -> bytes:
        """The model as npz bytes (no pickle: loading them runs no code)."""
        buffer = io.BytesIO()
        arrays: dict[str, Any] = {f.name: np.asarray(getattr(self, f.name)) for f in fields(self)}
        np.savez(buffer, allow_pickle=False, format_version=np.asarray(FORMAT_VERSION), **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> CategoryModel:
        """A model from `to_bytes`. Only ever given bytes our own cache stored, never a user's
        upload; even so they are read with allow_pickle=False."""
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            if int(stored["format_version"]) != FORMAT_VERSION:
                raise ValueError("a category model of another format: train it again")
            values = {f.name: stored[f.name] for f in fields(cls)}
        values["unseen_idf"] = float(values["unseen_idf"])
        values["temperature"] = float(values["temperature"])
        return cls(**values)


Cache = dict[str, list[str]]


def _deduplicated(
    rows: Sequence[HistoryRow], cache: Cache
) -> tuple[list[Example], np.ndarray, np.ndarray]:
    """One example per distinct feature set and category, with its count as a weight."""
    counts: dict[tuple[object, ...], int] = {}
    first: dict[tuple[object, ...], HistoryRow] = {}
    for row in rows:
        magnitude = int(math.log2(abs(row.amount_minor) + 1))
        bucket = (row.date.day - 1) // DAY_BUCKET_DAYS
        words = " ".join(payee_words(row.payee, cache))
        key = (words, row.memo, row.account_id, row.amount_minor > 0, magnitude, bucket,
               row.category_id)  # fmt: skip
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, row)
    examples = [row.example() for row in first.values()]
    labels = np.array([row.category_id for row in first.values()], dtype=np.int64)
    return examples, labels, np.array(list(counts.values()), dtype=np.float64)


def _fit(rows: Sequence[HistoryRow], cache: Cache) -> CategoryModel:
    """Logistic regression on the TF-IDF of the deduplicated rows; temperature 1."""
    # Imported here: a process that never trains (a page, an import) does not hold them.
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    examples, labels, weights = _deduplicated(rows, cache)
    raw = hashed(examples, cache)
    columns, inverse = np.unique(raw.indices, return_inverse=True)
    row_of = np.repeat(np.arange(raw.shape[0]), np.diff(raw.indptr))
    total = weights.sum()
    document_frequency = np.bincount(inverse, weights=weights[row_of], minlength=len(columns))
    idf = np.log((1 + total) / (1 + document_frequency)) + 1
    features = weighted(raw, idf[inverse])
    matrix = sp.csr_matrix(
        (features.data, inverse, features.indptr), shape=(raw.shape[0], len(columns))
    )
    classifier = LogisticRegression(C=C, max_iter=MAX_ITER)
    classifier.fit(matrix, labels, sample_weight=weights)
    coef, intercept = classifier.coef_, classifier.intercept_
    if coef.shape[0] == 1:  # two categories: the sigmoid as a softmax of two
        coef, intercept = (
            np.vstack([-coef / 2, coef / 2]),
            np.concatenate([-intercept / 2, intercept / 2]),
        )
    return CategoryModel(
        columns=columns.astype(np.int64),
        idf=idf,
        unseen_idf=float(np.log(1 + total) + 1),
        coef=coef,
        intercept=intercept,
        category_ids=classifier.classes_.astype(np.int64),
        temperature=1.0,
    )


def _has_enough(rows: Sequence[HistoryRow]) -> bool:
    return len(rows) >= MIN_ROWS and len({row.category_id for row in rows}) >= MIN_CATEGORIES


def _temperature(rows: Sequence[HistoryRow], cache: Cache) -> float:
    """The temperature that makes the model of the older history best predict the latest
    fifth (least negative log-likelihood), searched on a log grid; 1 without enough data."""
    ordered = sorted(rows, key=lambda row: row.date)
    cut = len(ordered) - len(ordered) // CALIBRATION_SHARE
    older, latest = ordered[:cut], ordered[cut:]
    if len(rows) < CALIBRATION_MIN_ROWS or not _has_enough(older):
        return 1.0
    model = _fit(older, cache)
    known = {int(c): k for k, c in enumerate(model.category_ids)}
    held = [row for row in latest if row.category_id in known]
    if not held:
        return 1.0
    unscaled = model.probabilities([row.example() for row in held])
    logits = np.log(np.clip(unscaled, 1e-300, None))
    truth = np.array([known[row.category_id] for row in held])
    best, best_loss = 1.0, math.inf
    for temperature in TEMPERATURES:
        scaled = logits / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        loss = -log_p[np.arange(len(truth)), truth].mean()
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def train_model(rows: Sequence[HistoryRow]) -> CategoryModel | None:
    """The model of one person's categorised lines, or None with fewer than MIN_ROWS lines or
    MIN_CATEGORIES categories (no history, no guess)."""
    if not _has_enough(rows):
        return None
    cache: Cache = {}
    model = _fit(rows, cache)
    return CategoryModel(**{**vars(model), "temperature": _temperature(rows, cache)})
