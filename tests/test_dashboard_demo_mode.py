"""Demo mode: the embedded default opens the demo household without a login form, and the
first HTML carries its totals (what `curl 127.0.0.1:8050/` shows). Private again once the demo
password is changed."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from dashboard.forms import DEFAULT_PRESET, preset_period
from dashboard.security import passwords
from dashboard.security.passwords import set_demo_password, set_password
from data.db import make_engine
from data.filters import Filters
from data.money import format_money
from data.queries import totals
from data.users import user_id_by_username
from tests.conftest import build_app


@pytest.fixture
def demo_copy(demo_db_url, tmp_path) -> str:
    """A private copy of the session's demo database, with the demo password set."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    set_demo_password(engine, user_id_by_username(engine, "demo"))
    engine.dispose()
    return url


def test_the_first_page_shows_the_demo_totals_without_a_login(demo_copy, tmp_path):
    app = build_app(demo_copy, tmp_path, load_demo_data=True)
    response = app.server.test_client().get("/")
    assert response.status_code == 200
    engine = make_engine(demo_copy)
    first, last = preset_period(DEFAULT_PRESET, date.today())
    expected = totals(engine, user_id_by_username(engine, "demo"), Filters(first, last))
    engine.dispose()
    body = response.get_data(as_text=True)
    assert f"Income: {format_money(expected['income_minor'])}" in body
    assert f"Spending: {format_money(expected['spending_minor'])}" in body
    assert f"Net: {format_money(expected['net_minor'])}" in body


def test_demo_mode_never_answers_data_requests_without_a_session(demo_copy, tmp_path):
    app = build_app(demo_copy, tmp_path, load_demo_data=True)
    response = app.server.test_client().post("/_dash-update-component", json={})
    assert response.status_code == 401


def test_a_changed_demo_password_makes_the_installation_private(demo_copy, tmp_path):
    engine = make_engine(demo_copy)
    set_password(engine, user_id_by_username(engine, "demo"), "a real password now")
    engine.dispose()
    app = build_app(demo_copy, tmp_path, load_demo_data=True)
    response = app.server.test_client().get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_outside_demo_mode_the_first_page_asks_for_a_login(demo_copy, tmp_path):
    app = build_app(demo_copy, tmp_path, load_demo_data=False)
    response = app.server.test_client().get("/")
    assert response.status_code == 302
    assert "Income:" not in response.get_data(as_text=True)


def test_a_closed_demo_does_not_check_the_password_on_every_page_load(
    demo_copy, tmp_path, monkeypatch
):
    engine = make_engine(demo_copy)
    set_password(engine, user_id_by_username(engine, "demo"), "a real password now")
    engine.dispose()
    app = build_app(demo_copy, tmp_path, load_demo_data=True)
    checks = []
    real = passwords.authenticate
    monkeypatch.setattr(passwords, "authenticate", lambda *a: checks.append(a) or real(*a))
    client = app.server.test_client()
    assert [client.get("/").status_code for _ in range(3)] == [302, 302, 302]
    assert len(checks) == 1
