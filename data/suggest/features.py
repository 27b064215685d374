"""What the category model sees of a transaction: hashed tokens in three blocks, TF-IDF weighted.

- text: the words of the cleaned payee (data/payees.py), the payee as a whole, its word pairs,
  and the memo's words (prefixed, so "gift" in a memo is not "gift" in a payee);
- chars: character 2- to 4-grams of the cleaned payee's words, so a payee the bank spells
  differently ("WHOLEFDS" for "Whole Foods", an unseen store suffix) still resembles itself;
- meta: the amount's sign, its log-magnitude bucket (coarse and fine), the account, the account
  with the sign, and the day-of-month bucket.

Digits are all read as 0 before the payee is cleaned: clean_payee's rules look at how many
digits there are, never at which, so "LIDL #4711" and "LIDL #1234" share one cleaning (cached
per call: a history of bank texts with a new reference on every line is cleaned once per
shape), and a payee's digits ("7-Eleven") are never what tells categories apart.

Tokens are hashed (FeatureHasher: no vocabulary to keep, bounded memory whatever the history),
CHUNK examples at a time, so the token lists of a long history never all exist at once.
Each block is weighted by IDF, L2-normalised on its own and scaled by its block weight, so a
long payee's many character grams cannot drown the account or the memo.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from data.payees import clean_payee

if TYPE_CHECKING:
    import scipy.sparse as sp
    from sklearn.feature_extraction import FeatureHasher

# Hashed width of each block and its weight after normalisation: the text decides most.
BLOCKS = (("text", 2**16, 1.0), ("chars", 2**17, 0.8), ("meta", 2**10, 0.6))
OFFSETS = np.cumsum([0] + [width for _name, width, _weight in BLOCKS])
BLOCK_WEIGHTS = np.array([weight for _name, _width, weight in BLOCKS])
DAY_BUCKET_DAYS = 4
CHUNK = 4_096
_ZEROS = str.maketrans("123456789", "000000000")
_WORD = re.compile(r"[^\W_]+")


@cache
def _hashers() -> tuple[FeatureHasher, ...]:
    """One hasher per block, made on first use: scikit-learn and SciPy (about 80 MB of a
    process) are imported only by a process that suggests or trains, never by one that only
    serves pages or imports a file."""
    from sklearn.feature_extraction import FeatureHasher

    return tuple(
        FeatureHasher(n_features=width, input_type="string", alternate_sign=False)
        for _name, width, _weight in BLOCKS
    )


class Example(NamedTuple):
    """A transaction to categorise: payee as typed or as the bank wrote it, signed minor units,
    and its day of the month (1-31)."""

    payee: str
    memo: str
    amount_minor: int
    account_id: int
    day: int


class HistoryRow(NamedTuple):
    """A categorised line of the history: a transaction, or one part of a split with the part's
    own category and amount (its memo is the transaction's and the part's)."""

    payee: str
    memo: str
    amount_minor: int
    account_id: int
    date: date
    category_id: int

    def example(self) -> Example:
        return Example(self.payee, self.memo, self.amount_minor, self.account_id, self.date.day)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def text_tokens(words: list[str], memo: str) -> list[str]:
    tokens = [f"w:{w}" for w in words]
    tokens += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    if words:
        tokens.append("p:" + "_".join(words))
    return tokens + [f"m:{w}" for w in _words(memo)]


def char_tokens(words: list[str]) -> list[str]:
    grams = []
    for word in words:
        padded = f" {word} "
        grams += [padded[i : i + n] for n in (2, 3, 4) for i in range(len(padded) - n + 1)]
    return grams


def meta_tokens(amount_minor: int, account_id: int, day: int) -> list[str]:
    sign = "+" if amount_minor > 0 else "-"
    magnitude = math.log2(abs(amount_minor) + 1)
    return [
        f"s{sign}",
        f"m{sign}{int(magnitude)}",
        f"M{sign}{int(magnitude / 3)}",
        f"a{account_id}",
        f"a{account_id}{sign}",
        f"d{(min(max(day, 1), 31) - 1) // DAY_BUCKET_DAYS}",
    ]


def payee_words(payee: str, cache: dict[str, list[str]]) -> list[str]:
    """The words of the cleaned payee, its digits read as 0; `cache` keeps them by shape."""
    shape = payee.translate(_ZEROS)
    words = cache.get(shape)
    if words is None:
        words = cache[shape] = _words(clean_payee(shape))
    return words


def example_tokens(
    example: Example, cache: dict[str, list[str]]
) -> tuple[list[str], list[str], list[str]]:
    """The three blocks' tokens of an example."""
    words = payee_words(example.payee, cache)
    return (
        text_tokens(words, example.memo),
        char_tokens(words),
        meta_tokens(example.amount_minor, example.account_id, example.day),
    )


def hashed(examples: Sequence[Example], cache: dict[str, list[str]] | None = None) -> sp.csr_matrix:
    """Binary hashed tokens of the examples, the blocks side by side (OFFSETS)."""
    import scipy.sparse as sp

    cache = {} if cache is None else cache
    hashers = _hashers()
    chunks = []
    for start in range(0, len(examples), CHUNK):
        blocks: tuple[list[list[str]], ...] = ([], [], [])
        for example in examples[start : start + CHUNK]:
            for block, tokens in zip(blocks, example_tokens(example, cache), strict=True):
                block.append(tokens)
        chunks.append(
            sp.hstack(
                [hasher.transform(block) for hasher, block in zip(hashers, blocks, strict=True)],
                format="csr",
            )
        )
    matrix = chunks[0] if len(chunks) == 1 else sp.vstack(chunks, format="csr")
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def weighted(matrix: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """TF-IDF: each stored value times its column's IDF (`idf` is aligned with `matrix.data`),
    then each row's blocks L2-normalised on their own and scaled by BLOCK_WEIGHTS."""
    out = matrix.copy()
    out.data = out.data * idf
    rows = np.repeat(np.arange(out.shape[0]), np.diff(out.indptr))
    blocks = np.searchsorted(OFFSETS, out.indices, side="right") - 1
    cell = rows * len(BLOCKS) + blocks
    norms = np.sqrt(np.bincount(cell, weights=out.data**2, minlength=out.shape[0] * len(BLOCKS)))
    out.data = out.data / norms[cell] * BLOCK_WEIGHTS[blocks]
    return out
