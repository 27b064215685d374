"""Receipt files on disk: written atomically under a new random name in the receipts directory,
found again only by a storage name that cannot leave it, and removed once their rows are gone.
No Flask or Dash here: dashboard/receipts/stored.py and download.py wire it
up.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path

from data.validation import Invalid, clean_storage_name

logger = logging.getLogger(__name__)


def write_file(directory: Path, data: bytes, extension: str) -> str:
    """Store the bytes under a new random name in `directory` (created 0700 if missing):
    a temporary file in the same directory, fsynced, then renamed into place. Returns the
    name; on any failure nothing is left behind."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    final = directory / name
    # mkstemp creates the file 0600; the dot keeps it from ever matching a storage name.
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, final)
        _sync_directory(directory)
    except BaseException:
        for leftover in (Path(temporary), final):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    return name


def _sync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk too.
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def stored_path(directory: Path, storage_name: str) -> Path:
    """The file of a stored receipt; ValueError for a name that could leave the directory."""
    try:
        return directory / clean_storage_name(storage_name)
    except Invalid:
        raise ValueError(f"not a receipt storage name: {storage_name!r}") from None


def remove_files(directory: Path, storage_names: Iterable[str]) -> None:
    """Remove stored receipt files whose rows are gone. A failure is logged, not raised: the
    database already says the receipt does not exist, and the file is then only an orphan."""
    for name in storage_names:
        try:
            stored_path(directory, name).unlink(missing_ok=True)
        except (OSError, ValueError) as error:
            logger.warning("receipt file %r not removed: %s", name, error)
