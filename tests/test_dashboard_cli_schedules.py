"""dashboard/cli_schedules.py: `flask post-due` through Flask's CLI runner, on both dialects:
it posts the automatic schedules' due dates, twice posts nothing more, --dry-run stores nothing,
a refused date exits 1 and a bad --date is a usage error."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from data import setup_writes
from data.schedules.model import Schedule
from data.schedules.store import create_schedule
from data.schema import transactions
from tests.conftest import make_user

START = date.today() - timedelta(days=1)


def transaction_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(transactions)).scalar_one()


def add_rent(engine, user_id: int, **changes) -> int:
    account = setup_writes.create_account(engine, user_id, "Checking", "checking")
    values = {
        "name": "Rent",
        "account_id": account,
        "amount_minor": -90000,
        "rrule": "FREQ=MONTHLY",
        "starts_on": START,
        "auto_post": True,
    }
    return create_schedule(engine, user_id, Schedule(**(values | changes)))


def test_post_due_posts_once_and_dry_run_stores_nothing(app, engine):
    user_id = make_user(engine, "alice")
    add_rent(engine, user_id)
    runner = app.server.test_cli_runner()

    dry = runner.invoke(args=["post-due", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would post: user {user_id}: Rent {START.isoformat()}" in dry.output
    assert transaction_count(engine) == 0

    first = runner.invoke(args=["post-due"])
    assert first.exit_code == 0, first.output
    assert f"posted: user {user_id}: Rent {START.isoformat()}" in first.output
    assert "1 posted, 0 posted already, 0 refused" in first.output
    assert transaction_count(engine) == 1

    second = runner.invoke(args=["post-due"])
    assert second.exit_code == 0, second.output
    assert "0 posted" in second.output
    assert transaction_count(engine) == 1


def test_post_due_with_a_date_and_a_refusal(app, engine):
    user_id = make_user(engine, "alice")
    add_rent(engine, user_id)
    account = setup_writes.create_account(engine, user_id, "Old", "cash")
    create_schedule(
        engine,
        user_id,
        Schedule("Club", account, -500, "FREQ=MONTHLY", START, auto_post=True),
    )
    setup_writes.set_account_archived(engine, user_id, account, True)
    runner = app.server.test_cli_runner()

    before = runner.invoke(args=["post-due", "--date", (START - timedelta(days=1)).isoformat()])
    assert before.exit_code == 0, before.output
    assert "0 posted" in before.output

    result = runner.invoke(args=["post-due", "--date", START.isoformat()])
    assert result.exit_code == 1
    assert "refused: " in result.output and "Club" in result.output
    assert "That account is archived" in result.output
    assert transaction_count(engine) == 1

    bad = runner.invoke(args=["post-due", "--date", "31/01/2027"])
    assert bad.exit_code == 2
    assert "a date such as" in bad.output
