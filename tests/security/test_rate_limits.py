"""Failed logins are rate-limited per account (across addresses) and per address (across
accounts), in memory or in Redis: past the limit, 429 with Retry-After and a readable page."""

from __future__ import annotations

import pytest

from dashboard.security.auth import WRONG_CREDENTIALS
from tests.conftest import AuthActions, build_app, make_login_user
from tests.security.conftest import db_url_of

pytestmark = pytest.mark.security

GENEROUS = "1000 per 15 minutes"


@pytest.fixture
def limited_app(engine, tmp_path, store_options):
    """Builds the app with the given limits, on the parametrised database and store."""

    def build(per_account: str = GENEROUS, per_address: str = GENEROUS):
        return build_app(
            db_url_of(engine),
            tmp_path,
            login_limit_per_account=per_account,
            login_limit_per_address=per_address,
            **store_options,
        )

    return build


def attempt(app, username: str, password: str, address: str):
    client = app.server.test_client()
    return AuthActions(client).login(username, password, environ_base={"REMOTE_ADDR": address})


def assert_refused_politely(response) -> None:
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    page = response.get_data(as_text=True)
    assert "Too many failed sign-ins" in page
    assert "Traceback" not in page


def test_failures_against_one_account_are_limited_whatever_the_address(
    engine, limited_app, store_options
):
    make_login_user(engine, "alice")
    make_login_user(engine, "bob")
    app = limited_app(per_account="3 per 15 minutes")
    for n, name in enumerate(("alice", "alice", " ALICE ")):
        response = attempt(app, name, "not the password", f"10.0.0.{n}")
        assert response.status_code == 200
        assert WRONG_CREDENTIALS in response.get_data(as_text=True)
    # Even the right password waits: the limit is on the account, not on guessing wrong.
    assert_refused_politely(attempt(app, "alice", "correct horse battery", "10.0.0.99"))
    assert attempt(app, "bob", "correct horse battery", "10.0.0.99").status_code == 302
    if store_options:
        import redis

        client = redis.Redis.from_url(store_options["redis_url"])
        prefix = store_options["cache_key_prefix"] + "limits:"
        assert any(client.scan_iter(match=prefix + "*")), "the counters live in Redis"
        client.close()


def test_failures_from_one_address_are_limited_whatever_the_account(engine, limited_app):
    make_login_user(engine, "alice")
    app = limited_app(per_address="3 per 15 minutes")
    for name in ("nobody", "somebody", "alice"):
        assert attempt(app, name, "not the password", "192.0.2.7").status_code == 200
    assert_refused_politely(attempt(app, "alice", "correct horse battery", "192.0.2.7"))
    assert attempt(app, "alice", "correct horse battery", "192.0.2.8").status_code == 302


def test_successful_logins_are_never_counted(engine, limited_app):
    make_login_user(engine, "alice")
    app = limited_app(per_account="2 per 15 minutes", per_address="2 per 15 minutes")
    for _ in range(5):
        assert attempt(app, "alice", "correct horse battery", "192.0.2.9").status_code == 302


def test_the_login_page_itself_is_never_limited(engine, limited_app):
    app = limited_app(per_account="1 per 15 minutes", per_address="1 per 15 minutes")
    assert attempt(app, "ghost", "not the password", "192.0.2.10").status_code == 200
    client = app.server.test_client()
    for _ in range(5):
        assert client.get("/login", environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 200


def test_behind_a_trusted_proxy_the_client_address_is_counted(engine, tmp_path):
    make_login_user(engine, "alice")
    proxy = "10.9.0.2"

    def through_proxy(app, client_address: str):
        client = app.server.test_client()
        return AuthActions(client).login(
            "alice",
            "not the password",
            environ_base={"REMOTE_ADDR": proxy},
            headers={"X-Forwarded-For": client_address},
        )

    trusting = build_app(
        db_url_of(engine),
        tmp_path / "trusting",
        login_limit_per_address="1 per 15 minutes",
        trusted_proxy_hops=1,
    )
    assert through_proxy(trusting, "198.51.100.1").status_code == 200
    assert through_proxy(trusting, "198.51.100.2").status_code == 200
    assert through_proxy(trusting, "198.51.100.1").status_code == 429
    direct = build_app(
        db_url_of(engine), tmp_path / "direct", login_limit_per_address="1 per 15 minutes"
    )
    assert through_proxy(direct, "198.51.100.1").status_code == 200
    # Not trusted, the header is the client's own claim: the peer's address is what counts.
    assert through_proxy(direct, "198.51.100.2").status_code == 429
