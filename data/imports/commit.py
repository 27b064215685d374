"""Storing an import and undoing it: one DB transaction each, data_version bumped once.

The plan is made again inside the transaction that stores it (after bump_version has locked the
owner's row), so what the person reviewed is checked against the ledger as it is at commit: a
line stored by another import in between is a duplicate then, never a second row.
"""

from __future__ import annotations

import contextvars
import io
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from data.entries import Transaction
from data.imports.matching import (
    ImportPlan,
    PlannedLine,
    currency_problem,
    planned_chunks,
    schedulable,
    with_scheduled,
)
from data.imports.ruled import rules_transform
from data.imports.scheduled import (
    Candidate,
    forget_scheduled,
    record_scheduled,
    scheduled_matches,
)
from data.imports.stages import no_cyclic_gc, stage
from data.imports.statement import Statement
from data.ownership import bump_version, insert_id, owned_row
from data.rules.store import usable_categories
from data.schema import (
    accounts,
    import_batches,
    import_links,
    receipts,
    transaction_splits,
    transaction_tags,
)
from data.schema import transactions as txns
from data.tags import clean_tags, tag_ids
from data.validation import NotFound, ValidationError

# What a person can decide for a line: store it, leave it out, or (a probable match) mark the
# hand entry as this bank line instead of storing a second row.
DECISIONS = ("import", "skip", "link")
# Rows per executemany: the parameter dicts of one chunk are in memory at a time.
INSERT_CHUNK = 5_000
IMPORTED_MEANWHILE = (
    "Another import stored some of these lines at the same time; nothing was stored. "
    "Review the file again."
)


@dataclass(frozen=True)
class ImportSource:
    """What the file was, for the batch's row and the history."""

    file_name: str
    sha256: str
    format: str
    profile_name: str | None = None


@dataclass(frozen=True)
class ImportChoices:
    """The person's decisions by line number; a line without one: new lines are imported,
    probable matches get `probable` ("skip" unless the CLI's flag or the review says so)."""

    decisions: Mapping[int, str] = field(default_factory=dict)
    probable: str = "skip"
    # Categories the person accepted in the review (a suggestion) by line number: set on a
    # stored line that has none of its own, when the category is theirs and not archived.
    categories: Mapping[int, int] = field(default_factory=dict)
    # Lines offered as a schedule's date that the person said are not (stored as plain lines).
    scheduled_declined: frozenset[int] = frozenset()


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    counts: dict[str, int]
    plan: ImportPlan


@dataclass(frozen=True)
class UndoPreview:
    """What undoing a batch would do, for its confirmation."""

    batch_id: int
    file_name: str
    rows: int
    edited_since: int
    linked: int
    undone: bool


def commit_import(
    engine: Engine,
    user_id: int,
    account_id: int,
    statement: Statement,
    source: ImportSource,
    choices: ImportChoices | None = None,
) -> BatchResult:
    """Store the statement's lines in `account_id` as `choices` says, all or nothing; the
    result's plan has every line with its fate."""
    what = (account_id, statement, source, choices or ImportChoices())
    return _commit_retried(engine, user_id, what, keep_lines=True)


def store_import(
    engine: Engine,
    user_id: int,
    account_id: int,
    statement: Statement,
    source: ImportSource,
    choices: ImportChoices | None = None,
) -> BatchResult:
    """commit_import without the lines in the result's plan (its counts are the result's), so
    that no more than PLAN_CHUNK planned lines are held at a time: the commit job's memory."""
    what = (account_id, statement, source, choices or ImportChoices())
    return _commit_retried(engine, user_id, what, keep_lines=False)


def _commit_retried(
    engine: Engine,
    user_id: int,
    what: tuple[int, Statement, ImportSource, ImportChoices],
    *,
    keep_lines: bool,
) -> BatchResult:
    """The lines planned and stored PLAN_CHUNK at a time, in one DB transaction."""
    try:
        return _commit(engine, user_id, what, exhaustive=False, keep_lines=keep_lines)
    except IntegrityError as conflict:
        if "import_fingerprint" not in str(conflict.orig):
            raise
    # A fingerprint outside the fast lookup's reach (its row moved account or date since):
    # the same again, every fingerprint looked up.
    return _commit(engine, user_id, what, exhaustive=True, keep_lines=keep_lines)


def _commit(
    engine: Engine,
    user_id: int,
    what: tuple[int, Statement, ImportSource, ImportChoices],
    *,
    exhaustive: bool,
    keep_lines: bool,
) -> BatchResult:
    account_id, statement, source, choices = what
    try:
        with engine.begin() as conn, no_cyclic_gc():
            bump_version(conn, user_id)
            account = owned_row(conn, accounts, user_id, account_id, "account")
            problem = currency_problem(account, statement)
            if problem:
                raise ValidationError({"account_id": problem})
            with stage("compile_rules"):
                rules = rules_transform(conn, user_id)
            usable = usable_categories(conn, user_id) if choices.categories else frozenset()
            # The counts are known once every chunk is planned: the batch's row gets them last.
            batch_id = insert_id(
                conn, import_batches, user_id=user_id, account_id=account.id,
                file_name=source.file_name[:255], sha256=source.sha256, format=source.format,
                profile_name=source.profile_name, **dict.fromkeys(_COUNTS, 0),
            )  # fmt: skip
            counts: Counter[str] = Counter()
            kept: list[PlannedLine] = []
            # Every new line may be a schedule's date (one line per date, the whole file
            # decides), and the ids of the stored ones, by line number.
            candidates: list[Candidate] = []
            with _Rows(conn) as rows:
                chunks = planned_chunks(
                    conn, user_id, account, statement, exhaustive=exhaustive, rules=rules,
                    before_reads=rows.wait,
                )  # fmt: skip
                for chunk in chunks:
                    chosen = _chosen(chunk, choices)
                    counts.update(_counts(chunk, chosen))
                    if keep_lines:
                        kept += chunk
                    if choices.categories:
                        chosen = _accepted(chosen, choices.categories, usable)
                    imported = [p for p, d in chosen if d == "import" and p.transaction is not None]
                    with stage("insert"):
                        _store_lines(rows, user_id, batch_id, imported)
                    candidates += schedulable(chunk)
                    linked = [p for p, d in chosen if d == "link"]
                    if linked:
                        rows.wait()
                        _link_lines(conn, user_id, batch_id, linked)
                    del chunk, chosen, imported, linked
                rows.wait()
                stored = rows.stored
            with stage("scheduled"):
                found = scheduled_matches(conn, user_id, account.id, candidates)
            # The lines accepted as a schedule's date post that date (data/imports/scheduled.py).
            record_scheduled(conn, user_id, [
                (stored[number], match) for number, match in sorted(found.items())
                if number in stored and number not in choices.scheduled_declined
            ])  # fmt: skip
            totals = {name: counts[name] for name in _COUNTS}
            conn.execute(
                update(import_batches).where(import_batches.c.id == batch_id).values(**totals)
            )
    except IntegrityError as conflict:
        if exhaustive and "import_fingerprint" in str(conflict.orig):
            raise ValidationError({"import": IMPORTED_MEANWHILE}) from conflict
        raise
    lines = tuple(with_scheduled(kept, found))
    plan = ImportPlan(account.id, account.currency, lines, None, statement.warnings)
    return BatchResult(batch_id, totals, plan)


def _chosen(
    planned: Sequence[PlannedLine], choices: ImportChoices
) -> list[tuple[PlannedLine, str]]:
    """Each line with what happens to it; only new and probable lines can be stored."""
    result = []
    for item in planned:
        wanted = choices.decisions.get(item.line.number)
        if wanted is not None and wanted not in DECISIONS:
            raise ValidationError({"decisions": f"Unknown decision for line {item.line.number}."})
        if item.fate == "new":
            decision = "skip" if wanted == "skip" else "import"
        elif item.fate == "probable":
            decision = wanted or choices.probable
        else:
            decision = "skip"
        result.append((item, decision))
    return result


def _accepted(
    chosen: list[tuple[PlannedLine, str]], categories: Mapping[int, int], usable: frozenset[int]
) -> list[tuple[PlannedLine, str]]:
    """The lines with the categories the person accepted (theirs, usable, on lines without
    one); any other id is ignored, as a category deleted since the review would be."""
    result = []
    for planned, decision in chosen:
        txn, wanted = planned.transaction, categories.get(planned.line.number)
        if txn is not None and wanted in usable and txn.category_id is None and not txn.splits:
            planned = replace(planned, transaction=replace(txn, category_id=wanted))
        result.append((planned, decision))
    return result


# The batch's counts, as import_batches names them.
_COUNTS = ("imported_count", "duplicate_ref_count", "duplicate_fingerprint_count",
           "probable_count", "linked_count", "error_count", "skipped_count")  # fmt: skip


def _counts(planned: Sequence[PlannedLine], chosen: list[tuple[PlannedLine, str]]) -> Counter[str]:
    fates = Counter(item.fate for item in planned)
    decided = Counter(decision for _item, decision in chosen)
    return Counter({
        "imported_count": decided["import"],
        "duplicate_ref_count": fates["duplicate_ref"],
        "duplicate_fingerprint_count": fates["duplicate_fingerprint"],
        "probable_count": fates["probable"],
        "linked_count": decided["link"],
        "error_count": fates["error"],
        "skipped_count": sum(
            1 for item, decision in chosen
            if decision == "skip" and item.fate in ("new", "probable", "skipped")
        ),
    })  # fmt: skip


class _Rows:
    """Where an import's rows go, a chunk at a time, on the transaction's connection `conn`;
    `stored` has the ids of the rows stored so far by line number.

    PostgreSQL: each chunk's rows go in a thread of its own (COPY, then their ids) while
    the next chunk is planned, so the server's work on the rows (ten indexes, four foreign
    keys, the rollup trigger: about 2 s of 50,000 lines) overlaps the planning's Python on the
    other core instead of following it. One chunk at a time: the connection is the thread's
    until `wait` returns, and every other use of it (the parts and tags of the rows copied, a
    planning read, the links, the next chunk) calls `wait` first. The thread's error is raised
    by the `wait` after it, before anything else runs on the connection; leaving the block
    waits for a chunk still in flight, so the transaction is never rolled back or committed
    under it. Another dialect: no thread, each chunk is stored at once."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.stored: dict[int, int] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._cursor: Any = None
        self._pending: Future[list[int]] | None = None
        self._then: Callable[[list[int]], None] | None = None
        self._numbers: list[int] = []
        # The largest id stored so far (ids ascend with the lines).
        self._largest = 0

    def __enter__(self) -> _Rows:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            # A chunk in flight ends first; its error, if any, follows from the one raised.
            self._pool.shutdown(wait=True)
            self._cursor.close()

    def copy(
        self,
        batch_id: int,
        numbers: list[int],
        lines: list[str],
        then: Callable[[list[int]], None],
    ) -> None:
        """Start storing the rows of lines `numbers` (their COPY lines: `lines`) of the batch,
        after the chunk before; `then` gets their ids once they are stored."""
        self.wait()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="import-copy")
            self._cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        # In the caller's context: the thread's stage is recorded with the import's.
        run = contextvars.copy_context().run
        after = self._largest
        self._pending = self._pool.submit(run, _copy_rows, self._cursor, lines, batch_id, after)
        self._numbers, self._then = numbers, then

    def wait(self) -> None:
        """The chunk in flight, if any, stored: its error raised, or its `then` run."""
        pending, then, numbers = self._pending, self._then, self._numbers
        self._pending, self._then, self._numbers = None, None, []
        if pending is None:
            return
        dbapi_error = self.conn.dialect.loaded_dbapi.Error
        try:
            row_ids = pending.result()
        except dbapi_error as error:
            # As SQLAlchemy raises it for an INSERT: commit_import looks for the fingerprint's
            # IntegrityError to run again with every fingerprint looked up.
            raise DBAPIError.instance(_COPY, None, error, dbapi_error) from error
        self.done(numbers, row_ids, then)

    def done(
        self, numbers: list[int], row_ids: list[int], then: Callable[[list[int]], None] | None
    ) -> None:
        """Rows of lines `numbers` stored with ids `row_ids`: noted, and `then` run."""
        self.stored.update(zip(numbers, row_ids, strict=True))
        self._largest = max([self._largest, *row_ids])
        if then is not None:
            then(row_ids)


def _store_lines(rows: _Rows, user_id: int, batch_id: int, lines: list[PlannedLine]) -> None:
    """The lines' rows, then the parts of split lines and the tags (set by the user's rules) in
    one executemany each; the new ids go to `rows.stored`. On PostgreSQL the rows go by COPY in
    `rows`' thread (_Rows.copy), and their parts and tags once they are stored (they refer to
    the rows)."""
    chosen = [planned for planned in lines if planned.transaction is not None]
    numbers = [planned.line.number for planned in chosen]
    txns_in = [planned.transaction for planned in chosen if planned.transaction is not None]
    if not txns_in:
        return
    if rows.conn.dialect.name != "postgresql":
        row_ids = _insert_rows(rows.conn, user_id, batch_id, txns_in)
        rows.done(numbers, row_ids, partial(_parts_and_tags(user_id, txns_in), rows.conn))
        return
    for start in range(0, len(txns_in), INSERT_CHUNK):
        some = txns_in[start : start + INSERT_CHUNK]
        lines_in = [_copy_line(txn, user_id, batch_id) for txn in some]
        then = partial(_parts_and_tags(user_id, some), rows.conn)
        rows.copy(batch_id, numbers[start : start + INSERT_CHUNK], lines_in, then)


def _parts_and_tags(
    user_id: int, chosen: list[Transaction]
) -> Callable[[Connection, list[int]], None]:
    """What stores the parts of split lines and the tags of `chosen` once their rows have ids
    (in the same order): their values taken now, so that it holds no transaction."""
    parts = [
        (index, {"user_id": user_id, "position": position, "category_id": part.category_id,
                 "amount_minor": part.amount_minor, "memo": part.memo})
        for index, txn in enumerate(chosen)
        for position, part in enumerate(txn.splits)
    ]  # fmt: skip
    tagged = [(index, clean_tags(txn.tags)) for index, txn in enumerate(chosen) if txn.tags]

    def store(conn: Connection, row_ids: list[int]) -> None:
        if parts:
            values = [{**part, "transaction_id": row_ids[index]} for index, part in parts]
            conn.execute(insert(transaction_splits), values)
        if tagged:
            _link_tags(conn, user_id, [(row_ids[index], names) for index, names in tagged])

    return store


def _insert_rows(
    conn: Connection, user_id: int, batch_id: int, chosen: list[Transaction]
) -> list[int]:
    """The rows inserted (a dialect other than PostgreSQL), their ids in the order of `chosen`.

    Multi-row INSERT ... RETURNING, sorted by SQLAlchemy (insertmanyvalues). SQLite: SQLAlchemy
    cannot sort RETURNING there and runs one statement per row (11 s for 50,000 on a busy
    machine), so the rows go in by the driver's executemany and their ids are read back by
    batch, above the largest id before them (the batch's earlier chunks are below it): this
    transaction holds SQLite's write lock, and a new rowid is the largest so far plus one, so
    those ids in ascending order are the insert's order."""
    sqlite = conn.dialect.name == "sqlite"
    returning = insert(txns).returning(txns.c.id, sort_by_parameter_order=True)
    row_ids: list[int] = []
    before = (conn.execute(select(func.max(txns.c.id))).scalar() or 0) if sqlite else 0
    for start in range(0, len(chosen), INSERT_CHUNK):
        values = [_columns(txn, user_id, batch_id) for txn in chosen[start : start + INSERT_CHUNK]]
        if sqlite:
            conn.execute(insert(txns), values)
        else:
            row_ids += conn.execute(returning, values).scalars()
    if sqlite:
        mine = (
            select(txns.c.id)
            .where(txns.c.import_batch_id == batch_id, txns.c.id > before)
            .order_by(txns.c.id)
        )
        row_ids = list(conn.execute(mine).scalars())
    if len(row_ids) != len(chosen):
        raise RuntimeError("The import's rows could not be read back in order.")
    return row_ids


# The columns an import writes, in COPY's order (the others take their defaults).
_COPIED = ("user_id", "account_id", "date", "amount_minor", "payee", "memo", "category_id",
           "import_fingerprint", "bank_ref", "import_batch_id")  # fmt: skip
_COPY = f"COPY transactions ({', '.join(_COPIED)}) FROM STDIN"
# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


# The ids of a batch's rows above a given one, ascending (the batch's earlier chunks are below).
_COPIED_IDS = (
    "SELECT id FROM transactions WHERE import_batch_id = %(batch)s AND id > %(after)s ORDER BY id"
)


def _copy_rows(cursor: Any, lines: list[str], batch_id: int, after: int) -> list[int]:
    """PostgreSQL, in `_Rows`' thread: the rows by COPY (a third of the time of multi-row
    INSERTs for 50,000 lines), then their ids read back, in the order of `lines`: COPY takes
    each row's id from the table's sequence as it goes, and a sequence only ascends, so the
    batch's ids above `after` (the largest of its chunks before) in ascending order are the
    COPY's order. (Drawing the ids first, one query of nextval, cost the server 20 ms a chunk,
    four times the read back.) COPY fires the table's INSERT triggers as INSERT does (a
    statement-level one once per chunk)."""
    with stage("copy"):
        _copy_chunk(cursor, _COPY, "".join(lines))
        cursor.execute(_COPIED_IDS, {"batch": batch_id, "after": after})
        row_ids = [row[0] for row in cursor.fetchall()]
    if len(row_ids) != len(lines):
        raise RuntimeError("The import's rows could not be read back in order.")
    return row_ids


def _copy_chunk(cursor: Any, copy: str, text: str) -> None:
    """One COPY (apart so that tests/commit_kill_target.py can stop right after the first)."""
    cursor.copy_expert(copy, io.StringIO(text))


def _copy_line(txn: Transaction, user_id: int, batch_id: int) -> str:
    """The row's COPY line (tab-separated, with its newline)."""
    return (
        f"{user_id}\t{txn.account_id}\t{txn.date.isoformat()}\t{txn.amount_minor}"
        f"\t{_copy_text(txn.payee)}\t{_copy_text(txn.memo)}\t{_copy_number(txn.category_id)}"
        f"\t{_copy_text(txn.import_fingerprint)}\t{_copy_text(txn.bank_ref)}\t{batch_id}\n"
    )


def _copy_text(value: str | None) -> str:
    if value is None:
        return "\\N"
    # Tested before translating: most values have nothing to escape, and `in` is cheaper.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def _copy_number(value: int | None) -> str:
    return "\\N" if value is None else str(value)


def _link_tags(conn: Connection, user_id: int, tagged: list[tuple[int, tuple[str, ...]]]) -> None:
    """The tags of new rows: each name looked up (or created) once, the links in one go."""
    unique = {name.casefold(): name for _row_id, names in tagged for name in names}
    by_key = dict(zip(unique, tag_ids(conn, user_id, list(unique.values())), strict=True))
    links = [
        {"user_id": user_id, "transaction_id": row_id, "tag_id": tag_id}
        for row_id, names in tagged
        for tag_id in dict.fromkeys(by_key[name.casefold()] for name in names)
    ]
    conn.execute(insert(transaction_tags), links)


def _columns(txn: Transaction, user_id: int, batch_id: int) -> dict[str, object]:
    return {
        "user_id": user_id, "account_id": txn.account_id, "date": txn.date,
        "amount_minor": txn.amount_minor, "payee": txn.payee, "memo": txn.memo,
        "category_id": txn.category_id, "import_fingerprint": txn.import_fingerprint,
        "bank_ref": txn.bank_ref, "import_batch_id": batch_id,
    }  # fmt: skip


def _link_lines(conn: Connection, user_id: int, batch_id: int, lines: list[PlannedLine]) -> None:
    """The hand entries become these bank lines: a later import finds them as duplicates."""
    for planned in lines:
        assert planned.match is not None and planned.transaction is not None
        mark = {
            "import_fingerprint": planned.transaction.import_fingerprint,
            "bank_ref": planned.transaction.bank_ref,
        }
        conn.execute(
            update(txns)
            .where(txns.c.user_id == user_id, txns.c.id == planned.match.transaction_id)
            .values(**mark)
        )
        link = {"user_id": user_id, "batch_id": batch_id}
        conn.execute(
            insert(import_links).values(**link, transaction_id=planned.match.transaction_id)
        )


def undo_preview(engine: Engine, user_id: int, batch_id: object) -> UndoPreview:
    """How many rows undoing the batch removes, how many of them were edited since the
    import (their edits go with them), and how many hand entries it unlinks."""
    with engine.connect() as conn:
        batch = owned_row(conn, import_batches, user_id, batch_id, "import")
        rows = _batch_rows(batch.id, user_id)
        count = conn.execute(select(func.count()).where(*rows)).scalar_one()
        edited = conn.execute(
            select(func.count()).where(*rows, txns.c.updated_at > batch.created_at)
        ).scalar_one()
        linked = conn.execute(
            select(func.count()).where(import_links.c.batch_id == batch.id)
        ).scalar_one()
    return UndoPreview(
        batch.id, batch.file_name, count, edited, linked, batch.undone_at is not None
    )


def undo_batch(engine: Engine, user_id: int, batch_id: object) -> list[int]:
    """Remove exactly the batch's rows and unlink its hand entries, in one DB transaction;
    the batch stays in the history as undone. Returns the ids of receipts deleted with the rows
    (their files are the caller's to remove), as delete_transaction does."""
    with engine.begin() as conn:
        bump_version(conn, user_id)
        batch = owned_row(conn, import_batches, user_id, batch_id, "import")
        if batch.undone_at is not None:
            raise NotFound("That import was undone already.")
        rows = _batch_rows(batch.id, user_id)
        receipt_ids = sorted(
            conn.execute(select(txns.c.receipt_id).where(*rows, txns.c.receipt_id.is_not(None)))
            .scalars()
            .all()
        )
        _unlink(conn, user_id, batch.id)
        forget_scheduled(conn, user_id, batch.id)
        conn.execute(delete(txns).where(*rows))
        if receipt_ids:
            owned = (receipts.c.user_id == user_id, receipts.c.id.in_(receipt_ids))
            conn.execute(delete(receipts).where(*owned))
        conn.execute(
            update(import_batches)
            .where(import_batches.c.id == batch.id)
            .values(undone_at=func.now())
        )
        return receipt_ids


def _batch_rows(batch_id: int, user_id: int) -> tuple:
    return (txns.c.user_id == user_id, txns.c.import_batch_id == batch_id)


def _unlink(conn: Connection, user_id: int, batch_id: int) -> None:
    linked = select(import_links.c.transaction_id).where(
        import_links.c.user_id == user_id, import_links.c.batch_id == batch_id
    )
    conn.execute(
        update(txns)
        .where(txns.c.user_id == user_id, txns.c.id.in_(linked))
        .values(import_fingerprint=None, bank_ref=None)
    )
    conn.execute(delete(import_links).where(import_links.c.batch_id == batch_id))
