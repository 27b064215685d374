"""Login and logout, passwords, the user CLI commands and current_user_id
(dashboard/security/auth.py, dashboard/security/passwords.py, dashboard/cli.py). The
attack-shaped tests are in tests/security/."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from werkzeug.exceptions import Unauthorized

from dashboard.security import passwords
from dashboard.security.auth import WRONG_CREDENTIALS, current_user_id, safe_next
from dashboard.settings import Settings, SettingsError
from data import users
from tests.conftest import (
    TEST_PASSWORD,
    AuthActions,
    as_user,
    build_app,
    csrf_token_in,
    make_login_user,
    make_user,
)

SECRET = "s" * 40
WEAK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def db_url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def login_form(client, **fields) -> dict:
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    return {"username": "alice", "password": TEST_PASSWORD, "csrf_token": token, **fields}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/transactions?preset=all", "/transactions?preset=all"),
        ("/budgets", "/budgets"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("/login", "/"),
        ("/logout", "/"),
        ("/" + "a" * 2100, "/"),
    ],
)
def test_safe_next_keeps_only_paths_on_this_site(target, expected):
    assert safe_next(target) == expected


def test_login_returns_to_the_page_asked_for_and_never_off_site(client, login_user_id):
    response = client.post("/login", data=login_form(client, next="/transactions?preset=all"))
    assert response.headers["Location"] == "/transactions?preset=all"
    other = AuthActions(client.application.test_client())
    form = login_form(other.client, next="https://evil.example/")
    assert other.client.post("/login", data=form).headers["Location"] == "/"


def test_the_login_page_carries_next_through_the_form(client):
    page = client.get("/login?next=/budgets").get_data(as_text=True)
    assert 'name="next" value="/budgets"' in page
    assert 'name="username"' in page and 'name="password"' in page
    assert 'name="csrf_token"' in page
    assert '<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">' in page


def test_a_failed_login_says_so_and_keeps_the_username_escaped(client, login_user_id):
    form = login_form(client, username="<b>alice</b>", password="not the password")
    page = client.post("/login", data=form).get_data(as_text=True)
    assert WRONG_CREDENTIALS in page
    assert "&lt;b&gt;alice&lt;/b&gt;" in page and "<b>alice</b>" not in page
    assert client.get("/_dash-layout").status_code == 401


def test_empty_fields_are_asked_for_without_a_lookup(client, login_user_id):
    response = client.post("/login", data=login_form(client, password=""))
    assert response.status_code == 400
    assert "Enter your username and password." in response.get_data(as_text=True)


def test_usernames_are_matched_regardless_of_case(auth, login_user_id):
    assert auth.login("  ALICE ").status_code == 302


def test_a_logged_in_visit_to_login_goes_on_to_next(logged_in_client):
    response = logged_in_client.get("/login?next=/accounts")
    assert (response.status_code, response.headers["Location"]) == (302, "/accounts")


def test_logout_asks_first_then_signs_out(logged_in_client, auth):
    page = logged_in_client.get("/logout").get_data(as_text=True)
    assert 'action="/logout"' in page and 'name="csrf_token"' in page
    response = auth.logout()
    assert response.headers["Location"] == "/login?signed_out=1"
    assert "You are signed out." in logged_in_client.get("/login?signed_out=1").get_data(
        as_text=True
    )
    assert logged_in_client.get("/_dash-layout").status_code == 401


@pytest.mark.parametrize(
    ("overrides", "shown"),
    [
        ({"load_demo_data": True}, True),
        ({"load_demo_data": False}, False),
        ({"load_demo_data": True, "env": "production", "secret_key": SECRET}, False),
    ],
)
def test_the_demo_credentials_are_shown_in_demo_mode_only(engine, tmp_path, overrides, shown):
    passwords.set_demo_password(engine, make_user(engine, passwords.DEMO_USERNAME))
    app = build_app(db_url_of(engine), tmp_path, **overrides)
    page = app.server.test_client().get("/login").get_data(as_text=True)
    assert ('id="demo-credentials"' in page) is shown


def demo_hint_shown(client) -> bool:
    return 'id="demo-credentials"' in client.get("/login").get_data(as_text=True)


def test_the_demo_credentials_are_shown_only_while_they_work(engine, tmp_path):
    client = build_app(db_url_of(engine), tmp_path, load_demo_data=True).server.test_client()
    assert not demo_hint_shown(client), "no demo account: the hint would be a lie"
    demo_id = make_user(engine, passwords.DEMO_USERNAME)
    passwords.set_demo_password(engine, demo_id)
    # A fresh app: the one above remembers the closed demo for a minute.
    client = build_app(db_url_of(engine), tmp_path, load_demo_data=True).server.test_client()
    assert demo_hint_shown(client)
    passwords.set_password(engine, demo_id, "a private password now")
    assert not demo_hint_shown(client), "a private install (demo password changed)"


def test_login_page_loads_do_not_hash_the_demo_password_each_time(engine, tmp_path, monkeypatch):
    passwords.set_demo_password(engine, make_user(engine, passwords.DEMO_USERNAME))
    client = build_app(db_url_of(engine), tmp_path, load_demo_data=True).server.test_client()
    verifications = []
    real = passwords._verify
    monkeypatch.setattr(passwords, "_verify", lambda *a: verifications.append(a) or real(*a))
    assert [demo_hint_shown(client) for _ in range(3)] == [True, True, True]
    assert len(verifications) == 1


def test_new_passwords_must_be_8_to_256_characters():
    with pytest.raises(passwords.PasswordPolicyError, match="at least 8 characters"):
        passwords.check_new_password("seven77")
    with pytest.raises(passwords.PasswordPolicyError, match="at most 256 characters"):
        passwords.check_new_password("x" * 257)
    assert passwords.check_new_password("x" * 256) == "x" * 256
    assert passwords.check_new_password("eight888") == "eight888"


def test_set_password_stores_argon2id_and_moves_the_session_epoch(engine):
    user_id = make_user(engine)
    passwords.set_password(engine, user_id, "first passphrase")
    first = users.credentials_for_login(engine, "alice")
    passwords.set_password(engine, user_id, "second passphrase")
    second = users.credentials_for_login(engine, "alice")
    assert second.password_hash.startswith("$argon2id$")
    assert second.session_epoch == first.session_epoch + 1
    assert passwords.authenticate(engine, "alice", "second passphrase") == user_id
    assert passwords.authenticate(engine, "alice", "first passphrase") is None


def test_a_login_rehashes_an_outdated_hash_and_keeps_the_sessions(engine, client, auth):
    user_id = make_user(engine)
    users.set_password_hash(engine, user_id, WEAK_HASHER.hash(TEST_PASSWORD))
    weak = users.credentials_for_login(engine, "alice")
    assert passwords.hasher.check_needs_rehash(weak.password_hash)
    assert auth.login().status_code == 302
    upgraded = users.credentials_for_login(engine, "alice")
    assert upgraded.password_hash != weak.password_hash
    assert not passwords.hasher.check_needs_rehash(upgraded.password_hash)
    assert upgraded.session_epoch == weak.session_epoch
    assert client.get("/_dash-layout").status_code == 200


def test_a_rehash_never_overwrites_a_password_changed_meanwhile(engine):
    user_id = make_user(engine)
    users.set_password_hash(engine, user_id, WEAK_HASHER.hash("old passphrase"))
    stale = users.credentials_for_login(engine, "alice").password_hash
    passwords.set_password(engine, user_id, "new passphrase")
    new_hash = passwords.hash_password("old passphrase")
    assert not users.upgrade_password_hash(engine, user_id, stale, new_hash)
    assert passwords.authenticate(engine, "alice", "new passphrase") == user_id


def test_create_user_reads_the_password_from_stdin(app, engine):
    result = app.server.test_cli_runner().invoke(
        args=["create-user", "dave", "--password-stdin"], input="a long passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "user 'dave' created" in result.output
    assert passwords.authenticate(engine, "dave", "a long passphrase") is not None


def test_create_user_prompts_twice_without_echoing(app, engine):
    result = app.server.test_cli_runner().invoke(
        args=["create-user", "erin"], input="hidden passphrase\nhidden passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert "hidden passphrase" not in result.output
    assert passwords.authenticate(engine, "erin", "hidden passphrase") is not None


def test_create_user_refuses_short_passwords_and_taken_names(app, engine):
    runner = app.server.test_cli_runner()
    short = runner.invoke(args=["create-user", "fay", "--password-stdin"], input="short\n")
    assert short.exit_code == 1
    assert "Use at least 8 characters." in short.output
    assert users.credentials_for_login(engine, "fay") is None
    make_user(engine, "gus")
    taken = runner.invoke(args=["create-user", "GUS", "--password-stdin"], input="long enough\n")
    assert taken.exit_code == 1
    assert "taken" in taken.output


def test_set_password_command_ends_the_users_sessions(app, engine, logged_in_client):
    result = app.server.test_cli_runner().invoke(
        args=["set-password", "alice", "--password-stdin"], input="replacement phrase\n"
    )
    assert result.exit_code == 0, result.output
    assert logged_in_client.get("/_dash-layout").status_code == 401
    assert passwords.authenticate(engine, "alice", "replacement phrase") is not None
    unknown = app.server.test_cli_runner().invoke(
        args=["set-password", "nobody", "--password-stdin"], input="replacement phrase\n"
    )
    assert unknown.exit_code == 1 and "no user 'nobody'" in unknown.output


@pytest.mark.parametrize("demo_mode", [True, False])
def test_seed_gives_the_demo_user_its_password_in_demo_mode_only(engine, tmp_path, demo_mode):
    app = build_app(db_url_of(engine), tmp_path, load_demo_data=demo_mode)
    result = app.server.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    demo_id = users.credentials_for_login(engine, "demo").id
    expected = demo_id if demo_mode else None
    assert passwords.authenticate(engine, "demo", "demo") == expected
    assert ("set-password demo" in result.output) is not demo_mode


def test_current_user_id_is_the_logged_in_user_and_401_otherwise(app, engine):
    alice = make_login_user(engine, "alice")
    with as_user(app, alice):
        assert current_user_id() == alice
    with app.server.test_request_context("/"), pytest.raises(Unauthorized):
        current_user_id()


def test_session_and_login_limit_settings_are_read_and_checked():
    settings = Settings.from_env(
        {
            "SESSION_IDLE_TIMEOUT_S": "600",
            "SESSION_ABSOLUTE_TIMEOUT_S": "3600",
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per hour",
            "LOGIN_LIMIT_PER_ADDRESS": "10/minute",
        }
    )
    assert (settings.session_idle_timeout_s, settings.session_absolute_timeout_s) == (600, 3600)
    assert (settings.login_limit_per_account, settings.login_limit_per_address) == (
        "3 per hour",
        "10/minute",
    )
    with pytest.raises(SettingsError, match="SESSION_IDLE_TIMEOUT_S"):
        Settings(session_idle_timeout_s=7200, session_absolute_timeout_s=3600).validate()
    with pytest.raises(SettingsError, match="LOGIN_LIMIT_PER_ADDRESS"):
        Settings(login_limit_per_address="often").validate()
