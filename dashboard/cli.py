"""Flask CLI commands: `flask --app dashboard.wsgi:server <command>`."""

from __future__ import annotations

import sys

import click
from flask import Flask

from dashboard.cli_backup import register_backup_cli
from dashboard.cli_export import register_export_cli
from dashboard.cli_import import register_import_cli
from dashboard.cli_rollups import register_rollups_cli
from dashboard.cli_schedules import register_schedules_cli
from dashboard.extensions import get_engine, get_settings
from dashboard.security.passwords import (
    DEMO_USERNAME,
    PasswordPolicyError,
    check_new_password,
    set_demo_password,
    set_password,
)
from data.migrate import upgrade_to_head
from data.seed import load_demo
from data.setup_writes import create_user
from data.users import credentials_for_login, has_users
from data.validation import ValidationError


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        return check_new_password(password)
    except PasswordPolicyError as error:
        raise click.ClickException(f"password refused: {error}") from None


def register_cli(server: Flask) -> None:
    register_backup_cli(server)
    register_export_cli(server)
    register_import_cli(server)
    register_rollups_cli(server)
    register_schedules_cli(server)

    @server.cli.command("migrate")
    def migrate_command() -> None:
        """Upgrade the database schema to the newest version (safe to run in several replicas)."""
        upgrade_to_head(get_engine())
        click.echo("database schema is up to date")

    @server.cli.command("seed")
    def seed_command() -> None:
        """Load the demo household (seed.sql) into an empty database, dated up to today."""
        engine = get_engine()
        upgrade_to_head(engine)
        if has_users(engine):
            raise click.ClickException(
                "the database already has users; seed loads into an empty one"
            )
        user_id = load_demo(engine)
        if get_settings().demo_mode:
            set_demo_password(engine, user_id)
            click.echo(f"demo data loaded: log in as '{DEMO_USERNAME}' with the password 'demo'")
        else:
            click.echo(
                f"demo data loaded for user '{DEMO_USERNAME}' (id {user_id}); "
                f"give it a password with: set-password {DEMO_USERNAME}"
            )

    @server.cli.command("create-user")
    @click.argument("username")
    @click.option(
        "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
    )
    def create_user_command(username: str, password_stdin: bool) -> None:
        """Add a user who can log in (there is no sign-up page)."""
        engine = get_engine()
        password = _new_password(password_stdin)
        try:
            user_id = create_user(engine, username)
        except ValidationError as error:
            raise click.ClickException(str(error)) from None
        set_password(engine, user_id, password)
        click.echo(f"user '{username.strip()}' created (id {user_id})")

    @server.cli.command("set-password")
    @click.argument("username")
    @click.option(
        "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
    )
    def set_password_command(username: str, password_stdin: bool) -> None:
        """Set a user's password; every session of that user ends."""
        engine = get_engine()
        credentials = credentials_for_login(engine, username)
        if credentials is None:
            raise click.ClickException(f"no user '{username}'")
        set_password(engine, credentials.id, _new_password(password_stdin))
        click.echo(f"password of '{username.strip()}' set; their sessions have ended")
