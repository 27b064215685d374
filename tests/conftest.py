"""Fixtures shared by every test: real databases (SQLite and PostgreSQL) and a real Redis.

Each test run creates its own PostgreSQL database and drops it at the end, and uses its own
Redis key prefix, so concurrent runs never collide. Locally a missing service skips with a loud
reason; in CI (CI=true) it fails the run.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from hypothesis import settings as hypothesis_settings
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

# No test asserts a timing: hypothesis' per-example deadline failed a money property test on a
# loaded 2-core CI machine (346 ms once, 0.09 ms on the retry). Speed lives in bench/.
hypothesis_settings.register_profile("finance-tracker", deadline=None)
hypothesis_settings.load_profile("finance-tracker")


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


def build_app(database_url: str, tmp_path, **overrides):
    """A real app on the given database, with an in-process cache unless redis_url is given."""
    from dashboard import create_app
    from dashboard.settings import Settings

    overrides.setdefault("cache_key_prefix", f"ft-test-{RUN_ID}-{uuid.uuid4().hex[:8]}:")
    overrides.setdefault("load_demo_data", False)
    settings = Settings(database_url=database_url, instance_path=tmp_path / "instance", **overrides)
    return create_app(settings)


@pytest.fixture
def app(engine, tmp_path):
    """The Dash app on the parametrised (empty, migrated) database."""
    return build_app(str(engine.url.render_as_string(hide_password=False)), tmp_path)


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory) -> str:
    """A SQLite database with the demo household loaded once for the session (read-only use)."""
    from data.seed import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    load_demo(engine)
    engine.dispose()
    return url


@pytest.fixture
def demo_app(demo_db_url, tmp_path):
    """The app over the demo data. Tests that write must use `app` instead."""
    return build_app(demo_db_url, tmp_path)


@contextlib.contextmanager
def as_user(app, user_id: int):
    """A request context in which callbacks act as `user_id` (for calling them directly),
    logged in through Flask-Login as the real login does."""
    from flask_login import login_user

    from dashboard.security.auth import user_by_id

    with app.server.test_request_context("/"):
        user = user_by_id(user_id)
        assert user is not None, f"as_user: there is no user {user_id} in this app's database"
        login_user(user)
        yield


# --- Logging in over HTTP (Flask's tutorial AuthActions), for route and security tests ---

TEST_PASSWORD = "correct horse battery"


def make_login_user(engine: Engine, username: str = "alice", password: str = TEST_PASSWORD) -> int:
    """A user who can log in with `password`."""
    from dashboard.security.passwords import set_password

    user_id = make_user(engine, username)
    set_password(engine, user_id, password)
    return user_id


def csrf_token_in(html: str) -> str:
    """The CSRF token of the first form in a page (the field is named csrf_token)."""
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf_token field in the page"
    return match.group(1)


class AuthActions:
    """Logs a Flask test client in and out through the real forms, CSRF token included."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, username: str = "alice", password: str = TEST_PASSWORD, **kwargs):
        """POST /login as a browser would; kwargs go to the test client (environ_base...)."""
        token = csrf_token_in(self.client.get("/login", **kwargs).get_data(as_text=True))
        form = {"username": username, "password": password, "csrf_token": token}
        return self.client.post("/login", data=form, **kwargs)

    def logout(self):
        token = csrf_token_in(self.client.get("/logout").get_data(as_text=True))
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def client(app):
    """A Flask test client of `app`, not logged in."""
    return app.server.test_client()


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def login_user_id(engine) -> int:
    """'alice', who can log in with TEST_PASSWORD."""
    return make_login_user(engine)


@pytest.fixture
def logged_in_client(client, auth, login_user_id):
    """A test client with alice's session (the cookie of a real POST /login)."""
    response = auth.login()
    assert response.status_code == 302, "login failed"
    return client
