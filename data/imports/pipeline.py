"""The import's steps as the page, the background worker and `flask import` all run them.

preview: read the staged file (with the mapping given, else the profile saved for its header,
else the guess), pick the account (given, else remembered from the file's account id, else the
profile's), and plan every line against the ledger without writing. commit: read again with the
mapping the person confirmed, store as decided, remember the account id and the CSV mapping,
and drop the staged file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from data.imports.accounts import account_for_key, remember_key
from data.imports.commit import BatchResult, ImportChoices, ImportSource, store_import
from data.imports.csv_mapping import CsvMapping
from data.imports.matching import ImportPlan, plan_import
from data.imports.profiles import Profile, find_profile, save_profile
from data.imports.reading import ReadResult, open_csv, read_file, read_opened
from data.imports.ruled import rules_transform
from data.imports.stages import stage
from data.imports.statement import Statement
from data.imports.uploads import Upload, discard_upload
from data.ownership import owned_row
from data.schema import accounts
from data.validation import ValidationError

# Progress callbacks get (step done, steps in all, what is happening) for the progress bar.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Preview:
    reading: ReadResult
    account_id: int | None
    # Why this account: "chosen", "remembered" (the file's account id), "profile", or "".
    account_reason: str
    profile: Profile | None
    plan: ImportPlan | None


def _quiet(done: int, total: int, what: str) -> None:
    """No progress to show (the CLI, tests)."""


def preview_upload(
    engine: Engine,
    user_id: int,
    upload: Upload,
    account_id: int | None = None,
    mapping: CsvMapping | None = None,
    progress: Progress = _quiet,
) -> Preview:
    progress(0, 3, "Reading the file")
    reading, profile = _read(engine, user_id, upload, account_id, mapping)
    reason = "chosen" if account_id is not None else ""
    if account_id is None:
        account_id = account_for_key(engine, user_id, reading.statement.account_key)
        reason = "remembered" if account_id is not None else ""
    if account_id is None and profile is not None:
        account_id, reason = profile.account_id, "profile"
    if account_id is None:
        return Preview(reading, None, "", profile, None)
    progress(1, 3, "Looking for lines imported before")
    with engine.connect() as conn:
        account = owned_row(conn, accounts, user_id, account_id, "account")
        rules = rules_transform(conn, user_id)
        plan = plan_import(conn, user_id, account, reading.statement, rules=rules)
    progress(3, 3, "Ready for review")
    return Preview(reading, account_id, reason, profile, plan)


def commit_upload(
    engine: Engine,
    user_id: int,
    upload: Upload,
    account_id: int,
    mapping: CsvMapping | None = None,
    choices: ImportChoices | None = None,
) -> BatchResult:
    """Store the upload as reviewed; ValidationError when a CSV question is still open."""
    statement, source = _to_store(engine, user_id, upload, account_id, mapping)
    result = store_import(engine, user_id, account_id, statement, source, choices)
    remember_key(engine, user_id, account_id, statement.account_key)
    discard_upload(engine, user_id, upload.id)
    return result


def _to_store(
    engine: Engine,
    user_id: int,
    upload: Upload,
    account_id: int,
    mapping: CsvMapping | None,
) -> tuple[Statement, ImportSource]:
    """The statement to store (its lines without their cells) and where it came from, the CSV
    mapping saved as the header's profile. Apart from commit_upload so that the reading (every
    cell of the file) is freed before the commit holds the planned lines."""
    with stage("read"):
        reading, profile = _read(engine, user_id, upload, account_id, mapping, sources=False)
    if reading.questions:
        raise ValidationError({"mapping": " ".join(reading.questions)})
    statement, csv = reading.statement, reading.csv
    if csv is not None:
        # Saved first: the batch names the profile the mapping is now kept in.
        mapping_json = csv.mapping.to_json()
        profile = save_profile(engine, user_id, account_id, csv.signature, mapping_json)
    name = profile.name if csv is not None and profile is not None else None
    return statement, ImportSource(upload.file_name, upload.sha256, statement.format, name)


def _read(
    engine: Engine,
    user_id: int,
    upload: Upload,
    account_id: int | None,
    mapping: CsvMapping | None,
    *,
    sources: bool = True,
) -> tuple[ReadResult, Profile | None]:
    """Read with `mapping`; without one, a CSV whose header has a saved profile is read with
    the profile's mapping (if it still fits the file). The lines are read once: the header's
    signature, which finds the profile, comes from the opened file."""
    opened = open_csv(upload.content, upload.file_name)
    if opened is None:
        return read_file(upload.content, upload.file_name, sources=sources), None
    profile = find_profile(engine, user_id, account_id, opened.signature)
    if mapping is None and profile is not None:
        try:
            saved = CsvMapping.from_json(profile.mapping)
            return read_opened(opened, saved, sources=sources), profile
        except ValueError:
            profile = None
    return read_opened(opened, mapping, sources=sources), profile
