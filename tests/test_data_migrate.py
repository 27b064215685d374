"""data/migrate.py: migrations build exactly the schema that data/schema.py declares."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from data import rollups
from data.db import make_engine
from data.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from data.schema import metadata


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_database_factory")()
    return f"sqlite:///{tmp_path / 'empty.sqlite3'}"


def test_upgrade_of_an_empty_database_matches_schema_py(empty_url):
    engine = make_engine(empty_url)
    upgrade_to_head(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"users", "accounts", "categories", "transactions", "budgets", "receipts"} <= tables
    engine.dispose()


def test_upgrade_twice_is_a_no_op_and_keeps_rows(empty_url):
    engine = make_engine(empty_url)
    upgrade_to_head(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (username) VALUES ('keep')")
    upgrade_to_head(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT username FROM users").scalars().all() == ["keep"]
    engine.dispose()


def test_indexes_serve_the_dashboard_queries(empty_url):
    engine = make_engine(empty_url)
    upgrade_to_head(engine)
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("transactions")}
    assert ("user_id", "date") in indexed
    assert ("user_id", "category_id", "date") in indexed
    engine.dispose()


def _migrate(engine, revision: str, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _rows(engine) -> dict[str, list[tuple]]:
    tables = ("users", "accounts", "categories", "transactions", "budgets")
    with engine.connect() as conn:
        return {
            name: [tuple(row) for row in conn.exec_driver_sql(f"SELECT * FROM {name} ORDER BY 1")]
            for name in tables
        }


def test_a_database_at_0004_with_rows_upgrades_to_groups_with_nothing_lost(empty_url):
    """0005 adds category_groups and categories.group_id in place: every row stays, each
    category without a group, and the new foreign key works (a deleted group lets go)."""
    engine = make_engine(empty_url)
    _migrate(engine, "0004")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (username) VALUES ('keep')")
        conn.exec_driver_sql(
            "INSERT INTO accounts (user_id, name, type, currency)"
            " VALUES (1, 'Bank', 'checking', 'EUR')"
        )
        conn.exec_driver_sql(
            "INSERT INTO categories (user_id, name, kind) VALUES (1, 'Rent', 'expense'),"
            " (1, 'Food', 'expense')"
        )
        conn.exec_driver_sql("UPDATE categories SET parent_id = 1 WHERE id = 2")
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, category_id)"
            " VALUES (1, 1, '2026-11-01', -90000, 1), (1, 1, '2026-11-02', -1234, 2)"
        )
        conn.exec_driver_sql(
            "INSERT INTO budgets (user_id, category_id, month, limit_minor)"
            " VALUES (1, 1, '2026-11-01', 100000)"
        )
    before = _rows(engine)

    _migrate(engine, "0005")

    after = _rows(engine)
    assert after["categories"] == [(*row, None) for row in before["categories"]]
    assert {k: v for k, v in after.items() if k != "categories"} == {
        k: v for k, v in before.items() if k != "categories"
    }
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO category_groups (user_id, name) VALUES (1, 'Housing')")
        conn.exec_driver_sql("UPDATE categories SET group_id = 1 WHERE id = 1")
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM category_groups")
    with engine.connect() as conn:
        groups = conn.exec_driver_sql("SELECT group_id FROM categories").scalars().all()
    assert groups == [None, None]
    assert _rows(engine)["budgets"] == before["budgets"]
    engine.dispose()


def test_0005_downgrades_to_0004_keeping_rows_and_upgrades_again(empty_url):
    engine = make_engine(empty_url)
    upgrade_to_head(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (username) VALUES ('keep')")
        conn.exec_driver_sql(
            "INSERT INTO categories (user_id, name, kind) VALUES (1, 'Rent', 'expense')"
        )
    _migrate(engine, "0004", down=True)
    assert "category_groups" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM categories").scalars().all() == ["Rent"]
    upgrade_to_head(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []
    engine.dispose()


def test_a_database_at_0007_with_rows_upgrades_to_imports_with_nothing_lost(empty_url):
    """0008 adds the import tables and three nullable columns in place: every row stays with
    NULL in them, the batch foreign key lets go of a deleted batch, and a downgrade keeps rows."""
    engine = make_engine(empty_url)
    _migrate(engine, "0007")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (username) VALUES ('keep')")
        conn.exec_driver_sql(
            "INSERT INTO accounts (user_id, name, type, currency)"
            " VALUES (1, 'Bank', 'checking', 'EUR')"
        )
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, payee)"
            " VALUES (1, 1, '2026-11-01', -90000, 'Rent'), (1, 1, '2026-11-02', -1234, 'Cafe')"
        )
    before = _rows(engine)

    upgrade_to_head(engine)

    after = _rows(engine)
    assert after["accounts"] == [(*row, None) for row in before["accounts"]]
    assert after["transactions"] == [(*row, None, None) for row in before["transactions"]]
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO import_batches (user_id, account_id, file_name, sha256, format,"
            " imported_count, duplicate_ref_count, duplicate_fingerprint_count, probable_count,"
            " linked_count, error_count, skipped_count)"
            " VALUES (1, 1, 'a.csv', 'x', 'csv', 1, 0, 0, 0, 0, 0, 0)"
        )
        conn.exec_driver_sql("UPDATE transactions SET import_batch_id = 1 WHERE id = 2")
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM import_batches")
    with engine.connect() as conn:
        batches = conn.exec_driver_sql("SELECT import_batch_id FROM transactions").scalars()
        assert batches.all() == [None, None]

    _migrate(engine, "0007", down=True)
    assert _rows(engine) == before
    upgrade_to_head(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []
    engine.dispose()


def test_a_database_at_0008_with_rows_upgrades_to_rules_and_back_with_nothing_lost(empty_url):
    """0009 adds rules, rule_runs and rule_run_changes: every row stays, a run's changes go
    with their transaction (cascade), and a downgrade drops the tables and keeps the rows."""
    engine = make_engine(empty_url)
    _migrate(engine, "0008")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (username) VALUES ('keep')")
        conn.exec_driver_sql(
            "INSERT INTO accounts (user_id, name, type, currency)"
            " VALUES (1, 'Bank', 'checking', 'EUR')"
        )
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, payee)"
            " VALUES (1, 1, '2026-11-01', -90000, 'Rent'), (1, 1, '2026-11-02', -1234, 'Cafe')"
        )
    before = _rows(engine)

    upgrade_to_head(engine)

    assert _rows(engine) == before
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO rules (user_id, position, name, definition) VALUES (1, 0, 'R', '{}')"
        )
        conn.exec_driver_sql("INSERT INTO rule_runs (user_id, count) VALUES (1, 1)")
        conn.exec_driver_sql(
            "INSERT INTO rule_run_changes (user_id, run_id, transaction_id, before, after)"
            " VALUES (1, 1, 2, '{}', '{}')"
        )
        assert conn.exec_driver_sql("SELECT enabled FROM rules").scalar_one() in (True, 1)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM transactions WHERE id = 2")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM rule_run_changes").scalar_one() == 0

    _migrate(engine, "0008", down=True)
    assert not {"rules", "rule_runs", "rule_run_changes"} & set(inspect(engine).get_table_names())
    upgrade_to_head(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []
    engine.dispose()


def test_a_database_at_0010_with_rows_upgrades_to_schedules_goals_and_rates_and_back(empty_url):
    """0011-0013 add schedules and their dates, goals, categories.rollover and exchange rates:
    every row stays, existing categories do not roll over, a downgrade to 0010 drops the new
    tables and the column and keeps the rows, and the upgrade again matches schema.py."""
    engine = make_engine(empty_url)
    _migrate(engine, "0010")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (username) VALUES ('keep')")
        conn.exec_driver_sql(
            "INSERT INTO accounts (user_id, name, type, currency)"
            " VALUES (1, 'Bank', 'checking', 'EUR')"
        )
        conn.exec_driver_sql(
            "INSERT INTO categories (user_id, name, kind) VALUES (1, 'Rent', 'expense')"
        )
        conn.exec_driver_sql(
            "INSERT INTO budgets (user_id, category_id, month, limit_minor)"
            " VALUES (1, 1, '2026-11-01', 90000)"
        )
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, payee, category_id)"
            " VALUES (1, 1, '2026-11-01', -90000, 'Rent', 1)"
        )
    before = _rows(engine)

    upgrade_to_head(engine)

    after = _rows(engine)
    # categories gains rollover as its last column, FALSE for the existing rows.
    assert [row[-1] for row in after["categories"]] in ([False], [0])
    after["categories"] = [row[:-1] for row in after["categories"]]
    assert after == before
    new_tables = {"schedules", "schedule_occurrences", "goals", "exchange_rates"}
    with engine.begin() as conn:
        for table in new_tables:
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0
        conn.exec_driver_sql(
            "INSERT INTO schedules (user_id, name, account_id, amount_minor, rrule, starts_on)"
            " VALUES (1, 'Rent', 1, -90000, 'FREQ=MONTHLY', '2026-12-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO exchange_rates (user_id, base_currency, currency, on_date, rate_micro)"
            " VALUES (1, 'EUR', 'USD', '2026-11-02', 1082300)"
        )

    _migrate(engine, "0010", down=True)
    assert not new_tables & set(inspect(engine).get_table_names())
    assert "rollover" not in {c["name"] for c in inspect(engine).get_columns("categories")}
    assert _rows(engine) == before
    upgrade_to_head(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []
    engine.dispose()


def test_0014_fills_the_rollups_from_the_rows_and_its_triggers_keep_them(empty_url):
    """A database at 0013 with a split and a plain row: 0014 adds monthly_rollups filled from
    them in the same transaction, and the triggers follow a later insert; its downgrade drops
    table and triggers, so a write at 0013 works again."""
    engine = make_engine(empty_url)
    _migrate(engine, "0013")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (username) VALUES ('keep')")
        conn.exec_driver_sql(
            "INSERT INTO accounts (user_id, name, type, currency)"
            " VALUES (1, 'Bank', 'checking', 'EUR')"
        )
        conn.exec_driver_sql(
            "INSERT INTO categories (user_id, name, kind) VALUES (1, 'Rent', 'expense'),"
            " (1, 'Food', 'expense')"
        )
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, category_id)"
            " VALUES (1, 1, '2026-11-01', -90000, 1), (1, 1, '2026-11-20', -1234, NULL)"
        )
        conn.exec_driver_sql(
            "INSERT INTO transaction_splits (user_id, transaction_id, position, category_id,"
            " amount_minor) VALUES (1, 2, 1, 2, -1000), (1, 2, 2, NULL, -234)"
        )
    _migrate(engine, "0014")
    query = (
        "SELECT category_id, outflow_minor, line_count FROM monthly_rollups "
        "WHERE line_count <> 0 ORDER BY category_id"
    )
    with engine.connect() as conn:
        assert conn.exec_driver_sql(query).all() == [(0, -234, 1), (1, -90000, 1), (2, -1000, 1)]
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, category_id)"
            " VALUES (1, 1, '2026-11-21', -66, 1)"
        )
    with engine.connect() as conn:
        assert conn.exec_driver_sql(query).all()[1] == (1, -90066, 2)
    _migrate(engine, "0013", down=True)
    assert "monthly_rollups" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor)"
            " VALUES (1, 1, '2026-11-22', -1)"
        )
    engine.dispose()


def test_0015_fills_the_daily_rollups_keeps_both_and_goes_down_and_up_again(empty_url):
    """At 0014 with rows: 0015 fills daily_rollups (and payee_rollups) from them and its
    triggers keep every table; down to 0014 the monthly rollup is still kept (0014's triggers
    are back) and the new ones are gone; up again fills them with every row, the one written
    at 0014 too."""
    engine = make_engine(empty_url)
    _migrate(engine, "0014")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (username) VALUES ('keep')")
        conn.exec_driver_sql(
            "INSERT INTO accounts (user_id, name, type, currency)"
            " VALUES (1, 'Bank', 'checking', 'EUR')"
        )
        conn.exec_driver_sql(
            "INSERT INTO categories (user_id, name, kind) VALUES (1, 'Rent', 'expense')"
        )
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, category_id)"
            " VALUES (1, 1, '2026-11-01', -90000, 1), (1, 1, '2026-11-20', -1234, 1)"
        )
    _migrate(engine, "0015")
    daily = (
        "SELECT CAST(day AS VARCHAR(10)), outflow_minor, line_count FROM daily_rollups "
        "WHERE line_count <> 0 ORDER BY day"
    )
    monthly = "SELECT outflow_minor, line_count FROM monthly_rollups WHERE line_count <> 0"
    with engine.connect() as conn:
        assert conn.exec_driver_sql(daily).all() == [
            ("2026-11-01", -90000, 1),
            ("2026-11-20", -1234, 1),
        ]
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, category_id)"
            " VALUES (1, 1, '2026-11-20', -66, 1)"
        )
    by_payee = (
        "SELECT payee, outflow_minor, line_count, outflow_count FROM payee_rollups "
        "WHERE line_count <> 0 ORDER BY payee"
    )
    with engine.connect() as conn:
        assert conn.exec_driver_sql(daily).all()[1] == ("2026-11-20", -1300, 2)
        assert conn.exec_driver_sql(monthly).all() == [(-91300, 3)]
        assert conn.exec_driver_sql(by_payee).all() == [("", -91300, 3, 3)]
    _migrate(engine, "0014", down=True)
    assert not {"daily_rollups", "payee_rollups"} & set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, category_id)"
            " VALUES (1, 1, '2026-11-22', -1, 1)"
        )
    with engine.connect() as conn:
        assert conn.exec_driver_sql(monthly).all() == [(-91301, 4)]
    _migrate(engine, "0015")
    with engine.connect() as conn:
        assert conn.exec_driver_sql(daily).all()[-1] == ("2026-11-22", -1, 1)
        assert conn.exec_driver_sql(monthly).all() == [(-91301, 4)]
    engine.dispose()


def _trigger_sql(engine) -> str:
    """The unsplit trigger's code as the database holds it."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            query = "SELECT prosrc FROM pg_proc WHERE proname = 'rollup_txn_unsplit'"
        else:
            query = "SELECT sql FROM sqlite_master WHERE name = 'rollup_txn_unsplit'"
        return conn.exec_driver_sql(query).scalar_one()


def test_0016_unsplits_only_rows_with_parts_and_keeps_every_rollup_up_down_and_up(empty_url):
    """0016 guards the unsplit trigger's upserts by the row having parts (before them in its
    code); deleting a split row and a plain one keeps all three rollups equal to the rows at
    0016, after going down to 0015 (its trigger back, unguarded) and up again."""
    engine = make_engine(empty_url)
    _migrate(engine, "0015")
    assert "INSERT" in _trigger_sql(engine).split("EXISTS")[0]
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (username) VALUES ('keep')")
        conn.exec_driver_sql(
            "INSERT INTO accounts (user_id, name, type, currency)"
            " VALUES (1, 'Bank', 'checking', 'EUR')"
        )
        conn.exec_driver_sql(
            "INSERT INTO categories (user_id, name, kind) VALUES (1, 'Rent', 'expense'),"
            " (1, 'Food', 'expense')"
        )
        conn.exec_driver_sql(
            "INSERT INTO transactions (user_id, account_id, date, amount_minor, category_id)"
            " VALUES (1, 1, '2026-11-01', -90000, 1), (1, 1, '2026-11-20', -1234, NULL),"
            " (1, 1, '2026-11-21', -500, 2), (1, 1, '2026-11-22', -700, NULL)"
        )
        conn.exec_driver_sql(
            "INSERT INTO transaction_splits (user_id, transaction_id, position, category_id,"
            " amount_minor) VALUES (1, 2, 1, 2, -1000), (1, 2, 2, NULL, -234),"
            " (1, 4, 1, 1, -300), (1, 4, 2, 2, -400)"
        )
    _migrate(engine, "0016")
    guarded = _trigger_sql(engine)
    assert "EXISTS" in guarded and "INSERT" not in guarded.split("EXISTS")[0]
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM transactions WHERE id IN (2, 3)")
    assert rollups.differences(engine) == []
    _migrate(engine, "0015", down=True)
    assert "INSERT" in _trigger_sql(engine).split("EXISTS")[0]
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM transactions WHERE id = 4")
    assert rollups.differences(engine) == []
    _migrate(engine, "0016")
    assert _trigger_sql(engine) == guarded
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM transactions WHERE id = 1")
    assert rollups.differences(engine) == []
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM transactions").scalar_one() == 0
    engine.dispose()
