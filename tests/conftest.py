"""Fixtures shared by every test: real databases (SQLite and PostgreSQL) and a real Redis.

Each test run creates its own PostgreSQL database and drops it at the end, and uses its own
Redis key prefix, so concurrent runs never collide. Locally a missing service skips with a loud
reason; in CI (CI=true) it fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import Engine, create_engine, insert, text

from data.db import make_engine
from data.migrate import upgrade_to_head
from data.schema import metadata, users

PG_ADMIN_URL = os.environ.get(
    "FT_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
REDIS_TEST_URL = os.environ.get("FT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
RUN_ID = uuid.uuid4().hex[:10]


def service_unavailable(what: str, error: Exception) -> None:
    message = f"{what} is not reachable ({type(error).__name__}: {error})"
    if IN_CI:
        pytest.fail(f"CI needs {message}", pytrace=False)
    pytest.skip(f"SKIPPED LOUDLY: {message}")


def _pg_admin() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture(scope="session")
def pg_database_factory() -> Iterator:
    """Creates uniquely named PostgreSQL databases; drops them all when the session ends."""
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        service_unavailable("PostgreSQL at " + PG_ADMIN_URL, error)
    created: list[str] = []

    def create() -> str:
        name = f"ft_test_{RUN_ID}_{len(created)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield create
    with admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_url(pg_database_factory) -> str:
    """One migrated PostgreSQL database for the session's data tests."""
    url = pg_database_factory()
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sqlite") / "finance.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    return url


def _empty_all_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """The URL of a migrated, empty database: every data test runs on both dialects."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
        return request.getfixturevalue("pg_url")
    return request.getfixturevalue("sqlite_url")


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = make_engine(db_url)
    _empty_all_tables(engine)
    yield engine
    engine.dispose()


def make_user(engine: Engine, username: str = "alice", currency: str = "EUR") -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(users).values(username=username, currency=currency).returning(users.c.id)
        ).scalar_one()


@pytest.fixture
def user_id(engine) -> int:
    return make_user(engine)


@pytest.fixture
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        service_unavailable("Redis at " + REDIS_TEST_URL, error)
    finally:
        client.close()
    return REDIS_TEST_URL


@pytest.fixture
def redis_key_prefix(redis_url) -> Iterator[str]:
    """A key prefix of this test alone; its keys are deleted afterwards."""
    prefix = f"ft-test-{RUN_ID}-{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
