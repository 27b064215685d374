"""monthly_rollups for operators: recomputed from the lines, rebuilt, and checked.

The triggers of data/rollup_triggers.py keep the table; this module is what they are checked
against (`recomputed`, the definition of a rollup row in SQL), what fills it (the migration,
`flask rebuild-rollups`) and what compares the two (`flask check-rollups`, the property test).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Row,
    case,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.sql.selectable import Select

from data.classification import LINE_AMOUNT, LINE_CATEGORY, WITH_LINES, money_sum
from data.db import is_postgresql, month_first_day
from data.schema import monthly_rollups, transactions

_t = transactions.c
_m = monthly_rollups.c
KEY = ("user_id", "month", "account_id", "category_id", "is_transfer")
VALUES = ("inflow_minor", "outflow_minor", "line_count")


def recomputed(user_id: int | None = None) -> Select:
    """The rollup rows as the lines make them, one per key (the table's columns, in order)."""
    month = month_first_day(_t.date)
    category = func.coalesce(LINE_CATEGORY, 0)
    transfer = case((_t.transfer_peer_id.is_(None), 0), else_=1)
    query = (
        select(
            _t.user_id.label("user_id"),
            month.label("month"),
            _t.account_id.label("account_id"),
            category.label("category_id"),
            transfer.label("is_transfer"),
            money_sum(case((LINE_AMOUNT > 0, LINE_AMOUNT), else_=0), "inflow_minor"),
            money_sum(case((LINE_AMOUNT < 0, LINE_AMOUNT), else_=0), "outflow_minor"),
            func.count().cast(Integer).label("line_count"),
        )
        .select_from(WITH_LINES)
        .group_by(_t.user_id, month, _t.account_id, category, transfer)
    )
    if user_id is not None:
        query = query.where(_t.user_id == user_id)
    return query


def rebuild_in(conn: Connection, user_id: int | None = None) -> int:
    """Replace the rollup rows (of one user, or all) by their recomputation; returns how many
    rows there are now. On PostgreSQL, writers wait meanwhile (SHARE lock): a write committed
    during the recomputation would otherwise add its delta to rows about to be replaced."""
    if is_postgresql(conn.engine):
        conn.exec_driver_sql("LOCK TABLE transactions, transaction_splits IN SHARE MODE")
    removed = delete(monthly_rollups)
    if user_id is not None:
        removed = removed.where(_m.user_id == user_id)
    conn.execute(removed)
    rows = recomputed(user_id).subquery()
    conn.execute(
        insert(monthly_rollups).from_select(
            [*KEY, *VALUES], select(*[rows.c[name] for name in (*KEY, *VALUES)])
        )
    )
    counted = select(func.count()).select_from(monthly_rollups)
    if user_id is not None:
        counted = counted.where(_m.user_id == user_id)
    return int(conn.execute(counted).scalar_one())


def rebuild(engine: Engine, user_id: int | None = None) -> int:
    with engine.begin() as conn:
        return rebuild_in(conn, user_id)


@dataclass(frozen=True)
class Difference:
    """A key whose stored values (None: no row) differ from the recomputed ones (None: no
    lines). A stored row of zeros is the same as no row: the triggers leave one behind when a
    month's last line goes."""

    key: tuple[object, ...]
    stored: tuple[int, int, int] | None
    expected: tuple[int, int, int] | None

    def __str__(self) -> str:
        names = dict(zip(KEY, self.key, strict=True))
        return f"{names}: stored {self.stored}, expected {self.expected}"


def differences(engine: Engine, user_id: int | None = None) -> list[Difference]:
    """Every key where monthly_rollups and the lines disagree, sorted by key."""
    stored_query = select(*[_m[name] for name in (*KEY, *VALUES)])
    if user_id is not None:
        stored_query = stored_query.where(_m.user_id == user_id)
    with engine.connect() as conn:
        stored = _by_key(conn.execute(stored_query).all())
        expected = _by_key(conn.execute(recomputed(user_id)).all())
    found = []
    for key in sorted(set(stored) | set(expected), key=repr):
        have, want = stored.get(key), expected.get(key)
        if have != want:
            found.append(Difference(key, have, want))
    return found


def _by_key(rows: Sequence[Row]) -> dict[tuple[object, ...], tuple[int, int, int]]:
    keyed: dict[tuple[object, ...], tuple[int, int, int]] = {}
    for row in rows:
        values = (int(row[5]), int(row[6]), int(row[7]))
        if values != (0, 0, 0):
            keyed[(row[0], str(row[1]), row[2], row[3], row[4])] = values
    return keyed
