"""The rollups (monthly_rollups, daily_rollups) for operators: recomputed from the lines,
rebuilt, and checked.

The triggers of data/rollup_triggers.py keep the tables; this module is what they are checked
against (`recomputed`, the definition of a rollup row in SQL), what fills them (the migrations,
`flask rebuild-rollups`) and what compares the two (`flask check-rollups`, the property test).
The two tables differ only in their date column: the month's first day, or the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Row,
    Table,
    case,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select

from data.classification import LINE_AMOUNT, LINE_CATEGORY, WITH_LINES, money_sum
from data.db import is_postgresql, month_first_day
from data.schema import daily_rollups, monthly_rollups, payee_rollups, transactions

_t = transactions.c
TABLES: tuple[Table, ...] = (monthly_rollups, daily_rollups, payee_rollups)


def key_of(table: Table) -> tuple[str, ...]:
    """The key's column names of a rollup table (its date column second)."""
    return tuple(column.name for column in table.primary_key.columns)


def values_of(table: Table) -> tuple[str, ...]:
    """The value columns of a rollup table."""
    return tuple(column.name for column in table.columns if not column.primary_key)


def _period(table: Table) -> ColumnElement:
    return _t.date if table is daily_rollups else month_first_day(_t.date)


def recomputed(user_id: int | None = None, table: Table = monthly_rollups) -> Select:
    """The rollup rows as the lines make them, one per key (the table's columns, in order)."""
    month = _period(table)
    category = func.coalesce(LINE_CATEGORY, 0)
    transfer = case((_t.transfer_peer_id.is_(None), 0), else_=1)
    key = [_t.user_id, month, _t.account_id, category, transfer]
    columns: list[ColumnElement] = [
        _t.user_id.label("user_id"),
        month.label(key_of(table)[1]),
        _t.account_id.label("account_id"),
        category.label("category_id"),
        transfer.label("is_transfer"),
    ]
    if "payee" in table.c:
        key.append(_t.payee)
        columns.append(_t.payee.label("payee"))
    columns += [
        money_sum(case((LINE_AMOUNT > 0, LINE_AMOUNT), else_=0), "inflow_minor"),
        money_sum(case((LINE_AMOUNT < 0, LINE_AMOUNT), else_=0), "outflow_minor"),
        func.count().cast(Integer).label("line_count"),
    ]
    if "outflow_count" in table.c:
        columns.append(func.count(case((LINE_AMOUNT < 0, 1))).cast(Integer).label("outflow_count"))
    query = select(*columns).select_from(WITH_LINES).group_by(*key)
    if user_id is not None:
        query = query.where(_t.user_id == user_id)
    return query


def rebuild_in(
    conn: Connection, user_id: int | None = None, tables: tuple[Table, ...] = TABLES
) -> dict[str, int]:
    """Replace the rollup rows (of one user, or all) by their recomputation; returns how many
    rows each table has now. On PostgreSQL, writers wait meanwhile (SHARE lock): a
    write committed during the recomputation would otherwise add its delta to rows about to be
    replaced."""
    if is_postgresql(conn.engine):
        conn.exec_driver_sql("LOCK TABLE transactions, transaction_splits IN SHARE MODE")
    counts = {}
    for table in tables:
        removed = delete(table)
        if user_id is not None:
            removed = removed.where(table.c.user_id == user_id)
        conn.execute(removed)
        rows = recomputed(user_id, table).subquery()
        names = (*key_of(table), *values_of(table))
        conn.execute(insert(table).from_select(names, select(*[rows.c[n] for n in names])))
        counted = select(func.count()).select_from(table)
        if user_id is not None:
            counted = counted.where(table.c.user_id == user_id)
        counts[table.name] = int(conn.execute(counted).scalar_one())
    return counts


def rebuild(engine: Engine, user_id: int | None = None) -> dict[str, int]:
    with engine.begin() as conn:
        return rebuild_in(conn, user_id)


@dataclass(frozen=True)
class Difference:
    """A key of a rollup table whose stored values (None: no row) differ from the recomputed
    ones (None: no lines). A stored row of zeros is the same as no row: the triggers leave one
    behind when a month's last line goes."""

    table: str
    key: tuple[object, ...]
    stored: tuple[int, ...] | None
    expected: tuple[int, ...] | None

    def __str__(self) -> str:
        names = dict(zip(key_of(_BY_NAME[self.table]), self.key, strict=True))
        return f"{self.table} {names}: stored {self.stored}, expected {self.expected}"


_BY_NAME = {table.name: table for table in TABLES}


def differences(engine: Engine, user_id: int | None = None) -> list[Difference]:
    """Every key where a rollup table and the lines disagree, by table, sorted by key."""
    found = []
    for table in TABLES:
        size = len(key_of(table))
        stored_query = select(*[table.c[name] for name in (*key_of(table), *values_of(table))])
        if user_id is not None:
            stored_query = stored_query.where(table.c.user_id == user_id)
        with engine.connect() as conn:
            stored = _by_key(conn.execute(stored_query).all(), size)
            expected = _by_key(conn.execute(recomputed(user_id, table)).all(), size)
        for key in sorted(set(stored) | set(expected), key=repr):
            have, want = stored.get(key), expected.get(key)
            if have != want:
                found.append(Difference(table.name, key, have, want))
    return found


def _by_key(rows: Sequence[Row], size: int) -> dict[tuple[object, ...], tuple[int, ...]]:
    """The rows by their key (its first `size` columns, the date as text), zeros left out."""
    keyed: dict[tuple[object, ...], tuple[int, ...]] = {}
    for row in rows:
        values = tuple(int(value) for value in row[size:])
        if any(values):
            key = tuple(str(value) if n == 1 else value for n, value in enumerate(row[:size]))
            keyed[key] = values
    return keyed
