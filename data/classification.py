"""What a transaction counts as, in SQL: income, spending or a transfer (shared by the read models).

A row is a transfer when it has a transfer peer or its category kind is 'transfer'; transfers
are neither income nor spending. Income sums the rows of income categories plus uncategorised
inflows; spending is minus the sum of the rows of expense categories (a refund there reduces
spending) plus uncategorised outflows. data/queries.py and data/budget_status.py both read
through these fragments, so the two can never disagree on what was spent.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, and_, cast, func, or_
from sqlalchemy.sql.elements import ColumnElement

from data.schema import categories, transactions

# The name shown for the rows without a category.
UNCATEGORISED = "Uncategorised"

_t = transactions.c
_c = categories.c
# Joined on the owner too: a category id can never pull in another user's category.
WITH_CATEGORY = transactions.outerjoin(
    categories, and_(_c.id == _t.category_id, _c.user_id == _t.user_id)
)
# Both conditions are NULL (so false) for rows they do not match; neither is ever negated.
IS_INCOME = and_(
    _t.transfer_peer_id.is_(None),
    or_(_c.kind == "income", and_(_c.id.is_(None), _t.amount_minor > 0)),
)
IS_SPENDING = and_(
    _t.transfer_peer_id.is_(None),
    or_(_c.kind == "expense", and_(_c.id.is_(None), _t.amount_minor < 0)),
)
SPENT = func.sum(-_t.amount_minor)


def money_sum(amount: ColumnElement[int], label: str | None = None) -> ColumnElement[int]:
    """SUM of minor units as an integer, 0 over no rows."""
    # PostgreSQL's SUM(bigint) is NUMERIC (a Decimal in Python): cast back to an integer.
    total = cast(func.coalesce(func.sum(amount), 0), BigInteger)
    return total.label(label) if label else total
