"""The process the kill test ends: `python -m tests.commit_kill_target URL USER ACCOUNT LINES
MARKER` runs data.imports.commit.commit_import on a synthetic statement of LINES lines.

After the first INSERT (SQLite) or COPY (PostgreSQL) into transactions has run (rows written,
transaction open), it writes MARKER (its PostgreSQL backend's pid, or 0 on SQLite) and waits
there, so the test's SIGKILL lands inside the transaction every time rather than by luck of
timing.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import event

from data.db import make_engine
from data.imports import commit
from data.imports.commit import ImportSource, commit_import
from data.imports.statement import Statement, StatementLine

# How long the target waits inside the transaction for its SIGKILL before giving up.
WAIT_FOR_KILL_S = 60
SOURCE = ImportSource(file_name="big.ofx", sha256="0" * 64, format="ofx")


def big_statement(lines: int) -> Statement:
    """`lines` distinct lines over about a year; every other one with a bank reference."""
    first = date(2025, 1, 1)
    return Statement(
        format="ofx",
        currency="EUR",
        lines=tuple(
            StatementLine(
                number=n,
                date=first + timedelta(days=n % 365),
                amount=Decimal(-(n % 9000) - 1) / 100,
                payee=f"Shop {n % 997}",
                memo=f"card payment {n}",
                bank_ref=f"REF-{n}" if n % 2 else None,
            )
            for n in range(1, lines + 1)
        ),
    )


def _stop_after_first_insert(engine: Any, marker: Path) -> None:
    def hold(cursor: Any) -> None:
        backend = getattr(cursor.connection, "get_backend_pid", lambda: 0)()
        marker.write_text(str(backend))
        time.sleep(WAIT_FOR_KILL_S)
        raise SystemExit("not killed in time")

    @event.listens_for(engine, "after_cursor_execute")
    def after_insert(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO TRANSACTIONS"):
            hold(cursor)

    # PostgreSQL stores the lines by COPY on the driver's cursor, which SQLAlchemy's events do
    # not see: wait after the first chunk's COPY instead.
    copy_chunk = commit._copy_chunk

    def after_copy(cursor: Any, copy: str, text: str) -> None:
        copy_chunk(cursor, copy, text)
        hold(cursor)

    commit._copy_chunk = after_copy


def main() -> None:
    url, user_id, account_id, lines, marker = sys.argv[1:6]
    engine = make_engine(url)
    _stop_after_first_insert(engine, Path(marker))
    commit_import(engine, int(user_id), int(account_id), big_statement(int(lines)), SOURCE)


if __name__ == "__main__":
    main()
