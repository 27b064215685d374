"""A worker killed mid-import leaves nothing half-committed.

A process (tests/commit_kill_target.py) runs data.imports.commit.commit_import on a statement
of 30,000 lines and is SIGKILLed inside its DB transaction, after its first INSERT into
transactions. On PostgreSQL the test sees the backend idle in that transaction with a
transaction id before the kill; on SQLite the write is killed before its commit. Afterwards the
ledger holds no row of the import, no import_batches row and the user's data_version is the
same; a second commit_import of the same statement stores every line exactly once, and a third
stores none.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from sqlalchemy import Engine, func, select, text

from dashboard.settings import PROJECT_ROOT
from data.imports.commit import commit_import
from data.schema import import_batches, users
from data.schema import transactions as txns
from data.setup_writes import create_account
from tests.commit_kill_target import SOURCE, big_statement
from tests.conftest import make_user
from tests.stack.services import wait_for

LINES = 30_000
KILL_WAIT_S = 120


def _counts(engine: Engine, user_id: int) -> tuple[int, int, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).where(txns.c.user_id == user_id)).scalar_one()
        batches = conn.execute(
            select(func.count()).where(import_batches.c.user_id == user_id)
        ).scalar_one()
        version = conn.execute(select(users.c.data_version).where(users.c.id == user_id))
        return rows, batches, version.scalar_one()


def _start_target(engine: Engine, user_id: int, account_id: int, marker) -> subprocess.Popen:
    url = engine.url.render_as_string(hide_password=False)
    command = [sys.executable, "-m", "tests.commit_kill_target", url, str(user_id)]
    command += [str(account_id), str(LINES), str(marker)]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL)


def _transaction_of(engine: Engine, backend_pid: int) -> tuple[str, bool] | None:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT state, backend_xid IS NOT NULL FROM pg_stat_activity WHERE pid = :pid"),
            {"pid": backend_pid},
        ).first()
    return None if row is None else (row[0], row[1])


def test_a_commit_killed_inside_its_transaction_leaves_nothing(engine, tmp_path):
    user_id = make_user(engine)
    account_id = create_account(engine, user_id, "Bank", "checking")
    before = _counts(engine, user_id)
    marker = tmp_path / "inside"
    target = _start_target(engine, user_id, account_id, marker)
    try:
        wait_for(marker.exists, KILL_WAIT_S, "the import to write its first lines")
        wait_for(lambda: marker.read_text() != "", 5, "the marker's backend pid")
        assert target.poll() is None, "the import ended before it could be killed"
        backend_pid = int(marker.read_text())
        if engine.dialect.name == "postgresql":
            # Inside the transaction that wrote the batch row and the first lines.
            assert _transaction_of(engine, backend_pid) == ("idle in transaction", True)
        os.kill(target.pid, signal.SIGKILL)
        assert target.wait(timeout=10) == -signal.SIGKILL
    finally:
        if target.poll() is None:
            target.kill()
            target.wait(timeout=10)
    if engine.dialect.name == "postgresql":
        # The server rolls the transaction back when it sees the connection gone.
        wait_for(lambda: _transaction_of(engine, backend_pid) is None, 30, "the backend to end")
    assert _counts(engine, user_id) == before
    assert before[:2] == (0, 0)

    statement = big_statement(LINES)
    stored = commit_import(engine, user_id, account_id, statement, SOURCE)
    assert stored.counts["imported_count"] == LINES
    with engine.connect() as conn:
        rows = conn.execute(
            select(func.count(), func.count(func.distinct(txns.c.import_fingerprint))).where(
                txns.c.user_id == user_id, txns.c.import_batch_id == stored.batch_id
            )
        ).one()
    assert tuple(rows) == (LINES, LINES)
    assert _counts(engine, user_id)[:2] == (LINES, 1)

    again = commit_import(engine, user_id, account_id, statement, SOURCE)
    assert again.counts["imported_count"] == 0
    assert _counts(engine, user_id)[:2] == (LINES, 2)


def test_target_statement_is_the_same_every_time():
    # The recommit above relies on the killed process and the test building the same lines.
    first, second = big_statement(50), big_statement(50)
    assert first == second
    assert len({(line.date, line.amount, line.payee) for line in first.lines}) == 50
