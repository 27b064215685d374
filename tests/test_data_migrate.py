"""data/migrate.py: migrations build exactly the schema that data/schema.py declares."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from data.db import make_engine
from data.migrate import current_revision, head_revision, upgrade_to_head
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
