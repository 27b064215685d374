"""`flask --app dashboard.wsgi:server import FILE --user NAME --account NAME [--profile NAME]
[--dry-run] [--import-probable | --link-probable]`: a bank statement imported from cron.

The same steps as the import page (data/imports/pipeline.py). It prints what became of every
line (new, duplicate by reference or fingerprint, probable match, error, skipped) and commits
unless --dry-run. An account of that name is created, in the file's currency, when the user has
none (it says so). Probable matches with hand entries are left alone unless a flag says to
import or link them. Exit codes: 0 done, 1 the file cannot be imported (unreadable, an
ambiguous CSV mapping that no profile settles, another currency), 2 a usage error.
"""

from __future__ import annotations

import hashlib
import types
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import Engine, func, select

from dashboard.extensions import get_engine
from data.imports.commit import ImportChoices
from data.imports.csv_mapping import CsvMapping
from data.imports.detect import MAX_IMPORT_BYTES
from data.imports.matching import ImportPlan, plan_import
from data.imports.pipeline import commit_upload, preview_upload
from data.imports.profiles import profile_named
from data.imports.statement import UnreadableFile
from data.imports.uploads import Upload
from data.schema import accounts, users
from data.setup_writes import create_account
from data.users import user_id_by_username
from data.validation import ValidationError

FATE_LABELS = {
    "new": "new",
    "duplicate_ref": "duplicate by bank reference",
    "duplicate_fingerprint": "duplicate by date, amount and text",
    "probable": "probable match with a hand entry",
    "error": "error",
    "skipped": "skipped",
}


def register_import_cli(server: Flask) -> None:
    @server.cli.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--user", "username", required=True, help="Whose ledger (a username).")
    @click.option("--account", "account_name", required=True, help="The account's name.")
    @click.option("--profile", "profile_name", help="A saved CSV profile's name.")
    @click.option("--dry-run", is_flag=True, help="Show what would happen; store nothing.")
    @click.option("--import-probable", is_flag=True, help="Import lines like a hand entry too.")
    @click.option("--link-probable", is_flag=True, help="Mark such hand entries as the line.")
    def import_command(  # noqa: PLR0913 - one parameter per command-line option
        file: Path,
        username: str,
        account_name: str,
        profile_name: str | None,
        dry_run: bool,
        import_probable: bool,
        link_probable: bool,
    ) -> None:
        """Import a bank statement (CSV, OFX, QFX, QIF, CAMT.053) into an account."""
        if import_probable and link_probable:
            raise click.UsageError("give --import-probable or --link-probable, not both")
        engine = get_engine()
        user_id = user_id_by_username(engine, username)
        if user_id is None:
            raise click.BadParameter(f"no user '{username}'", param_hint="--user")
        mapping = _profile_mapping(engine, user_id, profile_name)
        upload = _upload(file)
        account_id = _account_id(engine, user_id, account_name)
        try:
            preview = preview_upload(engine, user_id, upload, account_id, mapping)
        except UnreadableFile as error:
            raise click.ClickException(f"{file.name}: {error}") from None
        except ValueError as error:
            raise click.ClickException(f"{file.name}: {error}") from None
        reading = preview.reading
        if reading.questions:
            raise click.ClickException(
                "the CSV's mapping is ambiguous and no saved profile fits: "
                + " ".join(reading.questions)
                + " Import it once on the import page (which saves a profile), then use"
                " --profile."
            )
        plan = preview.plan
        if plan is None:  # a new account: no stored line can match any of the file's
            currency = reading.statement.currency
            plan = _plan_for_new_account(engine, user_id, currency, reading.statement)
        _report(plan, reading.statement.format)
        if plan.problem:
            raise click.ClickException(plan.problem)
        if dry_run:
            click.echo("dry run: nothing stored")
            return
        if account_id is None:
            currency = reading.statement.currency
            account_id = _create_account(engine, user_id, account_name, currency)
        probable = "import" if import_probable else "link" if link_probable else "skip"
        try:
            result = commit_upload(
                engine, user_id, upload, account_id, reading.csv.mapping if reading.csv else None,
                ImportChoices(probable=probable),
            )  # fmt: skip
        except ValidationError as error:
            raise click.ClickException(" ".join(error.field_errors.values())) from None
        counts = result.counts
        click.echo(
            f"imported {counts['imported_count']} lines, linked {counts['linked_count']}"
            f" (batch {result.batch_id})"
        )


def _profile_mapping(engine: Engine, user_id: int, name: str | None) -> CsvMapping | None:
    if name is None:
        return None
    profile = profile_named(engine, user_id, name)
    if profile is None:
        raise click.BadParameter(f"no profile '{name}'", param_hint="--profile")
    return CsvMapping.from_json(profile.mapping)


def _upload(file: Path) -> Upload:
    if file.stat().st_size > MAX_IMPORT_BYTES:
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        raise click.ClickException(f"{file.name}: the file is over the {limit} MB limit")
    content = file.read_bytes()
    return Upload(0, file.name, hashlib.sha256(content).hexdigest(), content)


def _account_id(engine: Engine, user_id: int, name: str) -> int | None:
    query = select(accounts.c.id).where(
        accounts.c.user_id == user_id, func.lower(accounts.c.name) == name.strip().lower()
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def _create_account(engine: Engine, user_id: int, name: str, currency: str | None) -> int:
    try:
        account_id = create_account(engine, user_id, name, "checking", currency)
    except ValidationError as error:
        raise click.ClickException(" ".join(error.field_errors.values())) from None
    shown = currency or "your currency"
    click.echo(f"created the account '{name}' (checking, in {shown}) for this statement")
    return account_id


def _plan_for_new_account(
    engine: Engine, user_id: int, currency: str | None, statement: object
) -> ImportPlan:
    """The plan for an account that does not exist yet: nothing stored can match its lines."""
    with engine.connect() as conn:
        user_currency = conn.execute(
            select(users.c.currency).where(users.c.id == user_id)
        ).scalar_one()
        account = types.SimpleNamespace(id=0, name="(new)", currency=currency or user_currency)
        return plan_import(conn, user_id, account, statement)  # type: ignore[arg-type]


def _report(plan: ImportPlan, file_format: str) -> None:
    click.echo(f"{file_format} statement, {len(plan.lines)} lines:")
    for fate, count in plan.counts().items():
        click.echo(f"  {FATE_LABELS[fate]}: {count}")
    for planned in plan.lines:
        if planned.fate in ("error", "probable", "skipped"):
            click.echo(f"  line {planned.line.number}: {planned.fate}: {planned.note}")
    for warning in plan.warnings:
        click.echo(f"  note: {warning}")
