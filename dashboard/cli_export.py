"""`flask --app dashboard.wsgi:server export --user NAME --format csv|beancount [--output PATH]`:
one user's every transaction as the CSV or the beancount ledger the transactions page exports,
for readable backups and cron. To stdout, or to PATH written atomically (a temporary file in the
same directory, renamed into place: a reader never sees half a file). An unknown user is a usage
error (exit code 2); a file that cannot be written exits 1 and leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import click
from flask import Flask

from dashboard.exports import Writer, every_date
from dashboard.extensions import get_engine
from data.export_beancount import export_beancount
from data.export_csv import export_csv
from data.export_rows import ExportRequest
from data.users import user_id_by_username

WRITERS: dict[str, Writer] = {"csv": export_csv, "beancount": export_beancount}


def write_atomically(path: Path, chunks: Iterable[str]) -> None:
    """The chunks as UTF-8 into `path`, which only ever holds a whole file (mode 0600)."""
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            for chunk in chunks:
                file.write(chunk.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def register_export_cli(server: Flask) -> None:
    @server.cli.command("export")
    @click.option("--user", "username", required=True, help="Whose transactions (a username).")
    @click.option("--format", "export_format", required=True, type=click.Choice(sorted(WRITERS)))
    @click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write this file (atomically) instead of stdout.",
    )
    def export_command(username: str, export_format: str, output: Path | None) -> None:
        """Export a user's transactions as CSV or as a beancount ledger."""
        engine = get_engine()
        user_id = user_id_by_username(engine, username)
        if user_id is None:
            raise click.BadParameter(f"no user '{username}'", param_hint="--user")
        chunks = WRITERS[export_format](engine, user_id, ExportRequest(every_date(date.today())))
        if output is None:
            stdout = sys.stdout.buffer
            for chunk in chunks:
                stdout.write(chunk.encode("utf-8"))
            stdout.flush()
            return
        try:
            write_atomically(output, chunks)
        except OSError as error:
            raise click.ClickException(f"export failed, no file written: {error}") from None
        click.echo(f"export written: {output}", err=True)
