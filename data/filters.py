"""What the dashboard shows: the filters every read model takes, and their WHERE conditions.

Its own module because the read modules (queries, lookups) and the dashboard's form parsing all
need it, and none of them should have to import another to get it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Table, exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from data.classification import LINE_CATEGORY
from data.months import add_months, whole_months
from data.schema import split_tags, transaction_splits, transaction_tags, transactions

_t = transactions.c
_s = transaction_splits.c


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: an inclusive date range, accounts, categories and a payee.

    Hashable and part of cache keys, so the id tuples are sorted and deduplicated on creation
    (any iterable is accepted): equal filters always have equal keys. Empty tuples mean all.
    """

    date_from: date
    date_to: date
    account_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    payee: str | None = None
    # Lines with any of these tags (every one of them with all_tags); a line has its
    # transaction's tags and, for a part of a split, the part's own.
    tag_ids: tuple[int, ...] = ()
    all_tags: bool = False

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        object.__setattr__(self, "account_ids", tuple(sorted(set(self.account_ids))))
        object.__setattr__(self, "category_ids", tuple(sorted(set(self.category_ids))))
        object.__setattr__(self, "tag_ids", tuple(sorted(set(self.tag_ids))))
        if not self.tag_ids:
            object.__setattr__(self, "all_tags", False)

    def conditions(self, user_id: int, lines: bool = False) -> list[ColumnElement[bool]]:
        """These filters as WHERE conditions on `transactions`, the owner's first.

        lines: the query reads classification.WITH_LINES (one row per part of a split), and
        the category filter picks lines. Otherwise it picks transactions: a split one when
        any of its parts is in the categories.
        """
        where = [_t.user_id == user_id, _t.date.between(self.date_from, self.date_to)]
        if self.account_ids:
            where.append(_t.account_id.in_(self.account_ids))
        if self.category_ids and lines:
            where.append(LINE_CATEGORY.in_(self.category_ids))
        elif self.category_ids:
            part_in = (
                select(_s.id)
                .where(_s.transaction_id == _t.id, _s.category_id.in_(self.category_ids))
                .correlate(transactions)
            )
            where.append(or_(_t.category_id.in_(self.category_ids), exists(part_in)))
        if self.payee is not None:
            where.append(_t.payee == self.payee)
        if self.tag_ids:
            wanted = [self.tag_ids] if not self.all_tags else [(tag,) for tag in self.tag_ids]
            where.extend(_tagged(tags, lines) for tags in wanted)
        return where

    def previous_period(self) -> Filters:
        """The period of the same length just before, other filters kept (KPI comparisons).

        Whole calendar months step back by months (March -> February), anything else by days.
        """
        months = whole_months(self.date_from, self.date_to)
        if months:
            start = add_months(self.date_from, -months)
        else:
            start = self.date_from - timedelta(days=(self.date_to - self.date_from).days + 1)
        return replace(self, date_from=start, date_to=self.date_from - timedelta(days=1))


def _tagged(tag_ids: tuple[int, ...], lines: bool) -> ColumnElement[bool]:
    """A line (lines) or a transaction has one of these tags: its own, its transaction's, or
    (a transaction) one of its parts'."""
    _tt, _st = transaction_tags.c, split_tags.c
    on_transaction = select(_tt.tag_id).where(_tt.transaction_id == _t.id, _tt.tag_id.in_(tag_ids))
    if lines:
        on_part = select(_st.tag_id).where(_st.split_id == _s.id, _st.tag_id.in_(tag_ids))
        correlated: tuple[Table, ...] = (transactions, transaction_splits)
    else:
        on_part = (
            select(_st.tag_id)
            .join(transaction_splits, transaction_splits.c.id == _st.split_id)
            .where(transaction_splits.c.transaction_id == _t.id, _st.tag_id.in_(tag_ids))
        )
        correlated = (transactions,)
    return or_(
        exists(on_transaction.correlate(*correlated)), exists(on_part.correlate(*correlated))
    )
