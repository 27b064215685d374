"""The backup file: a .tar.gz of a manifest and checksummed members. No database in here.

  manifest.json            format version, schema revision, created_at, row counts, columns,
                           the sha256 of every other member, the receipts that were missing
  tables/<table>.jsonl     one JSON object per row, every column
  receipts/<storage_name>  the stored receipt files

Values are JSON: dates as ISO strings, datetimes as ISO strings in UTC, amounts as integers.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from data.validation import Invalid, clean_storage_name

FORMAT = "finance-tracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECEIPTS_PREFIX = "receipts/"
_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds (or a restore put back): rows per table and receipt files."""

    path: Path
    schema_revision: str
    created_at: str
    row_counts: dict[str, int]
    receipt_files: int
    # Receipt rows whose file was not in the receipts directory at backup time.
    missing_receipts: tuple[str, ...] = ()


def summary_of(path: Path, manifest: dict[str, Any]) -> BackupSummary:
    return BackupSummary(
        path=path,
        schema_revision=manifest["schema_revision"],
        created_at=manifest["created_at"],
        row_counts=dict(manifest["row_counts"]),
        receipt_files=sum(1 for m in manifest["members"] if m.startswith(RECEIPTS_PREFIX)),
        missing_receipts=tuple(manifest["missing_receipts"]),
    )


def table_member(table_name: str) -> str:
    return f"tables/{table_name}.jsonl"


def receipt_member(storage_name: str) -> str:
    return RECEIPTS_PREFIX + storage_name


def as_utc(moment: datetime) -> datetime:
    # SQLite stores datetimes without a zone, in UTC: that is how CURRENT_TIMESTAMP writes them.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC)


def json_value(value: object) -> object:
    """A column value as JSON reads it back on either dialect."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"no JSON form for {type(value).__name__} (amounts are integers)")


def file_sha256(path: Path) -> str:
    with path.open("rb") as source:
        return _stream_sha256(source)


def _stream_sha256(source: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK_BYTES):
        digest.update(chunk)
    return digest.hexdigest()


# --- writing ----------------------------------------------------------------------------------


def write_archive(out_path: Path, manifest: dict[str, Any], files: dict[str, Path]) -> None:
    """The archive under a temporary name beside out_path, renamed once complete and synced."""
    fd, temporary = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.")
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                manifest_bytes = json.dumps(manifest, indent=2).encode()
                tar.addfile(_member_info(MANIFEST, len(manifest_bytes)), io.BytesIO(manifest_bytes))
                for member, path in files.items():
                    _add_file(tar, member, path, manifest["members"][member])
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, out_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _add_file(tar: tarfile.TarFile, member: str, path: Path, sha256: str) -> None:
    with path.open("rb") as source:
        reader = _HashingReader(source)
        tar.addfile(_member_info(member, os.fstat(source.fileno()).st_size), reader)
    # A receipt rewritten between hashing and archiving would not match its manifest entry.
    if reader.digest.hexdigest() != sha256:
        raise ValueError(f"{path} changed while the backup was being written")


def _member_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(datetime.now(UTC).timestamp())
    return info


class _HashingReader:
    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.digest = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


# --- reading ----------------------------------------------------------------------------------


@contextmanager
def open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        tar = tarfile.open(path, mode="r:gz")
    except (tarfile.TarError, OSError) as error:
        raise ValueError(f"{path} is not a Finance Tracker backup ({error})") from None
    with tar:
        yield tar


def member_file(tar: tarfile.TarFile, member: str | tarfile.TarInfo) -> IO[bytes]:
    """The member's contents; ValueError if it is no regular file (tarfile gives None then)."""
    contents = tar.extractfile(member)
    if contents is None:
        name = member if isinstance(member, str) else member.name
        raise ValueError(f"the backup's {name} is not a file")
    return contents


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    """The manifest, if it is one this code knows how to read; ValueError otherwise."""
    try:
        manifest = json.load(member_file(tar, MANIFEST))
    except (KeyError, ValueError, tarfile.TarError):
        manifest = None
    if not _well_formed(manifest):
        raise ValueError("not a Finance Tracker backup: manifest.json is missing or unreadable")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"backup format version {manifest.get('format_version')!r} is unknown "
            f"(this version reads {FORMAT_VERSION})"
        )
    return manifest


def _well_formed(manifest: object) -> bool:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return False
    columns, counts = manifest.get("columns"), manifest.get("row_counts")
    members = manifest.get("members")
    return (
        isinstance(columns, dict)
        and isinstance(counts, dict)
        and isinstance(members, dict)
        and isinstance(manifest.get("missing_receipts"), list)
        and set(columns) == set(counts)
        and all(isinstance(names, list) for names in columns.values())
        and all(table_member(name) in members for name in columns)
    )


def verified_members(tar: tarfile.TarFile, manifest: dict[str, Any]) -> dict[str, tarfile.TarInfo]:
    """Every member the manifest names, each matching its sha256, and nothing else."""
    expected, found = manifest["members"], {}
    for info in tar:
        if info.name == MANIFEST:
            continue
        if info.name not in expected or not info.isfile():
            raise ValueError(f"the backup holds an unexpected member: {info.name}")
        if info.name.startswith(RECEIPTS_PREFIX):
            _storage_name(info.name)
        if _stream_sha256(member_file(tar, info)) != expected[info.name]:
            raise ValueError(f"checksum mismatch for {info.name}: the backup is damaged or altered")
        found[info.name] = info
    absent = sorted(set(expected) - set(found))
    if absent:
        raise ValueError(f"the backup lacks members its manifest lists: {', '.join(absent)}")
    return found


def _storage_name(member: str) -> str:
    try:
        return clean_storage_name(member.removeprefix(RECEIPTS_PREFIX))
    except Invalid:
        raise ValueError(f"the backup holds an unsafe receipt file name: {member}") from None


def restore_file(tar: tarfile.TarFile, info: tarfile.TarInfo, receipts_dir: Path) -> Path:
    """A receipt member copied into receipts_dir under a temporary name, then renamed."""
    target = receipts_dir / _storage_name(info.name)
    if target.exists():
        raise ValueError(
            f"the receipts directory already holds {target.name}: restore only into "
            "an empty installation"
        )
    fd, temporary = tempfile.mkstemp(dir=receipts_dir, prefix=".restoring-")
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(member_file(tar, info), out, _CHUNK_BYTES)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
