"""`flask --app dashboard.wsgi:server backup|restore`: the whole installation in one file.

backup  writes the database and the receipt files into one .tar.gz (data/backup.py);
restore puts one back into an empty installation. Both print what the file holds; a refusal
exits non-zero with a one-line reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask
from redis.exceptions import RedisError

from dashboard.extensions import cache, get_engine, get_settings
from data.backup import restore_backup, write_backup
from data.backup_archive import BackupSummary


def default_backup_path(instance_path: Path, now: datetime | None = None) -> Path:
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return instance_path / "backups" / f"finance-tracker-{moment:%Y%m%dT%H%M%SZ}.tar.gz"


def _echo_counts(summary: BackupSummary) -> None:
    for table, count in summary.row_counts.items():
        click.echo(f"  {table}: {count}")
    click.echo(f"  receipt files: {summary.receipt_files}")


def register_backup_cli(server: Flask) -> None:
    @server.cli.command("backup")
    @click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Where to write the backup (default: backups/ under the instance path).",
    )
    def backup_command(output: Path | None) -> None:
        """Write the database and the receipt files into one .tar.gz file."""
        settings = get_settings()
        path = output or default_backup_path(settings.instance_path)
        try:
            summary = write_backup(get_engine(), settings.resolved_receipts_dir, path)
        except (ValueError, OSError) as error:
            raise click.ClickException(f"backup failed, no file written: {error}") from None
        click.echo(f"backup written: {summary.path}")
        _echo_counts(summary)
        if summary.missing_receipts:
            raise click.ClickException(
                f"{len(summary.missing_receipts)} receipt file(s) were missing from "
                f"{settings.resolved_receipts_dir} and are not in the backup: "
                + ", ".join(summary.missing_receipts)
            )

    @server.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def restore_command(path: Path) -> None:
        """Restore a backup into this installation, whose database must have no users yet."""
        try:
            summary = restore_backup(get_engine(), get_settings().resolved_receipts_dir, path)
        except (ValueError, OSError) as error:
            raise click.ClickException(f"restore refused, nothing changed: {error}") from None
        _forget_cached_read_models()
        click.echo(f"restored {path} (made {summary.created_at}, schema {summary.schema_revision})")
        _echo_counts(summary)
        if summary.missing_receipts:
            click.echo(
                f"  receipt files missing since the backup: {', '.join(summary.missing_receipts)}"
            )


def _forget_cached_read_models() -> None:
    # The restored users keep their data_version; a cache shared with the installation this one
    # replaces could hold entries under the same (user, version) keys describing other data.
    try:
        cache.clear()
    except (RedisError, OSError) as error:
        click.echo(f"warning: could not clear the cache ({error}); clear it before serving")
