"""Loading the benchmark's household: a database of its own, the app's writes, one COPY.

The user, accounts and categories go through the app's own writes (data/writes.py); the
transactions from bench/dataset.py go in with one COPY, ids given, each transfer leg pointing at
the other; budgets follow the demo's, scaled with the household.
"""

from __future__ import annotations

import io
import secrets
from contextlib import closing
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, create_engine, insert, text

from bench.dataset import generate, month_starts, scale_of
from dashboard.security.passwords import set_password
from data import demo_household as household
from data.db import make_engine
from data.migrate import upgrade_to_head
from data.schema import budgets
from data.setup_writes import create_account, create_category, create_user

USERNAME = "bench"
# The load's COPY, foreign keys checked, and VACUUM ANALYZE of a million rows take about a minute.
LOAD_TIMEOUT_MS = 600_000
COPY_COLUMNS = (
    "id",
    "user_id",
    "account_id",
    "date",
    "amount_minor",
    "payee",
    "memo",
    "category_id",
    "transfer_peer_id",
)


@dataclass(frozen=True)
class Household:
    """The loaded user: who to log in as, and the ids the requests and floors refer to."""

    database_url: str
    user_id: int
    username: str
    password: str
    account_ids: dict[str, int]
    category_ids: dict[str, int]
    first_day: date
    last_day: date
    transactions: int


class BenchDatabase:
    """A database of its own on the local server, `ft_bench_<random>`, dropped by close()."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.name = f"ft_bench_{secrets.token_hex(5)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = self.admin.url.set(database=self.name).render_as_string(hide_password=False)

    def close(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def _copy_frame(rows: pd.DataFrame, household_ids: dict[str, dict], user_id: int) -> io.StringIO:
    """The rows as COPY's CSV, with ids 1..N and each transfer leg pointing at the other."""
    ids = np.arange(1, len(rows) + 1)
    peers = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    legs = rows.index[rows["pair"] >= 0]
    pairs = rows.loc[legs, "pair"].to_numpy()
    order = np.argsort(pairs, kind="stable")
    first, second = legs[order][0::2], legs[order][1::2]
    peers[first] = ids[second]
    peers[second] = ids[first]
    accounts = {
        number: household_ids["accounts"][name] for number, name in household.ACCOUNT_NAMES.items()
    }
    out = pd.DataFrame(
        {
            "id": ids,
            "user_id": user_id,
            "account_id": rows["account"].map(accounts),
            "date": rows["date"].dt.strftime("%Y-%m-%d"),
            "amount_minor": rows["amount"].astype("int64"),
            "payee": rows["payee"],
            "memo": rows["memo"],
            "category_id": rows["category"].map(household_ids["categories"]).astype("Int64"),
            "transfer_peer_id": peers,
        }
    )
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, header=False)
    buffer.seek(0)
    return buffer


def _setup_household(engine: Engine, password: str) -> tuple[int, dict[str, dict]]:
    """The user, the demo's accounts and categories through the app's own writes."""
    user_id = create_user(engine, USERNAME, "Bench Household", "EUR")
    set_password(engine, user_id, password)
    accounts = {
        name: create_account(engine, user_id, name, kind, "EUR", opening)
        for _number, name, kind, opening in household.ACCOUNTS
    }
    categories = {
        name: create_category(engine, user_id, name, kind, color=colour)
        for name, kind, colour in household.CATEGORIES
    }
    return user_id, {"accounts": accounts, "categories": categories}


def _budget_rows(
    user_id: int, categories: dict[str, int], months: list[date], scale: int
) -> list[dict[str, int | date]]:
    return [
        {
            "user_id": user_id,
            "category_id": categories[name],
            "month": month,
            "limit_minor": limits[0 if index < len(months) - 12 else 1] * scale,
        }
        for index, month in enumerate(months)
        for name, limits in household.BUDGETS.items()
    ]


def load_household(database_url: str, count: int, today: date) -> Household:
    """Migrate, create the household, COPY its `count` transactions, then VACUUM ANALYZE.

    The VACUUM ANALYZE stands for what autovacuum does to a table that grew over years: fresh
    planner statistics and a visibility map, without which PostgreSQL plans a just-loaded table
    as if it were empty.
    """
    engine = make_engine(database_url, statement_timeout_ms=LOAD_TIMEOUT_MS)
    try:
        upgrade_to_head(engine)
        password = secrets.token_urlsafe(18)
        user_id, household_ids = _setup_household(engine, password)
        months = month_starts(today)
        rows = generate(count, today)
        csv = _copy_frame(rows, household_ids, user_id)
        raw = engine.raw_connection()
        try:
            with closing(raw.cursor()) as cursor:
                cursor.copy_expert(
                    f"COPY transactions ({', '.join(COPY_COLUMNS)}) FROM STDIN "
                    "WITH (FORMAT csv, FORCE_NOT_NULL (payee, memo))",
                    csv,
                )
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('transactions', 'id'), %s)", (count,)
                )
            raw.commit()
        finally:
            raw.close()
        with engine.begin() as conn:
            budget_rows = _budget_rows(
                user_id, household_ids["categories"], months, scale_of(count)
            )
            conn.execute(insert(budgets), budget_rows)
            conn.execute(text("UPDATE users SET data_version = data_version + 1"))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()
    return Household(
        database_url=database_url,
        user_id=user_id,
        username=USERNAME,
        password=password,
        account_ids=household_ids["accounts"],
        category_ids=household_ids["categories"],
        first_day=months[0],
        last_day=today,
        transactions=count,
    )
