"""HEAD answers as GET does, without a body (load balancers and uptime checks send HEAD), and
never acts: a HEAD to /login is no failed sign-in, a HEAD to /logout signs nobody out."""

from __future__ import annotations

import shutil

import pytest

from dashboard.security.passwords import set_demo_password
from data.db import make_engine
from data.users import user_id_by_username
from tests.conftest import build_app

PATHS = ["/login", "/health", "/health/live", "/health/ready", "/", "/budgets", "/logout"]


def assert_head_is_get_without_body(client, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert (head.status_code, head.headers.get("Location")) == (
        got.status_code,
        got.headers.get("Location"),
    ), path
    assert head.data == b"", path


@pytest.mark.parametrize("path", PATHS)
def test_head_answers_as_get_signed_out(client, path):
    assert_head_is_get_without_body(client, path)


def test_head_of_login_is_200_like_get(client):
    assert client.head("/login").status_code == 200


@pytest.mark.parametrize("path", PATHS)
def test_head_answers_as_get_signed_in(logged_in_client, path):
    assert_head_is_get_without_body(logged_in_client, path)


def test_head_of_logout_does_not_sign_out(logged_in_client):
    assert logged_in_client.head("/logout").status_code == 200
    assert logged_in_client.get("/budgets").status_code == 200


@pytest.fixture
def demo_app(demo_db_url, tmp_path):
    """Demo mode over a private copy of the demo data, the demo password public."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), path)
    engine = make_engine(f"sqlite:///{path}")
    set_demo_password(engine, user_id_by_username(engine, "demo"))
    engine.dispose()
    return build_app(f"sqlite:///{path}", tmp_path, load_demo_data=True)


@pytest.mark.parametrize("path", ["/", "/login"])
def test_head_answers_as_get_in_demo_mode(demo_app, path):
    # Each its own client: the GET of "/" opens a demo session the HEAD must not ride on.
    got = demo_app.server.test_client().get(path)
    head = demo_app.server.test_client().head(path)
    assert (head.status_code, head.headers.get("Location")) == (
        got.status_code,
        got.headers.get("Location"),
    )
    assert head.data == b""
