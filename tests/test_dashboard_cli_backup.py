"""dashboard/cli_backup.py: `flask backup` and `flask restore`, through Flask's CLI runner, on
both dialects: a round trip into another installation, and refusals as one-line errors."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data.backup import write_backup
from data.receipt_writes import attach_receipt
from data.rollups import differences
from data.schema import (
    daily_rollups,
    metadata,
    monthly_rollups,
    payee_rollups,
    receipts,
    transactions,
)
from data.seed import load_demo
from tests.conftest import build_app, make_user

RECEIPT = b"%PDF-1.4 a scanned receipt\n"


def cli(app):
    """The app's CLI runner: create_app registers the backup commands."""
    assert "backup" in app.server.cli.commands
    return app.server.test_cli_runner()


def receipts_dir(app) -> Path:
    return app.server.extensions["ft_settings"].resolved_receipts_dir


def engine_of(app):
    return app.server.extensions["ft_engine"]


def row_counts(engine) -> dict[str, int]:
    """Rows per table; the rollups' live rows only (a month or day whose lines moved away keeps
    a row of zeros where the triggers ran, and none where a restore's inserts built it)."""
    with engine.connect() as conn:
        counts = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }
        for rollup in (monthly_rollups, daily_rollups, payee_rollups):
            live = select(func.count()).where(rollup.c.line_count != 0)
            counts[rollup.name] = conn.execute(live).scalar_one()
    return counts


def add_receipt(app, user_id: int) -> str:
    engine = engine_of(app)
    storage_name = "cli-" + hashlib.sha256(RECEIPT).hexdigest()[:20] + ".pdf"
    receipts_dir(app).mkdir(parents=True, exist_ok=True)
    (receipts_dir(app) / storage_name).write_bytes(RECEIPT)
    with engine.connect() as conn:
        txn_id = conn.execute(select(func.min(transactions.c.id))).scalar_one()
    attach_receipt(
        engine,
        user_id,
        txn_id,
        storage_name=storage_name,
        original_name="receipt.pdf",
        content_type="application/pdf",
        size_bytes=len(RECEIPT),
        sha256=hashlib.sha256(RECEIPT).hexdigest(),
    )
    return storage_name


@pytest.fixture
def other_app(engine, request, tmp_path):
    """A second installation of the same dialect, on a brand-new database."""
    if engine.dialect.name == "postgresql":
        url = request.getfixturevalue("pg_database_factory")()
    else:
        url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    return build_app(url, tmp_path / "other")


def test_backup_then_restore_into_another_installation(app, other_app, engine, tmp_path):
    user_id = load_demo(engine, today=date(2027, 3, 15))
    storage_name = add_receipt(app, user_id)
    path = tmp_path / "exported" / "backup.tar.gz"

    backed_up = cli(app).invoke(args=["backup", "--output", str(path)])

    assert backed_up.exit_code == 0, backed_up.output
    counts = row_counts(engine)
    assert f"backup written: {path}" in backed_up.output
    assert f"  transactions: {counts['transactions']}" in backed_up.output
    assert "  receipt files: 1" in backed_up.output

    restored = cli(other_app).invoke(args=["restore", str(path)])

    assert restored.exit_code == 0, restored.output
    assert f"restored {path}" in restored.output
    assert f"  budgets: {counts['budgets']}" in restored.output
    assert row_counts(engine_of(other_app)) == counts
    assert counts["monthly_rollups"] > 0 and counts["daily_rollups"] > 0
    assert counts["payee_rollups"] > 0 and differences(engine_of(other_app)) == []
    assert (receipts_dir(other_app) / storage_name).read_bytes() == RECEIPT


def test_backup_goes_under_the_instance_path_by_default(app, engine):
    make_user(engine)

    result = cli(app).invoke(args=["backup"])

    assert result.exit_code == 0, result.output
    backups = app.server.extensions["ft_settings"].instance_path / "backups"
    [written] = list(backups.iterdir())
    assert re.fullmatch(r"finance-tracker-\d{8}T\d{6}Z\.tar\.gz", written.name)
    assert f"backup written: {written}" in result.output
    assert "  users: 1" in result.output


def test_backup_with_a_missing_receipt_file_exits_non_zero_naming_it(app, engine):
    user_id = load_demo(engine, today=date(2027, 3, 15))
    storage_name = add_receipt(app, user_id)
    (receipts_dir(app) / storage_name).unlink()

    result = cli(app).invoke(args=["backup"])

    assert result.exit_code == 1
    assert "backup written: " in result.output
    last_line = result.output.strip().splitlines()[-1]
    assert last_line.startswith("Error: 1 receipt file(s) were missing")
    assert storage_name in last_line
    assert (
        len(list((app.server.extensions["ft_settings"].instance_path / "backups").iterdir())) == 1
    )


def test_restore_into_an_installation_with_users_is_refused(app, engine, tmp_path):
    make_user(engine)
    backup = write_backup(engine, receipts_dir(app), tmp_path / "b.tar.gz")
    before = row_counts(engine)

    result = cli(app).invoke(args=["restore", str(backup.path)])

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: restore refused, nothing changed: the database already has 1 user(s): "
        "restore only into an empty installation"
    ]
    assert row_counts(engine) == before


def test_restore_of_a_damaged_file_is_refused_in_one_line(app, engine, tmp_path):
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(b"\x1f\x8b not really gzip")

    result = cli(app).invoke(args=["restore", str(damaged)])

    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: restore refused, nothing changed: ")
    assert "is not a Finance Tracker backup" in line
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(receipts)).scalar_one() == 0


def test_restore_of_a_file_that_does_not_exist_is_a_usage_error(app, tmp_path):
    result = cli(app).invoke(args=["restore", str(tmp_path / "nowhere.tar.gz")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
