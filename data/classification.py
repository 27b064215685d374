"""What a transaction counts as, in SQL: income, spending or a transfer (shared by the read models).

A row is a transfer when it has a transfer peer or its category kind is 'transfer'; transfers
are neither income nor spending. Income sums the rows of income categories plus uncategorised
inflows; spending is minus the sum of the rows of expense categories (a refund there reduces
spending) plus uncategorised outflows. data/queries.py and data/budget_status.py both read
through these fragments, so the two can never disagree on what was spent.

They count lines, not transactions: a split transaction is its parts (transaction_splits), each
with its own category and amount, and any other transaction is one line of its own. WITH_CATEGORY
left-joins the parts, so a query over it sums LINE_AMOUNT by LINE_CATEGORY and a split counts
exactly as the same spending entered as separate transactions would.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, and_, cast, func, or_
from sqlalchemy.sql.elements import ColumnElement

from data.schema import categories, transaction_splits, transactions

# The name shown for the rows without a category.
UNCATEGORISED = "Uncategorised"

_t = transactions.c
_s = transaction_splits.c
_c = categories.c
# A line's amount and category: a part's, or the whole transaction's when it is not split (a
# split transaction has no category of its own, and a part's amount is never NULL).
LINE_AMOUNT = func.coalesce(_s.amount_minor, _t.amount_minor)
LINE_CATEGORY = func.coalesce(_s.category_id, _t.category_id)
# Joined on the owner too: a category id can never pull in another user's category or part.
WITH_LINES = transactions.outerjoin(
    transaction_splits, and_(_s.transaction_id == _t.id, _s.user_id == _t.user_id)
)
WITH_CATEGORY = WITH_LINES.outerjoin(
    categories, and_(_c.id == LINE_CATEGORY, _c.user_id == _t.user_id)
)
# Both conditions are NULL (so false) for rows they do not match; neither is ever negated.
IS_INCOME = and_(
    _t.transfer_peer_id.is_(None),
    or_(_c.kind == "income", and_(_c.id.is_(None), LINE_AMOUNT > 0)),
)
IS_SPENDING = and_(
    _t.transfer_peer_id.is_(None),
    or_(_c.kind == "expense", and_(_c.id.is_(None), LINE_AMOUNT < 0)),
)
SPENT = func.sum(-LINE_AMOUNT)


def money_sum(amount: ColumnElement[int], label: str | None = None) -> ColumnElement[int]:
    """SUM of minor units as an integer, 0 over no rows."""
    # PostgreSQL's SUM(bigint) is NUMERIC (a Decimal in Python): cast back to an integer.
    total = cast(func.coalesce(func.sum(amount), 0), BigInteger)
    return total.label(label) if label else total
