"""data/demo.py and data/seed.py: the demo household, its seed.sql, and loading it.

Loading runs on SQLite and PostgreSQL (the `engine` fixture); one test loads both and compares
their totals to the cent.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import BigInteger, Engine, cast, func, insert, select
from sqlalchemy.exc import DBAPIError

from data.classification import LINE_AMOUNT, LINE_CATEGORY, WITH_LINES
from data.db import make_engine, month_bucket
from data.demo import ANCHOR_MONTH, generate_entries, write_seed_sql
from data.migrate import upgrade_to_head
from data.months import add_months
from data.schema import (
    accounts,
    budgets,
    categories,
    category_groups,
    metadata,
    transactions,
    users,
)
from data.seed import SEED_SQL_PATH, load_demo, seed_statements, sql_literal
from tests.conftest import make_user

TODAY = date(2027, 3, 15)


def _month(day: date) -> str:
    return day.isoformat()[:7]


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


def _sums(conn, key, amount=transactions.c.amount_minor, source=transactions) -> dict:
    total = cast(func.sum(amount), BigInteger)
    return _pairs(conn, select(key, total).select_from(source).group_by(key))


def _pairs(conn, query) -> dict:
    return dict(conn.execute(query).all())


def _totals(engine: Engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {
            "account": _sums(conn, transactions.c.account_id),
            # By line: a split's parts count in their own categories.
            "category": _sums(conn, LINE_CATEGORY, LINE_AMOUNT, WITH_LINES),
            "month": _sums(conn, month_bucket(transactions.c.date)),
        }


# --- the generator and the file -------------------------------------------------------------


def test_generation_is_byte_for_byte_deterministic(tmp_path):
    first, second = tmp_path / "first.sql", tmp_path / "second.sql"
    write_seed_sql(first)
    write_seed_sql(second)
    assert first.read_bytes() == second.read_bytes()
    assert len(first.read_bytes()) > 100_000


def test_committed_seed_sql_equals_a_fresh_generation(tmp_path):
    fresh = tmp_path / "seed.sql"
    write_seed_sql(fresh)
    assert SEED_SQL_PATH.read_bytes() == fresh.read_bytes(), (
        "seed.sql is stale: run `python -m data.demo` and commit it"
    )


def test_seed_sql_is_portable_text():
    sql = SEED_SQL_PATH.read_text(encoding="utf-8")
    assert "%" not in sql  # psycopg2 could read it as a placeholder
    assert f"-- anchor-month: {_month(ANCHOR_MONTH)}" in sql.splitlines()
    assert "python -m data.demo" in sql
    assert sql.endswith(";\n")
    statements = seed_statements(sql)
    inserted = []
    for statement in statements:
        assert statement.startswith(("INSERT INTO ", "UPDATE transactions SET transfer_peer_id"))
        if statement.startswith("INSERT INTO "):
            inserted.append(statement.split()[2])
            rows = statement.splitlines()[1:]
            assert 1 <= len(rows) <= 500
        assert f"{statement}\n" in sql  # every statement ends with ';' and a newline
    assert list(dict.fromkeys(inserted)) == [
        "users",
        "accounts",
        "category_groups",
        "categories",
        "transactions",
        "transaction_splits",
        "tags",
        "transaction_tags",
        "budgets",
        "schedules",
    ]
    assert "password_hash" not in sql
    assert re.search(r"\d\.\d", sql.split("INSERT INTO transactions")[1]) is None  # no floats


def test_sql_literals_are_the_same_on_both_dialects():
    assert sql_literal("Luigi's Trattoria") == "'Luigi''s Trattoria'"
    assert sql_literal(True) == "TRUE" and sql_literal(False) == "FALSE"
    assert sql_literal(date(2026, 3, 7)) == "'2026-03-07'"
    assert sql_literal(None) == "NULL"
    assert sql_literal(-41_237) == "-41237"
    with pytest.raises(TypeError):
        sql_literal(12.5)
    with pytest.raises(ValueError, match="percent"):
        sql_literal("50% off")


def test_generated_entries_stay_between_the_1st_and_the_28th():
    entries = generate_entries()
    assert {entry.day.day for entry in entries} <= set(range(1, 29))
    assert max(entry.day for entry in entries) < add_months(ANCHOR_MONTH, 1)
    assert all(type(entry.amount) is int for entry in entries)


# --- loading ----------------------------------------------------------------------------------


def test_loaded_demo_has_the_expected_shape(engine):
    user_id = load_demo(engine, TODAY)
    with engine.connect() as conn:
        user = conn.execute(select(users).where(users.c.id == user_id)).one()
        assert (user.username, user.display_name, user.currency) == (
            "demo",
            "Demo Household",
            "EUR",
        )
        assert user.password_hash is None
        assert user.data_version == 1

        account_rows = conn.execute(select(accounts)).all()
        assert 3 <= len(account_rows) <= 5
        assert {row.type for row in account_rows} >= {"checking", "savings", "credit_card"}
        category_rows = conn.execute(select(categories)).all()
        assert 18 <= len(category_rows) <= 22
        colours = [row.color for row in category_rows]
        assert len(set(colours)) == len(colours)
        assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in colours)
        groups = dict(conn.execute(select(category_groups.c.id, category_groups.c.name)).all())
        assert set(groups.values()) >= {"Housing", "Food", "Transport"}
        members = defaultdict(set)
        for row in category_rows:
            members[groups.get(row.group_id)].add(row.name)
        assert members["Housing"] >= {"Rent", "Utilities", "Insurance"}
        assert members["Food"] >= {"Groceries", "Dining Out"}
        # Income and transfers are in no group; some expenses stay apart too.
        assert {"Salary", "Transfers", "Gifts"} <= members[None]
        assert all(len(names) >= 2 for names in members.values())

        rows = conn.execute(select(transactions)).all()
        assert 2_500 <= len(rows) <= 4_000
        assert {row.user_id for row in rows} == {user_id}
        assert max(row.date for row in rows) <= TODAY
        months = sorted({_month(row.date) for row in rows})
        assert len(months) == 24 and months[-1] == _month(TODAY)
        assert all(type(row.amount_minor) is int for row in rows)
        assert all(type(row.opening_balance_minor) is int for row in account_rows)

        budget_rows = conn.execute(select(budgets)).all()
        assert all(type(row.limit_minor) is int and row.limit_minor > 0 for row in budget_rows)
        per_month = defaultdict(int)
        for row in budget_rows:
            assert row.month.day == 1
            per_month[_month(row.month)] += 1
        assert sorted(per_month) == months
        assert min(per_month.values()) >= 10


def test_transfers_are_linked_both_ways(engine):
    load_demo(engine, TODAY)
    with engine.connect() as conn:
        rows = conn.execute(select(transactions)).all()
    by_id = {row.id: row for row in rows}
    legs = [row for row in rows if row.transfer_peer_id is not None]
    assert len(legs) >= 2 * 2 * 24  # at least savings and card payoff every month
    for leg in legs:
        peer = by_id[leg.transfer_peer_id]
        assert peer.transfer_peer_id == leg.id
        assert peer.date == leg.date
        assert peer.amount_minor == -leg.amount_minor
        assert peer.account_id != leg.account_id
        assert leg.category_id is None


def test_the_household_is_believable(engine):
    load_demo(engine, TODAY)
    with engine.connect() as conn:
        opening = _pairs(conn, select(accounts.c.name, accounts.c.opening_balance_minor))
        names = _pairs(conn, select(accounts.c.id, accounts.c.name))
        category = _pairs(conn, select(categories.c.id, categories.c.name))
        rows = conn.execute(select(transactions)).all()
    balance = dict(opening)
    for row in rows:
        balance[names[row.account_id]] += row.amount_minor
    assert balance["Everyday Checking"] > 0
    assert balance["Savings"] > opening["Savings"]
    assert balance["Cash Wallet"] >= 0
    assert balance["Credit Card"] <= 0  # only this month's spending is still owed
    rent_days = [row.date for row in rows if category.get(row.category_id) == "Rent"]
    assert len(rent_days) == 24 and {day.day for day in rent_days} == {1}
    salary_months = {_month(row.date) for row in rows if category.get(row.category_id) == "Salary"}
    assert len(salary_months) >= 23  # today's salary may still be ahead
    refunds = [
        row
        for row in rows
        if row.amount_minor > 0
        and row.transfer_peer_id is None
        and category.get(row.category_id) not in ("Salary", "Side income")
    ]
    assert len(refunds) >= 3


def test_recent_budgets_are_mostly_kept_with_one_or_two_overspent(engine):
    user_id = load_demo(engine, TODAY)
    last_full_month = add_months(TODAY.replace(day=1), -1)
    spent = -cast(func.sum(transactions.c.amount_minor), BigInteger)
    with engine.connect() as conn:
        limits = _pairs(
            conn,
            select(categories.c.name, budgets.c.limit_minor)
            .join(categories, categories.c.id == budgets.c.category_id)
            .where(budgets.c.user_id == user_id, budgets.c.month == last_full_month),
        )
        spending = _pairs(
            conn,
            select(categories.c.name, spent)
            .join(categories, categories.c.id == transactions.c.category_id)
            .where(
                transactions.c.user_id == user_id,
                transactions.c.date >= last_full_month,
                transactions.c.date < TODAY.replace(day=1),
            )
            .group_by(categories.c.name),
        )
    over = sorted(name for name, limit in limits.items() if spending.get(name, 0) > limit)
    assert 1 <= len(over) <= 2
    assert "Dining Out" in over
    assert len(limits) - len(over) >= 10


@pytest.mark.parametrize(
    "today",
    [date(2027, 3, 15), date(2026, 11, 26), date(2026, 12, 1), date(2026, 5, 10)],
    ids=str,
)
def test_dates_move_by_whole_months_to_todays_month(engine, today):
    load_demo(engine, today)
    shift = (today.year - ANCHOR_MONTH.year) * 12 + today.month - ANCHOR_MONTH.month
    expected = defaultdict(int)
    for entry in generate_entries():
        moved = add_months(entry.day, shift)
        if moved <= today:
            expected[_month(moved)] += entry.amount
    with engine.connect() as conn:
        latest = conn.execute(select(func.max(transactions.c.date))).scalar_one()
        budget_months = conn.execute(select(budgets.c.month).distinct()).scalars().all()
    assert _totals(engine)["month"] == dict(expected)
    assert latest <= today and _month(latest) == _month(today)
    assert min(expected) == _month(add_months(today.replace(day=1), -23))
    assert sorted(_month(month) for month in budget_months) == sorted(expected)


def test_loading_into_a_database_with_users_is_refused_and_changes_nothing(engine):
    alice = make_user(engine, "alice")
    before = _counts(engine)
    with pytest.raises(ValueError, match="no users yet"):
        load_demo(engine, TODAY)
    assert _counts(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(users.c.id, users.c.data_version)).all() == [(alice, 0)]


def test_a_failing_statement_leaves_nothing_behind(engine, tmp_path):
    broken = tmp_path / "seed.sql"
    broken.write_text(SEED_SQL_PATH.read_text() + "INSERT INTO nowhere (id) VALUES (1);\n")
    with pytest.raises(DBAPIError, match="nowhere"):
        load_demo(engine, TODAY, sql_path=broken)
    assert set(_counts(engine).values()) == {0}


def test_a_seed_without_its_anchor_month_is_refused(engine, tmp_path):
    headless = tmp_path / "seed.sql"
    headless.write_text("INSERT INTO users (id, username) VALUES (1, 'x');\n")
    with pytest.raises(ValueError, match="anchor-month"):
        load_demo(engine, TODAY, sql_path=headless)
    assert _counts(engine)["users"] == 0


def test_new_rows_get_fresh_ids_after_loading(engine):
    user_id = load_demo(engine, TODAY)
    before = {table: count for table, count in _counts(engine).items() if count}
    with engine.begin() as conn:
        new_user = conn.execute(
            insert(users).values(username="bob").returning(users.c.id)
        ).scalar_one()
        account = conn.execute(
            insert(accounts)
            .values(user_id=user_id, name="Brokerage", type="investment", currency="EUR")
            .returning(accounts.c.id)
        ).scalar_one()
        category = conn.execute(
            insert(categories)
            .values(user_id=user_id, name="Pets", kind="expense")
            .returning(categories.c.id)
        ).scalar_one()
        row = conn.execute(
            insert(transactions)
            .values(user_id=user_id, account_id=account, date=TODAY, amount_minor=-1_250)
            .returning(transactions.c.id)
        ).scalar_one()
        conn.execute(
            insert(budgets).values(
                user_id=user_id, category_id=category, month=TODAY.replace(day=1), limit_minor=5_000
            )
        )
    assert new_user == 2
    assert (account, category) == (before["accounts"] + 1, before["categories"] + 1)
    assert row == before["transactions"] + 1  # ids run 1..n: the seed deletes only the last days
    assert _counts(engine)["budgets"] == before["budgets"] + 1


@pytest.mark.postgres
def test_sqlite_and_postgresql_give_identical_totals(pg_database_factory, tmp_path):
    totals = []
    for url in (f"sqlite:///{tmp_path / 'demo.sqlite3'}", pg_database_factory()):
        engine = make_engine(url)
        upgrade_to_head(engine)
        load_demo(engine, TODAY)
        totals.append(_totals(engine))
        engine.dispose()
    sqlite_totals, postgresql_totals = totals
    assert sqlite_totals == postgresql_totals
    assert len(sqlite_totals["account"]) == 4
    assert len(sqlite_totals["month"]) == 24
    assert None in sqlite_totals["category"]  # the transfer legs
    assert sqlite_totals["category"][None] == 0  # whose two legs cancel out
