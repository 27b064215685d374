"""A person's categorised history, as the category model learns from it, read in one query.

A line is a transaction or one part of a split (the part's category and amount, the memos of
both), as data/classification.py counts them. Left out: transfers (a transfer peer, or a
category of kind "transfer"), lines without a category, and archived categories (a suggestion
must be something the person can still pick). Only the latest MAX_ROWS lines are read: habits
change, and training time and memory stay bounded whatever the history's length.
"""

from __future__ import annotations

from sqlalchemy import Engine, and_, select

from data.classification import LINE_AMOUNT, LINE_CATEGORY, WITH_LINES
from data.schema import categories, transaction_splits, transactions
from data.suggest.features import HistoryRow
from data.suggest.model import CategoryModel, train_model

MAX_ROWS = 100_000

_t = transactions.c
_s = transaction_splits.c
_c = categories.c


def training_rows(engine: Engine, user_id: int) -> list[HistoryRow]:
    """The user's categorised lines, oldest first (at most the latest MAX_ROWS)."""
    query = (
        select(
            _t.payee,
            _t.memo,
            _s.memo.label("part_memo"),
            LINE_AMOUNT.label("amount_minor"),
            _t.account_id,
            _t.date,
            LINE_CATEGORY.label("category_id"),
        )  # fmt: skip
        # Joined on the owner too: another user's category id can never label a line.
        .select_from(
            WITH_LINES.join(categories, and_(_c.id == LINE_CATEGORY, _c.user_id == _t.user_id))
        )
        .where(
            _t.user_id == user_id,
            _t.transfer_peer_id.is_(None),
            _c.kind != "transfer",
            _c.archived.is_(False),
        )
        .order_by(_t.date.desc(), _t.id.desc(), _s.position.desc())
        .limit(MAX_ROWS)
    )
    with engine.connect() as conn:
        result = conn.execute(query).all()
    return [
        HistoryRow(
            payee=row.payee,
            memo=" ".join(part for part in (row.memo, row.part_memo) if part),
            amount_minor=int(row.amount_minor),
            account_id=row.account_id,
            date=row.date,
            category_id=row.category_id,
        )
        for row in reversed(result)
    ]


def train_for_user(engine: Engine, user_id: int) -> CategoryModel | None:
    """The user's model from their own history alone, or None when it is too short to learn
    from. Cache it under the user's data_version read *before* this call: a write in between
    leaves the model under a version nobody asks for again."""
    return train_model(training_rows(engine, user_id))
