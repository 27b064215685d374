"""`flask --app dashboard.wsgi:server post-due [--date YYYY-MM-DD] [--dry-run]`: post every
automatic schedule's dates that are due (data/schedules/posting.post_due), for every user. Run
daily by cron or the Kubernetes CronJob; running it twice posts nothing the second time. A date
that cannot be posted (an archived account) is reported and the others are posted; the exit
code is 1 when any was refused, so a cron mail or a failed Job says so.
"""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import Flask

from dashboard.extensions import get_engine
from data.schedules.posting import post_due


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter("a date such as 2027-01-31", param_hint="--date") from None


def register_schedules_cli(server: Flask) -> None:
    @server.cli.command("post-due")
    @click.option("--date", "day", help="Post what is due up to this date (default: today).")
    @click.option("--dry-run", is_flag=True, help="Show what would be posted; store nothing.")
    def post_due_command(day: str | None, dry_run: bool) -> None:
        """Post the automatic schedules' due dates, for every user."""
        summary = post_due(get_engine(), _day(day), dry_run=dry_run)
        verb = "would post" if dry_run else "posted"
        for line in summary.posted:
            click.echo(f"{verb}: {line}")
        for line in summary.failed:
            click.echo(f"refused: {line}", err=True)
        click.echo(
            f"{len(summary.posted)} {verb}, {summary.already} posted already, "
            f"{len(summary.failed)} refused"
        )
        if summary.failed:
            raise SystemExit(1)
