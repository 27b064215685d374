"""The value types of recurring transactions.

A `Schedule` is one row of `schedules` as the editor and the posting read it: the transaction it
makes (account, payee, category, signed amount, memo, split parts and tags, in the shape of
data/entries.py's Transaction) and when (an RRULE from `starts_on`, with a weekend shift).

A `ScheduledItem` is one expected line on one date, for projections and lists: a split schedule
gives one item per part (the part's category and amount), so sums by category add up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from data.entries import Split, Transaction

WEEKEND_SHIFTS = ("none", "before", "after")


@dataclass(frozen=True)
class ScheduledItem:
    """One expected line: `due_on` is the rule's date, `posts_on` the date after the weekend
    shift (the one a transaction would get). Signed `amount_minor`, as in transactions."""

    schedule_id: int
    name: str
    due_on: date
    posts_on: date
    account_id: int
    category_id: int | None
    amount_minor: int
    payee: str


@dataclass(frozen=True)
class Schedule:
    """A recurring transaction. `id` is None before it is stored."""

    name: str
    account_id: int
    amount_minor: int
    rrule: str
    starts_on: date
    payee: str = ""
    category_id: int | None = None
    memo: str = ""
    splits: tuple[Split, ...] = ()
    tags: tuple[str, ...] = ()
    weekend_shift: str = "none"
    auto_post: bool = False
    active: bool = True
    id: int | None = None

    def transaction_on(self, posts_on: date) -> Transaction:
        """The transaction this schedule posts on `posts_on`."""
        return Transaction(
            account_id=self.account_id,
            date=posts_on,
            amount_minor=self.amount_minor,
            payee=self.payee,
            memo=self.memo,
            category_id=None if self.splits else self.category_id,
            splits=self.splits,
            tags=self.tags,
        )

    def lines(self) -> tuple[tuple[int | None, int], ...]:
        """(category_id, amount_minor) of each line: the parts of a split, else the whole."""
        if self.splits:
            return tuple((part.category_id, part.amount_minor) for part in self.splits)
        return ((self.category_id, self.amount_minor),)


class MalformedParts(ValueError):
    """Stored or submitted parts JSON that is not a list of parts and tags."""


def parts_to_json(splits: tuple[Split, ...], tags: tuple[str, ...]) -> str | None:
    """The `parts` column: None for a plain schedule without tags."""
    if not splits and not tags:
        return None
    return json.dumps(
        {
            "splits": [
                {
                    "amount_minor": part.amount_minor,
                    "category_id": part.category_id,
                    "memo": part.memo,
                    "tags": list(part.tags),
                }
                for part in splits
            ],
            "tags": list(tags),
        },
        sort_keys=True,
    )


def parts_from_json(text: str | None) -> tuple[tuple[Split, ...], tuple[str, ...]]:
    """(splits, tags) from the `parts` column; MalformedParts when it is not what
    parts_to_json writes."""
    if text is None:
        return (), ()
    try:
        value = json.loads(text)
    except ValueError as error:
        raise MalformedParts("parts: not JSON") from error
    if not isinstance(value, dict) or set(value) != {"splits", "tags"}:
        raise MalformedParts("parts: expected an object of splits and tags")
    splits = tuple(_split(part) for part in _list(value["splits"]))
    return splits, _names(value["tags"])


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedParts("parts: expected a list")
    return value


def _names(value: object) -> tuple[str, ...]:
    names = _list(value)
    if not all(isinstance(name, str) for name in names):
        raise MalformedParts("parts: tags must be names")
    return tuple(names)


def _split(value: object) -> Split:
    if not isinstance(value, dict) or set(value) != {"amount_minor", "category_id", "memo", "tags"}:
        raise MalformedParts("parts: a part needs amount_minor, category_id, memo and tags")
    amount, category, memo = value["amount_minor"], value["category_id"], value["memo"]
    if not _is_int(amount) or not (category is None or _is_int(category)):
        raise MalformedParts("parts: amounts and categories are integers")
    if not isinstance(memo, str):
        raise MalformedParts("parts: a memo is text")
    return Split(amount, category, memo, _names(value["tags"]))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def schedule_from_row(row: Mapping[Any, Any]) -> Schedule:
    """A Schedule from a row of `schedules`."""
    splits, tags = parts_from_json(row["parts"])
    return Schedule(
        name=row["name"],
        account_id=row["account_id"],
        amount_minor=row["amount_minor"],
        rrule=row["rrule"],
        starts_on=row["starts_on"],
        payee=row["payee"],
        category_id=row["category_id"],
        memo=row["memo"],
        splits=splits,
        tags=tags,
        weekend_shift=row["weekend_shift"],
        auto_post=bool(row["auto_post"]),
        active=bool(row["active"]),
        id=row["id"],
    )
