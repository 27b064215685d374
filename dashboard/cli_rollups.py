"""`flask rebuild-rollups [--user NAME]` and `flask check-rollups [--user NAME]`: the monthly,
daily and payee rollups (data/rollups.py) recomputed from the ledger, or compared with it. The
triggers keep them; these are for an operator who doubts it (check exits 1 and prints each
difference) or who changed rows with the triggers off (rebuild)."""

from __future__ import annotations

import click
from flask import Flask

from dashboard.extensions import get_engine
from data.rollups import differences, rebuild
from data.users import user_id_by_username

# Enough differences to see the pattern; the count says how many there are.
_SHOWN = 50


def _user(username: str | None) -> int | None:
    if username is None:
        return None
    user_id = user_id_by_username(get_engine(), username)
    if user_id is None:
        raise click.ClickException(f"no user {username!r}")
    return user_id


def register_rollups_cli(server: Flask) -> None:
    @server.cli.command("rebuild-rollups")
    @click.option("--user", "username", help="Only this user's rollups (default: everyone's).")
    def rebuild_rollups_command(username: str | None) -> None:
        """Recompute the rollups from the transactions, in one DB
        transaction."""
        counts = rebuild(get_engine(), _user(username))
        click.echo("rollups rebuilt: " + ", ".join(f"{n} {c} rows" for n, c in counts.items()))

    @server.cli.command("check-rollups")
    @click.option("--user", "username", help="Only this user's rollups (default: everyone's).")
    def check_rollups_command(username: str | None) -> None:
        """Compare the rollups with the transactions; exit 1 when they
        differ."""
        found = differences(get_engine(), _user(username))
        for difference in found[:_SHOWN]:
            click.echo(f"differs: {difference}")
        if found:
            click.echo(f"{len(found)} rollup rows differ; `flask rebuild-rollups` repairs them")
            raise SystemExit(1)
        click.echo("rollups match the transactions")
