"""Backup and restore of a whole installation: every table's rows and every receipt file.

A backup reads every table from one read-only snapshot, so a write made while it runs is wholly
in it or wholly out of it. A restore fills an empty database in one transaction. The file
format (data/backup_archive.py) is the same for both dialects: a backup of SQLite restores into
PostgreSQL and back.
"""

from __future__ import annotations

import json
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)

from data.backup_archive import (
    FORMAT,
    FORMAT_VERSION,
    RECEIPTS_PREFIX,
    BackupSummary,
    as_utc,
    file_sha256,
    json_value,
    member_file,
    open_archive,
    read_manifest,
    receipt_member,
    restore_file,
    summary_of,
    table_member,
    verified_members,
    write_archive,
)
from data.db import is_postgresql
from data.migrate import alembic_config, head_revision, upgrade_to_head
from data.schema import (
    category_models,
    daily_rollups,
    import_uploads,
    metadata,
    monthly_rollups,
    payee_rollups,
    receipts,
    user_sessions,
    users,
)
from data.seed import reset_id_sequences

ROWS_PER_BATCH = 1_000
# Sessions are not data: restored, they would revive the sign-ins of the installation (or the
# moment) the backup came from, on this one. A backup neither writes nor restores them.
# Not sessions (a restore signs everyone out), uploads waiting for their review (kept a day)
# nor category models (trained again from the ledger), nor the monthly rollups (the triggers
# rebuild them as the restore inserts the transactions).
NOT_BACKED_UP = (
    user_sessions,
    import_uploads,
    category_models,
    monthly_rollups,
    daily_rollups,
    payee_rollups,
)
BACKED_UP_TABLES = [table for table in metadata.sorted_tables if table not in NOT_BACKED_UP]
T = TypeVar("T")


# --- writing ----------------------------------------------------------------------------------


def write_backup(engine: Engine, receipts_dir: Path, out_path: Path) -> BackupSummary:
    """Write a backup to out_path, atomically: a failed backup leaves no file behind.

    A receipts row whose file is missing does not stop the backup: it is listed in the
    manifest and in the summary's missing_receipts.
    """
    out_path = Path(out_path)
    if out_path.exists():
        raise ValueError(f"{out_path} already exists; choose another file name")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=".backup-") as staging:
        revision, row_counts, storage_names = _dump_snapshot(engine, Path(staging))
        files = {table_member(name): Path(staging) / table_member(name) for name in row_counts}
        missing = _add_receipt_files(files, Path(receipts_dir), storage_names)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": revision,
            "created_at": created_at,
            "row_counts": row_counts,
            "columns": {t.name: [c.name for c in t.columns] for t in BACKED_UP_TABLES},
            "members": {member: file_sha256(path) for member, path in files.items()},
            "missing_receipts": missing,
        }
        write_archive(out_path, manifest, files)
    return summary_of(out_path, manifest)


def _add_receipt_files(files: dict[str, Path], receipts_dir: Path, names: list[str]) -> list[str]:
    """Adds each receipt's file to `files`; returns the names of those not on disk."""
    missing = []
    for name in names:
        path = receipts_dir / name
        if path.exists():
            files[receipt_member(name)] = path
        else:
            missing.append(name)
    return missing


def _dump_snapshot(engine: Engine, staging: Path) -> tuple[str, dict[str, int], list[str]]:
    """Every table into staging/tables/*.jsonl; the schema revision, row counts, receipts."""
    (staging / "tables").mkdir()
    with _read_snapshot(engine) as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        if revision is None or revision != head_revision():
            raise ValueError(
                f"the database is at schema revision {revision}, not {head_revision()}: "
                "run the migrate command first"
            )
        row_counts = {
            table.name: _dump_table(conn, table, staging / table_member(table.name))
            for table in BACKED_UP_TABLES
        }
        names = conn.execute(select(receipts.c.storage_name).order_by(receipts.c.id)).scalars()
        return revision, row_counts, list(names)


@contextmanager
def _read_snapshot(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        if is_postgresql(engine):
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            # pysqlite sends no BEGIN before a SELECT: without one, each table would be read at
            # a different moment and a writer could slip in between.
            conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def _dump_table(conn: Connection, table: Table, path: Path) -> int:
    query = select(table).order_by(*table.primary_key.columns)
    # yield_per streams (a server-side cursor on PostgreSQL): a big table never sits in memory.
    rows = conn.execute(query, execution_options={"yield_per": ROWS_PER_BATCH})
    count = 0
    with path.open("wb") as out:
        for row in rows:
            record = {name: json_value(value) for name, value in row._mapping.items()}
            line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
            out.write(line.encode() + b"\n")
            count += 1
    return count


# --- restoring --------------------------------------------------------------------------------


def restore_backup(engine: Engine, receipts_dir: Path, backup_path: Path) -> BackupSummary:
    """Restore a backup into an empty installation: every row in one transaction, and the files.

    Refuses (ValueError) a damaged or unknown backup, one of a newer schema than this code's, or
    a database that already has users. A failed restore leaves no rows and no receipt files.
    """
    receipts_dir, backup_path = Path(receipts_dir), Path(backup_path)
    with open_archive(backup_path) as tar:
        manifest = read_manifest(tar)
        _check_schema(manifest)
        members = verified_members(tar, manifest)
        upgrade_to_head(engine)
        receipts_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        try:
            with engine.begin() as conn:
                _claim_empty_database(conn)
                for member, info in members.items():
                    if member.startswith(RECEIPTS_PREFIX):
                        written.append(restore_file(tar, info, receipts_dir))
                for table in BACKED_UP_TABLES:
                    if table.name in manifest["columns"]:
                        _restore_table(conn, tar, manifest, members[table_member(table.name)])
                if is_postgresql(engine):
                    reset_id_sequences(conn)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
    return summary_of(backup_path, manifest)


def _check_schema(manifest: dict[str, Any]) -> None:
    """An older schema restores (its missing columns take their defaults); a newer one cannot."""
    script = ScriptDirectory.from_config(alembic_config())
    known = [revision.revision for revision in script.walk_revisions()]
    if manifest["schema_revision"] not in known:
        raise ValueError(
            f"the backup's schema revision {manifest['schema_revision']!r} is newer than this "
            f"version's ({script.get_current_head()}): restore it with a newer Finance Tracker"
        )
    for name, columns in manifest["columns"].items():
        table = metadata.tables.get(name)
        if table is None:
            raise ValueError(f"the backup has a table this version does not know: {name}")
        unknown = sorted(set(columns) - set(table.columns.keys()))
        if unknown:
            raise ValueError(f"the backup's {name} has columns this version lacks: {unknown}")


def _claim_empty_database(conn: Connection) -> None:
    # Locked before the check, so two restores at once cannot both find the database empty.
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE users IN EXCLUSIVE MODE")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    existing = conn.execute(select(func.count()).select_from(users)).scalar_one()
    if existing:
        raise ValueError(
            f"the database already has {existing} user(s): restore only into an empty installation"
        )


def _restore_table(
    conn: Connection, tar: tarfile.TarFile, manifest: dict[str, Any], info: tarfile.TarInfo
) -> None:
    table = metadata.tables[info.name.removeprefix("tables/").removesuffix(".jsonl")]
    columns = set(manifest["columns"][table.name])
    # A row pointing at a later row of its own table (the other leg of a transfer) can only
    # point at it once both exist: insert every row with NULL there, then a second pass over
    # the file links them, so not even the links of a huge table are held in memory.
    self_references = dict.fromkeys(
        fk.parent.name for fk in table.foreign_keys if fk.column.table is table
    )
    count = 0
    for batch in _batches(_table_rows(tar, info, table, columns, conn)):
        conn.execute(insert(table), [{**row, **self_references} for row in batch])
        count += len(batch)
    expected = manifest["row_counts"][table.name]
    if count != expected:
        raise ValueError(
            f"the backup's {table.name} has {count} rows, its manifest says {expected}"
        )
    for name in self_references:
        link = update(table).where(table.c.id == bindparam("row_id"))
        rows = _table_rows(tar, info, table, columns, conn)
        pairs = ({"row_id": r["id"], "ref": r[name]} for r in rows if r.get(name) is not None)
        for batch in _batches(pairs):
            conn.execute(link.values({name: bindparam("ref")}), batch)


def _table_rows(
    tar: tarfile.TarFile, info: tarfile.TarInfo, table: Table, columns: set[str], conn: Connection
) -> Iterator[dict[str, object]]:
    for line in member_file(tar, info):
        record = json.loads(line)
        if set(record) != columns:
            raise ValueError(f"a row of {table.name} does not have the manifest's columns")
        yield {name: _column_value(table.c[name], value, conn) for name, value in record.items()}


def _batches(items: Iterable[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == ROWS_PER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _column_value(column: Column, value: object, conn: Connection) -> object:
    """A JSON value as the column's Python type; ValueError if it cannot be one."""
    kind = column.type
    if value is None:
        return None
    if isinstance(kind, DateTime) and isinstance(value, str):
        moment = as_utc(datetime.fromisoformat(value))
        return moment.replace(tzinfo=None) if conn.dialect.name == "sqlite" else moment
    if isinstance(kind, Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(kind, Boolean) and isinstance(value, bool):
        return value
    if isinstance(kind, Integer) and isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(kind, String) and isinstance(value, str):
        return value
    raise ValueError(f"{column.table.name}.{column.name} cannot hold {value!r}")
