"""The triggers that keep the rollups (monthly_rollups, daily_rollups) in step with
transactions and transaction_splits. Each trigger upserts into every rollup table: the tables
differ only in the date bucket of their key (the month's first day, or the day itself).

In the database, not in data/writes.py: every path that changes a line (a write, an edit, an
undo, an import and its undo, a schedule posting, a restore, the benchmark's COPY, a cascade or
a transfer peer set to NULL by a foreign key) changes the rollup in the same transaction.

A line is a split's part, or a transaction without parts (classification.WITH_LINES: a part
belongs to the transaction with its id and owner). Each trigger adds the lines after a change
and subtracts the lines before it, as one grouped upsert of deltas (`x = x + delta`, which
concurrent writers cannot lose, unlike a recomputation from a snapshot):

- transactions, insert: + the new rows' lines (their parts, or themselves);
  update: - the old rows' lines + the new rows' lines (the parts keep their own amount and
  category and take the row's date, account and transfer flag);
  delete: a row that still has parts is first turned into a row without (a BEFORE trigger: -
  its parts' lines + its own), then - its own line. The parts go by cascade, and a part whose
  transaction is gone is skipped, whichever order the cascade and the row triggers run in.
- transaction_splits, any change: for each transaction they belong to (that still exists),
  + the new parts - the old parts, + its own line if it has no parts now, - its own line if it
  had none before (now - new + old parts = 0).

PostgreSQL runs them once per statement over the transition tables, so an import of 50,000
rows is one aggregated upsert; SQLite runs them per row, on NEW and OLD.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

_TXN_COLUMNS: tuple[str, ...] = ("id", "user_id", "account_id", "date", "amount_minor")
_TXN_COLUMNS += ("category_id", "transfer_peer_id", "payee")
_PART_COLUMNS = ("id", "transaction_id", "user_id", "category_id", "amount_minor")
# Changes of other columns (payee, memo, ...) leave every line as it was.
_LINE_COLUMNS: tuple[str, ...] = ("user_id", "account_id", "date", "amount_minor", "category_id")
_LINE_COLUMNS += ("transfer_peer_id", "payee")
_PART_LINE_COLUMNS = ("transaction_id", "user_id", "category_id", "amount_minor")

_MONTH = {
    "postgresql": "CAST(date_trunc('month', {}) AS DATE)",
    "sqlite": "date({}, 'start of month')",
}
_DAY = {"postgresql": "{}", "sqlite": "{}"}
# (table, its date column, that column's value for a line's date, whether its key has the
# payee) of every rollup. payee_rollups also counts the negative lines (outflow_count): the
# top payees count the lines they sum, an uncategorised group's negative ones only.
TABLES: tuple[tuple[str, str, dict[str, str], bool], ...] = (
    ("monthly_rollups", "month", _MONTH, False),
    ("daily_rollups", "day", _DAY, False),
    ("payee_rollups", "month", _MONTH, True),
)


def _row(record: str, columns: tuple[str, ...]) -> str:
    """SQLite's NEW or OLD as a one-row derived table."""
    return "(SELECT " + ", ".join(f"{record}.{c} AS {c}" for c in columns) + ")"


def _line(bucket: str, txn: str, amount: str, category: str, factor: str) -> str:
    """The select list of one line, in the rollup's key, with its factor (+1, -1, 0); `bucket`
    the date column's value with {} for the line's date."""
    period = bucket.format(f"{txn}.date")
    return (
        f"SELECT {txn}.user_id AS user_id, {period} AS period, {txn}.account_id AS account_id, "
        f"COALESCE({category}, 0) AS category_id, "
        f"CASE WHEN {txn}.transfer_peer_id IS NULL THEN 0 ELSE 1 END AS is_transfer, "
        f"{txn}.payee AS payee, {amount} AS amount, {factor} AS factor"
    )


def _has_parts(txn: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM transaction_splits p "
        f"WHERE p.transaction_id = {txn}.id AND p.user_id = {txn}.user_id)"
    )


def _lines_of(bucket: str, rows: str, factor: int) -> str:
    """The lines of transactions rows `rows` (their parts as they are now, or themselves)."""
    own = _line(bucket, "x", "x.amount_minor", "x.category_id", str(factor))
    part = _line(bucket, "x", "p.amount_minor", "p.category_id", str(factor))
    return (
        f"{own} FROM {rows} x WHERE NOT {_has_parts('x')} "
        f"UNION ALL {part} FROM {rows} x JOIN transaction_splits p "
        "ON p.transaction_id = x.id AND p.user_id = x.user_id"
    )


def _own_lines(bucket: str, rows: str, factor: int) -> str:
    return _line(bucket, "x", "x.amount_minor", "x.category_id", str(factor)) + f" FROM {rows} x"


def _unsplit(bucket: str, rows: str) -> str:
    """A transaction about to be deleted with its parts: as if it had none."""
    part = _line(bucket, "x", "p.amount_minor", "p.category_id", "-1")
    own = _line(bucket, "x", "x.amount_minor", "x.category_id", "1")
    return (
        f"{part} FROM {rows} x JOIN transaction_splits p "
        "ON p.transaction_id = x.id AND p.user_id = x.user_id "
        f"UNION ALL {own} FROM {rows} x WHERE {_has_parts('x')}"
    )


def _parts_changed(bucket: str, new: str | None, old: str | None) -> str:
    """The delta of a change to transaction_splits: new parts `new`, old parts `old`."""
    selects, counts = [], []
    for rows, factor in ((new, 1), (old, -1)):
        if rows is None:
            continue
        line = _line(bucket, "t", "s.amount_minor", "s.category_id", str(factor))
        selects.append(
            f"{line} FROM {rows} s JOIN transactions t "
            "ON t.id = s.transaction_id AND t.user_id = s.user_id"
        )
        added, removed = (1, 0) if factor == 1 else (0, 1)
        counts.append(
            f"SELECT transaction_id, user_id, {added} AS added, {removed} AS removed FROM {rows} r"
        )
    now = (
        "(SELECT COUNT(*) FROM transaction_splits p "
        "WHERE p.transaction_id = t.id AND p.user_id = t.user_id)"
    )
    own_factor = (
        f"(CASE WHEN {now} = 0 THEN 1 ELSE 0 END) "
        f"- (CASE WHEN {now} - c.added + c.removed = 0 THEN 1 ELSE 0 END)"
    )
    own = _line(bucket, "t", "t.amount_minor", "t.category_id", own_factor)
    changed = (
        "(SELECT transaction_id, user_id, SUM(added) AS added, SUM(removed) AS removed FROM ("
        + " UNION ALL ".join(counts)
        + ") u GROUP BY transaction_id, user_id)"
    )
    selects.append(
        f"{own} FROM {changed} c JOIN transactions t "
        "ON t.id = c.transaction_id AND t.user_id = c.user_id"
    )
    return " UNION ALL ".join(selects)


def _upsert(table: str, column: str, lines: str, by_payee: bool = False) -> str:
    """Add the lines' deltas to the rollup `table` (its date column `column`; the payee in its
    key and outflow_count in its values when by_payee), one row per key."""
    key = f"user_id, {column}, account_id, category_id, is_transfer" + (
        ", payee" if by_payee else ""
    )
    grouped = "user_id, period, account_id, category_id, is_transfer" + (
        ", payee" if by_payee else ""
    )
    values = "inflow_minor, outflow_minor, line_count" + (", outflow_count" if by_payee else "")
    counted = ", SUM(CASE WHEN amount < 0 THEN factor ELSE 0 END)" if by_payee else ""
    updated = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in values.split(", "))
    # A payee's outflow_count can change with every other sum the same: checked as well.
    changed_count = f"OR {counted[2:]} <> 0 " if by_payee else ""
    return (
        f"INSERT INTO {table} ({key}, {values}) "
        f"SELECT {grouped}, "
        "SUM(CASE WHEN amount > 0 THEN amount * factor ELSE 0 END), "
        f"SUM(CASE WHEN amount < 0 THEN amount * factor ELSE 0 END), SUM(factor){counted} "
        f"FROM ({lines}) l WHERE factor <> 0 "
        f"GROUP BY {grouped} "
        "HAVING SUM(factor) <> 0 OR SUM(amount * factor) <> 0 "
        "OR SUM(CASE WHEN amount > 0 THEN amount * factor ELSE 0 END) <> 0 "
        f"{changed_count}"
        # Rows locked in key order: two statements touching the same rows cannot deadlock.
        f"ORDER BY {grouped} "
        f"ON CONFLICT ({key}) DO UPDATE SET {updated}"
    )


def _changed(rows: str, others: str, columns: tuple[str, ...]) -> str:
    """PostgreSQL's transition rows `rows` without those the statement left as they were (an
    UPDATE of a payee or a memo moves no line)."""
    same = " AND ".join(f"o.{c} IS NOT DISTINCT FROM r.{c}" for c in ("id", *columns))
    return f"(SELECT r.* FROM {rows} r WHERE NOT EXISTS (SELECT 1 FROM {others} o WHERE {same}))"


def _triggers(dialect: str) -> list[tuple[str, str, str, list[str]]]:
    """(name, table, PostgreSQL's trigger clause, its upserts: one per rollup) of every
    trigger."""
    pg = dialect == "postgresql"
    new_txn = "new_rows" if pg else _row("NEW", _TXN_COLUMNS)
    old_txn = "old_rows" if pg else _row("OLD", _TXN_COLUMNS)
    new_part = "new_rows" if pg else _row("NEW", _PART_COLUMNS)
    old_part = "old_rows" if pg else _row("OLD", _PART_COLUMNS)
    if pg:
        moved_new = _changed("new_rows", "old_rows", _LINE_COLUMNS)
        moved_old = _changed("old_rows", "new_rows", _LINE_COLUMNS)
        parts_new = _changed("new_rows", "old_rows", _PART_LINE_COLUMNS)
        parts_old = _changed("old_rows", "new_rows", _PART_LINE_COLUMNS)
    else:
        moved_new, moved_old, parts_new, parts_old = new_txn, old_txn, new_part, old_part
    each = "FOR EACH STATEMENT" if pg else "FOR EACH ROW"
    deltas: list[tuple[str, str, str, Callable[[str], str]]] = [
        (
            "rollup_txn_insert",
            "transactions",
            f"AFTER INSERT ON transactions REFERENCING NEW TABLE AS new_rows {each}",
            lambda b: _lines_of(b, new_txn, 1),
        ),
        (
            "rollup_txn_update",
            "transactions",
            "AFTER UPDATE ON transactions REFERENCING OLD TABLE AS old_rows "
            f"NEW TABLE AS new_rows {each}",
            lambda b: _lines_of(b, moved_old, -1) + " UNION ALL " + _lines_of(b, moved_new, 1),
        ),
        (
            "rollup_txn_unsplit",
            "transactions",
            "BEFORE DELETE ON transactions FOR EACH ROW",
            lambda b: _unsplit(b, _row("OLD", _TXN_COLUMNS)),
        ),
        (
            "rollup_txn_delete",
            "transactions",
            f"AFTER DELETE ON transactions REFERENCING OLD TABLE AS old_rows {each}",
            lambda b: _own_lines(b, old_txn, -1),
        ),
        (
            "rollup_part_insert",
            "transaction_splits",
            f"AFTER INSERT ON transaction_splits REFERENCING NEW TABLE AS new_rows {each}",
            lambda b: _parts_changed(b, new_part, None),
        ),
        (
            "rollup_part_update",
            "transaction_splits",
            "AFTER UPDATE ON transaction_splits REFERENCING OLD TABLE AS old_rows "
            f"NEW TABLE AS new_rows {each}",
            lambda b: _parts_changed(b, parts_new, parts_old),
        ),
        (
            "rollup_part_delete",
            "transaction_splits",
            f"AFTER DELETE ON transaction_splits REFERENCING OLD TABLE AS old_rows {each}",
            lambda b: _parts_changed(b, None, old_part),
        ),
    ]
    return [
        (
            name,
            table,
            clause,
            [
                _upsert(rollup, column, delta(bucket[dialect]), by_payee)
                for rollup, column, bucket, by_payee in TABLES
            ],
        )
        for name, table, clause, delta in deltas
    ]


# The row triggers that have work only for some rows: their upserts run only when this holds.
# A deleted row without parts moves no line before the delete, and without the guard each of
# them ran three upserts for nothing (undoing an import of 46,000 rows: 6.6 s of 10.6).
_ONLY_WHEN = {"rollup_txn_unsplit": _has_parts("OLD")}


def create_statements(dialect: str) -> list[str]:
    """The DDL creating every trigger (and, on PostgreSQL, its function)."""
    statements = []
    for name, table, clause, upserts in _triggers(dialect):
        body = "".join(f"{upsert};\n" for upsert in upserts)
        guard = _ONLY_WHEN.get(name)
        if dialect == "postgresql":
            returned = "OLD" if clause.startswith("BEFORE") else "NULL"
            if guard:
                body = f"IF {guard} THEN\n{body}END IF;\n"
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{body}RETURN {returned};\nEND\n$$"
            )
            statements.append(f"CREATE TRIGGER {name} {clause} EXECUTE FUNCTION {name}()")
            continue
        timing_event = clause.split(" ON ")[0]
        when = f" WHEN {guard}" if guard else ""
        if timing_event == "AFTER UPDATE":
            columns = _LINE_COLUMNS if table == "transactions" else _PART_LINE_COLUMNS
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("id", *columns))
            when = f" WHEN {changed}"
        statements.append(
            f"CREATE TRIGGER {name} {timing_event} ON {table} FOR EACH ROW{when} BEGIN {body}END"
        )
    return statements


def drop_statements(dialect: str) -> list[str]:
    statements = []
    for name, table, _clause, _upserts in _triggers(dialect):
        if dialect == "postgresql":
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
    return statements


def install(conn: Connection) -> None:
    """Create the triggers (dropping any of the same names first)."""
    dialect = conn.dialect.name
    for statement in drop_statements(dialect) + create_statements(dialect):
        conn.exec_driver_sql(statement)
